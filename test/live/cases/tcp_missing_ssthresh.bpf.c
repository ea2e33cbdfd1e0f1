// case: tcp cc without ssthresh: validate / tcp_register_congestion_control rejects
// checks: UPD-13, UPD-14
// expect: fail map_update EINVAL
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

SEC("struct_ops/undo_cwnd")
__u32 BPF_PROG(sot_noss_undo, struct sock *sk)
{
	return ((struct tcp_sock *)sk)->snd_cwnd;
}

SEC("struct_ops/cong_avoid")
void BPF_PROG(sot_noss_avoid, struct sock *sk, __u32 ack, __u32 acked)
{
	((struct tcp_sock *)sk)->snd_cwnd += acked;
}

SEC(".struct_ops")
struct tcp_congestion_ops sot_noss = {
	.undo_cwnd = (void *)sot_noss_undo,
	.cong_avoid = (void *)sot_noss_avoid,
	.name = "sot_noss",
};

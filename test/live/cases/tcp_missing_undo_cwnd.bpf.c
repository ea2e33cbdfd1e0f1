// case: tcp cc without undo_cwnd
// checks: UPD-13, UPD-14
// expect: fail map_update EINVAL
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

SEC("struct_ops/ssthresh")
__u32 BPF_PROG(sot_noundo_ssthresh, struct sock *sk)
{
	return 2;
}

SEC("struct_ops/cong_avoid")
void BPF_PROG(sot_noundo_avoid, struct sock *sk, __u32 ack, __u32 acked)
{
	((struct tcp_sock *)sk)->snd_cwnd += acked;
}

SEC(".struct_ops")
struct tcp_congestion_ops sot_noundo = {
	.ssthresh = (void *)sot_noundo_ssthresh,
	.cong_avoid = (void *)sot_noundo_avoid,
	.name = "sot_noundo",
};

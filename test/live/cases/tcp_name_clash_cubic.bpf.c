// case: tcp cc named like the built-in cubic: reg fails EEXIST, cubic is not replaced
// checks: UPD-14
// expect: fail map_update EEXIST
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

SEC("struct_ops/ssthresh")
__u32 BPF_PROG(sot_cubic_ssthresh, struct sock *sk)
{
	return 2;
}

SEC("struct_ops/undo_cwnd")
__u32 BPF_PROG(sot_cubic_undo, struct sock *sk)
{
	return ((struct tcp_sock *)sk)->snd_cwnd;
}

SEC("struct_ops/cong_avoid")
void BPF_PROG(sot_cubic_avoid, struct sock *sk, __u32 ack, __u32 acked)
{
	((struct tcp_sock *)sk)->snd_cwnd += acked;
}

SEC(".struct_ops")
struct tcp_congestion_ops sot_cubic = {
	.ssthresh = (void *)sot_cubic_ssthresh,
	.undo_cwnd = (void *)sot_cubic_undo,
	.cong_avoid = (void *)sot_cubic_avoid,
	.name = "cubic",
};

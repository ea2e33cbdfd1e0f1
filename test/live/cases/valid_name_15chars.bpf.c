// case: tcp cc name of exactly 15 characters (longest that fits with its NUL in char[16])
// checks: UPD-07
// expect: ok
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

SEC("struct_ops/ssthresh")
__u32 BPF_PROG(sot_n15_ssthresh, struct sock *sk)
{
	return 2;
}

SEC("struct_ops/undo_cwnd")
__u32 BPF_PROG(sot_n15_undo, struct sock *sk)
{
	return ((struct tcp_sock *)sk)->snd_cwnd;
}

SEC("struct_ops/cong_avoid")
void BPF_PROG(sot_n15_avoid, struct sock *sk, __u32 ack, __u32 acked)
{
	((struct tcp_sock *)sk)->snd_cwnd += acked;
}

SEC(".struct_ops")
struct tcp_congestion_ops sot_n15 = {
	.ssthresh = (void *)sot_n15_ssthresh,
	.undo_cwnd = (void *)sot_n15_undo,
	.cong_avoid = (void *)sot_n15_avoid,
	.name = "sot_fifteen_chr",
};

// case: minimal tcp cc: ssthresh + undo_cwnd + cong_avoid and a name, nothing else
// checks: UPD-14
// expect: ok
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

SEC("struct_ops/ssthresh")
__u32 BPF_PROG(sot_min_ssthresh, struct sock *sk)
{
	return 2;
}

SEC("struct_ops/undo_cwnd")
__u32 BPF_PROG(sot_min_undo, struct sock *sk)
{
	return ((struct tcp_sock *)sk)->snd_cwnd;
}

SEC("struct_ops/cong_avoid")
void BPF_PROG(sot_min_avoid, struct sock *sk, __u32 ack, __u32 acked)
{
	((struct tcp_sock *)sk)->snd_cwnd++;
}

SEC(".struct_ops")
struct tcp_congestion_ops sot_min = {
	.ssthresh = (void *)sot_min_ssthresh,
	.undo_cwnd = (void *)sot_min_undo,
	.cong_avoid = (void *)sot_min_avoid,
	.name = "sot_min",
};

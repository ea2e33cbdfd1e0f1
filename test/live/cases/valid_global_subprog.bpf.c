// case: ssthresh and undo_cwnd call a global (non-static, noinline) subprogram with scalar arguments
// checks: PRG-15, PRG-17
// expect: ok
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

__attribute__((noinline)) __u32 sot_gs_max(__u32 a, __u32 b)
{
	return a > b ? a : b;
}

SEC("struct_ops/ssthresh")
__u32 BPF_PROG(sot_gs_ssthresh, struct sock *sk)
{
	return sot_gs_max(((struct tcp_sock *)sk)->snd_cwnd >> 1, 2);
}

SEC("struct_ops/undo_cwnd")
__u32 BPF_PROG(sot_gs_undo, struct sock *sk)
{
	const struct tcp_sock *tp = (struct tcp_sock *)sk;

	return sot_gs_max(tp->snd_cwnd, tp->prior_cwnd);
}

SEC("struct_ops/cong_avoid")
void BPF_PROG(sot_gs_avoid, struct sock *sk, __u32 ack, __u32 acked)
{
	((struct tcp_sock *)sk)->snd_cwnd += 1;
}

SEC(".struct_ops")
struct tcp_congestion_ops sot_gs = {
	.ssthresh = (void *)sot_gs_ssthresh,
	.undo_cwnd = (void *)sot_gs_undo,
	.cong_avoid = (void *)sot_gs_avoid,
	.name = "sot_gs",
};

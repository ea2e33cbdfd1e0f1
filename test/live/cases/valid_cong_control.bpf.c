// case: tcp cc providing cong_control instead of cong_avoid (either satisfies the required-ops rule)
// checks: UPD-13, UPD-14
// expect: ok
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

SEC("struct_ops/ssthresh")
__u32 BPF_PROG(sot_cc_ssthresh, struct sock *sk)
{
	return ((struct tcp_sock *)sk)->snd_ssthresh;
}

SEC("struct_ops/undo_cwnd")
__u32 BPF_PROG(sot_cc_undo, struct sock *sk)
{
	return ((struct tcp_sock *)sk)->snd_cwnd;
}

SEC("struct_ops/cong_control")
void BPF_PROG(sot_cc_control, struct sock *sk, __u32 ack, int flag, const struct rate_sample *rs)
{
	struct tcp_sock *tp = (struct tcp_sock *)sk;

	if (rs->delivered > 0)
		tp->snd_cwnd = tp->snd_cwnd + 1;
}

SEC(".struct_ops")
struct tcp_congestion_ops sot_ctl = {
	.ssthresh = (void *)sot_cc_ssthresh,
	.undo_cwnd = (void *)sot_cc_undo,
	.cong_control = (void *)sot_cc_control,
	.name = "sot_ctl",
};

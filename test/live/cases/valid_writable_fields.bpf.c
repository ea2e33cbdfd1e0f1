// case: tcp cc writing every tcp_sock field bpf_tcp_ca allows (sk_pacing_rate, sk_pacing_status, icsk_ca_priv, icsk_ack.pending, snd_cwnd, snd_cwnd_cnt, snd_cwnd_stamp, snd_ssthresh, ecn_flags, app_limited)
// checks: PRG-19
// expect: ok
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

SEC("struct_ops/init")
void BPF_PROG(sot_wf_init, struct sock *sk)
{
	struct inet_connection_sock *icsk = (struct inet_connection_sock *)sk;
	struct tcp_sock *tp = (struct tcp_sock *)sk;

	sk->sk_pacing_rate = ~0UL;
	sk->sk_pacing_status = 1;
	icsk->icsk_ca_priv[0] = 0;
	icsk->icsk_ack.pending = 0;
	tp->snd_cwnd = 10;
	tp->snd_cwnd_cnt = 0;
	tp->snd_cwnd_stamp = 0;
	tp->snd_ssthresh = 0x7fffffff;
	tp->ecn_flags = 0;
	tp->app_limited = 0;
}

SEC("struct_ops/ssthresh")
__u32 BPF_PROG(sot_wf_ssthresh, struct sock *sk)
{
	return 2;
}

SEC("struct_ops/undo_cwnd")
__u32 BPF_PROG(sot_wf_undo, struct sock *sk)
{
	return 10;
}

SEC("struct_ops/cong_avoid")
void BPF_PROG(sot_wf_avoid, struct sock *sk, __u32 ack, __u32 acked)
{
}

SEC(".struct_ops")
struct tcp_congestion_ops sot_wf = {
	.init = (void *)sot_wf_init,
	.ssthresh = (void *)sot_wf_ssthresh,
	.undo_cwnd = (void *)sot_wf_undo,
	.cong_avoid = (void *)sot_wf_avoid,
	.name = "sot_wf",
};

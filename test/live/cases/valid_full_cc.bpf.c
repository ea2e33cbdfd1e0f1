// case: full tcp_congestion_ops (reno-like) with every commonly used op, unique name
// checks: UPD-14
// expect: ok
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

static inline struct tcp_sock *tcp_sk(const struct sock *sk)
{
	return (struct tcp_sock *)sk;
}

SEC("struct_ops/sot_full_init")
void BPF_PROG(sot_full_init, struct sock *sk)
{
	tcp_sk(sk)->snd_ssthresh = 0x7fffffff;
}

SEC("struct_ops/sot_full_release")
void BPF_PROG(sot_full_release, struct sock *sk)
{
}

SEC("struct_ops/sot_full_ssthresh")
__u32 BPF_PROG(sot_full_ssthresh, struct sock *sk)
{
	const struct tcp_sock *tp = tcp_sk(sk);
	__u32 half = tp->snd_cwnd >> 1;

	return half > 2 ? half : 2;
}

SEC("struct_ops/sot_full_cong_avoid")
void BPF_PROG(sot_full_cong_avoid, struct sock *sk, __u32 ack, __u32 acked)
{
	struct tcp_sock *tp = tcp_sk(sk);

	if (tp->snd_cwnd < tp->snd_ssthresh) {
		tp->snd_cwnd += acked;
		return;
	}
	if (++tp->snd_cwnd_cnt >= tp->snd_cwnd) {
		tp->snd_cwnd_cnt = 0;
		tp->snd_cwnd++;
	}
}

SEC("struct_ops/sot_full_set_state")
void BPF_PROG(sot_full_set_state, struct sock *sk, __u8 new_state)
{
}

SEC("struct_ops/sot_full_cwnd_event")
void BPF_PROG(sot_full_cwnd_event, struct sock *sk, enum tcp_ca_event ev)
{
}

SEC("struct_ops/sot_full_undo_cwnd")
__u32 BPF_PROG(sot_full_undo_cwnd, struct sock *sk)
{
	const struct tcp_sock *tp = tcp_sk(sk);

	return tp->snd_cwnd > tp->prior_cwnd ? tp->snd_cwnd : tp->prior_cwnd;
}

SEC("struct_ops/sot_full_pkts_acked")
void BPF_PROG(sot_full_pkts_acked, struct sock *sk, const struct ack_sample *sample)
{
}

SEC(".struct_ops")
struct tcp_congestion_ops sot_full = {
	.init = (void *)sot_full_init,
	.release = (void *)sot_full_release,
	.ssthresh = (void *)sot_full_ssthresh,
	.cong_avoid = (void *)sot_full_cong_avoid,
	.set_state = (void *)sot_full_set_state,
	.cwnd_event = (void *)sot_full_cwnd_event,
	.undo_cwnd = (void *)sot_full_undo_cwnd,
	.pkts_acked = (void *)sot_full_pkts_acked,
	.name = "sot_full",
};

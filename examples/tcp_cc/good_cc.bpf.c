// SPDX-License-Identifier: GPL-2.0
/* A small Reno-like TCP congestion control implemented in BPF. Loads as is with
 * `bpftool struct_ops register good_cc.bpf.o`. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

static inline struct tcp_sock *tcp_sk(const struct sock *sk)
{
	return (struct tcp_sock *)sk;
}

SEC("struct_ops/good_init")
void BPF_PROG(good_init, struct sock *sk)
{
	tcp_sk(sk)->snd_ssthresh = 0x7fffffff;
}

SEC("struct_ops/good_ssthresh")
__u32 BPF_PROG(good_ssthresh, struct sock *sk)
{
	const struct tcp_sock *tp = tcp_sk(sk);

	return tp->snd_cwnd >> 1 > 2 ? tp->snd_cwnd >> 1 : 2;
}

SEC("struct_ops/good_cong_avoid")
void BPF_PROG(good_cong_avoid, struct sock *sk, __u32 ack, __u32 acked)
{
	struct tcp_sock *tp = tcp_sk(sk);

	if (tp->snd_cwnd < tp->snd_ssthresh)
		tp->snd_cwnd += acked;
	else
		tp->snd_cwnd_cnt += acked;
}

SEC("struct_ops/good_undo_cwnd")
__u32 BPF_PROG(good_undo_cwnd, struct sock *sk)
{
	return tcp_sk(sk)->snd_cwnd;
}

SEC(".struct_ops")
struct tcp_congestion_ops good_cc = {
	.init = (void *)good_init,
	.ssthresh = (void *)good_ssthresh,
	.cong_avoid = (void *)good_cong_avoid,
	.undo_cwnd = (void *)good_undo_cwnd,
	.name = "good_cc",
};

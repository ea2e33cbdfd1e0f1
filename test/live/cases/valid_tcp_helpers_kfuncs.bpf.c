// case: tcp cc using bpf_tcp_send_ack, bpf_getsockopt, bpf_ktime_get_coarse_ns and the kfuncs tcp_slow_start / tcp_cong_avoid_ai (all offered to tcp_congestion_ops)
// checks: PRG-18
// expect: ok
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

#define SOL_TCP 6
#define TCP_MAXSEG 2

extern __u32 tcp_slow_start(struct tcp_sock *tp, __u32 acked) __ksym;
extern void tcp_cong_avoid_ai(struct tcp_sock *tp, __u32 w, __u32 acked) __ksym;

__u64 sot_th_last;

SEC("struct_ops/init")
void BPF_PROG(sot_th_init, struct sock *sk)
{
	int mss = 0;

	bpf_getsockopt(sk, SOL_TCP, TCP_MAXSEG, &mss, sizeof(mss));
	sot_th_last = bpf_ktime_get_coarse_ns();
}

SEC("struct_ops/ssthresh")
__u32 BPF_PROG(sot_th_ssthresh, struct sock *sk)
{
	return 2;
}

SEC("struct_ops/undo_cwnd")
__u32 BPF_PROG(sot_th_undo, struct sock *sk)
{
	return ((struct tcp_sock *)sk)->snd_cwnd;
}

SEC("struct_ops/cong_avoid")
void BPF_PROG(sot_th_avoid, struct sock *sk, __u32 ack, __u32 acked)
{
	struct tcp_sock *tp = (struct tcp_sock *)sk;

	if (tp->snd_cwnd < tp->snd_ssthresh) {
		acked = tcp_slow_start(tp, acked);
		if (!acked)
			return;
	}
	tcp_cong_avoid_ai(tp, tp->snd_cwnd, acked);
}

SEC("struct_ops/in_ack_event")
void BPF_PROG(sot_th_in_ack, struct sock *sk, __u32 flags)
{
	if (flags & 1)
		bpf_tcp_send_ack(sk, ((struct tcp_sock *)sk)->rcv_nxt);
}

SEC(".struct_ops")
struct tcp_congestion_ops sot_th = {
	.init = (void *)sot_th_init,
	.ssthresh = (void *)sot_th_ssthresh,
	.undo_cwnd = (void *)sot_th_undo,
	.cong_avoid = (void *)sot_th_avoid,
	.in_ack_event = (void *)sot_th_in_ack,
	.name = "sot_th",
};

// case: reno clone built on the tcp kfuncs tcp_reno_ssthresh / tcp_reno_cong_avoid / tcp_reno_undo_cwnd
// checks: PRG-18, UPD-14
// expect: ok
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

extern __u32 tcp_reno_ssthresh(struct sock *sk) __ksym;
extern void tcp_reno_cong_avoid(struct sock *sk, __u32 ack, __u32 acked) __ksym;
extern __u32 tcp_reno_undo_cwnd(struct sock *sk) __ksym;

SEC("struct_ops/ssthresh")
__u32 BPF_PROG(sot_kf_ssthresh, struct sock *sk)
{
	return tcp_reno_ssthresh(sk);
}

SEC("struct_ops/cong_avoid")
void BPF_PROG(sot_kf_avoid, struct sock *sk, __u32 ack, __u32 acked)
{
	tcp_reno_cong_avoid(sk, ack, acked);
}

SEC("struct_ops/undo_cwnd")
__u32 BPF_PROG(sot_kf_undo, struct sock *sk)
{
	return tcp_reno_undo_cwnd(sk);
}

SEC(".struct_ops")
struct tcp_congestion_ops sot_kf = {
	.ssthresh = (void *)sot_kf_ssthresh,
	.cong_avoid = (void *)sot_kf_avoid,
	.undo_cwnd = (void *)sot_kf_undo,
	.name = "sot_kf",
};

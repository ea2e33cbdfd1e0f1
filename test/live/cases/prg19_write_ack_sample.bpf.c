// case: pkts_acked writing through its const struct ack_sample * argument (not a tcp_sock: read-only)
// checks: PRG-19
// expect: fail prog_load EACCES
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

SEC("struct_ops/pkts_acked")
void BPF_PROG(sot_was_pkts_acked, struct sock *sk, struct ack_sample *sample)
{
	sample->rtt_us = 0;
}

SEC("struct_ops/ssthresh")
__u32 BPF_PROG(sot_was_ssthresh, struct sock *sk)
{
	return 2;
}

SEC("struct_ops/undo_cwnd")
__u32 BPF_PROG(sot_was_undo, struct sock *sk)
{
	return 10;
}

SEC("struct_ops/cong_avoid")
void BPF_PROG(sot_was_avoid, struct sock *sk, __u32 ack, __u32 acked)
{
}

SEC(".struct_ops")
struct tcp_congestion_ops sot_was = {
	.pkts_acked = (void *)sot_was_pkts_acked,
	.ssthresh = (void *)sot_was_ssthresh,
	.undo_cwnd = (void *)sot_was_undo,
	.cong_avoid = (void *)sot_was_avoid,
	.name = "sot_was",
};

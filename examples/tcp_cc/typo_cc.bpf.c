// SPDX-License-Identifier: GPL-2.0
/* A misspelled op: vmlinux.h declares `pkts_acked`, so clang rejects `.pkt_acked`. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

SEC("struct_ops/typo_ssthresh")
__u32 BPF_PROG(typo_ssthresh, struct sock *sk)
{
	return 2;
}

SEC("struct_ops/typo_undo_cwnd")
__u32 BPF_PROG(typo_undo_cwnd, struct sock *sk)
{
	return 10;
}

SEC("struct_ops/typo_cong_avoid")
void BPF_PROG(typo_cong_avoid, struct sock *sk, __u32 ack, __u32 acked)
{
}

SEC("struct_ops/typo_pkts_acked")
void BPF_PROG(typo_pkts_acked, struct sock *sk, const struct ack_sample *sample)
{
}

SEC(".struct_ops.link")
struct tcp_congestion_ops typo_cc = {
	.ssthresh = (void *)typo_ssthresh,
	.undo_cwnd = (void *)typo_undo_cwnd,
	.cong_avoid = (void *)typo_cong_avoid,
	.pkt_acked = (void *)typo_pkts_acked,
	.name = "typo_cc",
};

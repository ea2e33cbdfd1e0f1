// SPDX-License-Identifier: GPL-2.0
/* A struct_ops program that no map references: libbpf cannot tell which member it is for. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

SEC("struct_ops/fp_ssthresh")
__u32 BPF_PROG(fp_ssthresh, struct sock *sk)
{
	return 2;
}

SEC("struct_ops/fp_undo_cwnd")
__u32 BPF_PROG(fp_undo_cwnd, struct sock *sk)
{
	return 10;
}

SEC("struct_ops/fp_cong_avoid")
void BPF_PROG(fp_cong_avoid, struct sock *sk, __u32 ack, __u32 acked)
{
}

SEC("struct_ops/fp_cwnd_event")
void BPF_PROG(fp_cwnd_event, struct sock *sk, enum tcp_ca_event ev)
{
}

SEC(".struct_ops.link")
struct tcp_congestion_ops fp_cc = {
	.ssthresh = (void *)fp_ssthresh,
	.undo_cwnd = (void *)fp_undo_cwnd,
	.cong_avoid = (void *)fp_cong_avoid,
	.name = "fp_cc",
};

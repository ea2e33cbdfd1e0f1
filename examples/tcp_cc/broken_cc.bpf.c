// SPDX-License-Identifier: GPL-2.0
/* Built against a struct copied from a newer kernel's header: it compiles, and fails only
 * when libbpf matches the members against the running kernel's BTF. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

/* Copied from a newer kernel's header: this kernel has no `cong_limit` op. */
struct tcp_congestion_ops___new {
	__u32 (*ssthresh)(struct sock *sk);
	void (*cong_avoid)(struct sock *sk, __u32 ack, __u32 acked);
	__u32 (*undo_cwnd)(struct sock *sk);
	__u32 (*cong_limit)(struct sock *sk);
	char name[16];
};

SEC("struct_ops/broken_ssthresh")
__u32 BPF_PROG(broken_ssthresh, struct sock *sk)
{
	return 2;
}

SEC("struct_ops/broken_cong_avoid")
void BPF_PROG(broken_cong_avoid, struct sock *sk, __u32 ack, __u32 acked)
{
}

SEC("struct_ops/broken_undo_cwnd")
__u32 BPF_PROG(broken_undo_cwnd, struct sock *sk)
{
	return 10;
}

SEC("struct_ops/broken_cong_limit")
__u32 BPF_PROG(broken_cong_limit, struct sock *sk)
{
	return 100;
}

SEC(".struct_ops")
struct tcp_congestion_ops___new broken_cc = {
	.ssthresh = (void *)broken_ssthresh,
	.cong_avoid = (void *)broken_cong_avoid,
	.undo_cwnd = (void *)broken_undo_cwnd,
	.cong_limit = (void *)broken_cong_limit,
	.name = "broken_cc",
};

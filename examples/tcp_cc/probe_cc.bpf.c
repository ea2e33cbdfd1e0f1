// SPDX-License-Identifier: GPL-2.0
/* A tracing program wired into an ops member: clang accepts the cast, libbpf does not. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

SEC("struct_ops/probe_ssthresh")
__u32 BPF_PROG(probe_ssthresh, struct sock *sk)
{
	return 2;
}

SEC("struct_ops/probe_undo_cwnd")
__u32 BPF_PROG(probe_undo_cwnd, struct sock *sk)
{
	return 10;
}

SEC("tp_btf/tcp_probe")
int BPF_PROG(on_probe, struct sock *sk, struct sk_buff *skb)
{
	return 0;
}

SEC(".struct_ops")
struct tcp_congestion_ops probe_cc = {
	.ssthresh = (void *)probe_ssthresh,
	.cong_avoid = (void *)on_probe,
	.undo_cwnd = (void *)probe_undo_cwnd,
	.name = "probe_cc",
};

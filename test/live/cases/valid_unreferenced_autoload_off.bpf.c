// case: a valid cc plus an unreferenced SEC("?struct_ops/...") program: autoload off, never loaded, so LIB-20 does not fire
// checks: LIB-20
// expect: ok
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

SEC("?struct_ops/spare")
__u32 BPF_PROG(sot_ua_spare, struct sock *sk)
{
	return 3;
}

SEC("struct_ops/ssthresh")
__u32 BPF_PROG(sot_ua_ssthresh, struct sock *sk)
{
	return 2;
}

SEC("struct_ops/undo_cwnd")
__u32 BPF_PROG(sot_ua_undo, struct sock *sk)
{
	return 10;
}

SEC("struct_ops/cong_avoid")
void BPF_PROG(sot_ua_avoid, struct sock *sk, __u32 ack, __u32 acked)
{
}

SEC(".struct_ops")
struct tcp_congestion_ops sot_ua = {
	.ssthresh = (void *)sot_ua_ssthresh,
	.undo_cwnd = (void *)sot_ua_undo,
	.cong_avoid = (void *)sot_ua_avoid,
	.name = "sot_ua",
};

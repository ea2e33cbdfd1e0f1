// case: programs in SEC("struct_ops") without a /name suffix, two of them sharing SEC("struct_ops/shared") (the map initializer alone picks the member)
// checks: LIB-06, LIB-07
// expect: ok
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

SEC("struct_ops")
__u32 BPF_PROG(sot_bare_ssthresh, struct sock *sk)
{
	return 2;
}

SEC("struct_ops/shared")
__u32 BPF_PROG(sot_bare_undo, struct sock *sk)
{
	return 10;
}

SEC("struct_ops/shared")
void BPF_PROG(sot_bare_avoid, struct sock *sk, __u32 ack, __u32 acked)
{
}

SEC(".struct_ops")
struct tcp_congestion_ops sot_bare = {
	.ssthresh = (void *)sot_bare_ssthresh,
	.undo_cwnd = (void *)sot_bare_undo,
	.cong_avoid = (void *)sot_bare_avoid,
	.name = "sot_bare",
};

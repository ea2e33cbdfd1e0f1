// case: cong_avoid (void member) implemented by a program returning a value: R0 is not checked for void members
// checks: PRG-17
// expect: ok
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

SEC("struct_ops/cong_avoid")
int BPF_PROG(sot_rv_avoid, struct sock *sk, __u32 ack, __u32 acked)
{
	return 42;
}

SEC("struct_ops/ssthresh")
__u32 BPF_PROG(sot_rv_ssthresh, struct sock *sk)
{
	return 2;
}

SEC("struct_ops/undo_cwnd")
__u32 BPF_PROG(sot_rv_undo, struct sock *sk)
{
	return 10;
}

SEC(".struct_ops")
struct tcp_congestion_ops sot_rv = {
	.ssthresh = (void *)sot_rv_ssthresh,
	.undo_cwnd = (void *)sot_rv_undo,
	.cong_avoid = (void *)sot_rv_avoid,
	.name = "sot_rv",
};

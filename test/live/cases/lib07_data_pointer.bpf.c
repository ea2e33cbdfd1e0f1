// case: a member initialised with the address of a global variable instead of a program
// checks: LIB-07
// expect: fail open EINVAL
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

__u64 sot_dp_counter SEC(".data") = 1;

SEC("struct_ops/undo_cwnd")
__u32 BPF_PROG(sot_dp_undo, struct sock *sk)
{
	return 10;
}

SEC("struct_ops/cong_avoid")
void BPF_PROG(sot_dp_avoid, struct sock *sk, __u32 ack, __u32 acked)
{
}

SEC(".struct_ops")
struct tcp_congestion_ops sot_dp = {
	.ssthresh = (void *)&sot_dp_counter,
	.undo_cwnd = (void *)sot_dp_undo,
	.cong_avoid = (void *)sot_dp_avoid,
	.name = "sot_dp",
};

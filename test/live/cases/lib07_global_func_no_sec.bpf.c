// case: a global (non-static) function without SEC() wired into a member: it is a .text subprogram, not a struct_ops program
// checks: LIB-07
// expect: fail open EINVAL
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

__attribute__((noinline)) __u32 sot_plain_ssthresh(struct sock *sk)
{
	return 2;
}

SEC("struct_ops/undo_cwnd")
__u32 BPF_PROG(sot_gf_undo, struct sock *sk)
{
	return 10;
}

SEC("struct_ops/cong_avoid")
void BPF_PROG(sot_gf_avoid, struct sock *sk, __u32 ack, __u32 acked)
{
}

SEC(".struct_ops")
struct tcp_congestion_ops sot_gf = {
	.ssthresh = (void *)sot_plain_ssthresh,
	.undo_cwnd = (void *)sot_gf_undo,
	.cong_avoid = (void *)sot_gf_avoid,
	.name = "sot_gf",
};

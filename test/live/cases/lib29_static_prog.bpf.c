// case: a static struct_ops program (local symbol in a program section)
// checks: LIB-29
// expect: fail open EOPNOTSUPP
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

SEC("struct_ops/ssthresh")
static __u32 BPF_PROG(sot_st_ssthresh, struct sock *sk)
{
	return 2;
}

SEC("struct_ops/undo_cwnd")
__u32 BPF_PROG(sot_st_undo, struct sock *sk)
{
	return 10;
}

SEC("struct_ops/cong_avoid")
void BPF_PROG(sot_st_avoid, struct sock *sk, __u32 ack, __u32 acked)
{
}

SEC(".struct_ops")
struct tcp_congestion_ops sot_st = {
	.ssthresh = (void *)sot_st_ssthresh,
	.undo_cwnd = (void *)sot_st_undo,
	.cong_avoid = (void *)sot_st_avoid,
	.name = "sot_st",
};

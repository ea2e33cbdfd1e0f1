// case: program for tcp_congestion_ops.get_info, whose cfi stub is NULL on 6.12+ (unsupported member)
// checks: PRG-11
// expect: fail prog_load ENOTSUPP
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

SEC("struct_ops/get_info")
size_t BPF_PROG(sot_gi_get_info, struct sock *sk, __u32 ext, int *attr, union tcp_cc_info *info)
{
	return 0;
}

SEC("struct_ops/ssthresh")
__u32 BPF_PROG(sot_gi_ssthresh, struct sock *sk)
{
	return 2;
}

SEC("struct_ops/undo_cwnd")
__u32 BPF_PROG(sot_gi_undo, struct sock *sk)
{
	return 10;
}

SEC("struct_ops/cong_avoid")
void BPF_PROG(sot_gi_avoid, struct sock *sk, __u32 ack, __u32 acked)
{
}

SEC(".struct_ops")
struct tcp_congestion_ops sot_gi = {
	.ssthresh = (void *)sot_gi_ssthresh,
	.undo_cwnd = (void *)sot_gi_undo,
	.cong_avoid = (void *)sot_gi_avoid,
	.get_info = (void *)sot_gi_get_info,
	.name = "sot_gi",
};

// case: sleepable program in SEC("struct_ops.s/ssthresh"): libbpf 1.1 has no struct_ops.s section definition, the program stays UNSPEC and the relocation rejects it
// checks: LIB-01, LIB-07
// expect: fail open EINVAL
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

SEC("struct_ops.s/ssthresh")
__u32 BPF_PROG(sot_slp_ssthresh, struct sock *sk)
{
	return 2;
}

SEC("struct_ops/undo_cwnd")
__u32 BPF_PROG(sot_slp_undo, struct sock *sk)
{
	return 10;
}

SEC("struct_ops/cong_avoid")
void BPF_PROG(sot_slp_avoid, struct sock *sk, __u32 ack, __u32 acked)
{
}

SEC(".struct_ops")
struct tcp_congestion_ops sot_slp = {
	.ssthresh = (void *)sot_slp_ssthresh,
	.undo_cwnd = (void *)sot_slp_undo,
	.cong_avoid = (void *)sot_slp_avoid,
	.name = "sot_slp",
};

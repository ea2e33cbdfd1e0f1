// case: valid cc without any license section (empty license)
// checks: PRG-05
// expect: fail prog_load EINVAL
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

SEC("struct_ops/ssthresh")
__u32 BPF_PROG(sot_nolic_ssthresh, struct sock *sk)
{
	return 2;
}

SEC("struct_ops/undo_cwnd")
__u32 BPF_PROG(sot_nolic_undo, struct sock *sk)
{
	return 10;
}

SEC("struct_ops/cong_avoid")
void BPF_PROG(sot_nolic_avoid, struct sock *sk, __u32 ack, __u32 acked)
{
}

SEC(".struct_ops")
struct tcp_congestion_ops sot_nolic = {
	.ssthresh = (void *)sot_nolic_ssthresh,
	.undo_cwnd = (void *)sot_nolic_undo,
	.cong_avoid = (void *)sot_nolic_avoid,
	.name = "sot_nolic",
};

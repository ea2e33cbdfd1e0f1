// case: valid cc under the "Dual BSD/GPL" license (GPL-compatible)
// checks: PRG-05
// expect: ok
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "Dual BSD/GPL";

SEC("struct_ops/ssthresh")
__u32 BPF_PROG(sot_dual_ssthresh, struct sock *sk)
{
	return 2;
}

SEC("struct_ops/undo_cwnd")
__u32 BPF_PROG(sot_dual_undo, struct sock *sk)
{
	return 10;
}

SEC("struct_ops/cong_avoid")
void BPF_PROG(sot_dual_avoid, struct sock *sk, __u32 ack, __u32 acked)
{
}

SEC(".struct_ops")
struct tcp_congestion_ops sot_dual = {
	.ssthresh = (void *)sot_dual_ssthresh,
	.undo_cwnd = (void *)sot_dual_undo,
	.cong_avoid = (void *)sot_dual_avoid,
	.name = "sot_dual",
};

// case: .owner = (void *)1 (a constant non-program pointer): libbpf 1.1 has no shadow data and drops it, the kernel sees NULL and registers the cc
// checks: LIB-15, UPD-06
// expect: ok
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

SEC("struct_ops/ssthresh")
__u32 BPF_PROG(sot_oc_ssthresh, struct sock *sk)
{
	return 2;
}

SEC("struct_ops/undo_cwnd")
__u32 BPF_PROG(sot_oc_undo, struct sock *sk)
{
	return 10;
}

SEC("struct_ops/cong_avoid")
void BPF_PROG(sot_oc_avoid, struct sock *sk, __u32 ack, __u32 acked)
{
}

SEC(".struct_ops")
struct tcp_congestion_ops sot_oc = {
	.ssthresh = (void *)sot_oc_ssthresh,
	.undo_cwnd = (void *)sot_oc_undo,
	.cong_avoid = (void *)sot_oc_avoid,
	.owner = (void *)1,
	.name = "sot_oc",
};

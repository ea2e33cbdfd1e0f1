// case: one program used by two struct_ops types at the same member index (tcp ssthresh and bpf_dummy_ops test_1, both index 0)
// checks: LIB-07, LIB-17
// expect: fail open EINVAL
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

SEC("struct_ops/shared")
int BPF_PROG(sot_rt_shared, void *arg)
{
	return 2;
}

SEC("struct_ops/undo_cwnd")
__u32 BPF_PROG(sot_rt_undo, struct sock *sk)
{
	return 10;
}

SEC("struct_ops/cong_avoid")
void BPF_PROG(sot_rt_avoid, struct sock *sk, __u32 ack, __u32 acked)
{
}

SEC(".struct_ops")
struct tcp_congestion_ops sot_rt_cc = {
	.ssthresh = (void *)sot_rt_shared,
	.undo_cwnd = (void *)sot_rt_undo,
	.cong_avoid = (void *)sot_rt_avoid,
	.name = "sot_rt_cc",
};

SEC(".struct_ops")
struct bpf_dummy_ops sot_rt_dummy = {
	.test_1 = (void *)sot_rt_shared,
};

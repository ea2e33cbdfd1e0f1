// case: one object with a tcp cc map and a bpf_dummy_ops map: the tcp one registers, the dummy one fails EOPNOTSUPP
// checks: UPD-07, UPD-14
// expect: fail map_update EOPNOTSUPP
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

SEC("struct_ops/ssthresh")
__u32 BPF_PROG(sot_mx_ssthresh, struct sock *sk)
{
	return 2;
}

SEC("struct_ops/undo_cwnd")
__u32 BPF_PROG(sot_mx_undo, struct sock *sk)
{
	return 10;
}

SEC("struct_ops/cong_avoid")
void BPF_PROG(sot_mx_avoid, struct sock *sk, __u32 ack, __u32 acked)
{
}

SEC("struct_ops/test_1")
int BPF_PROG(sot_mx_test_1, struct bpf_dummy_ops_state *state)
{
	return 0;
}

SEC(".struct_ops")
struct tcp_congestion_ops sot_mx_cc = {
	.ssthresh = (void *)sot_mx_ssthresh,
	.undo_cwnd = (void *)sot_mx_undo,
	.cong_avoid = (void *)sot_mx_avoid,
	.name = "sot_mx_cc",
};

SEC(".struct_ops")
struct bpf_dummy_ops sot_mx_dummy = {
	.test_1 = (void *)sot_mx_test_1,
};

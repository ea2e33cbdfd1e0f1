// case: two maps registering the same new cc name: the second gets EEXIST from tcp_register_congestion_control
// checks: UPD-14
// expect: fail map_update EEXIST
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

SEC("struct_ops/ssthresh")
__u32 BPF_PROG(sot_dn_ssthresh, struct sock *sk)
{
	return 2;
}

SEC("struct_ops/undo_cwnd")
__u32 BPF_PROG(sot_dn_undo, struct sock *sk)
{
	return 10;
}

SEC("struct_ops/cong_avoid")
void BPF_PROG(sot_dn_avoid, struct sock *sk, __u32 ack, __u32 acked)
{
}

SEC(".struct_ops")
struct tcp_congestion_ops sot_dn_a = {
	.ssthresh = (void *)sot_dn_ssthresh,
	.undo_cwnd = (void *)sot_dn_undo,
	.cong_avoid = (void *)sot_dn_avoid,
	.name = "sot_dn",
};

SEC(".struct_ops")
struct tcp_congestion_ops sot_dn_b = {
	.ssthresh = (void *)sot_dn_ssthresh,
	.undo_cwnd = (void *)sot_dn_undo,
	.cong_avoid = (void *)sot_dn_avoid,
	.name = "sot_dn",
};

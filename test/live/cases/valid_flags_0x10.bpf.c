// case: tcp cc with .flags = 0x10 (highest bit accepted on 6.18.44, TCP_CONG_MASK 0x1f)
// checks: UPD-07
// expect: ok
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

SEC("struct_ops/ssthresh")
__u32 BPF_PROG(sot_fl_ssthresh, struct sock *sk)
{
	return 2;
}

SEC("struct_ops/undo_cwnd")
__u32 BPF_PROG(sot_fl_undo, struct sock *sk)
{
	return 10;
}

SEC("struct_ops/cong_avoid")
void BPF_PROG(sot_fl_avoid, struct sock *sk, __u32 ack, __u32 acked)
{
}

SEC(".struct_ops")
struct tcp_congestion_ops sot_fl = {
	.ssthresh = (void *)sot_fl_ssthresh,
	.undo_cwnd = (void *)sot_fl_undo,
	.cong_avoid = (void *)sot_fl_avoid,
	.flags = 0x10,
	.name = "sot_fl_10",
};

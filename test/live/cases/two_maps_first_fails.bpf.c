// case: two maps in one object: the first fails (bad name) and the second still registers (the attach loop goes on after a failed map)
// checks: UPD-07, UPD-14, MOD-08
// expect: fail map_update EINVAL
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

SEC("struct_ops/ssthresh")
__u32 BPF_PROG(sot_f2_ssthresh, struct sock *sk)
{
	return 2;
}

SEC("struct_ops/undo_cwnd")
__u32 BPF_PROG(sot_f2_undo, struct sock *sk)
{
	return 10;
}

SEC("struct_ops/cong_avoid")
void BPF_PROG(sot_f2_avoid, struct sock *sk, __u32 ack, __u32 acked)
{
}

SEC(".struct_ops")
struct tcp_congestion_ops sot_f2_bad = {
	.ssthresh = (void *)sot_f2_ssthresh,
	.undo_cwnd = (void *)sot_f2_undo,
	.cong_avoid = (void *)sot_f2_avoid,
	.name = "sot-f2-bad",
};

SEC(".struct_ops")
struct tcp_congestion_ops sot_f2_ok = {
	.ssthresh = (void *)sot_f2_ssthresh,
	.undo_cwnd = (void *)sot_f2_undo,
	.cong_avoid = (void *)sot_f2_avoid,
	.name = "sot_f2_ok",
};

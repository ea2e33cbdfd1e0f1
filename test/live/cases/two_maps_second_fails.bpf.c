// case: two maps in one object: the first registers, the second clashes with cubic (EEXIST); like bpftool the loader goes on and the first stays registered until teardown
// checks: UPD-14, MOD-08
// expect: fail map_update EEXIST
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

SEC("struct_ops/ssthresh")
__u32 BPF_PROG(sot_t2_ssthresh, struct sock *sk)
{
	return 2;
}

SEC("struct_ops/undo_cwnd")
__u32 BPF_PROG(sot_t2_undo, struct sock *sk)
{
	return 10;
}

SEC("struct_ops/cong_avoid")
void BPF_PROG(sot_t2_avoid, struct sock *sk, __u32 ack, __u32 acked)
{
}

SEC(".struct_ops")
struct tcp_congestion_ops sot_t2_ok = {
	.ssthresh = (void *)sot_t2_ssthresh,
	.undo_cwnd = (void *)sot_t2_undo,
	.cong_avoid = (void *)sot_t2_avoid,
	.name = "sot_t2_ok",
};

SEC(".struct_ops")
struct tcp_congestion_ops sot_t2_bad = {
	.ssthresh = (void *)sot_t2_ssthresh,
	.undo_cwnd = (void *)sot_t2_undo,
	.cong_avoid = (void *)sot_t2_avoid,
	.name = "cubic",
};

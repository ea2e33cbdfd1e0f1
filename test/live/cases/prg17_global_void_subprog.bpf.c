// case: cong_avoid calls a global (non-static) void subprogram: 'doesn't return scalar' is fatal for a called global subprog (only ignored for the main prog)
// checks: PRG-17
// expect: fail prog_load EINVAL
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

__u64 sot_gv_calls;

__attribute__((noinline)) void sot_gv_count(__u32 acked)
{
	__sync_fetch_and_add(&sot_gv_calls, acked);
}

SEC("struct_ops/ssthresh")
__u32 BPF_PROG(sot_gv_ssthresh, struct sock *sk)
{
	return 2;
}

SEC("struct_ops/undo_cwnd")
__u32 BPF_PROG(sot_gv_undo, struct sock *sk)
{
	return 10;
}

SEC("struct_ops/cong_avoid")
void BPF_PROG(sot_gv_avoid, struct sock *sk, __u32 ack, __u32 acked)
{
	sot_gv_count(acked);
}

SEC(".struct_ops")
struct tcp_congestion_ops sot_gv = {
	.ssthresh = (void *)sot_gv_ssthresh,
	.undo_cwnd = (void *)sot_gv_undo,
	.cong_avoid = (void *)sot_gv_avoid,
	.name = "sot_gv",
};

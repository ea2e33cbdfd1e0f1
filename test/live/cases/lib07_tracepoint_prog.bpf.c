// case: a tracepoint program wired into a tcp_congestion_ops member
// checks: LIB-07
// expect: fail open EINVAL
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

SEC("tp/sched/sched_switch")
int sot_tp_handler(void *ctx)
{
	return 0;
}

SEC("struct_ops/ssthresh")
__u32 BPF_PROG(sot_tp_ssthresh, struct sock *sk)
{
	return 2;
}

SEC("struct_ops/undo_cwnd")
__u32 BPF_PROG(sot_tp_undo, struct sock *sk)
{
	return 10;
}

SEC(".struct_ops")
struct tcp_congestion_ops sot_tp = {
	.ssthresh = (void *)sot_tp_ssthresh,
	.undo_cwnd = (void *)sot_tp_undo,
	.cong_avoid = (void *)sot_tp_handler,
	.name = "sot_tp",
};

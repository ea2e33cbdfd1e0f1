// case: a static struct_ops program and a tracepoint program wired into the map: the static-program check (while collecting programs) wins over the relocation error
// checks: LIB-29, LIB-07
// expect: fail open EOPNOTSUPP
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

SEC("tp/sched/sched_switch")
int sot_sbr_tp(void *ctx)
{
	return 0;
}

SEC("struct_ops/undo_cwnd")
static __u32 BPF_PROG(sot_sbr_undo, struct sock *sk)
{
	return 10;
}

SEC("struct_ops/ssthresh")
__u32 BPF_PROG(sot_sbr_ssthresh, struct sock *sk)
{
	return 2;
}

SEC(".struct_ops")
struct tcp_congestion_ops sot_sbr = {
	.ssthresh = (void *)sot_sbr_ssthresh,
	.undo_cwnd = (void *)sot_sbr_undo,
	.cong_avoid = (void *)sot_sbr_tp,
	.name = "sot_sbr",
};

// case: ssthresh program declaring a second argument and reading it (kernel prototype has one): ctx slot 1 does not exist
// checks: PRG-16
// expect: fail prog_load EACCES
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

SEC("struct_ops/ssthresh")
__u32 BPF_PROG(sot_xa_ssthresh, struct sock *sk, __u32 bogus)
{
	return bogus > 2 ? bogus : 2;
}

SEC("struct_ops/undo_cwnd")
__u32 BPF_PROG(sot_xa_undo, struct sock *sk)
{
	return 10;
}

SEC("struct_ops/cong_avoid")
void BPF_PROG(sot_xa_avoid, struct sock *sk, __u32 ack, __u32 acked)
{
}

SEC(".struct_ops")
struct tcp_congestion_ops sot_xa = {
	.ssthresh = (void *)sot_xa_ssthresh,
	.undo_cwnd = (void *)sot_xa_undo,
	.cong_avoid = (void *)sot_xa_avoid,
	.name = "sot_xa",
};

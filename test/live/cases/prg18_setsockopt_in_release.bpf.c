// case: bpf_setsockopt called from tcp_congestion_ops.release (allowed in other ops, refused in release)
// checks: PRG-18
// expect: fail prog_load EINVAL
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

#define SOL_TCP 6
#define TCP_CONGESTION 13

SEC("struct_ops/release")
void BPF_PROG(sot_rel_release, struct sock *sk)
{
	char cc[] = "reno";

	bpf_setsockopt(sk, SOL_TCP, TCP_CONGESTION, cc, sizeof(cc));
}

SEC("struct_ops/ssthresh")
__u32 BPF_PROG(sot_rel_ssthresh, struct sock *sk)
{
	return 2;
}

SEC("struct_ops/undo_cwnd")
__u32 BPF_PROG(sot_rel_undo, struct sock *sk)
{
	return 10;
}

SEC("struct_ops/cong_avoid")
void BPF_PROG(sot_rel_avoid, struct sock *sk, __u32 ack, __u32 acked)
{
}

SEC(".struct_ops")
struct tcp_congestion_ops sot_rel = {
	.ssthresh = (void *)sot_rel_ssthresh,
	.undo_cwnd = (void *)sot_rel_undo,
	.cong_avoid = (void *)sot_rel_avoid,
	.release = (void *)sot_rel_release,
	.name = "sot_rel",
};

// case: local tcp_congestion_ops declaring flags as a bitfield
// checks: LIB-13
// expect: fail load EOPNOTSUPP
#define tcp_congestion_ops tcp_congestion_ops___vmlinux
#include "vmlinux.h"
#undef tcp_congestion_ops
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

/* local (BPF-side) definition of the type, differing from the kernel's */
struct tcp_congestion_ops {
	__u32 (*ssthresh)(struct sock *sk);
	void (*cong_avoid)(struct sock *sk, __u32 ack, __u32 acked);
	__u32 (*undo_cwnd)(struct sock *sk);
	char name[16];
	__u32 flags : 8;
};

SEC("struct_ops/ssthresh")
__u32 BPF_PROG(sot_bf_ssthresh, struct sock *sk)
{
	return 2;
}

SEC("struct_ops/undo_cwnd")
__u32 BPF_PROG(sot_bf_undo, struct sock *sk)
{
	return 10;
}

SEC("struct_ops/cong_avoid")
void BPF_PROG(sot_bf_avoid, struct sock *sk, __u32 ack, __u32 acked)
{
}

SEC(".struct_ops")
struct tcp_congestion_ops sot_bf = {
	.ssthresh = (void *)sot_bf_ssthresh,
	.undo_cwnd = (void *)sot_bf_undo,
	.cong_avoid = (void *)sot_bf_avoid,
	.flags = 1,
	.name = "sot_bf",
};

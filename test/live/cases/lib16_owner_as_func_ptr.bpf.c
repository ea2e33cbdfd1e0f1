// case: local tcp_congestion_ops declaring owner (kernel: struct module *) as a function pointer and wiring a program to it
// checks: LIB-16
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
	__u32 (*owner)(struct sock *sk);
};

SEC("struct_ops/ssthresh")
__u32 BPF_PROG(sot_own_ssthresh, struct sock *sk)
{
	return 2;
}

SEC("struct_ops/undo_cwnd")
__u32 BPF_PROG(sot_own_undo, struct sock *sk)
{
	return 10;
}

SEC("struct_ops/cong_avoid")
void BPF_PROG(sot_own_avoid, struct sock *sk, __u32 ack, __u32 acked)
{
}

SEC("struct_ops/owner")
__u32 BPF_PROG(sot_own_extra, struct sock *sk)
{
	return 0;
}

SEC(".struct_ops")
struct tcp_congestion_ops sot_own = {
	.ssthresh = (void *)sot_own_ssthresh,
	.undo_cwnd = (void *)sot_own_undo,
	.cong_avoid = (void *)sot_own_avoid,
	.owner = (void *)sot_own_extra,
	.name = "sot_own",
};

// case: local tcp_congestion_ops declaring name as char[8] (kernel: char[16])
// checks: LIB-18
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
	char name[8];
};

SEC("struct_ops/ssthresh")
__u32 BPF_PROG(sot_nsz_ssthresh, struct sock *sk)
{
	return 2;
}

SEC("struct_ops/undo_cwnd")
__u32 BPF_PROG(sot_nsz_undo, struct sock *sk)
{
	return 10;
}

SEC("struct_ops/cong_avoid")
void BPF_PROG(sot_nsz_avoid, struct sock *sk, __u32 ack, __u32 acked)
{
}

SEC(".struct_ops")
struct tcp_congestion_ops sot_nsz = {
	.ssthresh = (void *)sot_nsz_ssthresh,
	.undo_cwnd = (void *)sot_nsz_undo,
	.cong_avoid = (void *)sot_nsz_avoid,
	.name = "sot_nsz",
};

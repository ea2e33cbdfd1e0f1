// case: local tcp_congestion_ops declaring undo_cwnd as a __u64 initialised with a program's address: the relocation targets a member that is not a function pointer
// checks: LIB-07
// expect: fail open EINVAL
#define tcp_congestion_ops tcp_congestion_ops___vmlinux
#include "vmlinux.h"
#undef tcp_congestion_ops
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

struct tcp_congestion_ops {
	__u32 (*ssthresh)(struct sock *sk);
	void (*cong_avoid)(struct sock *sk, __u32 ack, __u32 acked);
	__u64 undo_cwnd;
	char name[16];
};

SEC("struct_ops/ssthresh")
__u32 BPF_PROG(sot_nf_ssthresh, struct sock *sk)
{
	return 2;
}

SEC("struct_ops/undo_cwnd")
__u32 BPF_PROG(sot_nf_undo, struct sock *sk)
{
	return 10;
}

SEC("struct_ops/cong_avoid")
void BPF_PROG(sot_nf_avoid, struct sock *sk, __u32 ack, __u32 acked)
{
}

SEC(".struct_ops")
struct tcp_congestion_ops sot_nf = {
	.ssthresh = (void *)sot_nf_ssthresh,
	.cong_avoid = (void *)sot_nf_avoid,
	.undo_cwnd = (__u64)sot_nf_undo,
	.name = "sot_nf",
};

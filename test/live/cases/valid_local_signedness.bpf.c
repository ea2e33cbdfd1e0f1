// case: local tcp_congestion_ops whose scalar members differ from the kernel's only in signedness/typedef (int flags, signed char name[16]): only kind and size are compared
// checks: LIB-14, LIB-18
// expect: ok
#define tcp_congestion_ops tcp_congestion_ops___vmlinux
#include "vmlinux.h"
#undef tcp_congestion_ops
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

typedef int sot_flags_t;

struct tcp_congestion_ops {
	int (*ssthresh)(void *sk);
	void (*cong_avoid)(void *sk, int ack, int acked);
	long (*undo_cwnd)(void *sk);
	signed char name[16];
	const volatile sot_flags_t flags;
};

SEC("struct_ops/ssthresh")
__u32 BPF_PROG(sot_sg_ssthresh, struct sock *sk)
{
	return 2;
}

SEC("struct_ops/undo_cwnd")
__u32 BPF_PROG(sot_sg_undo, struct sock *sk)
{
	return 10;
}

SEC("struct_ops/cong_avoid")
void BPF_PROG(sot_sg_avoid, struct sock *sk, __u32 ack, __u32 acked)
{
}

SEC(".struct_ops")
struct tcp_congestion_ops sot_sg = {
	.ssthresh = (void *)sot_sg_ssthresh,
	.undo_cwnd = (void *)sot_sg_undo,
	.cong_avoid = (void *)sot_sg_avoid,
	.name = "sot_sg",
	.flags = 1,
};

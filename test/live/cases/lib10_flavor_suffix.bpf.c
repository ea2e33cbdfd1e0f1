// case: BPF-side type named tcp_congestion_ops___sot (CO-RE flavor suffix): libbpf 1.1 does not strip it and looks up the literal name
// checks: LIB-10, LIB-09
// expect: fail load ENOENT
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

struct tcp_congestion_ops___sot {
	__u32 (*ssthresh)(struct sock *sk);
	void (*cong_avoid)(struct sock *sk, __u32 ack, __u32 acked);
	__u32 (*undo_cwnd)(struct sock *sk);
	char name[16];
};

SEC("struct_ops/ssthresh")
__u32 BPF_PROG(sot_flv_ssthresh, struct sock *sk)
{
	return 2;
}

SEC("struct_ops/undo_cwnd")
__u32 BPF_PROG(sot_flv_undo, struct sock *sk)
{
	return 10;
}

SEC("struct_ops/cong_avoid")
void BPF_PROG(sot_flv_avoid, struct sock *sk, __u32 ack, __u32 acked)
{
}

SEC(".struct_ops")
struct tcp_congestion_ops___sot sot_flv = {
	.ssthresh = (void *)sot_flv_ssthresh,
	.undo_cwnd = (void *)sot_flv_undo,
	.cong_avoid = (void *)sot_flv_avoid,
	.name = "sot_flv",
};

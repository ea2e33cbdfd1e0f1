// case: a static function without SEC() (local symbol in .text) wired into ssthresh
// checks: LIB-07
// expect: fail open EINVAL
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

static __attribute__((noinline)) __u32 sot_stf_ssthresh(struct sock *sk)
{
	return 2;
}

SEC("struct_ops/undo_cwnd")
__u32 BPF_PROG(sot_stf_undo, struct sock *sk)
{
	return 10 + sot_stf_ssthresh(sk);
}

SEC("struct_ops/cong_avoid")
void BPF_PROG(sot_stf_avoid, struct sock *sk, __u32 ack, __u32 acked)
{
}

SEC(".struct_ops")
struct tcp_congestion_ops sot_stf = {
	.ssthresh = (void *)sot_stf_ssthresh,
	.undo_cwnd = (void *)sot_stf_undo,
	.cong_avoid = (void *)sot_stf_avoid,
	.name = "sot_stf",
};

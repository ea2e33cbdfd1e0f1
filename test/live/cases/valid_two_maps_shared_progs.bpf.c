// case: two tcp cc maps sharing the same three programs (same type, same members: allowed), registered one after the other
// checks: LIB-07, LIB-17, UPD-14
// expect: ok
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

SEC("struct_ops/ssthresh")
__u32 BPF_PROG(sot_sh_ssthresh, struct sock *sk)
{
	return 2;
}

SEC("struct_ops/undo_cwnd")
__u32 BPF_PROG(sot_sh_undo, struct sock *sk)
{
	return 10;
}

SEC("struct_ops/cong_avoid")
void BPF_PROG(sot_sh_avoid, struct sock *sk, __u32 ack, __u32 acked)
{
}

SEC(".struct_ops")
struct tcp_congestion_ops sot_sh_a = {
	.ssthresh = (void *)sot_sh_ssthresh,
	.undo_cwnd = (void *)sot_sh_undo,
	.cong_avoid = (void *)sot_sh_avoid,
	.name = "sot_sh_a",
};

SEC(".struct_ops")
struct tcp_congestion_ops sot_sh_b = {
	.ssthresh = (void *)sot_sh_ssthresh,
	.undo_cwnd = (void *)sot_sh_undo,
	.cong_avoid = (void *)sot_sh_avoid,
	.name = "sot_sh_b",
};

// case: struct_ops variable name longer than 15 characters: the kernel map name is truncated by libbpf, registration works
// checks: LIB-06, MAP-13
// expect: ok
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

SEC("struct_ops/ssthresh")
__u32 BPF_PROG(sot_ln_ssthresh, struct sock *sk)
{
	return 2;
}

SEC("struct_ops/undo_cwnd")
__u32 BPF_PROG(sot_ln_undo, struct sock *sk)
{
	return 10;
}

SEC("struct_ops/cong_avoid")
void BPF_PROG(sot_ln_avoid, struct sock *sk, __u32 ack, __u32 acked)
{
}

SEC(".struct_ops")
struct tcp_congestion_ops sot_a_really_long_struct_ops_map_name = {
	.ssthresh = (void *)sot_ln_ssthresh,
	.undo_cwnd = (void *)sot_ln_undo,
	.cong_avoid = (void *)sot_ln_avoid,
	.name = "sot_ln",
};

// case: ssthresh (returns u32) implemented by a void program: clang emits no write to R0 before exit
// checks: PRG-17
// expect: fail prog_load EACCES
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

SEC("struct_ops/ssthresh")
void BPF_PROG(sot_v_ssthresh, struct sock *sk)
{
}

SEC("struct_ops/undo_cwnd")
__u32 BPF_PROG(sot_v_undo, struct sock *sk)
{
	return 10;
}

SEC("struct_ops/cong_avoid")
void BPF_PROG(sot_v_avoid, struct sock *sk, __u32 ack, __u32 acked)
{
}

SEC(".struct_ops")
struct tcp_congestion_ops sot_v = {
	.ssthresh = (void *)sot_v_ssthresh,
	.undo_cwnd = (void *)sot_v_undo,
	.cong_avoid = (void *)sot_v_avoid,
	.name = "sot_v",
};

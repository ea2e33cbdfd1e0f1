// case: misspelled data section ".struct_ops.lnk": skipped as an unrecognized data section, programs left unreferenced
// checks: LIB-01, LIB-20, PRG-06
// expect: fail prog_load ENOTSUPP
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

SEC("struct_ops/ssthresh")
__u32 BPF_PROG(sot_typo_ssthresh, struct sock *sk)
{
	return 2;
}

SEC("struct_ops/undo_cwnd")
__u32 BPF_PROG(sot_typo_undo, struct sock *sk)
{
	return 10;
}

SEC("struct_ops/cong_avoid")
void BPF_PROG(sot_typo_avoid, struct sock *sk, __u32 ack, __u32 acked)
{
}

SEC(".struct_ops.lnk")
struct tcp_congestion_ops sot_typo = {
	.ssthresh = (void *)sot_typo_ssthresh,
	.undo_cwnd = (void *)sot_typo_undo,
	.cong_avoid = (void *)sot_typo_avoid,
	.name = "sot_typo",
};

// case: map in SEC("?.struct_ops") (optional map, libbpf 1.4+): unknown data section in libbpf 1.1, so the programs are unreferenced
// checks: LIB-01, LIB-19, LIB-20, PRG-06
// expect: fail prog_load ENOTSUPP
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

SEC("struct_ops/ssthresh")
__u32 BPF_PROG(sot_optm_ssthresh, struct sock *sk)
{
	return 2;
}

SEC("struct_ops/undo_cwnd")
__u32 BPF_PROG(sot_optm_undo, struct sock *sk)
{
	return 10;
}

SEC("struct_ops/cong_avoid")
void BPF_PROG(sot_optm_avoid, struct sock *sk, __u32 ack, __u32 acked)
{
}

SEC("?.struct_ops")
struct tcp_congestion_ops sot_optm = {
	.ssthresh = (void *)sot_optm_ssthresh,
	.undo_cwnd = (void *)sot_optm_undo,
	.cong_avoid = (void *)sot_optm_avoid,
	.name = "sot_optm",
};

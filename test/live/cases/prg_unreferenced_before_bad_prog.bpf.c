// case: the same two broken programs in the other order: the unreferenced program comes first in the ELF and its 524 wins over the later EACCES
// checks: LIB-20, PRG-06, PRG-17
// expect: fail prog_load ENOTSUPP
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

SEC("struct_ops/aa_unused")
__u32 BPF_PROG(sot_ord2_unused, struct sock *sk)
{
	return 1;
}

SEC("struct_ops/ssthresh")
void BPF_PROG(sot_ord2_ssthresh, struct sock *sk)
{
}

SEC("struct_ops/undo_cwnd")
__u32 BPF_PROG(sot_ord2_undo, struct sock *sk)
{
	return 10;
}

SEC("struct_ops/cong_avoid")
void BPF_PROG(sot_ord2_avoid, struct sock *sk, __u32 ack, __u32 acked)
{
}

SEC(".struct_ops")
struct tcp_congestion_ops sot_ord2 = {
	.ssthresh = (void *)sot_ord2_ssthresh,
	.undo_cwnd = (void *)sot_ord2_undo,
	.cong_avoid = (void *)sot_ord2_avoid,
	.name = "sot_ord2",
};

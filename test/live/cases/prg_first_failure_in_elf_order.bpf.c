// case: two broken programs: the void ssthresh (EACCES, defined first) and an unreferenced program (524, defined later): programs load in ELF order and the first failure ends the load
// checks: PRG-17, LIB-20
// expect: fail prog_load EACCES
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

SEC("struct_ops/ssthresh")
void BPF_PROG(sot_ord_ssthresh, struct sock *sk)
{
}

SEC("struct_ops/zz_unused")
__u32 BPF_PROG(sot_ord_unused, struct sock *sk)
{
	return 1;
}

SEC("struct_ops/undo_cwnd")
__u32 BPF_PROG(sot_ord_undo, struct sock *sk)
{
	return 10;
}

SEC("struct_ops/cong_avoid")
void BPF_PROG(sot_ord_avoid, struct sock *sk, __u32 ack, __u32 acked)
{
}

SEC(".struct_ops")
struct tcp_congestion_ops sot_ord = {
	.ssthresh = (void *)sot_ord_ssthresh,
	.undo_cwnd = (void *)sot_ord_undo,
	.cong_avoid = (void *)sot_ord_avoid,
	.name = "sot_ord",
};

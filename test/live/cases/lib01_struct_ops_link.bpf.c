// case: map in SEC(".struct_ops.link") (BPF_F_LINK map): libbpf 1.1 does not know the section, skips it, so the programs are unreferenced and the kernel rejects them (attach_btf_id 0)
// checks: LIB-01, LIB-20, PRG-06
// expect: fail prog_load ENOTSUPP
// note: link_create can never be reached with libbpf 1.1 (no BPF_F_LINK support)
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

SEC("struct_ops/ssthresh")
__u32 BPF_PROG(sot_lnk_ssthresh, struct sock *sk)
{
	return 2;
}

SEC("struct_ops/undo_cwnd")
__u32 BPF_PROG(sot_lnk_undo, struct sock *sk)
{
	return 10;
}

SEC("struct_ops/cong_avoid")
void BPF_PROG(sot_lnk_avoid, struct sock *sk, __u32 ack, __u32 acked)
{
}

SEC(".struct_ops.link")
struct tcp_congestion_ops sot_lnk = {
	.ssthresh = (void *)sot_lnk_ssthresh,
	.undo_cwnd = (void *)sot_lnk_undo,
	.cong_avoid = (void *)sot_lnk_avoid,
	.name = "sot_lnk",
};

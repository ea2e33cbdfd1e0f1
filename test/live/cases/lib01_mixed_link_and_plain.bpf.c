// case: one valid .struct_ops map and one .struct_ops.link map with its own programs: libbpf 1.1 drops the link map, its programs are unreferenced and fail the whole load (524) although the plain map is fine
// checks: LIB-01, LIB-20, PRG-06
// expect: fail prog_load ENOTSUPP
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

SEC("struct_ops/ssthresh")
__u32 BPF_PROG(sot_mix_ssthresh, struct sock *sk)
{
	return 2;
}

SEC("struct_ops/undo_cwnd")
__u32 BPF_PROG(sot_mix_undo, struct sock *sk)
{
	return 10;
}

SEC("struct_ops/cong_avoid")
void BPF_PROG(sot_mix_avoid, struct sock *sk, __u32 ack, __u32 acked)
{
}

SEC("struct_ops/ssthresh")
__u32 BPF_PROG(sot_mixl_ssthresh, struct sock *sk)
{
	return 3;
}

SEC(".struct_ops")
struct tcp_congestion_ops sot_mix = {
	.ssthresh = (void *)sot_mix_ssthresh,
	.undo_cwnd = (void *)sot_mix_undo,
	.cong_avoid = (void *)sot_mix_avoid,
	.name = "sot_mix",
};

SEC(".struct_ops.link")
struct tcp_congestion_ops sot_mixl = {
	.ssthresh = (void *)sot_mixl_ssthresh,
	.undo_cwnd = (void *)sot_mix_undo,
	.cong_avoid = (void *)sot_mix_avoid,
	.name = "sot_mixl",
};

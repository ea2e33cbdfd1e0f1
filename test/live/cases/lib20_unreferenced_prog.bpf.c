// case: a valid cc plus an autoloaded SEC("struct_ops/...") program that no map references (attach_btf_id 0 reaches the kernel in libbpf 1.1)
// checks: LIB-20, PRG-06
// expect: fail prog_load ENOTSUPP
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

SEC("struct_ops/forgotten")
__u32 BPF_PROG(sot_ur_forgotten, struct sock *sk)
{
	return 3;
}

SEC("struct_ops/ssthresh")
__u32 BPF_PROG(sot_ur_ssthresh, struct sock *sk)
{
	return 2;
}

SEC("struct_ops/undo_cwnd")
__u32 BPF_PROG(sot_ur_undo, struct sock *sk)
{
	return 10;
}

SEC("struct_ops/cong_avoid")
void BPF_PROG(sot_ur_avoid, struct sock *sk, __u32 ack, __u32 acked)
{
}

SEC(".struct_ops")
struct tcp_congestion_ops sot_ur = {
	.ssthresh = (void *)sot_ur_ssthresh,
	.undo_cwnd = (void *)sot_ur_undo,
	.cong_avoid = (void *)sot_ur_avoid,
	.name = "sot_ur",
};

// case: C store of a __u64 at &tp->snd_cwnd (4-byte aligned): clang splits it into two 4-byte stores and the second lands on the non-writable field after snd_cwnd
// checks: PRG-19
// expect: fail prog_load EACCES
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

SEC("struct_ops/cong_avoid")
void BPF_PROG(sot_ws_avoid, struct sock *sk, __u32 ack, __u32 acked)
{
	struct tcp_sock *tp = (struct tcp_sock *)sk;

	*(volatile __u64 *)&tp->snd_cwnd = acked;
}

SEC("struct_ops/ssthresh")
__u32 BPF_PROG(sot_ws_ssthresh, struct sock *sk)
{
	return 2;
}

SEC("struct_ops/undo_cwnd")
__u32 BPF_PROG(sot_ws_undo, struct sock *sk)
{
	return 10;
}

SEC(".struct_ops")
struct tcp_congestion_ops sot_ws = {
	.ssthresh = (void *)sot_ws_ssthresh,
	.undo_cwnd = (void *)sot_ws_undo,
	.cong_avoid = (void *)sot_ws_avoid,
	.name = "sot_ws",
};

// case: 8-byte store (inline asm, so clang cannot split it) at tcp_sock.snd_cwnd, a 4-byte writable field: the write runs past the member
// checks: PRG-19
// expect: fail prog_load EACCES
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

SEC("struct_ops/cong_avoid")
void BPF_PROG(sot_wp_avoid, struct sock *sk, __u32 ack, __u32 acked)
{
	struct tcp_sock *tp = (struct tcp_sock *)sk;

	__u64 v = acked;

	/* one BPF_STX_MEM(BPF_DW) at &tp->snd_cwnd */
	asm volatile("*(u64 *)(%[p] + 0) = %[v]" : : [p] "r"(&tp->snd_cwnd), [v] "r"(v) : "memory");
}

SEC("struct_ops/ssthresh")
__u32 BPF_PROG(sot_wp_ssthresh, struct sock *sk)
{
	return 2;
}

SEC("struct_ops/undo_cwnd")
__u32 BPF_PROG(sot_wp_undo, struct sock *sk)
{
	return 10;
}

SEC(".struct_ops")
struct tcp_congestion_ops sot_wp = {
	.ssthresh = (void *)sot_wp_ssthresh,
	.undo_cwnd = (void *)sot_wp_undo,
	.cong_avoid = (void *)sot_wp_avoid,
	.name = "sot_wp",
};

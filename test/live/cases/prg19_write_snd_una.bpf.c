// case: cong_avoid writing tcp_sock.snd_una (not in the writable field list)
// checks: PRG-19
// expect: fail prog_load EACCES
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

SEC("struct_ops/cong_avoid")
void BPF_PROG(sot_wu_avoid, struct sock *sk, __u32 ack, __u32 acked)
{
	struct tcp_sock *tp = (struct tcp_sock *)sk;

	tp->snd_una = ack;
}

SEC("struct_ops/ssthresh")
__u32 BPF_PROG(sot_wu_ssthresh, struct sock *sk)
{
	return 2;
}

SEC("struct_ops/undo_cwnd")
__u32 BPF_PROG(sot_wu_undo, struct sock *sk)
{
	return 10;
}

SEC(".struct_ops")
struct tcp_congestion_ops sot_wu = {
	.ssthresh = (void *)sot_wu_ssthresh,
	.undo_cwnd = (void *)sot_wu_undo,
	.cong_avoid = (void *)sot_wu_avoid,
	.name = "sot_wu",
};

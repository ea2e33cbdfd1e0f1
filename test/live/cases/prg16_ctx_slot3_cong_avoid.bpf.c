// case: cong_avoid program reading ctx[3] directly (kernel cong_avoid has 3 arguments: slots 0..2)
// checks: PRG-16
// expect: fail prog_load EACCES
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

SEC("struct_ops/cong_avoid")
void sot_c3_avoid(unsigned long long *ctx)
{
	struct tcp_sock *tp = (struct tcp_sock *)ctx[0];

	tp->snd_cwnd += (__u32)ctx[3];
}

SEC("struct_ops/ssthresh")
__u32 BPF_PROG(sot_c3_ssthresh, struct sock *sk)
{
	return 2;
}

SEC("struct_ops/undo_cwnd")
__u32 BPF_PROG(sot_c3_undo, struct sock *sk)
{
	return 10;
}

SEC(".struct_ops")
struct tcp_congestion_ops sot_c3 = {
	.ssthresh = (void *)sot_c3_ssthresh,
	.undo_cwnd = (void *)sot_c3_undo,
	.cong_avoid = (void *)sot_c3_avoid,
	.name = "sot_c3",
};

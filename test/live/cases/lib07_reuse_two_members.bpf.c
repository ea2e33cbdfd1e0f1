// case: one program used for two members (ssthresh and undo_cwnd have the same prototype)
// checks: LIB-07, LIB-17
// expect: fail open EINVAL
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

SEC("struct_ops/ss_or_undo")
__u32 BPF_PROG(sot_ru_both, struct sock *sk)
{
	return ((struct tcp_sock *)sk)->snd_cwnd;
}

SEC("struct_ops/cong_avoid")
void BPF_PROG(sot_ru_avoid, struct sock *sk, __u32 ack, __u32 acked)
{
}

SEC(".struct_ops")
struct tcp_congestion_ops sot_ru = {
	.ssthresh = (void *)sot_ru_both,
	.undo_cwnd = (void *)sot_ru_both,
	.cong_avoid = (void *)sot_ru_avoid,
	.name = "sot_ru",
};

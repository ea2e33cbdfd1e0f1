// case: programs whose BPF-side prototypes differ from the kernel's (int return for u32, void * / u64 args): only the kernel prototype matters
// checks: PRG-16, LIB-14
// expect: ok
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

SEC("struct_ops/ssthresh")
int BPF_PROG(sot_pd_ssthresh, void *sk)
{
	return 2;
}

SEC("struct_ops/undo_cwnd")
__u64 BPF_PROG(sot_pd_undo, struct tcp_sock *tp)
{
	return tp->snd_cwnd;
}

SEC("struct_ops/cong_avoid")
void BPF_PROG(sot_pd_avoid, struct tcp_sock *tp, __u64 ack)
{
	tp->snd_cwnd_cnt = 0;
}

SEC(".struct_ops")
struct tcp_congestion_ops sot_pd = {
	.ssthresh = (void *)sot_pd_ssthresh,
	.undo_cwnd = (void *)sot_pd_undo,
	.cong_avoid = (void *)sot_pd_avoid,
	.name = "sot_pd",
};

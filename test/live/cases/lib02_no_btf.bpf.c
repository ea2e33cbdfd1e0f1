// case: valid tcp cc compiled without -g: the object has no .BTF, which struct_ops requires
// checks: LIB-02
// expect: fail open ENOENT
// build: no-debug
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

SEC("struct_ops/ssthresh")
__u32 BPF_PROG(sot_nobtf_ssthresh, struct sock *sk)
{
	return 2;
}

SEC("struct_ops/undo_cwnd")
__u32 BPF_PROG(sot_nobtf_undo, struct sock *sk)
{
	return ((struct tcp_sock *)sk)->snd_cwnd;
}

SEC("struct_ops/cong_avoid")
void BPF_PROG(sot_nobtf_avoid, struct sock *sk, __u32 ack, __u32 acked)
{
	((struct tcp_sock *)sk)->snd_cwnd++;
}

SEC(".struct_ops")
struct tcp_congestion_ops sot_nobtf = {
	.ssthresh = (void *)sot_nobtf_ssthresh,
	.undo_cwnd = (void *)sot_nobtf_undo,
	.cong_avoid = (void *)sot_nobtf_avoid,
	.name = "sot_nobtf",
};

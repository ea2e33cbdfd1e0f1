// case: tcp cc name containing a dot (bpf_obj_name_cpy allows alnum, _ and .)
// checks: UPD-07
// expect: ok
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

SEC("struct_ops/ssthresh")
__u32 BPF_PROG(sot_ndot_ssthresh, struct sock *sk)
{
	return 2;
}

SEC("struct_ops/undo_cwnd")
__u32 BPF_PROG(sot_ndot_undo, struct sock *sk)
{
	return ((struct tcp_sock *)sk)->snd_cwnd;
}

SEC("struct_ops/cong_avoid")
void BPF_PROG(sot_ndot_avoid, struct sock *sk, __u32 ack, __u32 acked)
{
	((struct tcp_sock *)sk)->snd_cwnd += acked;
}

SEC(".struct_ops")
struct tcp_congestion_ops sot_ndot = {
	.ssthresh = (void *)sot_ndot_ssthresh,
	.undo_cwnd = (void *)sot_ndot_undo,
	.cong_avoid = (void *)sot_ndot_avoid,
	.name = "sot_v1.2",
};

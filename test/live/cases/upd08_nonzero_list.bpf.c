// case: tcp cc with a non-zero .list (struct list_head copied verbatim, must be zero)
// checks: UPD-08
// expect: fail map_update EINVAL
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

SEC("struct_ops/ssthresh")
__u32 BPF_PROG(sot_list_ssthresh, struct sock *sk)
{
	return 2;
}

SEC("struct_ops/undo_cwnd")
__u32 BPF_PROG(sot_list_undo, struct sock *sk)
{
	return ((struct tcp_sock *)sk)->snd_cwnd;
}

SEC("struct_ops/cong_avoid")
void BPF_PROG(sot_list_avoid, struct sock *sk, __u32 ack, __u32 acked)
{
	((struct tcp_sock *)sk)->snd_cwnd += acked;
}

SEC(".struct_ops")
struct tcp_congestion_ops sot_list = {
	.ssthresh = (void *)sot_list_ssthresh,
	.undo_cwnd = (void *)sot_list_undo,
	.cong_avoid = (void *)sot_list_avoid,
	.list = { .next = (struct list_head *)8, .prev = (struct list_head *)0 },
	.name = "sot_list",
};

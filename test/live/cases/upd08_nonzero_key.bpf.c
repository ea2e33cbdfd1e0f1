// case: tcp cc with non-zero .key (a non-func member that init_member does not consume)
// checks: UPD-08
// expect: fail map_update EINVAL
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

SEC("struct_ops/ssthresh")
__u32 BPF_PROG(sot_key_ssthresh, struct sock *sk)
{
	return 2;
}

SEC("struct_ops/undo_cwnd")
__u32 BPF_PROG(sot_key_undo, struct sock *sk)
{
	return ((struct tcp_sock *)sk)->snd_cwnd;
}

SEC("struct_ops/cong_avoid")
void BPF_PROG(sot_key_avoid, struct sock *sk, __u32 ack, __u32 acked)
{
	((struct tcp_sock *)sk)->snd_cwnd += acked;
}

SEC(".struct_ops")
struct tcp_congestion_ops sot_key = {
	.ssthresh = (void *)sot_key_ssthresh,
	.undo_cwnd = (void *)sot_key_undo,
	.cong_avoid = (void *)sot_key_avoid,
	.key = 0x1234,
	.name = "sot_key",
};

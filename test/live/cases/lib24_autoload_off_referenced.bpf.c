// case: a referenced program with autoload off (SEC("?struct_ops/...")) next to autoloaded ones: it is never loaded, its slot gets fd -ENOENT and the update fails EBADF
// checks: LIB-24, UPD-10
// expect: fail map_update EBADF
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

SEC("?struct_ops/ssthresh")
__u32 BPF_PROG(sot_ar_ssthresh, struct sock *sk)
{
	return 2;
}

SEC("struct_ops/undo_cwnd")
__u32 BPF_PROG(sot_ar_undo, struct sock *sk)
{
	return ((struct tcp_sock *)sk)->snd_cwnd;
}

SEC("struct_ops/cong_avoid")
void BPF_PROG(sot_ar_avoid, struct sock *sk, __u32 ack, __u32 acked)
{
}

SEC(".struct_ops")
struct tcp_congestion_ops sot_ar = {
	.ssthresh = (void *)sot_ar_ssthresh,
	.undo_cwnd = (void *)sot_ar_undo,
	.cong_avoid = (void *)sot_ar_avoid,
	.name = "sot_ar",
};

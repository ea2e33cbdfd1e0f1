// case: bpf_get_socket_cookie (not offered by tcp_congestion_ops' get_func_proto) in ssthresh
// checks: PRG-18
// expect: fail prog_load EINVAL
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

SEC("struct_ops/ssthresh")
__u32 BPF_PROG(sot_ck_ssthresh, struct sock *sk)
{
	return (__u32)bpf_get_socket_cookie(sk) | 2;
}

SEC("struct_ops/undo_cwnd")
__u32 BPF_PROG(sot_ck_undo, struct sock *sk)
{
	return 10;
}

SEC("struct_ops/cong_avoid")
void BPF_PROG(sot_ck_avoid, struct sock *sk, __u32 ack, __u32 acked)
{
}

SEC(".struct_ops")
struct tcp_congestion_ops sot_ck = {
	.ssthresh = (void *)sot_ck_ssthresh,
	.undo_cwnd = (void *)sot_ck_undo,
	.cong_avoid = (void *)sot_ck_avoid,
	.name = "sot_ck",
};

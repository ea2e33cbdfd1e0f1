// case: every program of the map is SEC("?struct_ops/...") (autoload off) and nothing uses CO-RE: vmlinux BTF is never loaded by libbpf 1.1
// checks: LIB-08, LIB-24
// expect: crash
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

SEC("?struct_ops/ssthresh")
__u32 BPF_PROG(sot_ao_ssthresh, struct sock *sk)
{
	return 2;
}

SEC("?struct_ops/undo_cwnd")
__u32 BPF_PROG(sot_ao_undo, struct sock *sk)
{
	return 10;
}

SEC("?struct_ops/cong_avoid")
void BPF_PROG(sot_ao_avoid, struct sock *sk, __u32 ack, __u32 acked)
{
}

SEC(".struct_ops")
struct tcp_congestion_ops sot_ao = {
	.ssthresh = (void *)sot_ao_ssthresh,
	.undo_cwnd = (void *)sot_ao_undo,
	.cong_avoid = (void *)sot_ao_avoid,
	.name = "sot_ao",
};

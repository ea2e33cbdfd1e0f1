// case: valid cc under a non-GPL license
// checks: PRG-05
// expect: fail prog_load EINVAL
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "Proprietary";

SEC("struct_ops/ssthresh")
__u32 BPF_PROG(sot_lic_ssthresh, struct sock *sk)
{
	return 2;
}

SEC("struct_ops/undo_cwnd")
__u32 BPF_PROG(sot_lic_undo, struct sock *sk)
{
	return 10;
}

SEC("struct_ops/cong_avoid")
void BPF_PROG(sot_lic_avoid, struct sock *sk, __u32 ack, __u32 acked)
{
}

SEC(".struct_ops")
struct tcp_congestion_ops sot_lic = {
	.ssthresh = (void *)sot_lic_ssthresh,
	.undo_cwnd = (void *)sot_lic_undo,
	.cong_avoid = (void *)sot_lic_avoid,
	.name = "sot_lic",
};

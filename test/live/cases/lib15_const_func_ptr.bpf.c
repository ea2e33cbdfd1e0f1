// case: .cong_avoid = (void *)1 (constant instead of a program): dropped by libbpf 1.1, so the cc lacks cong_avoid and tcp rejects it at registration
// checks: LIB-15, UPD-13, UPD-14
// expect: fail map_update EINVAL
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

SEC("struct_ops/ssthresh")
__u32 BPF_PROG(sot_cf_ssthresh, struct sock *sk)
{
	return 2;
}

SEC("struct_ops/undo_cwnd")
__u32 BPF_PROG(sot_cf_undo, struct sock *sk)
{
	return 10;
}

SEC(".struct_ops")
struct tcp_congestion_ops sot_cf = {
	.ssthresh = (void *)sot_cf_ssthresh,
	.undo_cwnd = (void *)sot_cf_undo,
	.cong_avoid = (void *)1,
	.name = "sot_cf",
};

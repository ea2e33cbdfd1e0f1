// case: tcp cc with neither cong_avoid nor cong_control
// checks: UPD-13, UPD-14
// expect: fail map_update EINVAL
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

SEC("struct_ops/ssthresh")
__u32 BPF_PROG(sot_noca_ssthresh, struct sock *sk)
{
	return 2;
}

SEC("struct_ops/undo_cwnd")
__u32 BPF_PROG(sot_noca_undo, struct sock *sk)
{
	return ((struct tcp_sock *)sk)->snd_cwnd;
}

SEC(".struct_ops")
struct tcp_congestion_ops sot_noca = {
	.ssthresh = (void *)sot_noca_ssthresh,
	.undo_cwnd = (void *)sot_noca_undo,
	.name = "sot_noca",
};

// case: tcp cc whose ssthresh and cong_avoid are loaded sleepable (flag set by the loader): tcp_congestion_ops has no check_member, every op may be sleepable
// checks: PRG-04, PRG-12
// expect: ok
// loader: --sleepable=sot_sl_ssthresh --sleepable=sot_sl_avoid
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

SEC("struct_ops/ssthresh")
__u32 BPF_PROG(sot_sl_ssthresh, struct sock *sk)
{
	return 2;
}

SEC("struct_ops/undo_cwnd")
__u32 BPF_PROG(sot_sl_undo, struct sock *sk)
{
	return 10;
}

SEC("struct_ops/cong_avoid")
void BPF_PROG(sot_sl_avoid, struct sock *sk, __u32 ack, __u32 acked)
{
}

SEC(".struct_ops")
struct tcp_congestion_ops sot_sl = {
	.ssthresh = (void *)sot_sl_ssthresh,
	.undo_cwnd = (void *)sot_sl_undo,
	.cong_avoid = (void *)sot_sl_avoid,
	.name = "sot_sl",
};

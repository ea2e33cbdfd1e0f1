// case: tcp cc implementing every function member that has a cfi stub (all but get_info), cong_avoid and cong_control both set
// checks: PRG-11, UPD-09, UPD-14
// expect: ok
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

SEC("struct_ops/ssthresh")
__u32 BPF_PROG(sot_all_ssthresh, struct sock *sk)
{
	return 2;
}

SEC("struct_ops/cong_avoid")
void BPF_PROG(sot_all_cong_avoid, struct sock *sk, __u32 ack, __u32 acked)
{
}

SEC("struct_ops/set_state")
void BPF_PROG(sot_all_set_state, struct sock *sk, __u8 new_state)
{
}

SEC("struct_ops/cwnd_event")
void BPF_PROG(sot_all_cwnd_event, struct sock *sk, enum tcp_ca_event ev)
{
}

SEC("struct_ops/in_ack_event")
void BPF_PROG(sot_all_in_ack_event, struct sock *sk, __u32 flags)
{
}

SEC("struct_ops/pkts_acked")
void BPF_PROG(sot_all_pkts_acked, struct sock *sk, const struct ack_sample *sample)
{
}

SEC("struct_ops/min_tso_segs")
__u32 BPF_PROG(sot_all_min_tso_segs, struct sock *sk)
{
	return 2;
}

SEC("struct_ops/cong_control")
void BPF_PROG(sot_all_cong_control, struct sock *sk, __u32 ack, int flag, const struct rate_sample *rs)
{
}

SEC("struct_ops/undo_cwnd")
__u32 BPF_PROG(sot_all_undo_cwnd, struct sock *sk)
{
	return ((struct tcp_sock *)sk)->snd_cwnd;
}

SEC("struct_ops/sndbuf_expand")
__u32 BPF_PROG(sot_all_sndbuf_expand, struct sock *sk)
{
	return 2;
}

SEC("struct_ops/init")
void BPF_PROG(sot_all_init, struct sock *sk)
{
}

SEC("struct_ops/release")
void BPF_PROG(sot_all_release, struct sock *sk)
{
}

SEC(".struct_ops")
struct tcp_congestion_ops sot_all = {
	.ssthresh = (void *)sot_all_ssthresh,
	.cong_avoid = (void *)sot_all_cong_avoid,
	.set_state = (void *)sot_all_set_state,
	.cwnd_event = (void *)sot_all_cwnd_event,
	.in_ack_event = (void *)sot_all_in_ack_event,
	.pkts_acked = (void *)sot_all_pkts_acked,
	.min_tso_segs = (void *)sot_all_min_tso_segs,
	.cong_control = (void *)sot_all_cong_control,
	.undo_cwnd = (void *)sot_all_undo_cwnd,
	.sndbuf_expand = (void *)sot_all_sndbuf_expand,
	.init = (void *)sot_all_init,
	.release = (void *)sot_all_release,
	.name = "sot_all",
};

// case: valid tcp cc next to a BPF_MAP_TYPE_ARRAY declared with an 8-byte key: that map fails BPF_MAP_CREATE (EINVAL); libbpf creates .maps maps before struct_ops maps, so the struct_ops map is never created
// checks: LIB-22
// expect: fail map_create EINVAL
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u64);
	__type(value, __u64);
} sot_bad_arr SEC(".maps");

SEC("struct_ops/ssthresh")
__u32 BPF_PROG(sot_ba_ssthresh, struct sock *sk)
{
	__u64 k = 0, *v = bpf_map_lookup_elem(&sot_bad_arr, &k);

	return v ? (__u32)*v : 2;
}

SEC("struct_ops/undo_cwnd")
__u32 BPF_PROG(sot_ba_undo, struct sock *sk)
{
	return 10;
}

SEC("struct_ops/cong_avoid")
void BPF_PROG(sot_ba_avoid, struct sock *sk, __u32 ack, __u32 acked)
{
}

SEC(".struct_ops")
struct tcp_congestion_ops sot_ba = {
	.ssthresh = (void *)sot_ba_ssthresh,
	.undo_cwnd = (void *)sot_ba_undo,
	.cong_avoid = (void *)sot_ba_avoid,
	.name = "sot_ba",
};

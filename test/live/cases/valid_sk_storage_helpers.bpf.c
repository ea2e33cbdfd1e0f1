// case: tcp cc keeping per-socket state in sk_storage, timestamps via bpf_ktime_get_ns, bpf_setsockopt in init (all allowed helpers); object also has a .bss global and an sk_storage map
// checks: PRG-18, UPD-14
// expect: ok
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

#define SOL_TCP 6
#define TCP_BPF_SNDCWND_CLAMP 1002

struct sot_ca_state {
	__u64 last_ns;
	__u32 acks;
};

struct {
	__uint(type, BPF_MAP_TYPE_SK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct sot_ca_state);
} sot_store SEC(".maps");

__u64 sot_total_acks;

SEC("struct_ops/init")
void BPF_PROG(sot_sk_init, struct sock *sk)
{
	int clamp = 1000;
	struct sot_ca_state *st;

	st = bpf_sk_storage_get(&sot_store, sk, 0, BPF_SK_STORAGE_GET_F_CREATE);
	if (st)
		st->last_ns = bpf_ktime_get_ns();
	bpf_setsockopt(sk, SOL_TCP, TCP_BPF_SNDCWND_CLAMP, &clamp, sizeof(clamp));
}

SEC("struct_ops/release")
void BPF_PROG(sot_sk_release, struct sock *sk)
{
	bpf_sk_storage_delete(&sot_store, sk);
}

SEC("struct_ops/ssthresh")
__u32 BPF_PROG(sot_sk_ssthresh, struct sock *sk)
{
	__u32 cwnd = ((struct tcp_sock *)sk)->snd_cwnd;

	return cwnd > 4 ? cwnd / 2 : 2;
}

SEC("struct_ops/cong_avoid")
void BPF_PROG(sot_sk_avoid, struct sock *sk, __u32 ack, __u32 acked)
{
	struct sot_ca_state *st = bpf_sk_storage_get(&sot_store, sk, 0, 0);

	__sync_fetch_and_add(&sot_total_acks, acked);
	if (st) {
		st->acks += acked;
		st->last_ns = bpf_ktime_get_ns();
	}
	((struct tcp_sock *)sk)->snd_cwnd += 1;
}

SEC("struct_ops/undo_cwnd")
__u32 BPF_PROG(sot_sk_undo, struct sock *sk)
{
	return ((struct tcp_sock *)sk)->snd_cwnd;
}

SEC(".struct_ops")
struct tcp_congestion_ops sot_sk = {
	.init = (void *)sot_sk_init,
	.release = (void *)sot_sk_release,
	.ssthresh = (void *)sot_sk_ssthresh,
	.cong_avoid = (void *)sot_sk_avoid,
	.undo_cwnd = (void *)sot_sk_undo,
	.name = "sot_sk",
};

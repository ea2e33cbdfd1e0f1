// case: an anonymous struct type for the struct_ops variable
// checks: LIB-04
// expect: fail open EOPNOTSUPP
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

SEC("struct_ops/ssthresh")
__u32 BPF_PROG(sot_anon_ssthresh, struct sock *sk)
{
	return 2;
}

SEC(".struct_ops")
struct {
	__u32 (*ssthresh)(struct sock *sk);
	char name[16];
} sot_anon = {
	.ssthresh = (void *)sot_anon_ssthresh,
	.name = "sot_anon",
};

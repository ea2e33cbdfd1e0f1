// case: a union variable in SEC(".struct_ops") (not a struct)
// checks: LIB-04
// expect: fail open EINVAL
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

union sot_ops_union {
	__u32 (*ssthresh)(struct sock *sk);
	__u64 raw;
};

SEC("struct_ops/ssthresh")
__u32 BPF_PROG(sot_un_ssthresh, struct sock *sk)
{
	return 2;
}

SEC(".struct_ops")
union sot_ops_union sot_un = {
	.raw = 1,
};

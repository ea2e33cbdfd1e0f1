// case: a plain int variable placed in SEC(".struct_ops")
// checks: LIB-04
// expect: fail open EINVAL
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

SEC("struct_ops/ssthresh")
__u32 BPF_PROG(sot_int_ssthresh, struct sock *sk)
{
	return 2;
}

SEC(".struct_ops")
int sot_int = 1;

// case: struct_ops map of tcp_ulp_ops, a struct that exists in vmlinux BTF but is not a struct_ops type (no bpf_struct_ops_tcp_ulp_ops)
// checks: LIB-09
// expect: fail load ENOENT
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

SEC("struct_ops/init")
int BPF_PROG(sot_ulp_init, struct sock *sk)
{
	return 0;
}

SEC(".struct_ops")
struct tcp_ulp_ops sot_ulp = {
	.init = (void *)sot_ulp_init,
	.name = "sot_ulp",
};

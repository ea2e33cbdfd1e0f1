// case: bpf_dummy_ops test_1 dereferencing its __nullable state argument without a NULL check
// checks: PRG-20
// expect: fail prog_load EACCES
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

SEC("struct_ops/test_1")
int BPF_PROG(sot_nd_test_1, struct bpf_dummy_ops_state *state)
{
	return state->val;
}

SEC(".struct_ops")
struct bpf_dummy_ops sot_nd = {
	.test_1 = (void *)sot_nd_test_1,
};

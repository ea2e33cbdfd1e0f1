// case: bpf_dummy_ops test_2 writing 4 bytes past struct bpf_dummy_ops_state (size 4)
// checks: PRG-19
// expect: fail prog_load EACCES
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

SEC("struct_ops/test_2")
int BPF_PROG(sot_wb_test_2, struct bpf_dummy_ops_state *state, int a1, unsigned short a2, char a3, unsigned long a4)
{
	((volatile int *)state)[1] = a1;
	return 0;
}

SEC(".struct_ops")
struct bpf_dummy_ops sot_wb = {
	.test_2 = (void *)sot_wb_test_2,
};

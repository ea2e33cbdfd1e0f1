// case: correct bpf_dummy_ops (NULL-checked test_1, test_2 writing its state): programs load, but bpf_dummy_ops never registers (init_member -EOPNOTSUPP)
// checks: PRG-20, PRG-19, UPD-07
// expect: fail map_update EOPNOTSUPP
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

SEC("struct_ops/test_1")
int BPF_PROG(sot_do_test_1, struct bpf_dummy_ops_state *state)
{
	if (!state)
		return 0;
	return state->val;
}

SEC("struct_ops/test_2")
int BPF_PROG(sot_do_test_2, struct bpf_dummy_ops_state *state, int a1, unsigned short a2, char a3, unsigned long a4)
{
	state->val = a1 + a2 + a3 + (int)a4;
	return 0;
}

SEC(".struct_ops")
struct bpf_dummy_ops sot_do = {
	.test_1 = (void *)sot_do_test_1,
	.test_2 = (void *)sot_do_test_2,
};

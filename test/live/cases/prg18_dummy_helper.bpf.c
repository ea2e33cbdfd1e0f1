// case: bpf_dummy_ops test_1 calling bpf_ktime_get_ns (bpf_dummy_ops has no get_func_proto: no helper at all)
// checks: PRG-18
// expect: fail prog_load EINVAL
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

SEC("struct_ops/test_1")
int BPF_PROG(sot_dh_test_1, struct bpf_dummy_ops_state *state)
{
	return (int)(bpf_ktime_get_ns() & 1);
}

SEC(".struct_ops")
struct bpf_dummy_ops sot_dh = {
	.test_1 = (void *)sot_dh_test_1,
};

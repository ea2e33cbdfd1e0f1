// case: bpf_dummy_ops test_1 loaded sleepable (BPF_F_SLEEPABLE set by the loader: libbpf 1.1 has no struct_ops.s): check_member allows only test_sleepable
// checks: PRG-12
// expect: fail prog_load EINVAL
// loader: --sleepable=sot_ds_test_1
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

SEC("struct_ops/test_1")
int BPF_PROG(sot_ds_test_1, struct bpf_dummy_ops_state *state)
{
	return 0;
}

SEC(".struct_ops")
struct bpf_dummy_ops sot_ds = {
	.test_1 = (void *)sot_ds_test_1,
};

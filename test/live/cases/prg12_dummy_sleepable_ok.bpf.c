// case: bpf_dummy_ops test_sleepable loaded sleepable (flag set by the loader): allowed, so load succeeds and only the update fails
// checks: PRG-12, UPD-07
// expect: fail map_update EOPNOTSUPP
// loader: --sleepable=sot_dso_sleep
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

SEC("struct_ops/test_sleepable")
int BPF_PROG(sot_dso_sleep, struct bpf_dummy_ops_state *state)
{
	return 0;
}

SEC(".struct_ops")
struct bpf_dummy_ops sot_dso = {
	.test_sleepable = (void *)sot_dso_sleep,
};

// case: bpf_dummy_ops test_2 (5 arguments, int return) reading ctx slot 5
// checks: PRG-16
// expect: fail prog_load EACCES
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

SEC("struct_ops/test_2")
int sot_t5_test_2(unsigned long long *ctx)
{
	return (int)ctx[5];
}

SEC(".struct_ops")
struct bpf_dummy_ops sot_t5 = {
	.test_2 = (void *)sot_t5_test_2,
};

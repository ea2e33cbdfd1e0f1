// case: struct_ops map of a type that exists nowhere in the kernel
// checks: LIB-09
// expect: fail load ENOENT
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

struct sot_nonexistent_ops {
	int (*do_thing)(struct sock *sk);
	char name[16];
};

SEC("struct_ops/do_thing")
int BPF_PROG(sot_ne_do_thing, struct sock *sk)
{
	return 0;
}

SEC(".struct_ops")
struct sot_nonexistent_ops sot_ne = {
	.do_thing = (void *)sot_ne_do_thing,
	.name = "sot_ne",
};

// case: a .struct_ops map with only a name and no programs: libbpf 1.1 does not load vmlinux BTF (no autoloaded struct_ops prog, no CO-RE) and dereferences it in init_kern
// checks: LIB-08
// expect: crash
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

SEC(".struct_ops")
struct tcp_congestion_ops sot_noprog = {
	.name = "sot_noprog",
};

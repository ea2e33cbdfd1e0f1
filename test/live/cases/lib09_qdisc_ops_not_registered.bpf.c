// case: struct_ops map of Qdisc_ops: the struct is in vmlinux BTF but this kernel has CONFIG_NET_SCH_BPF=n, so bpf_struct_ops_Qdisc_ops does not exist
// checks: LIB-09
// expect: fail load ENOENT
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

SEC("struct_ops/reset")
void BPF_PROG(sot_q_reset, struct Qdisc *sch)
{
}

SEC(".struct_ops")
struct Qdisc_ops sot_q = {
	.reset = (void *)sot_q_reset,
	.id = "sot_q",
};

// case: sched_ext_ops map on a kernel built without CONFIG_SCHED_CLASS_EXT (type absent from vmlinux BTF); would otherwise exercise timeout_ms > 30 s (E2BIG in init_member)
// checks: LIB-09
// expect: fail load ENOENT
// note: sched_ext is not available on this kernel, so the UPD-07 E2BIG (timeout_ms) case cannot be observed here
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

/* minimal local definition: vmlinux.h of this kernel has no sched_ext_ops */
struct sched_ext_ops {
	s32 (*select_cpu)(struct task_struct *p, s32 prev_cpu, u64 wake_flags);
	void (*enqueue)(struct task_struct *p, u64 enq_flags);
	u64 dispatch_max_batch;
	u64 flags;
	u32 timeout_ms;
	u32 exit_dump_len;
	u64 hotplug_seq;
	char name[128];
};

SEC("struct_ops/enqueue")
void BPF_PROG(sot_scx_enqueue, struct task_struct *p, u64 enq_flags)
{
}

SEC(".struct_ops")
struct sched_ext_ops sot_scx = {
	.enqueue = (void *)sot_scx_enqueue,
	.timeout_ms = 60000,
	.name = "sot_scx",
};

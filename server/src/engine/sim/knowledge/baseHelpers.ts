// bpf_base_func_proto (kernel/bpf/helpers.c): the helpers every struct_ops get_func_proto falls back
// to, per kernel era, and a builder that turns a subsystem's own get_func_proto switch into versioned
// HelperPolicy entries. struct_ops loads need CAP_BPF and CAP_PERFMON (PRG-01), so all three
// capability tiers of bpf_base_func_proto apply.

import { helperId, helperKey } from './helperIds';
import type { HelperPolicy, HelperVerdict, KernelVersionRange } from './types';

/** Base helpers of 6.1 (all tiers; probe_read_kernel[_str] unless lockdown=confidentiality). */
const BASE_6_1: ReadonlySet<string> = new Set([
  'map_lookup_elem', 'map_update_elem', 'map_delete_elem', 'map_push_elem', 'map_pop_elem',
  'map_peek_elem', 'map_lookup_percpu_elem', 'get_prandom_u32', 'get_smp_processor_id',
  'get_numa_node_id', 'tail_call', 'ktime_get_ns', 'ktime_get_boot_ns', 'ktime_get_tai_ns',
  'ringbuf_output', 'ringbuf_reserve', 'ringbuf_submit', 'ringbuf_discard', 'ringbuf_query',
  'strncmp', 'strtol', 'strtoul',
  'spin_lock', 'spin_unlock', 'jiffies64', 'per_cpu_ptr', 'this_cpu_ptr', 'timer_init',
  'timer_set_callback', 'timer_start', 'timer_cancel', 'kptr_xchg', 'for_each_map_elem', 'loop',
  'user_ringbuf_drain', 'ringbuf_reserve_dynptr', 'ringbuf_submit_dynptr', 'ringbuf_discard_dynptr',
  'dynptr_from_mem', 'dynptr_read', 'dynptr_write', 'dynptr_data',
  'trace_printk', 'get_current_task', 'get_current_task_btf', 'probe_read_user', 'probe_read_kernel',
  'probe_read_user_str', 'probe_read_kernel_str', 'snprintf_btf', 'snprintf', 'task_pt_regs',
  'trace_vprintk',
]);

/** Base helpers 6.12 has and 6.1 has not (cgroup ones under CONFIG_CGROUPS). */
const ADDED_BY_6_12: ReadonlySet<string> = new Set([
  'get_current_pid_tgid', 'get_ns_current_pid_tgid', 'cgrp_storage_get', 'cgrp_storage_delete',
  'get_current_cgroup_id', 'get_current_ancestor_cgroup_id',
]);

/** Answers "does bpf_base_func_proto offer this helper" for one era. */
export type BaseVerdict = (helper: string) => HelperVerdict;

interface BaseEra {
  readonly versions: KernelVersionRange;
  readonly source: string;
  readonly unverified?: string;
  readonly verdict: BaseVerdict;
}

function known(helper: string, inner: (key: string) => HelperVerdict): HelperVerdict {
  return helperId(helper) === undefined ? 'unknown' : inner(helperKey(helper));
}

const BASE_ERAS: readonly BaseEra[] = [
  {
    versions: { until: [6, 1] },
    source: 'kernel/bpf/helpers.c bpf_base_func_proto (not read before 6.1)',
    unverified: 'base helper set before 6.1 not read',
    verdict: (helper) => known(helper, () => 'unknown'),
  },
  {
    versions: { since: [6, 1], until: [6, 2] },
    source: 'kernel/bpf/helpers.c bpf_base_func_proto (6.1)',
    verdict: (helper) => known(helper, (key) => (BASE_6_1.has(key) ? 'allowed' : 'denied')),
  },
  {
    versions: { since: [6, 2], until: [6, 12] },
    source: 'kernel/bpf/helpers.c bpf_base_func_proto (6.1 and 6.12)',
    unverified: 'between the 6.1 and 6.12 trees read: helpers added in between are unknown',
    verdict: (helper) =>
      known(helper, (key) => (BASE_6_1.has(key) ? 'allowed' : ADDED_BY_6_12.has(key) ? 'unknown' : 'denied')),
  },
  {
    versions: { since: [6, 12], until: [6, 13] },
    source: 'kernel/bpf/helpers.c bpf_base_func_proto (6.12)',
    verdict: (helper) =>
      known(helper, (key) => (BASE_6_1.has(key) || ADDED_BY_6_12.has(key) ? 'allowed' : 'denied')),
  },
  {
    versions: { since: [6, 13] },
    source: 'kernel/bpf/helpers.c bpf_base_func_proto (6.12)',
    unverified: 'the 6.12 base helper set, assumed unchanged in later kernels',
    verdict: (helper) =>
      known(helper, (key) => (BASE_6_1.has(key) || ADDED_BY_6_12.has(key) ? 'allowed' : 'denied')),
  },
];

function later(a: readonly [number, number] | undefined, b: readonly [number, number] | undefined) {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return a[0] !== b[0] ? (a[0] > b[0] ? a : b) : a[1] >= b[1] ? a : b;
}

function earlier(a: readonly [number, number] | undefined, b: readonly [number, number] | undefined) {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return a[0] !== b[0] ? (a[0] < b[0] ? a : b) : a[1] <= b[1] ? a : b;
}

/** The overlap of two ranges, or undefined when they do not meet. */
function intersect(a: KernelVersionRange, b: KernelVersionRange): KernelVersionRange | undefined {
  const since = later(a.since, b.since);
  const until = earlier(a.until, b.until);
  if (since !== undefined && until !== undefined) {
    const empty = since[0] !== until[0] ? since[0] > until[0] : since[1] >= until[1];
    if (empty) return undefined;
  }
  return { ...(since ? { since } : {}), ...(until ? { until } : {}) };
}

/**
 * HelperPolicy entries for a get_func_proto whose default case is bpf_base_func_proto, one per base
 * era inside `versions`. `policy` receives the era's base answer and decides per (member, helper).
 */
export function policiesOverBase(
  versions: KernelVersionRange,
  source: string,
  policy: (base: BaseVerdict) => (member: string, helper: string) => HelperVerdict,
): HelperPolicy[] {
  const out: HelperPolicy[] = [];
  for (const era of BASE_ERAS) {
    const overlap = intersect(versions, era.versions);
    if (overlap === undefined) continue;
    out.push({
      versions: overlap,
      source: `${source}; ${era.source}`,
      ...(era.unverified !== undefined ? { unverified: era.unverified } : {}),
      verdict: policy(era.verdict),
    });
  }
  return out;
}

/** Verdict of a verifier_ops without get_func_proto: the verifier offers no helper at all. */
export function noHelpers(_member: string, helper: string): HelperVerdict {
  return helperId(helper) === undefined ? 'unknown' : 'denied';
}

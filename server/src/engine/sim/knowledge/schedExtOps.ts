// sched_ext_ops (kernel/sched/ext.c): bpf_scx_init_member limits, bpf_scx_check_member's sleepable
// list, the maybe-NULL arguments of bpf_scx_is_valid_access, scx_ops_enable failures that matter
// statically, bpf_scx_update (always EOPNOTSUPP), get_func_proto and btf_struct_access. 6.12 tree.

import { Errno } from '../../common/errno';
import { policiesOverBase } from './baseHelpers';
import { UNSUPPORTED_MEMBER_MESSAGE, reported } from './common';
import { helperKey } from './helperIds';
import { objNameCpy } from './objName';
import type { DmesgOutcome, MemberValue, OpsSnapshot, SubsystemDefinition } from './types';

const FILE = 'kernel/sched/ext.c';
const SCX_OPS_NAME_LEN = 128;
const INT_MAX = 0x7fffffffn;
/** SCX_WATCHDOG_MAX_TIMEOUT = 30 * HZ; msecs_to_jiffies rounds up, so the bound is exact in ms. */
const WATCHDOG_MAX_MS = 30000n;

/** SCX_OPS_KEEP_BUILTIN_IDLE | ENQ_LAST | ENQ_EXITING | SWITCH_PARTIAL | HAS_CGROUP_WEIGHT (6.12). */
const SCX_OPS_ALL_FLAGS_6_12 = 0x1000fn;
/** 6.12 plus ENQ_MIGRATION_DISABLED, ALLOW_QUEUED_WAKEUP, BUILTIN_IDLE_PER_NODE (bits 4-6). */
const SCX_OPS_ALL_FLAGS_LATER = 0x1007fn;
const SCX_OPS_ENQ_LAST = 0x2n;

const einval: DmesgOutcome = { errno: Errno.EINVAL, where: 'dmesg' };
const e2big: DmesgOutcome = { errno: Errno.E2BIG, where: 'dmesg' };

function u32Above(limit: bigint, outcome: DmesgOutcome) {
  return (value: MemberValue): DmesgOutcome | undefined =>
    value.kind === 'integer' && BigInt.asUintN(32, value.value) > limit ? outcome : undefined;
}

function flagsWithin(mask: bigint) {
  return (value: MemberValue): DmesgOutcome | undefined =>
    value.kind === 'integer' && (BigInt.asUintN(64, value.value) & ~mask) !== 0n ? einval : undefined;
}

function opsName(ops: OpsSnapshot): string {
  const name = ops.values.get('name');
  return name?.kind === 'string' ? name.value.split('\0')[0] : '';
}

const SLEEPABLE_OPS = [
  'init_task', 'cgroup_init', 'cgroup_exit', 'cgroup_prep_move', 'cpu_online', 'cpu_offline', 'init', 'exit',
];

export const schedExtOps: SubsystemDefinition = {
  typeName: 'sched_ext_ops',
  file: FILE,
  versions: { since: [6, 12] },
  initMember: [
    {
      member: 'dispatch_max_batch',
      versions: {},
      source: `${FILE} bpf_scx_init_member: > INT_MAX -> -E2BIG (6.12)`,
      validate: u32Above(INT_MAX, e2big),
    },
    {
      member: 'flags',
      versions: { until: [6, 13] },
      source: `${FILE} bpf_scx_init_member: & ~SCX_OPS_ALL_FLAGS -> -EINVAL, SCX_OPS_ALL_FLAGS = 0x1000f (6.12)`,
      validate: flagsWithin(SCX_OPS_ALL_FLAGS_6_12),
    },
    {
      member: 'flags',
      versions: { since: [6, 13] },
      source: `${FILE} bpf_scx_init_member: & ~SCX_OPS_ALL_FLAGS -> -EINVAL (6.12 rule)`,
      unverified:
        'mask 0x1007f from bpf-list patches adding SCX_OPS_ENQ_MIGRATION_DISABLED, ALLOW_QUEUED_WAKEUP and BUILTIN_IDLE_PER_NODE; release of each not read',
      validate: flagsWithin(SCX_OPS_ALL_FLAGS_LATER),
    },
    {
      member: 'name',
      versions: {},
      source: `${FILE} bpf_scx_init_member: bpf_obj_name_cpy < 0 -> its errno, == 0 -> -EINVAL (6.12)`,
      validate: (value) => {
        const copied = objNameCpy(value, SCX_OPS_NAME_LEN);
        if (copied === undefined) return undefined;
        return copied === 'EINVAL' || copied === 0 ? einval : undefined;
      },
    },
    {
      member: 'timeout_ms',
      versions: {},
      source: `${FILE} bpf_scx_init_member: msecs_to_jiffies(v) > SCX_WATCHDOG_MAX_TIMEOUT -> -E2BIG (6.12)`,
      validate: u32Above(WATCHDOG_MAX_MS, e2big),
    },
    {
      member: 'exit_dump_len',
      versions: {},
      source: `${FILE} bpf_scx_init_member: copied, 0 -> SCX_EXIT_DUMP_DFL_LEN (6.12)`,
      validate: () => undefined,
    },
    {
      member: 'hotplug_seq',
      versions: {},
      source: `${FILE} bpf_scx_init_member: copied (6.12)`,
      validate: () => undefined,
    },
  ],
  initMemberRejectsAll: [],
  specialMembers: [],
  unsupportedMembers: [],
  sleepable: [
    {
      members: SLEEPABLE_OPS,
      check: 'PRG-12',
      errno: Errno.EINVAL,
      message: UNSUPPORTED_MEMBER_MESSAGE,
      versions: {},
      source: `${FILE} bpf_scx_check_member (6.12; cgroup_* exist only with CONFIG_EXT_GROUP_SCHED)`,
    },
  ],
  nullableArgs: [
    {
      member: 'dispatch',
      argIndex: 1,
      versions: {},
      source: `${FILE} bpf_scx_is_valid_access set_arg_maybe_null("dispatch", 1) (6.12)`,
    },
    {
      member: 'yield',
      argIndex: 1,
      versions: {},
      source: `${FILE} bpf_scx_is_valid_access set_arg_maybe_null("yield", 1) (6.12)`,
    },
  ],
  refArgs: [],
  required: [
    {
      id: 'scx-isolcpus',
      severity: 'error',
      versions: {},
      source: `${FILE} scx_ops_enable: housekeeping_cpumask != cpu_possible_mask (6.12)`,
      evaluate: (ops, ctx) =>
        ctx.isolcpus === true
          ? reported(ops, {
              errno: Errno.EINVAL,
              message: 'sched_ext: Not compatible with "isolcpus=" domain isolation',
              where: 'dmesg',
            })
          : undefined,
    },
    {
      id: 'scx-already-enabled',
      severity: 'error',
      versions: {},
      source: `${FILE} scx_ops_enable_workfn: scx_ops_enable_state() != SCX_OPS_DISABLED -> -EBUSY (6.12)`,
      evaluate: (ops, ctx) =>
        ctx.schedExtEnabled === true ? reported(ops, { errno: Errno.EBUSY, where: 'dmesg' }) : undefined,
    },
    {
      id: 'scx-enq-last-without-enqueue',
      severity: 'warning',
      versions: {},
      source: `${FILE} validate_ops via scx_ops_enable_workfn err_disable (reg returns 0), scx_ops_disable_workfn pr_err (6.12)`,
      evaluate: (ops) => {
        const flags = ops.values.get('flags');
        if (flags?.kind !== 'integer' || (flags.value & SCX_OPS_ENQ_LAST) === 0n || ops.implemented.has('enqueue')) {
          return undefined;
        }
        return reported(ops, {
          errno: 0,
          message:
            `sched_ext: BPF scheduler "${opsName(ops)}" disabled (runtime error)\n` +
            `sched_ext: ${opsName(ops)}: SCX_OPS_ENQ_LAST requires ops.enqueue() to be implemented`,
          where: 'dmesg',
        });
      },
    },
  ],
  validate: [{ present: true, runsOn: 'all-maps', versions: {}, source: `${FILE} bpf_scx_validate returns 0 (6.12)` }],
  update: [
    {
      callback: true,
      versions: {},
      source: `${FILE} bpf_scx_update returns -EOPNOTSUPP (6.12)`,
      evaluate: () => ({ errno: Errno.EOPNOTSUPP, where: 'dmesg' }),
    },
  ],
  helpers: policiesOverBase({ since: [6, 12] }, `${FILE} bpf_scx_get_func_proto (6.12)`, (base) => (_member, helper) => {
    const key = helperKey(helper);
    return key === 'task_storage_get' || key === 'task_storage_delete' ? 'allowed' : base(helper);
  }),
  writableFields: [
    {
      struct: 'task_struct',
      scope: 'fields',
      fields: [
        { container: 'task_struct', field: 'scx.slice', start: 'range' },
        { container: 'task_struct', field: 'scx.dsq_vtime', start: 'range' },
        { container: 'task_struct', field: 'scx.disallow', start: 'range' },
      ],
      errno: Errno.EACCES,
      messages: {},
      versions: {},
      source: `${FILE} bpf_scx_btf_struct_access (6.12)`,
    },
  ],
};

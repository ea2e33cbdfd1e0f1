// Qdisc_ops (net/sched/bpf_qdisc.c, ~6.16): init_member (id, priv_size, peek), the five ops with cfi
// stubs, the __ref skb of enqueue, validate's required ops and register_qdisc's id clash. bpf_qdisc.c
// is in neither tree read (6.1, 6.12), so entries rest on the spec (§8) unless they name sch_api.c.

import { Errno } from '../../common/errno';
import { UNSUPPORTED_MEMBER_MESSAGE, reported } from './common';
import { objNameCpy } from './objName';
import type { SubsystemDefinition, UnsupportedMember } from './types';

const FILE = 'net/sched/bpf_qdisc.c';
const SPEC = 'struct-ops-semantics.md §8 Qdisc_ops';
const NOT_READ = 'net/sched/bpf_qdisc.c not in the trees read; from the spec';
const QDISC_ID_LEN = 16;

/** Func members without a cfi stub: everything but enqueue, dequeue, init, reset, destroy. */
const STUBLESS = [
  'peek', 'change', 'attach', 'change_tx_queue_len', 'change_real_num_tx', 'dump', 'dump_stats',
  'ingress_block_set', 'egress_block_set', 'ingress_block_get', 'egress_block_get',
];

const REQUIRED = ['enqueue', 'dequeue', 'init', 'reset', 'destroy'];

export const qdiscOps: SubsystemDefinition = {
  typeName: 'Qdisc_ops',
  file: FILE,
  versions: { since: [6, 16] },
  initMember: [
    {
      member: 'id',
      versions: {},
      source: `${FILE} bpf_qdisc_init_member, bpf_obj_name_cpy into id[16] (${SPEC})`,
      unverified: NOT_READ,
      validate: (value) => {
        const copied = objNameCpy(value, QDISC_ID_LEN);
        if (copied === undefined) return undefined;
        return copied === 'EINVAL' || copied <= 0 ? { errno: Errno.EINVAL, where: 'dmesg' } : undefined;
      },
    },
    {
      member: 'priv_size',
      versions: {},
      source: `${FILE} bpf_qdisc_init_member: non-zero -> -EINVAL (${SPEC})`,
      unverified: NOT_READ,
      validate: (value) =>
        value.kind === 'integer' && BigInt.asUintN(32, value.value) !== 0n ? { errno: Errno.EINVAL, where: 'dmesg' } : undefined,
    },
  ],
  initMemberRejectsAll: [],
  specialMembers: [
    {
      member: 'owner',
      handling: 'module-owner',
      versions: {},
      source: 'kernel/bpf/bpf_struct_ops.c bpf_struct_ops_map_update_elem, module_type member (6.12)',
    },
    {
      member: 'peek',
      handling: 'kernel-filled',
      versions: {},
      source: `${FILE} bpf_qdisc_init_member: peek = qdisc_peek_dequeued, returns 0 (${SPEC})`,
      unverified: NOT_READ,
    },
  ],
  unsupportedMembers: STUBLESS.map(
    (member): UnsupportedMember => ({
      member,
      check: 'PRG-11',
      errno: Errno.ENOTSUPP,
      message: UNSUPPORTED_MEMBER_MESSAGE,
      versions: {},
      source: `${FILE} __bpf_ops_qdisc_ops has no ${member} stub (${SPEC})`,
      unverified: NOT_READ,
    }),
  ),
  sleepable: [],
  nullableArgs: [],
  refArgs: [
    {
      member: 'enqueue',
      argIndex: 0,
      stubArgName: 'skb__ref',
      versions: {},
      source: `${FILE} bpf_qdisc_enqueue stub (${SPEC})`,
      unverified: NOT_READ,
    },
  ],
  required: [
    {
      id: 'qdisc-required-ops',
      severity: 'error',
      versions: {},
      source: `${FILE} bpf_qdisc_validate (${SPEC})`,
      unverified: `${NOT_READ}; no message known`,
      evaluate: (ops) =>
        REQUIRED.every((m) => ops.implemented.has(m))
          ? undefined
          : { errno: Errno.EINVAL, where: 'dmesg', phase: 'map_update', check: 'UPD-13' },
    },
    {
      id: 'qdisc-id-clash',
      severity: 'error',
      versions: {},
      source: `net/sched/sch_api.c register_qdisc: strcmp(id) match -> -EEXIST (6.12); reg = register_qdisc (${SPEC})`,
      unverified: 'that bpf_qdisc_reg calls register_qdisc is from the spec',
      evaluate: (ops, ctx) => {
        const id = ops.values.get('id');
        if (id?.kind !== 'string' || ctx.registeredNames?.has(id.value.split('\0')[0]) !== true) return undefined;
        return reported(ops, { errno: Errno.EEXIST, where: 'dmesg' });
      },
    },
  ],
  validate: [
    {
      present: true,
      runsOn: 'all-maps',
      versions: {},
      source: `${FILE} bpf_qdisc_validate (${SPEC})`,
      unverified: NOT_READ,
    },
  ],
  update: [],
  helpers: [],
  writableFields: [],
};

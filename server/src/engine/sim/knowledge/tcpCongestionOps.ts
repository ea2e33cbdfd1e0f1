// tcp_congestion_ops (net/ipv4/bpf_tcp_ca.c, net/ipv4/tcp_cong.c): init_member (flags, name),
// check_member/cfi stubs, reg/validate/update via tcp_register/validate/update_congestion_control,
// get_func_proto and btf_struct_access. Read from the 6.1 and 6.12 trees; 6.18 facts observed.

import { Errno } from '../../common/errno';
import { policiesOverBase } from './baseHelpers';
import { helperKey } from './helperIds';
import { objNameCpy } from './objName';
import type {
  DmesgOutcome,
  KnowledgeContext,
  MemberValue,
  OpsSnapshot,
  RegistrationOutcome,
  SubsystemDefinition,
} from './types';
import { PRE_SLEEPABLE, UNSUPPORTED_MEMBER_MESSAGE, reported } from './common';

const TCP_CA_NAME_MAX = 16;

/** TCP_CONG_MASK bits outside which init_member rejects `flags` (-EINVAL, no message). */
function flagsRule(mask: bigint) {
  return (value: MemberValue): DmesgOutcome | undefined => {
    if (value.kind !== 'integer') return undefined;
    return (BigInt.asUintN(32, value.value) & ~mask) !== 0n ? { errno: Errno.EINVAL, where: 'dmesg' } : undefined;
  };
}

function caName(ops: OpsSnapshot): string | undefined {
  const name = ops.values.get('name');
  return name?.kind === 'string' ? name.value.split('\0')[0] : undefined;
}

/** tcp_validate_congestion_control: ssthresh, undo_cwnd and one of cong_avoid/cong_control. */
function missingRequiredOps(ops: OpsSnapshot): boolean {
  const has = (m: string) => ops.implemented.has(m);
  return !has('ssthresh') || !has('undo_cwnd') || !(has('cong_avoid') || has('cong_control'));
}

function requiredOpsOutcome(ops: OpsSnapshot, viaValidate: boolean): RegistrationOutcome | undefined {
  if (!missingRequiredOps(ops)) return undefined;
  const outcome = {
    errno: Errno.EINVAL,
    message: `TCP: ${caName(ops) ?? ''} does not implement required ops`,
    where: 'dmesg' as const,
  };
  return viaValidate ? { ...outcome, phase: 'map_update', check: 'UPD-13' } : reported(ops, outcome);
}

function nameClash(ops: OpsSnapshot, ctx: KnowledgeContext): RegistrationOutcome | undefined {
  const name = caName(ops);
  if (name === undefined || ctx.registeredNames?.has(name) !== true) return undefined;
  return reported(ops, {
    errno: Errno.EEXIST,
    message: `TCP: ${name} already registered or non-unique key`,
    where: 'dmesg',
  });
}

const CA = 'net/ipv4/bpf_tcp_ca.c';
const CONG = 'net/ipv4/tcp_cong.c';

/** tcp kfuncs registered for BPF_PROG_TYPE_STRUCT_OPS (bpf_tcp_ca_check_kfunc_ids). */
const TCP_KFUNCS: ReadonlySet<string> = new Set([
  'tcp_reno_ssthresh', 'tcp_reno_cong_avoid', 'tcp_reno_undo_cwnd', 'tcp_slow_start', 'tcp_cong_avoid_ai',
]);

const SOCK_FIELDS = [
  { container: 'sock', field: 'sk_pacing_rate', start: 'exact' },
  { container: 'sock', field: 'sk_pacing_status', start: 'exact' },
  { container: 'inet_connection_sock', field: 'icsk_ca_priv', start: 'range' },
  { container: 'inet_connection_sock', field: 'icsk_ack.pending', start: 'exact' },
  { container: 'tcp_sock', field: 'snd_cwnd', start: 'exact' },
  { container: 'tcp_sock', field: 'snd_cwnd_cnt', start: 'exact' },
] as const;

const TCP_SOCK_MESSAGES = {
  notWritable: 'no write support to tcp_sock at off %d',
  beyondEnd: 'write access at off %d with size %d beyond the member of tcp_sock ended at %zu',
  otherStruct: 'only read is supported',
} as const;

export const tcpCongestionOps: SubsystemDefinition = {
  typeName: 'tcp_congestion_ops',
  file: CA,
  versions: { since: [5, 6] },
  initMember: [
    {
      member: 'flags',
      versions: { until: [6, 13] },
      source: `${CA} bpf_tcp_ca_init_member, include/net/tcp.h TCP_CONG_MASK = 0x3 (6.1, 6.12)`,
      validate: flagsRule(0x3n),
    },
    {
      member: 'flags',
      versions: { since: [6, 13], until: [6, 18] },
      source: `${CA} bpf_tcp_ca_init_member, include/net/tcp.h TCP_CONG_MASK = 0x3 (6.12)`,
      unverified: 'trees 6.13-6.17 not read; the AccECN bits are taken to arrive with 6.18',
      validate: flagsRule(0x3n),
    },
    {
      member: 'flags',
      versions: { since: [6, 18] },
      source: `${CA} bpf_tcp_ca_init_member; TCP_CONG_MASK = 0x1f (observed 6.18.44 by raw BPF_MAP_UPDATE_ELEM: 0x1, 0x2, 0x4, 0x8, 0x10 accepted, 0x20 and 0x80 rejected)`,
      validate: flagsRule(0x1fn),
    },
    {
      member: 'name',
      versions: { until: [6, 4] },
      source: `${CA} bpf_tcp_ca_init_member: bpf_obj_name_cpy <= 0 -> -EINVAL, tcp_ca_find -> -EEXIST (6.1)`,
      validate: (value, ctx) => {
        const copied = objNameCpy(value, TCP_CA_NAME_MAX);
        if (copied === undefined) return undefined;
        if (copied === 'EINVAL' || copied <= 0) return { errno: Errno.EINVAL, where: 'dmesg' };
        const name = value.kind === 'string' ? value.value.split('\0')[0] : undefined;
        return name !== undefined && ctx.registeredNames?.has(name) === true
          ? { errno: Errno.EEXIST, where: 'dmesg' }
          : undefined;
      },
    },
    {
      member: 'name',
      versions: { since: [6, 4] },
      source: `${CA} bpf_tcp_ca_init_member: bpf_obj_name_cpy <= 0 -> -EINVAL (6.12; observed 6.18.44, Latin-1 letters 0xc0/0xe9 accepted, 0xd7/0xa9 rejected)`,
      validate: (value) => {
        const copied = objNameCpy(value, TCP_CA_NAME_MAX);
        if (copied === undefined) return undefined;
        return copied === 'EINVAL' || copied <= 0 ? { errno: Errno.EINVAL, where: 'dmesg' } : undefined;
      },
    },
  ],
  initMemberRejectsAll: [],
  specialMembers: [
    {
      member: 'owner',
      handling: 'module-owner',
      versions: {},
      source: 'kernel/bpf/bpf_struct_ops.c bpf_struct_ops_map_update_elem, module_type member (6.12; observed 6.18: update returns 1)',
    },
  ],
  unsupportedMembers: [
    {
      member: 'get_info',
      check: 'PRG-12',
      errno: Errno.ENOTSUPP,
      message: UNSUPPORTED_MEMBER_MESSAGE,
      versions: { until: [6, 12] },
      source: `${CA} bpf_tcp_ca_check_member, unsupported_ops[] (6.1)`,
    },
    {
      member: 'get_info',
      check: 'PRG-11',
      errno: Errno.ENOTSUPP,
      message: UNSUPPORTED_MEMBER_MESSAGE,
      versions: { since: [6, 12] },
      source: `${CA} __bpf_ops_tcp_congestion_ops has no get_info; kernel/bpf/verifier.c check_struct_ops_btf_id (6.12; observed 6.18)`,
    },
  ],
  sleepable: [
    PRE_SLEEPABLE,
    {
      members: 'all',
      check: 'PRG-12',
      errno: Errno.EINVAL,
      message: UNSUPPORTED_MEMBER_MESSAGE,
      versions: { since: [6, 3] },
      source: `${CA} no sleepable test in check_member (6.12 has none at all; observed 6.18)`,
    },
  ],
  nullableArgs: [],
  refArgs: [],
  required: [
    {
      id: 'tcp-required-ops',
      severity: 'error',
      versions: { until: [6, 4] },
      source: `${CONG} tcp_register_congestion_control (6.1)`,
      evaluate: (ops) => requiredOpsOutcome(ops, false),
    },
    {
      id: 'tcp-required-ops',
      severity: 'error',
      versions: { since: [6, 4], until: [6, 9] },
      source: `${CONG} tcp_validate_congestion_control via ${CA} bpf_tcp_ca_validate (link maps) or tcp_register_congestion_control (6.12 code; spec UPD-13 for the era)`,
      unverified: 'validate() ran for link maps only before 6.9 (spec UPD-13); trees for 6.4-6.8 not read',
      evaluate: (ops) => requiredOpsOutcome(ops, ops.link),
    },
    {
      id: 'tcp-required-ops',
      severity: 'error',
      versions: { since: [6, 9] },
      source: `${CONG} tcp_validate_congestion_control via ${CA} bpf_tcp_ca_validate (6.12; observed 6.18, link maps too)`,
      evaluate: (ops) => requiredOpsOutcome(ops, true),
    },
    {
      id: 'tcp-name-clash',
      severity: 'error',
      versions: {},
      source: `${CONG} tcp_register_congestion_control: tcp_ca_find_key -> -EEXIST, pr_notice (6.1, 6.12; observed 6.18)`,
      evaluate: nameClash,
    },
  ],
  validate: [
    { present: false, runsOn: 'link-maps', versions: { until: [6, 4] }, source: `${CA} bpf_tcp_congestion_ops (6.1)` },
    {
      present: true,
      runsOn: 'link-maps',
      versions: { since: [6, 4], until: [6, 9] },
      source: `${CA} bpf_tcp_ca_validate; kernel/bpf/bpf_struct_ops.c (6.12 code; struct-ops-semantics.md UPD-13 for the era)`,
      unverified: 'trees for 6.4-6.8 not read',
    },
    {
      present: true,
      runsOn: 'all-maps',
      versions: { since: [6, 9] },
      source: `${CA} bpf_tcp_ca_validate; kernel/bpf/bpf_struct_ops.c bpf_struct_ops_map_update_elem (6.12)`,
    },
  ],
  update: [
    {
      callback: false,
      versions: { until: [6, 4] },
      source: `${CA} bpf_tcp_congestion_ops has no .update (6.1)`,
      evaluate: () => ({ errno: Errno.EOPNOTSUPP, where: 'dmesg' }),
    },
    {
      callback: true,
      versions: { since: [6, 4] },
      source: `${CONG} tcp_update_congestion_control via ${CA} bpf_tcp_ca_update (6.12)`,
      evaluate: (next, current) => {
        const name = caName(next);
        if (name === undefined || caName(current) === undefined) return undefined;
        return name !== caName(current)
          ? { errno: Errno.EINVAL, message: `TCP: ${name} not registered or non-unique key`, where: 'dmesg' }
          : undefined;
      },
    },
  ],
  helpers: policiesOverBase(
    { since: [5, 6] },
    `${CA} bpf_tcp_ca_get_func_proto (6.1, 6.12), bpf_tcp_ca_check_kfunc_ids`,
    (base) => (member, helper) => {
      if (TCP_KFUNCS.has(helper)) return 'allowed';
      switch (helperKey(helper)) {
        case 'tcp_send_ack':
        case 'sk_storage_get':
        case 'sk_storage_delete':
        case 'ktime_get_coarse_ns':
          return 'allowed';
        case 'setsockopt':
        case 'getsockopt':
          return member === 'release' ? 'denied' : 'allowed';
        default:
          return base(helper);
      }
    },
  ),
  writableFields: [
    {
      struct: 'tcp_sock',
      scope: 'fields',
      fields: [
        ...SOCK_FIELDS,
        { container: 'tcp_sock', field: 'snd_ssthresh', start: 'exact' },
        { container: 'tcp_sock', field: 'ecn_flags', start: 'exact' },
      ],
      errno: Errno.EACCES,
      messages: TCP_SOCK_MESSAGES,
      versions: { until: [6, 4] },
      source: `${CA} bpf_tcp_ca_btf_struct_access (6.1)`,
    },
    {
      struct: 'tcp_sock',
      scope: 'fields',
      fields: [
        ...SOCK_FIELDS,
        { container: 'tcp_sock', field: 'snd_ssthresh', start: 'exact' },
        { container: 'tcp_sock', field: 'ecn_flags', start: 'exact' },
        { container: 'tcp_sock', field: 'app_limited', start: 'exact' },
      ],
      errno: Errno.EACCES,
      messages: TCP_SOCK_MESSAGES,
      versions: { since: [6, 4], until: [6, 10] },
      source: `${CA} bpf_tcp_ca_btf_struct_access (6.1 plus app_limited)`,
      unverified: 'app_limited from the bpf-next patch of 2023-03 (6.4), snd_cwnd_stamp from 2024 (6.10); trees between 6.1 and 6.12 not read',
    },
    {
      struct: 'tcp_sock',
      scope: 'fields',
      fields: [
        ...SOCK_FIELDS,
        { container: 'tcp_sock', field: 'snd_cwnd_stamp', start: 'exact' },
        { container: 'tcp_sock', field: 'snd_ssthresh', start: 'exact' },
        { container: 'tcp_sock', field: 'ecn_flags', start: 'exact' },
        { container: 'tcp_sock', field: 'app_limited', start: 'exact' },
      ],
      errno: Errno.EACCES,
      messages: TCP_SOCK_MESSAGES,
      versions: { since: [6, 10] },
      source: `${CA} bpf_tcp_ca_btf_struct_access (6.12; observed 6.18)`,
    },
  ],
};


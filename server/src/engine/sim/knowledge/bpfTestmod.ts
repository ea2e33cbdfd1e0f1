// The selftest module's types (tools/testing/selftests/bpf/bpf_testmod/bpf_testmod.c): bpf_testmod_ops
// (init_member copies `data`, `unsupported_ops` has no stub, test_maybe_null's task is __nullable),
// bpf_testmod_ops2 and bpf_testmod_st_ops. Read from the 6.12 tree.

import { Errno } from '../../common/errno';
import { noHelpers, policiesOverBase } from './baseHelpers';
import { UNSUPPORTED_MEMBER_MESSAGE } from './common';
import type { LinkUpdateRule, SleepableRule, SubsystemDefinition, ValidateCallback } from './types';

const FILE = 'tools/testing/selftests/bpf/bpf_testmod/bpf_testmod.c';

const noValidate: ValidateCallback = { present: false, runsOn: 'all-maps', versions: {}, source: `${FILE} (6.12): no .validate` };

const noUpdate: LinkUpdateRule = {
  callback: false,
  versions: {},
  source: `${FILE} (6.12): no .update`,
  evaluate: () => ({ errno: Errno.EOPNOTSUPP, where: 'dmesg' }),
};

/** No check_member: BPF_F_SLEEPABLE passes on every op. */
const anySleepable: SleepableRule = {
  members: 'all',
  check: 'PRG-12',
  errno: Errno.EINVAL,
  message: UNSUPPORTED_MEMBER_MESSAGE,
  versions: {},
  source: `${FILE} (6.12): no .check_member`,
};

export const bpfTestmodOps: SubsystemDefinition = {
  typeName: 'bpf_testmod_ops',
  file: FILE,
  versions: { since: [6, 9] },
  initMember: [
    {
      member: 'data',
      versions: {},
      source: `${FILE} bpf_testmod_ops_init_member: copied (6.12)`,
      validate: () => undefined,
    },
  ],
  initMemberRejectsAll: [],
  specialMembers: [],
  unsupportedMembers: [
    {
      member: 'unsupported_ops',
      check: 'PRG-11',
      errno: Errno.ENOTSUPP,
      message: UNSUPPORTED_MEMBER_MESSAGE,
      versions: { since: [6, 12] },
      source: `${FILE} __bpf_testmod_ops has no unsupported_ops stub (6.12)`,
    },
  ],
  sleepable: [anySleepable],
  nullableArgs: [
    {
      member: 'test_maybe_null',
      argIndex: 1,
      stubArgName: 'task__nullable',
      versions: {},
      source: `${FILE} bpf_testmod_ops__test_maybe_null stub (6.12)`,
    },
  ],
  refArgs: [
    {
      member: 'test_refcounted',
      argIndex: 1,
      stubArgName: 'task__ref',
      versions: { since: [6, 15] },
      source: `${FILE} bpf_testmod_ops__test_refcounted stub (struct-ops-semantics.md §8, REG-19)`,
      unverified: 'test_refcounted is not in the 6.12 tree; from the spec',
    },
  ],
  required: [],
  validate: [noValidate],
  update: [noUpdate],
  helpers: [
    {
      versions: {},
      source: `${FILE} bpf_testmod_verifier_ops has no get_func_proto (6.12)`,
      verdict: noHelpers,
    },
  ],
  writableFields: [],
};

export const bpfTestmodOps2: SubsystemDefinition = {
  typeName: 'bpf_testmod_ops2',
  file: FILE,
  versions: { since: [6, 9] },
  initMember: [],
  initMemberRejectsAll: [],
  specialMembers: [],
  unsupportedMembers: [],
  sleepable: [anySleepable],
  nullableArgs: [],
  refArgs: [],
  required: [],
  validate: [noValidate],
  update: [noUpdate],
  helpers: [
    {
      versions: {},
      source: `${FILE} bpf_testmod_verifier_ops has no get_func_proto (6.12)`,
      verdict: noHelpers,
    },
  ],
  writableFields: [],
};

export const bpfTestmodStOps: SubsystemDefinition = {
  typeName: 'bpf_testmod_st_ops',
  file: FILE,
  versions: { since: [6, 12] },
  initMember: [],
  initMemberRejectsAll: [],
  specialMembers: [
    {
      member: 'owner',
      handling: 'module-owner',
      versions: {},
      source: 'kernel/bpf/bpf_struct_ops.c bpf_struct_ops_map_update_elem, module_type member (6.12)',
    },
  ],
  unsupportedMembers: [],
  sleepable: [anySleepable],
  nullableArgs: [],
  refArgs: [],
  required: [],
  validate: [noValidate],
  update: [noUpdate],
  helpers: policiesOverBase(
    { since: [6, 12] },
    `${FILE} st_ops_verifier_ops.get_func_proto = bpf_base_func_proto (6.12)`,
    (base) => (_member, helper) => base(helper),
  ),
  writableFields: [
    {
      struct: 'st_ops_args',
      scope: 'whole',
      fields: [],
      errno: Errno.EACCES,
      messages: {},
      versions: {},
      source: `${FILE} st_ops_btf_struct_access: any pointee, off + size <= sizeof(struct st_ops_args) (6.12)`,
    },
  ],
};

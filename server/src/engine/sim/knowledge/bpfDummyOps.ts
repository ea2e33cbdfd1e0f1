// bpf_dummy_ops (net/bpf/bpf_dummy_struct_ops.c): the BPF_PROG_TEST_RUN-only type. init_member and
// reg refuse everything, check_member allows sleepable only on test_sleepable, verifier_ops has no
// get_func_proto, writes reach only bpf_dummy_ops_state. Read from the 6.1 and 6.12 trees.

import { Errno } from '../../common/errno';
import { noHelpers } from './baseHelpers';
import { PRE_SLEEPABLE, UNSUPPORTED_MEMBER_MESSAGE, reported } from './common';
import type { SubsystemDefinition } from './types';

const FILE = 'net/bpf/bpf_dummy_struct_ops.c';

export const bpfDummyOps: SubsystemDefinition = {
  typeName: 'bpf_dummy_ops',
  file: FILE,
  versions: { since: [5, 16] },
  initMember: [],
  initMemberRejectsAll: [
    {
      errno: Errno.EOPNOTSUPP,
      versions: {},
      source: `${FILE} bpf_dummy_init_member (6.1, 6.12; observed 6.18)`,
    },
  ],
  specialMembers: [],
  unsupportedMembers: [],
  sleepable: [
    PRE_SLEEPABLE,
    {
      members: ['test_sleepable'],
      check: 'PRG-12',
      errno: Errno.EINVAL,
      message: UNSUPPORTED_MEMBER_MESSAGE,
      versions: { since: [6, 3] },
      source: `${FILE} bpf_dummy_ops_check_member (6.12; observed 6.18)`,
    },
  ],
  nullableArgs: [
    {
      member: 'test_1',
      argIndex: 0,
      stubArgName: 'cb__nullable',
      versions: { since: [6, 9] },
      source: `${FILE} bpf_dummy_ops__test_1 stub (6.12; observed 6.18)`,
    },
  ],
  refArgs: [],
  required: [
    {
      id: 'bpf-dummy-reg',
      severity: 'error',
      versions: {},
      source: `${FILE} bpf_dummy_reg (6.1, 6.12)`,
      evaluate: (ops) => reported(ops, { errno: Errno.EOPNOTSUPP, where: 'dmesg' }),
    },
  ],
  validate: [
    { present: false, runsOn: 'link-maps', versions: { until: [6, 9] }, source: `${FILE} bpf_bpf_dummy_ops (6.1)` },
    { present: false, runsOn: 'all-maps', versions: { since: [6, 9] }, source: `${FILE} bpf_bpf_dummy_ops (6.12)` },
  ],
  update: [
    {
      callback: false,
      versions: {},
      source: `${FILE} bpf_bpf_dummy_ops has no .update (6.12); kernel/bpf/bpf_struct_ops.c bpf_struct_ops_map_link_update`,
      evaluate: () => ({ errno: Errno.EOPNOTSUPP, where: 'dmesg' }),
    },
  ],
  helpers: [
    {
      versions: {},
      source: `${FILE} bpf_dummy_verifier_ops has no get_func_proto; kernel/bpf/verifier.c get_helper_proto (6.12; observed 6.18)`,
      verdict: noHelpers,
    },
  ],
  writableFields: [
    {
      struct: 'bpf_dummy_ops_state',
      scope: 'whole',
      fields: [],
      errno: Errno.EACCES,
      messages: {
        beyondEnd: 'access beyond struct %s at off %u size %u',
        otherStruct: 'only access to bpf_dummy_ops_state is supported',
      },
      versions: { until: [6, 2] },
      source: `${FILE} bpf_dummy_ops_btf_struct_access -> kernel/bpf/btf.c btf_struct_access (6.1)`,
    },
    {
      struct: 'bpf_dummy_ops_state',
      scope: 'whole',
      fields: [],
      errno: Errno.EACCES,
      messages: {
        beyondEnd: 'write access at off %d with size %d',
        otherStruct: 'only access to bpf_dummy_ops_state is supported',
      },
      versions: { since: [6, 2], until: [6, 12] },
      source: `${FILE} bpf_dummy_ops_btf_struct_access (6.12 form)`,
      unverified: 'own size check from ~6.2 (btf_struct_access refactor); trees between 6.1 and 6.12 not read',
    },
    {
      struct: 'bpf_dummy_ops_state',
      scope: 'whole',
      fields: [],
      errno: Errno.EACCES,
      messages: {
        beyondEnd: 'write access at off %d with size %d',
        otherStruct: 'only access to bpf_dummy_ops_state is supported',
      },
      versions: { since: [6, 12] },
      source: `${FILE} bpf_dummy_ops_btf_struct_access (6.12; observed 6.18)`,
    },
  ],
};

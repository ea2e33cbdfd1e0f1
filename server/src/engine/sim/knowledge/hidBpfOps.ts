// hid_bpf_ops (drivers/hid/bpf/hid_bpf_struct_ops.c): init_member (hid_id, flags), sleepable ops,
// bpf_base_func_proto helpers and the write ranges of hid_bpf_ops_btf_struct_access. 6.12 tree.
// reg depends on the live HID devices (hid_get_device, prog count, rdesc owner) and is not modelled.

import { Errno } from '../../common/errno';
import { policiesOverBase } from './baseHelpers';
import { UNSUPPORTED_MEMBER_MESSAGE } from './common';
import type { SubsystemDefinition } from './types';

const FILE = 'drivers/hid/bpf/hid_bpf_struct_ops.c';
/** include/uapi/linux/bpf.h BPF_F_BEFORE = 1U << 3 (6.12). */
const BPF_F_BEFORE = 0x8n;

export const hidBpfOps: SubsystemDefinition = {
  typeName: 'hid_bpf_ops',
  file: FILE,
  versions: { since: [6, 11] },
  initMember: [
    {
      member: 'hid_id',
      versions: {},
      source: `${FILE} hid_bpf_ops_init_member: copied (6.12)`,
      validate: () => undefined,
    },
    {
      member: 'flags',
      versions: {},
      source: `${FILE} hid_bpf_ops_init_member: & ~BPF_F_BEFORE -> -EINVAL (6.12)`,
      validate: (value) =>
        value.kind === 'integer' && (BigInt.asUintN(32, value.value) & ~BPF_F_BEFORE) !== 0n
          ? { errno: Errno.EINVAL, where: 'dmesg' }
          : undefined,
    },
  ],
  initMemberRejectsAll: [],
  specialMembers: [],
  unsupportedMembers: [],
  sleepable: [
    {
      members: ['hid_rdesc_fixup', 'hid_hw_request', 'hid_hw_output_report'],
      check: 'PRG-12',
      errno: Errno.EINVAL,
      message: UNSUPPORTED_MEMBER_MESSAGE,
      versions: {},
      source: `${FILE} hid_bpf_ops_check_member (6.12)`,
    },
  ],
  nullableArgs: [],
  refArgs: [],
  required: [],
  validate: [{ present: false, runsOn: 'all-maps', versions: {}, source: `${FILE} bpf_hid_bpf_ops (6.12)` }],
  update: [
    {
      callback: false,
      versions: {},
      source: `${FILE} bpf_hid_bpf_ops has no .update (6.12)`,
      evaluate: () => ({ errno: Errno.EOPNOTSUPP, where: 'dmesg' }),
    },
  ],
  helpers: policiesOverBase({ since: [6, 11] }, `${FILE} hid_bpf_verifier_ops.get_func_proto = bpf_base_func_proto (6.12)`, (base) => (_member, helper) => base(helper)),
  writableFields: [
    {
      struct: 'hid_bpf_ctx',
      scope: 'fields',
      fields: [{ container: 'hid_bpf_ctx', field: 'retval', start: 'range' }],
      errno: Errno.EACCES,
      messages: {
        beyondEnd: 'write access for struct %s at off %d with size %d',
        notWritable: 'write access at off %d with size %d on read-only part of %s',
        otherStruct: 'write access to this struct is not supported',
      },
      versions: {},
      source: `${FILE} hid_bpf_ops_btf_struct_access WRITE_RANGE (6.12)`,
    },
    {
      struct: 'hid_device',
      scope: 'fields',
      fields: [
        { container: 'hid_device', field: 'name', start: 'range', readOnlyTail: 1 },
        { container: 'hid_device', field: 'uniq', start: 'range', readOnlyTail: 1 },
        { container: 'hid_device', field: 'phys', start: 'range', readOnlyTail: 1 },
      ],
      errno: Errno.EACCES,
      messages: {
        beyondEnd: 'write access for struct %s at off %d with size %d',
        notWritable: 'write access at off %d with size %d on read-only part of %s',
        otherStruct: 'write access to this struct is not supported',
      },
      versions: {},
      source: `${FILE} hid_bpf_ops_btf_struct_access WRITE_RANGE (6.12)`,
    },
  ],
};

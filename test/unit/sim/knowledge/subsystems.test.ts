// bpf_dummy_ops, sched_ext_ops, hid_bpf_ops, Qdisc_ops and bpf_testmod knowledge: init_member rules,
// sleepable lists, stub argument tags, registration rules, update support and helper policies.

import { describe, expect, it } from 'vitest';
import { Errno } from '../../../../server/src/engine/common/errno';
import { knowledgeFor } from '../../../../server/src/engine/sim/knowledge';
import type {
  KernelVersion,
  KnowledgeContext,
  MemberValue,
  OpsSnapshot,
  SubsystemKnowledge,
} from '../../../../server/src/engine/sim/knowledge';

const v = (major: number, minor: number): KernelVersion => ({ major, minor });
const str = (value: string): MemberValue => ({ kind: 'string', value });
const int = (value: bigint): MemberValue => ({ kind: 'integer', value });

function knowledge(type: string, kernel: KernelVersion): SubsystemKnowledge {
  const k = knowledgeFor(type, kernel);
  if (k === undefined) throw new Error(`no ${type} knowledge for ${kernel.major}.${kernel.minor}`);
  return k;
}

function validate(type: string, kernel: KernelVersion, member: string, value: MemberValue) {
  const rules = knowledge(type, kernel).initMember.filter((r) => r.member === member);
  expect(rules).toHaveLength(1);
  return rules[0].validate(value, { kernel });
}

function ops(implemented: string[], values: Record<string, MemberValue>, link = false): OpsSnapshot {
  return { implemented: new Set(implemented), values: new Map(Object.entries(values)), link };
}

function rule(type: string, kernel: KernelVersion, id: string) {
  const rules = knowledge(type, kernel).required.filter((r) => r.id === id);
  expect(rules).toHaveLength(1);
  return rules[0];
}

describe('bpf_dummy_ops', () => {
  const k = knowledge('bpf_dummy_ops', v(6, 18));

  it('rejects every member in init_member with EOPNOTSUPP and consumes none', () => {
    expect(k.initMember).toEqual([]);
    expect(k.initMemberRejectsAll).toEqual([expect.objectContaining({ errno: Errno.EOPNOTSUPP })]);
  });

  it('offers no helper at all', () => {
    for (const helper of ['bpf_map_lookup_elem', 'bpf_trace_printk', 'bpf_setsockopt', 'bpf_ktime_get_ns']) {
      expect(k.helpers('test_1', helper)).toBe('denied');
    }
    expect(k.helpers('test_1', 'no_such_helper')).toBe('unknown');
  });

  it('allows sleepable only on test_sleepable (EINVAL otherwise, PRG-12)', () => {
    expect(k.sleepable).toEqual([expect.objectContaining({ members: ['test_sleepable'], check: 'PRG-12', errno: Errno.EINVAL })]);
  });

  it('tags test_1 arg 0 __nullable from 6.9 only', () => {
    expect(k.nullableArgs).toEqual([expect.objectContaining({ member: 'test_1', argIndex: 0, stubArgName: 'cb__nullable' })]);
    expect(knowledge('bpf_dummy_ops', v(6, 8)).nullableArgs).toEqual([]);
  });

  it('reg and link update refuse with EOPNOTSUPP', () => {
    expect(rule('bpf_dummy_ops', v(6, 18), 'bpf-dummy-reg').evaluate(ops([], {}, true), { kernel: v(6, 18) })).toEqual(
      expect.objectContaining({ errno: Errno.EOPNOTSUPP, phase: 'link_create' }),
    );
    const [update] = k.update;
    expect(update.callback).toBe(false);
    expect(update.evaluate(ops([], {}), ops([], {}), { kernel: v(6, 18) })).toEqual({ errno: Errno.EOPNOTSUPP, where: 'dmesg' });
  });

  it('writes only inside bpf_dummy_ops_state, with the 6.12 messages', () => {
    expect(k.writableFields).toEqual([
      expect.objectContaining({
        struct: 'bpf_dummy_ops_state',
        scope: 'whole',
        messages: {
          beyondEnd: 'write access at off %d with size %d',
          otherStruct: 'only access to bpf_dummy_ops_state is supported',
        },
      }),
    ]);
  });

  it('does not exist before 5.16', () => {
    expect(knowledgeFor('bpf_dummy_ops', v(5, 15))).toBeUndefined();
  });
});

describe('sched_ext_ops', () => {
  const kernel = v(6, 12);

  it('timeout_ms: 60000 → E2BIG, 30000 accepted, 30001 → E2BIG', () => {
    expect(validate('sched_ext_ops', kernel, 'timeout_ms', int(60000n))).toEqual({ errno: Errno.E2BIG, where: 'dmesg' });
    expect(validate('sched_ext_ops', kernel, 'timeout_ms', int(30000n))).toBeUndefined();
    expect(validate('sched_ext_ops', kernel, 'timeout_ms', int(30001n))).toEqual({ errno: Errno.E2BIG, where: 'dmesg' });
    expect(validate('sched_ext_ops', kernel, 'timeout_ms', { kind: 'zero' })).toBeUndefined();
  });

  it('dispatch_max_batch above INT_MAX → E2BIG', () => {
    expect(validate('sched_ext_ops', kernel, 'dispatch_max_batch', int(0x7fffffffn))).toBeUndefined();
    expect(validate('sched_ext_ops', kernel, 'dispatch_max_batch', int(0x80000000n))).toEqual({ errno: Errno.E2BIG, where: 'dmesg' });
    expect(validate('sched_ext_ops', kernel, 'dispatch_max_batch', int(-1n))).toEqual({ errno: Errno.E2BIG, where: 'dmesg' });
  });

  it('flags outside SCX_OPS_ALL_FLAGS (0x1000f on 6.12) → EINVAL', () => {
    expect(validate('sched_ext_ops', kernel, 'flags', int(0x1000fn))).toBeUndefined();
    expect(validate('sched_ext_ops', kernel, 'flags', int(0x10n))).toEqual({ errno: Errno.EINVAL, where: 'dmesg' });
    expect(validate('sched_ext_ops', kernel, 'flags', int(0x20000n))).toEqual({ errno: Errno.EINVAL, where: 'dmesg' });
  });

  it('name: empty → EINVAL, 127 characters accepted, 128 → EINVAL, dash → EINVAL', () => {
    expect(validate('sched_ext_ops', kernel, 'name', str(''))).toEqual({ errno: Errno.EINVAL, where: 'dmesg' });
    expect(validate('sched_ext_ops', kernel, 'name', { kind: 'zero' })).toEqual({ errno: Errno.EINVAL, where: 'dmesg' });
    expect(validate('sched_ext_ops', kernel, 'name', str('s'.repeat(127)))).toBeUndefined();
    expect(validate('sched_ext_ops', kernel, 'name', str('s'.repeat(128)))).toEqual({ errno: Errno.EINVAL, where: 'dmesg' });
    expect(validate('sched_ext_ops', kernel, 'name', str('my-sched'))).toEqual({ errno: Errno.EINVAL, where: 'dmesg' });
  });

  it('consumes exit_dump_len and hotplug_seq whatever their value', () => {
    expect(validate('sched_ext_ops', kernel, 'exit_dump_len', int(0n))).toBeUndefined();
    expect(validate('sched_ext_ops', kernel, 'hotplug_seq', int(123n))).toBeUndefined();
  });

  it('lists the sleepable ops of bpf_scx_check_member', () => {
    const [s] = knowledge('sched_ext_ops', kernel).sleepable;
    expect(s.members).toEqual(['init_task', 'cgroup_init', 'cgroup_exit', 'cgroup_prep_move', 'cpu_online', 'cpu_offline', 'init', 'exit']);
    expect(s.errno).toBe(Errno.EINVAL);
  });

  it('SCX_OPS_ENQ_LAST without enqueue is warning material: reg returns 0 and the scheduler is disabled', () => {
    const r = rule('sched_ext_ops', kernel, 'scx-enq-last-without-enqueue');
    expect(r.severity).toBe('warning');
    const outcome = r.evaluate(ops(['dispatch'], { flags: int(0x2n), name: str('s') }, true), { kernel });
    expect(outcome).toEqual(expect.objectContaining({ errno: 0, phase: 'link_create' }));
    expect(outcome?.message).toContain('sched_ext: s: SCX_OPS_ENQ_LAST requires ops.enqueue() to be implemented');
    expect(r.evaluate(ops(['enqueue'], { flags: int(0x2n), name: str('s') }, true), { kernel })).toBeUndefined();
  });

  it('reg: isolcpus → EINVAL with message, an enabled scheduler → EBUSY', () => {
    const ctx: KnowledgeContext = { kernel, isolcpus: true, schedExtEnabled: true };
    expect(rule('sched_ext_ops', kernel, 'scx-isolcpus').evaluate(ops([], {}, true), ctx)).toEqual(
      expect.objectContaining({ errno: Errno.EINVAL, message: 'sched_ext: Not compatible with "isolcpus=" domain isolation' }),
    );
    expect(rule('sched_ext_ops', kernel, 'scx-already-enabled').evaluate(ops([], {}, true), ctx)).toEqual(
      expect.objectContaining({ errno: Errno.EBUSY, phase: 'link_create', check: 'UPD-15' }),
    );
    expect(rule('sched_ext_ops', kernel, 'scx-already-enabled').evaluate(ops([], {}, true), { kernel })).toBeUndefined();
  });

  it('update always fails with EOPNOTSUPP; validate exists', () => {
    const k = knowledge('sched_ext_ops', kernel);
    expect(k.update[0].callback).toBe(true);
    expect(k.update[0].evaluate(ops([], {}), ops([], {}), { kernel })).toEqual({ errno: Errno.EOPNOTSUPP, where: 'dmesg' });
    expect(k.validate).toEqual([expect.objectContaining({ present: true })]);
  });

  it('marks dispatch and yield arg 1 maybe-NULL', () => {
    expect(knowledge('sched_ext_ops', kernel).nullableArgs.map((a) => `${a.member}#${a.argIndex}`)).toEqual(['dispatch#1', 'yield#1']);
  });

  it('helpers: task storage plus base', () => {
    const k = knowledge('sched_ext_ops', kernel);
    expect(k.helpers('enqueue', 'bpf_task_storage_get')).toBe('allowed');
    expect(k.helpers('enqueue', 'bpf_ringbuf_output')).toBe('allowed');
    expect(k.helpers('enqueue', 'bpf_setsockopt')).toBe('denied');
  });

  it('does not exist before 6.12', () => {
    expect(knowledgeFor('sched_ext_ops', v(6, 11))).toBeUndefined();
  });
});

describe('hid_bpf_ops', () => {
  const kernel = v(6, 12);
  it('flags: only BPF_F_BEFORE (0x8)', () => {
    expect(validate('hid_bpf_ops', kernel, 'flags', int(0x8n))).toBeUndefined();
    expect(validate('hid_bpf_ops', kernel, 'flags', int(0x1n))).toEqual({ errno: Errno.EINVAL, where: 'dmesg' });
  });
  it('hid_id is copied', () => {
    expect(validate('hid_bpf_ops', kernel, 'hid_id', int(7n))).toBeUndefined();
  });
  it('sleepable ops and no update', () => {
    const k = knowledge('hid_bpf_ops', kernel);
    expect(k.sleepable[0].members).toEqual(['hid_rdesc_fixup', 'hid_hw_request', 'hid_hw_output_report']);
    expect(k.update[0].callback).toBe(false);
  });
});

describe('Qdisc_ops', () => {
  const kernel = v(6, 16);
  it('id follows the 16-byte name rule; priv_size must be 0', () => {
    expect(validate('Qdisc_ops', kernel, 'id', str('fifo_bpf'))).toBeUndefined();
    expect(validate('Qdisc_ops', kernel, 'id', str('q-1'))).toEqual({ errno: Errno.EINVAL, where: 'dmesg' });
    expect(validate('Qdisc_ops', kernel, 'priv_size', int(0n))).toBeUndefined();
    expect(validate('Qdisc_ops', kernel, 'priv_size', int(8n))).toEqual({ errno: Errno.EINVAL, where: 'dmesg' });
  });
  it('ops without stubs are PRG-11; enqueue skb is __ref', () => {
    const k = knowledge('Qdisc_ops', kernel);
    const unsupported = k.unsupportedMembers.map((u) => u.member);
    expect(unsupported).toContain('peek');
    expect(unsupported).not.toContain('enqueue');
    expect(k.refArgs).toEqual([expect.objectContaining({ member: 'enqueue', argIndex: 0 })]);
  });
  it('validate requires enqueue, dequeue, init, reset and destroy', () => {
    const r = rule('Qdisc_ops', kernel, 'qdisc-required-ops');
    expect(r.evaluate(ops(['enqueue', 'dequeue', 'init', 'reset', 'destroy'], {}), { kernel })).toBeUndefined();
    expect(r.evaluate(ops(['enqueue'], {}, true), { kernel })).toEqual(
      expect.objectContaining({ errno: Errno.EINVAL, phase: 'map_update', check: 'UPD-13' }),
    );
  });
  it('marks every entry read from bpf_qdisc.c as unverified', () => {
    const k = knowledge('Qdisc_ops', kernel);
    for (const entry of [...k.initMember, ...k.unsupportedMembers, ...k.refArgs]) expect(entry.unverified).toBeDefined();
  });
});

describe('bpf_testmod types', () => {
  it('bpf_testmod_ops: data consumed, unsupported_ops PRG-11 from 6.12, test_maybe_null arg 1 nullable', () => {
    const k = knowledge('bpf_testmod_ops', v(6, 12));
    expect(validate('bpf_testmod_ops', v(6, 12), 'data', int(42n))).toBeUndefined();
    expect(k.unsupportedMembers).toEqual([expect.objectContaining({ member: 'unsupported_ops', check: 'PRG-11' })]);
    expect(knowledge('bpf_testmod_ops', v(6, 9)).unsupportedMembers).toEqual([]);
    expect(k.nullableArgs).toEqual([expect.objectContaining({ member: 'test_maybe_null', argIndex: 1 })]);
    expect(k.helpers('test_1', 'bpf_map_lookup_elem')).toBe('denied');
  });
  it('bpf_testmod_st_ops: base helpers, owner handled by UPD-06', () => {
    const k = knowledge('bpf_testmod_st_ops', v(6, 12));
    expect(k.helpers('test_prologue', 'bpf_map_lookup_elem')).toBe('allowed');
    expect(k.specialMembers).toEqual([expect.objectContaining({ member: 'owner', handling: 'module-owner' })]);
  });
});

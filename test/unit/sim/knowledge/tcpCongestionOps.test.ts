// tcp_congestion_ops knowledge: init_member name/flags rules, get_info per version (PRG-11 vs PRG-12),
// the required-ops and name-clash rules with their phases, update, helpers (PRG-18) and writes (PRG-19).

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

function tcp(kernel: KernelVersion): SubsystemKnowledge {
  const k = knowledgeFor('tcp_congestion_ops', kernel);
  if (k === undefined) throw new Error(`no tcp knowledge for ${kernel.major}.${kernel.minor}`);
  return k;
}

function validate(kernel: KernelVersion, member: string, value: MemberValue, extra: Partial<KnowledgeContext> = {}) {
  const rules = tcp(kernel).initMember.filter((r) => r.member === member);
  expect(rules).toHaveLength(1);
  return rules[0].validate(value, { kernel, ...extra });
}

const str = (value: string): MemberValue => ({ kind: 'string', value });
const int = (value: bigint): MemberValue => ({ kind: 'integer', value });

function ops(implemented: string[], values: Record<string, MemberValue>, link: boolean): OpsSnapshot {
  return { implemented: new Set(implemented), values: new Map(Object.entries(values)), link };
}

const REQUIRED = ['ssthresh', 'undo_cwnd', 'cong_avoid'];

describe('tcp_congestion_ops init_member name (bpf_obj_name_cpy into 16 bytes)', () => {
  const rejected: [string, MemberValue][] = [
    ['empty', str('')],
    ['missing (all zero)', { kind: 'zero' }],
    ['16 characters', str('a'.repeat(16))],
    ['17 characters', str('a'.repeat(17))],
    ['a dash', str('a-b')],
    ['a space', str('a b')],
    ['UTF-8 é (0xc3 0xa9; 0xa9 is punctuation)', str('é')],
  ];
  const accepted: [string, MemberValue][] = [
    ['15 characters', str('a'.repeat(15))],
    ['a dot', str('a.b')],
    ['an underscore and digits', str('bpf_cc_2')],
    ['a NUL inside 16 bytes', str('abc\0-ignored-after-nul')],
  ];
  for (const kernel of [v(6, 1), v(6, 12), v(6, 18)]) {
    it.each(rejected)(`${kernel.major}.${kernel.minor} rejects %s with EINVAL and no message`, (_label, value) => {
      expect(validate(kernel, 'name', value)).toEqual({ errno: Errno.EINVAL, where: 'dmesg' });
    });
    it.each(accepted)(`${kernel.major}.${kernel.minor} accepts %s`, (_label, value) => {
      expect(validate(kernel, 'name', value)).toBeUndefined();
    });
  }

  it('cannot judge a value it could not evaluate', () => {
    expect(validate(v(6, 18), 'name', { kind: 'other' })).toBeUndefined();
  });

  it('rejects a registered name inside init_member before 6.4 (EEXIST, no message), not from 6.4', () => {
    const registeredNames = new Set(['cubic']);
    expect(validate(v(6, 1), 'name', str('cubic'), { registeredNames })).toEqual({ errno: Errno.EEXIST, where: 'dmesg' });
    expect(validate(v(6, 12), 'name', str('cubic'), { registeredNames })).toBeUndefined();
  });
});

describe('tcp_congestion_ops init_member flags (TCP_CONG_MASK)', () => {
  it.each([0x1n, 0x2n, 0x4n, 0x8n, 0x10n, 0x1fn])('6.18 accepts 0x%s', (flags) => {
    expect(validate(v(6, 18), 'flags', int(flags))).toBeUndefined();
  });
  it.each([0x20n, 0x80n, 0x100000000n + 0x80n])('6.18 rejects %s with EINVAL and no message', (flags) => {
    expect(validate(v(6, 18), 'flags', int(flags))).toEqual({ errno: Errno.EINVAL, where: 'dmesg' });
  });
  it('drops bits beyond the u32 field before checking', () => {
    expect(validate(v(6, 18), 'flags', int(0x100000001n))).toBeUndefined();
  });
  it.each([v(6, 1), v(6, 12)])('mask is 0x3 on %o: 0x1, 0x2 accepted; 0x4 rejected', (kernel) => {
    expect(validate(kernel, 'flags', int(0x1n))).toBeUndefined();
    expect(validate(kernel, 'flags', int(0x3n))).toBeUndefined();
    expect(validate(kernel, 'flags', int(0x4n))).toEqual({ errno: Errno.EINVAL, where: 'dmesg' });
  });
});

describe('tcp_congestion_ops get_info', () => {
  it('is PRG-11 (NULL cfi stub) from 6.12', () => {
    for (const kernel of [v(6, 12), v(6, 18)]) {
      expect(tcp(kernel).unsupportedMembers).toEqual([
        expect.objectContaining({ member: 'get_info', check: 'PRG-11', errno: Errno.ENOTSUPP }),
      ]);
    }
  });
  it('is PRG-12 (check_member) on 6.11 and 6.1', () => {
    for (const kernel of [v(6, 11), v(6, 1)]) {
      expect(tcp(kernel).unsupportedMembers).toEqual([
        expect.objectContaining({ member: 'get_info', check: 'PRG-12', errno: Errno.ENOTSUPP }),
      ]);
    }
  });
  it('uses the verifier message of check_struct_ops_btf_id', () => {
    expect(tcp(v(6, 18)).unsupportedMembers[0].message).toBe('attach to unsupported member %s of struct %s');
  });
});

describe('tcp_congestion_ops sleepable programs', () => {
  it('are allowed on every op from 6.3', () => {
    expect(tcp(v(6, 18)).sleepable).toEqual([expect.objectContaining({ members: 'all' })]);
  });
  it('are refused for every op on 6.1 by the generic check (PRG-04)', () => {
    expect(tcp(v(6, 1)).sleepable).toEqual([expect.objectContaining({ members: [], check: 'PRG-04', errno: Errno.EINVAL })]);
  });
});

describe('tcp_congestion_ops registration rules', () => {
  const evaluate = (kernel: KernelVersion, id: string, snapshot: OpsSnapshot, extra: Partial<KnowledgeContext> = {}) => {
    const rules = tcp(kernel).required.filter((r) => r.id === id);
    expect(rules).toHaveLength(1);
    return rules[0].evaluate(snapshot, { kernel, ...extra });
  };

  it('accepts ssthresh + undo_cwnd with either cong_avoid or cong_control', () => {
    expect(evaluate(v(6, 18), 'tcp-required-ops', ops(REQUIRED, { name: str('x') }, false))).toBeUndefined();
    expect(
      evaluate(v(6, 18), 'tcp-required-ops', ops(['ssthresh', 'undo_cwnd', 'cong_control'], { name: str('x') }, false)),
    ).toBeUndefined();
  });

  it('fails validate at map_update on 6.9+ for plain and link maps alike (UPD-13)', () => {
    for (const link of [false, true]) {
      expect(evaluate(v(6, 18), 'tcp-required-ops', ops(['ssthresh', 'undo_cwnd'], { name: str('mycc') }, link))).toEqual({
        errno: Errno.EINVAL,
        message: 'TCP: mycc does not implement required ops',
        where: 'dmesg',
        phase: 'map_update',
        check: 'UPD-13',
      });
    }
  });

  it('fails in reg on 6.1 (UPD-14)', () => {
    expect(evaluate(v(6, 1), 'tcp-required-ops', ops(['ssthresh'], { name: str('old') }, false))).toEqual(
      expect.objectContaining({ errno: Errno.EINVAL, phase: 'map_update', check: 'UPD-14' }),
    );
  });

  it('reports a name clash with EEXIST at map_update (plain) or link_create (link)', () => {
    const registeredNames = new Set(['reno', 'cubic']);
    const plain = evaluate(v(6, 18), 'tcp-name-clash', ops(REQUIRED, { name: str('cubic') }, false), { registeredNames });
    expect(plain).toEqual({
      errno: Errno.EEXIST,
      message: 'TCP: cubic already registered or non-unique key',
      where: 'dmesg',
      phase: 'map_update',
      check: 'UPD-14',
    });
    const link = evaluate(v(6, 18), 'tcp-name-clash', ops(REQUIRED, { name: str('cubic') }, true), { registeredNames });
    expect(link).toEqual(expect.objectContaining({ errno: Errno.EEXIST, phase: 'link_create', check: 'UPD-15' }));
    expect(evaluate(v(6, 18), 'tcp-name-clash', ops(REQUIRED, { name: str('mine') }, true), { registeredNames })).toBeUndefined();
  });

  it('stays silent about clashes when the registered names are unknown', () => {
    expect(evaluate(v(6, 18), 'tcp-name-clash', ops(REQUIRED, { name: str('cubic') }, false))).toBeUndefined();
  });
});

describe('tcp_congestion_ops validate and update', () => {
  it('runs validate on every map from 6.9, has none on 6.1', () => {
    expect(tcp(v(6, 18)).validate).toEqual([expect.objectContaining({ present: true, runsOn: 'all-maps' })]);
    expect(tcp(v(6, 1)).validate).toEqual([expect.objectContaining({ present: false })]);
  });

  it('link update requires the same name', () => {
    const [rule] = tcp(v(6, 18)).update;
    const ctx = { kernel: v(6, 18) };
    expect(rule.callback).toBe(true);
    expect(rule.evaluate(ops(REQUIRED, { name: str('a') }, true), ops(REQUIRED, { name: str('a') }, true), ctx)).toBeUndefined();
    expect(rule.evaluate(ops(REQUIRED, { name: str('b') }, true), ops(REQUIRED, { name: str('a') }, true), ctx)).toEqual({
      errno: Errno.EINVAL,
      message: 'TCP: b not registered or non-unique key',
      where: 'dmesg',
    });
  });
});

describe('tcp_congestion_ops helpers (bpf_tcp_ca_get_func_proto)', () => {
  it.each([v(6, 1), v(6, 12), v(6, 18)])('bpf_setsockopt/getsockopt denied in release, allowed in init on %o', (kernel) => {
    const k = tcp(kernel);
    expect(k.helpers('release', 'bpf_setsockopt')).toBe('denied');
    expect(k.helpers('release', 'bpf_getsockopt')).toBe('denied');
    expect(k.helpers('init', 'bpf_setsockopt')).toBe('allowed');
    expect(k.helpers('cong_avoid', 'getsockopt')).toBe('allowed');
  });

  it('allows the tcp extras, base helpers and tcp kfuncs; denies skb helpers', () => {
    const k = tcp(v(6, 18));
    for (const helper of ['bpf_tcp_send_ack', 'bpf_sk_storage_get', 'bpf_sk_storage_delete', 'bpf_ktime_get_coarse_ns']) {
      expect(k.helpers('release', helper)).toBe('allowed');
    }
    expect(k.helpers('ssthresh', 'bpf_map_lookup_elem')).toBe('allowed');
    expect(k.helpers('ssthresh', 'bpf_get_current_pid_tgid')).toBe('allowed');
    expect(k.helpers('ssthresh', 'tcp_slow_start')).toBe('allowed');
    expect(k.helpers('ssthresh', 'bpf_skb_load_bytes')).toBe('denied');
    expect(k.helpers('ssthresh', 'not_a_helper')).toBe('unknown');
  });

  it('follows the base set of the era: get_current_pid_tgid denied on 6.1, unknown on 6.8', () => {
    expect(tcp(v(6, 1)).helpers('ssthresh', 'bpf_get_current_pid_tgid')).toBe('denied');
    expect(tcp(v(6, 8)).helpers('ssthresh', 'bpf_get_current_pid_tgid')).toBe('unknown');
  });
});

describe('tcp_congestion_ops writable tcp_sock fields (PRG-19)', () => {
  const fields = (kernel: KernelVersion) => tcp(kernel).writableFields.flatMap((w) => w.fields.map((f) => f.field));

  it('lists the 6.12/6.18 set', () => {
    expect(fields(v(6, 18)).sort()).toEqual(
      [
        'sk_pacing_rate', 'sk_pacing_status', 'icsk_ca_priv', 'icsk_ack.pending', 'snd_cwnd', 'snd_cwnd_cnt',
        'snd_cwnd_stamp', 'snd_ssthresh', 'ecn_flags', 'app_limited',
      ].sort(),
    );
  });

  it('lacks snd_cwnd_stamp and app_limited on 6.1', () => {
    expect(fields(v(6, 1))).not.toContain('snd_cwnd_stamp');
    expect(fields(v(6, 1))).not.toContain('app_limited');
  });

  it('carries the verifier messages', () => {
    const [w] = tcp(v(6, 18)).writableFields;
    expect(w.errno).toBe(Errno.EACCES);
    expect(w.messages.notWritable).toBe('no write support to tcp_sock at off %d');
    expect(w.messages.beyondEnd).toBe('write access at off %d with size %d beyond the member of tcp_sock ended at %zu');
    expect(w.messages.otherStruct).toBe('only read is supported');
  });
});

describe('tcp_congestion_ops owner', () => {
  it('is a module-owner member (UPD-06)', () => {
    expect(tcp(v(6, 18)).specialMembers).toEqual([expect.objectContaining({ member: 'owner', handling: 'module-owner' })]);
  });
});

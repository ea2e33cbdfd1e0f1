// The static struct_ops list of kernels before 6.9 (bpf_struct_ops_init, kernel/bpf/bpf_struct_ops.c
// 5.6-6.8) against a synthesized vmlinux BTF: the checks only a kernel's own BTF can trip (REG-L1
// no struct module, REG-L4 > 64 members, REG-L5 anonymous or bitfield member), and the types that
// pass becoming the registered set the BPF side sees.

import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BtfBuilder, BtfKind, BtfSpec, parseBtf } from '../../server/src/engine/btf';
import { extractFacts } from '../../server/src/engine/c/extract';
import type { CParser } from '../../server/src/engine/c/parser';
import type { KernelProfile } from '../../server/src/engine/kernel/profile';
import { simulateLegacyRegistration } from '../../server/src/engine/sim/register';
import { testParser } from '../unit/c/helpers';

let parser: CParser;
beforeAll(async () => {
  parser = await testParser();
});

/** vmlinux BTF with `struct module` (unless told otherwise) and, per name, T and bpf_struct_ops_T. */
function vmlinuxWith(types: Record<string, (b: BtfBuilder, int: number) => number>, withModule = true): BtfSpec {
  const b = new BtfBuilder();
  const int = b.add({ kind: BtfKind.Int, name: 'int', size: 4, signed: true, char: false, bool: false, bits: 32, bitOffset: 0 });
  const common = b.add({ kind: BtfKind.Struct, name: 'bpf_struct_ops_common_value', size: 8, members: [{ name: 'refcnt', type: int, bitOffset: 0, bitfieldSize: 0 }, { name: 'state', type: int, bitOffset: 32, bitfieldSize: 0 }] });
  if (withModule) b.add({ kind: BtfKind.Struct, name: 'module', size: 4, members: [{ name: 'state', type: int, bitOffset: 0, bitfieldSize: 0 }] });
  for (const [name, make] of Object.entries(types)) {
    const t = make(b, int);
    b.add({ kind: BtfKind.Struct, name: `bpf_struct_ops_${name}`, size: 128, members: [{ name: 'common', type: common, bitOffset: 0, bitfieldSize: 0 }, { name: 'data', type: t, bitOffset: 512, bitfieldSize: 0 }] });
  }
  const spec = parseBtf(b.build(), { name: 'vmlinux' });
  if (!(spec instanceof BtfSpec)) throw spec;
  return spec;
}

const members = (n: number, int: number) => Array.from({ length: n }, (_, i) => ({ name: `m${i}`, type: int, bitOffset: i * 32, bitfieldSize: 0 }));

function profile68(spec: BtfSpec): KernelProfile {
  const vmlinux = { name: 'vmlinux', objectId: 1, isModule: false, spec, source: 'synthesized' };
  return {
    objects: [vmlinux], vmlinux, kernelVersion: { major: 6, minor: 8, patch: 0, text: '6.8' }, kernelVersionSource: 'user',
    libbpfVersion: { major: 1, minor: 3 }, btfSource: 'files', description: 'synthesized 6.8',
  };
}

function list(names: readonly string[]) {
  const text = names.map((n) => `BPF_STRUCT_OPS_TYPE(${n})`).join('\n');
  return extractFacts(parser, path.join('/ws/kernel/bpf', 'bpf_struct_ops_types.h'), `${text}\n`, { useCompileFlags: false });
}

const messages = (t: ReturnType<typeof simulateLegacyRegistration>) => (t?.steps ?? []).flatMap((s) => s.findings).map((f) => [f.check, f.message, f.location.range.start.line + 1]);

describe('bpf_struct_ops_init over the static list (< 6.9)', () => {
  const spec = vmlinuxWith({
    good_ops: (b, int) => b.add({ kind: BtfKind.Struct, name: 'good_ops', size: 8, members: members(2, int) }),
    wide_ops: (b, int) => b.add({ kind: BtfKind.Struct, name: 'wide_ops', size: 65 * 4, members: members(65, int) }),
    anon_ops: (b, int) => {
      const inner = b.add({ kind: BtfKind.Union, name: '', size: 4, members: [{ name: 'a', type: int, bitOffset: 0, bitfieldSize: 0 }] });
      return b.add({ kind: BtfKind.Struct, name: 'anon_ops', size: 8, members: [{ name: 'x', type: int, bitOffset: 0, bitfieldSize: 0 }, { name: '', type: inner, bitOffset: 32, bitfieldSize: 0 }] });
    },
    bits_ops: (b, int) => b.add({ kind: BtfKind.Struct, name: 'bits_ops', size: 4, members: [{ name: 'f', type: int, bitOffset: 0, bitfieldSize: 1 }] }),
  });

  it('skips each failing type with its pr_warn and registers the rest (REG-L4, REG-L5)', () => {
    const trace = simulateLegacyRegistration([list(['good_ops', 'wide_ops', 'anon_ops', 'bits_ops'])], profile68(spec));
    expect(messages(trace)).toEqual([
      ['REG-L4', 'Cannot support #65 members in struct wide_ops', 2],
      ['REG-L5', 'anon member in struct anon_ops is not supported', 3],
      ['REG-L5', 'bit field member f in struct bits_ops is not supported', 4],
    ]);
    expect(trace?.registered.map((r) => r.typeName)).toEqual(['good_ops']);
    expect(trace?.outcome.ok).toBe(true);
    expect(trace?.notes[0]).toMatch(/static registration only \(< 6\.9\)/);
    expect((trace?.steps ?? []).flatMap((s) => s.findings).every((f) => f.rule?.includes('kernel < 6.9') && f.rule.includes('since 6.9'))).toBe(true);
  });

  it('REG-L1: without struct module in vmlinux the whole init returns, nothing registers', () => {
    const noModule = vmlinuxWith({ good_ops: (b, int) => b.add({ kind: BtfKind.Struct, name: 'good_ops', size: 8, members: members(2, int) }) }, false);
    const trace = simulateLegacyRegistration([list(['good_ops'])], profile68(noModule));
    expect(messages(trace)).toEqual([['REG-L1', 'Cannot find struct module in btf_vmlinux', 1]]);
    expect(trace?.registered).toEqual([]);
  });

  it('is not run from 6.9 on: the list no longer exists', () => {
    const p = profile68(spec);
    expect(simulateLegacyRegistration([list(['good_ops'])], { ...p, kernelVersion: { major: 6, minor: 9, patch: 0, text: '6.9' } })).toBeUndefined();
  });
});

// Type synthesis: source facts → BTF with the LP64 layout. The differential test compiles the
// layout fixture with clang -g for BPF and x86-64 (DWARF → BTF with pahole -J) and compares every
// struct and union with the synthesized BTF; the split test builds module BTF on vmlinux.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BtfKind, BtfSpec, parseBtf, parseElfBtf } from '../../../server/src/engine/btf';
import { extractFacts } from '../../../server/src/engine/c/extract';
import type { FileFacts } from '../../../server/src/engine/c/facts';
import { layoutRecord, synthesizeBtf, type SynthesizedBtf } from '../../../server/src/engine/types';
import { missing, VMLINUX } from '../btf/helpers';
import { repoRoot, testParser } from '../c/helpers';

const structsC = path.join(repoRoot, 'test', 'fixtures', 'modules', 'layout', 'structs.c');
let facts: FileFacts;
let tmp: string;

beforeAll(async () => {
  const parser = await testParser();
  facts = extractFacts(parser, structsC, readFileSync(structsC, 'utf8'), { useCompileFlags: false });
  tmp = mkdtempSync(path.join(os.tmpdir(), 'types-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function synth(base?: BtfSpec, name = 'structs'): SynthesizedBtf {
  const out = synthesizeBtf({ name, base, definitions: facts.typeDefinitions, functions: facts.functions });
  if (!('spec' in out)) throw out;
  return out;
}

interface Shape {
  size: number;
  members: { name: string; bitOffset: number; bitfieldSize: number }[];
}

/** Named structs and unions of a spec's own types with their member placement. */
function shapes(spec: BtfSpec): Map<string, Shape> {
  const out = new Map<string, Shape>();
  for (let id = spec.startId; id <= spec.lastId; id++) {
    const t = spec.typeById(id);
    if (!t || (t.kind !== BtfKind.Struct && t.kind !== BtfKind.Union) || t.name === '') continue;
    out.set(`${t.kind === BtfKind.Struct ? 'struct' : 'union'} ${t.name}`, {
      size: t.size,
      members: t.members.map((m) => ({ name: m.name, bitOffset: m.bitOffset, bitfieldSize: m.bitfieldSize })),
    });
  }
  return out;
}

function compiled(target: 'bpf' | 'x86_64'): BtfSpec {
  const obj = path.join(tmp, `structs.${target}.o`);
  const targetArgs = target === 'bpf' ? ['-target', 'bpf'] : ['--target=x86_64-linux-gnu'];
  execFileSync('clang', ['-g', '-O0', '-c', ...targetArgs, structsC, '-o', obj], { stdio: 'pipe' });
  if (target === 'x86_64') execFileSync('pahole', ['-J', obj], { stdio: 'pipe' });
  const spec = parseElfBtf(new Uint8Array(readFileSync(obj)));
  if (!(spec instanceof BtfSpec)) throw spec;
  return spec;
}

describe('layoutRecord', () => {
  it('aligns plain members and rounds the size', () => {
    const l = layoutRecord([{ size: 1, align: 1 }, { size: 8, align: 8 }, { size: 2, align: 2 }], { union: false, packed: false });
    expect(l).toEqual({ size: 24, align: 8, members: [{ bitOffset: 0, bitfieldSize: 0 }, { bitOffset: 64, bitfieldSize: 0 }, { bitOffset: 128, bitfieldSize: 0 }] });
  });
  it('packs bitfields into their unit and moves a straddling one', () => {
    const l = layoutRecord([{ size: 4, align: 4, bitfieldWidth: 30 }, { size: 1, align: 1, bitfieldWidth: 4 }], { union: false, packed: false });
    expect(l.members.map((m) => m.bitOffset)).toEqual([0, 32]);
    expect(l.size).toBe(8);
  });
  it('packed: no padding, aligned(N) raises the record alignment', () => {
    expect(layoutRecord([{ size: 1, align: 1 }, { size: 4, align: 4 }], { union: false, packed: true }).size).toBe(5);
    expect(layoutRecord([{ size: 1, align: 1 }], { union: false, packed: false, alignAttribute: 64 })).toMatchObject({ size: 64, align: 64 });
  });
});

describe('synthesizeBtf', () => {
  it('extracts every fixture definition without problems', () => {
    const out = synth();
    expect(out.problems).toEqual([]);
    expect(out.spec.name).toBe('structs');
    expect(shapes(out.spec).size).toBeGreaterThanOrEqual(15);
  });

  describe.each(['bpf', 'x86_64'] as const)('matches clang -g for %s', (target) => {
    const reason = missing('clang') ?? (target === 'x86_64' ? missing('pahole') : undefined);
    it.skipIf(reason !== undefined)(`every struct and union: size, member offsets, bitfields${reason ? ` (skipped: ${reason})` : ''}`, () => {
      const want = shapes(compiled(target));
      const got = shapes(synth().spec);
      expect(want.size).toBeGreaterThan(15);
      for (const [name, shape] of want) {
        expect(got.get(name), name).toEqual(shape);
      }
    });
  });

  const noVmlinux = missing('vmlinux');
  it.skipIf(noVmlinux !== undefined)('builds split BTF on vmlinux, reusing base ids for kernel types', () => {
    const base = parseBtf(new Uint8Array(readFileSync(VMLINUX)), { name: 'vmlinux' });
    if (!(base instanceof BtfSpec)) throw base;
    const out = synth(base, 'my_mod');
    expect(out.spec.isModule()).toBe(true);
    expect(out.spec.startId).toBe(base.lastId + 1);
    const fp = out.spec.typeById(out.spec.findByNameKind('fp', BtfKind.Struct, { ownOnly: true })!);
    if (fp?.kind !== BtfKind.Struct) throw new Error('struct fp missing');
    // struct sock * → PTR to vmlinux's struct sock.
    const sk = out.spec.typeById(fp.members[3].type);
    expect(sk?.kind).toBe(BtfKind.Ptr);
    const sock = sk?.kind === BtfKind.Ptr ? sk.type : -1;
    expect(sock).toBe(base.findByNameKind('sock', BtfKind.Struct));
    // int (*op)(struct sock *, u32): PTR → FUNC_PROTO, params typed, names empty as clang emits them.
    const op = out.spec.typeById(fp.members[0].type);
    const proto = op?.kind === BtfKind.Ptr ? out.spec.typeById(op.type) : undefined;
    expect(proto?.kind).toBe(BtfKind.FuncProto);
    if (proto?.kind !== BtfKind.FuncProto) return;
    expect(proto.params.map((p) => p.name)).toEqual(['', '']);
    expect(proto.params[1].type).toBe(base.findByNameKind('u32', BtfKind.Typedef));
    // Base ints are reused (gcc names in vmlinux).
    expect(out.typeIds.get('typedef u64')).toBe(base.findByNameKind('u64', BtfKind.Typedef));
    expect(out.spec.resolveSize(out.typeIds.get('struct all')!)).toBe(synth().spec.resolveSize(synth().typeIds.get('struct all')!));
  });

  it('keeps parameter names in function pointer prototypes on request, and FUNCs for functions', () => {
    const out = synthesizeBtf({ name: 'm', definitions: facts.typeDefinitions, protoParamNames: true });
    if (!('spec' in out)) throw out;
    const fp = out.spec.typeById(out.typeIds.get('struct fp')!);
    const op = fp?.kind === BtfKind.Struct ? out.spec.typeById(fp.members[0].type) : undefined;
    const proto = op?.kind === BtfKind.Ptr ? out.spec.typeById(op.type) : undefined;
    expect(proto?.kind === BtfKind.FuncProto ? proto.params.map((p) => p.name) : []).toEqual(['sk', 'x']);
  });
});

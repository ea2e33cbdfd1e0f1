// Split (module) BTF: the committed testmod pair (pahole -J --btf_base on our own small base),
// the same BTF inside testmod.ko, what happens without the base, and — where the tools exist —
// a module built against this machine's vmlinux.

import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  BtfError, BtfKind, BtfSpec, formatMember, formatStruct, minimizeBtf, parseBtf, parseElfBtf, type BtfStruct,
} from '../../../server/src/engine/btf';
import { VMLINUX, bpftool, fixture, fixtureDir, missing } from './helpers';

const base = parseBtf(fixture('testmod.base.btf'), { name: 'vmlinux' }) as BtfSpec;
const mod = parseBtf(fixture('testmod.btf'), { base, name: 'testmod' }) as BtfSpec;

describe('committed split pair', () => {
  it('fixtures match the digests recorded when they were made', () => {
    const meta = JSON.parse(readFileSync(path.join(fixtureDir, 'fixtures.json'), 'utf8')) as Record<string, string>;
    for (const f of ['testmod.base.btf', 'testmod.btf']) {
      expect(createHash('sha256').update(fixture(f)).digest('hex'), f).toBe(meta[f]);
    }
  });

  it('continues the base ids and string offsets', () => {
    expect(base).toBeInstanceOf(BtfSpec);
    expect(mod).toBeInstanceOf(BtfSpec);
    expect(mod.isModule()).toBe(true);
    expect(base.isModule()).toBe(false);
    expect(mod.startId).toBe(base.lastId + 1);
    expect(mod.startStrOff).toBe(base.strings.end);
    // Base ids resolve through the module spec to the same types.
    expect(mod.typeById(1)).toBe(base.typeById(1));
  });

  it('finds the module struct_ops type, not the decoy', () => {
    const found = mod.structOpsValueTypes();
    expect(found.map((v) => v.typeName)).toEqual(['testmod_ops']);
    expect(mod.nameOf(found[0].valueId)).toBe('bpf_struct_ops_testmod_ops');
    expect(mod.findByNameKind('bpf_struct_ops_not_ops', BtfKind.Struct)).toBeDefined();
    expect(base.structOpsValueTypes()).toEqual([]);
  });

  it('looks in the base first unless ownOnly (btf__find_by_name_kind)', () => {
    const inBase = base.findByNameKind('bpf_struct_ops_common_value', BtfKind.Struct);
    expect(inBase).toBeLessThan(mod.startId);
    expect(mod.findByNameKind('bpf_struct_ops_common_value', BtfKind.Struct)).toBe(inBase);
    expect(mod.findByNameKind('bpf_struct_ops_common_value', BtfKind.Struct, { ownOnly: true })).toBeUndefined();
    expect(mod.findByNameKind('testmod_ops', BtfKind.Struct, { ownOnly: true })).toBeGreaterThanOrEqual(mod.startId);
  });

  it('decodes kflag bitfields, variadic protos and ENUM64 from clang/pahole output', () => {
    const ops = mod.typeById(mod.findByNameKind('testmod_ops', BtfKind.Struct) as number) as BtfStruct;
    const enabled = ops.members.find((m) => m.name === 'enabled');
    const level = ops.members.find((m) => m.name === 'level');
    expect(enabled?.bitfieldSize).toBe(1);
    expect(level?.bitfieldSize).toBe(3);
    expect((level?.bitOffset ?? 0) - (enabled?.bitOffset ?? 0)).toBe(1);
    expect(formatMember(mod, ops.id, ops.members.findIndex((m) => m.name === 'sum'))).toBe('u64 (*sum)(int, ...)');
    const big = mod.typeById(mod.findByNameKind('testmod_big', BtfKind.Enum64) as number);
    expect(big).toMatchObject({ signed: true, values: [{ name: 'TESTMOD_SMALL', value: -1n }, { name: 'TESTMOD_BIG', value: 0x123456789an }] });
  });

  it('fails clearly without its base', () => {
    const e = parseBtf(fixture('testmod.btf'));
    expect(e).toBeInstanceOf(BtfError);
    expect((e as BtfError).message).toContain('did you forget to provide base BTF?');
    expect((e as BtfError).offset).toBeGreaterThan(0);
  });

  it('reads the same split BTF from testmod.ko', () => {
    const ko = parseElfBtf(fixture('testmod.ko'), { base, name: 'testmod' }) as BtfSpec;
    expect(ko).toBeInstanceOf(BtfSpec);
    expect(ko.lastId).toBe(mod.lastId);
    expect(formatStruct(ko, ko.findByNameKind('testmod_ops', BtfKind.Struct) as number)).toBe(formatStruct(mod, mod.findByNameKind('testmod_ops', BtfKind.Struct) as number));
    expect(parseElfBtf(fixture('testmod.ko'))).toBeInstanceOf(BtfError);
  });

  it.skipIf(!!missing('bpftool'))('agrees with bpftool on every module type name and kind', () => {
    const dump = bpftool('btf', 'dump', 'file', path.join(fixtureDir, 'testmod.btf'), '--base-btf', path.join(fixtureDir, 'testmod.base.btf'));
    const lines = [...dump.matchAll(/^\[(\d+)\] (\w+) '([^']*)'/gm)];
    expect(lines.length).toBe(mod.lastId - mod.startId + 1);
    for (const [, id, kind, name] of lines) {
      expect(mod.typeById(Number(id))?.kind).toBe(BtfKind[kindFromBpftool(kind)]);
      expect(mod.nameOf(Number(id)) || '(anon)').toBe(name);
    }
  });
});

function kindFromBpftool(kind: string): keyof typeof BtfKind {
  const map: Record<string, keyof typeof BtfKind> = {
    INT: 'Int', PTR: 'Ptr', ARRAY: 'Array', STRUCT: 'Struct', UNION: 'Union', ENUM: 'Enum', FWD: 'Fwd', TYPEDEF: 'Typedef',
    VOLATILE: 'Volatile', CONST: 'Const', RESTRICT: 'Restrict', FUNC: 'Func', FUNC_PROTO: 'FuncProto', VAR: 'Var',
    DATASEC: 'Datasec', FLOAT: 'Float', DECL_TAG: 'DeclTag', TYPE_TAG: 'TypeTag', ENUM64: 'Enum64',
  };
  return map[kind];
}

describe('module built against the live vmlinux', () => {
  const why = missing('vmlinux') ?? missing('clang') ?? missing('pahole') ?? missing('llvm-objcopy') ?? missing('bpftool');
  it.skipIf(!!why)('parses as split BTF on /sys/kernel/btf/vmlinux and fails on the wrong base', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'btf-split-'));
    try {
      // A header of just the kernel types testmod.c uses keeps clang fast; they still dedup into vmlinux.
      const vmlinux = parseBtf(new Uint8Array(readFileSync(VMLINUX))) as BtfSpec;
      const roots = ['bpf_struct_ops_common_value', 'sock', 'sk_buff', 'module'].map((n) => vmlinux.findByNameKind(n, BtfKind.Struct) as number);
      roots.push(...['u32', 'u64'].map((n) => vmlinux.findByNameKind(n, BtfKind.Typedef) as number));
      writeFileSync(path.join(dir, 'needed.btf'), minimizeBtf(vmlinux, roots, { pointerDepth: 0 }));
      writeFileSync(path.join(dir, 'vmlinux.h'), bpftool('btf', 'dump', 'file', path.join(dir, 'needed.btf'), 'format', 'c'));
      execFileSync('clang', ['-g', '-O0', '-c', '-w', `-I${dir}`, path.join(fixtureDir, 'src', 'testmod.c'), '-o', path.join(dir, 'testmod.o')]);
      execFileSync('pahole', ['-J', '--btf_base', VMLINUX, path.join(dir, 'testmod.o')]);
      execFileSync('llvm-objcopy', [`--dump-section`, `.BTF=${path.join(dir, 'testmod.btf')}`, path.join(dir, 'testmod.o')]);
      const live = parseBtf(new Uint8Array(readFileSync(path.join(dir, 'testmod.btf'))), { base: vmlinux, name: 'testmod' }) as BtfSpec;
      expect(live).toBeInstanceOf(BtfSpec);
      expect(live.structOpsValueTypes().map((v) => v.typeName)).toEqual(['testmod_ops']);
      // Base types dedup into vmlinux, so module members refer to base ids (unsigned int).
      const ops = live.typeById(live.structOpsValueTypes()[0].typeId) as BtfStruct;
      const enabled = ops.members.find((m) => m.name === 'enabled');
      expect(enabled?.type).toBeLessThan(live.startId);
      expect(live.typeById(enabled?.type ?? 0)).toMatchObject({ kind: BtfKind.Int, name: 'unsigned int' });
      const onElf = parseElfBtf(new Uint8Array(readFileSync(path.join(dir, 'testmod.o'))), { base: vmlinux });
      expect(onElf).toBeInstanceOf(BtfSpec);
      // On a different base the ids no longer fit.
      expect(parseBtf(new Uint8Array(readFileSync(path.join(dir, 'testmod.btf'))), { base })).toBeInstanceOf(BtfError);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

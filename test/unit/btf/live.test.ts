// The reader against this machine's kernel BTF (/sys/kernel/btf/vmlinux), checked against
// bpftool's own dump of the same file: type count, every struct/union size, the struct_ops
// value types and the C text of tcp_congestion_ops' members.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BtfKind, BtfSpec, formatMember, formatStruct, minimizeBtf, parseBtf, type BtfStruct } from '../../../server/src/engine/btf';
import { VMLINUX, bpftool, missing } from './helpers';

const noVmlinux = missing('vmlinux');
const noBpftool = noVmlinux ?? missing('bpftool');

describe.skipIf(!!noVmlinux)('live vmlinux', () => {
  let spec: BtfSpec;
  let raw: string;
  beforeAll(() => {
    spec = parseBtf(new Uint8Array(readFileSync(VMLINUX)), { name: 'vmlinux' }) as BtfSpec;
    raw = noBpftool ? '' : bpftool('btf', 'dump', 'file', VMLINUX);
  });

  it('parses', () => {
    expect(spec).toBeInstanceOf(BtfSpec);
    expect(spec.lastId).toBeGreaterThan(10000);
    expect(spec.isModule()).toBe(false);
  });

  it('finds the struct_ops value types of 6.18 (tcp_congestion_ops, bpf_dummy_ops at least)', () => {
    const names = spec.structOpsValueTypes().map((v) => v.typeName);
    expect(names).toContain('tcp_congestion_ops');
    expect(names).toContain('bpf_dummy_ops');
    for (const v of spec.structOpsValueTypes()) {
      expect(spec.nameOf(v.valueId)).toBe(`bpf_struct_ops_${v.typeName}`);
      expect(spec.findByNameKind(v.typeName, BtfKind.Struct)).toBe(v.typeId);
    }
  });

  it.skipIf(!!noBpftool)('has as many types as bpftool lists, with the same names and kinds', () => {
    const lines = [...raw.matchAll(/^\[(\d+)\] (\w+) '([^']*)'/gm)];
    expect(lines.length).toBe(spec.lastId);
    for (let i = 0; i < lines.length; i += 97) {
      const [, id, , name] = lines[i];
      expect(spec.nameOf(Number(id)) || '(anon)').toBe(name);
    }
  });

  it.skipIf(!!noBpftool)('agrees with bpftool on every struct and union size', () => {
    let checked = 0;
    const wrong: string[] = [];
    for (const [, id, size] of raw.matchAll(/^\[(\d+)\] (?:STRUCT|UNION) '[^']*' size=(\d+)/gm)) {
      if (spec.resolveSize(Number(id)) !== Number(size)) wrong.push(`[${id}] size=${size}`);
      checked++;
    }
    expect(wrong).toEqual([]);
    expect(checked).toBeGreaterThan(1000);
  });

  it.skipIf(!!noBpftool)('derives the same struct_ops value types as a scan of bpftool output', () => {
    // bpf_struct_ops_<T> with 2 members where the second member's type is named T.
    const fromBpftool: string[] = [];
    const re = /^\[\d+\] STRUCT 'bpf_struct_ops_(\w+)' size=\d+ vlen=2\n\t'\w+' type_id=(\d+)[^\n]*\n\t'\w+' type_id=(\d+)/gm;
    for (const [, name, common, data] of raw.matchAll(re)) {
      const dataLine = new RegExp(`^\\[${data}\\] STRUCT '${name}' `, 'm');
      const commonLine = new RegExp(`^\\[${common}\\] STRUCT 'bpf_struct_ops_common_value' `, 'm');
      if (dataLine.test(raw) && commonLine.test(raw)) fromBpftool.push(name);
    }
    expect(spec.structOpsValueTypes().map((v) => v.typeName).sort()).toEqual(fromBpftool.sort());
  });

  it.skipIf(!!noBpftool)('prints tcp_congestion_ops members as bpftool format c does', () => {
    // bpftool 7.1 has no root_id for files: have it print just this struct and what it needs.
    const dir = mkdtempSync(path.join(tmpdir(), 'btf-live-'));
    const small = path.join(dir, 'tcp.btf');
    writeFileSync(small, minimizeBtf(spec, [spec.findByNameKind('tcp_congestion_ops', BtfKind.Struct) as number], { pointerDepth: 0 }));
    const header = bpftool('btf', 'dump', 'file', small, 'format', 'c');
    rmSync(dir, { recursive: true, force: true });
    const body = /^struct tcp_congestion_ops \{\n([\s\S]*?)\n\};/m.exec(header)?.[1] ?? '';
    const expected = body.split('\n').map((l) => l.trim().replace(/;$/, '')).filter((l) => !l.startsWith('long: '));
    const id = spec.findByNameKind('tcp_congestion_ops', BtfKind.Struct) as number;
    const t = spec.typeById(id) as BtfStruct;
    expect(t.members.map((_, i) => formatMember(spec, id, i))).toEqual(expected);
    expect(formatMember(spec, id, 0)).toBe('u32 (*ssthresh)(struct sock *)');
    expect(formatStruct(spec, id).split('\n')[0]).toBe('struct tcp_congestion_ops {');
  });

  it('decodes every type on request and answers each lookup the same way twice', () => {
    const bad: number[] = [];
    for (let id = 1; id <= spec.lastId; id++) if (spec.typeById(id)?.id !== id) bad.push(id);
    expect(bad).toEqual([]);
    const id = spec.findByNameKind('sock', BtfKind.Struct);
    expect(spec.findByNameKind('sock', BtfKind.Struct)).toBe(id);
    expect(spec.typeById(id as number)).toBe(spec.typeById(id as number));
  });
});

// BtfBuilder split output and the minimiser: cut-down BTF parses back with the same struct_ops
// signatures, stays small, is accepted by bpftool and by the kernel itself (BPF_BTF_LOAD via
// scripts/btf/btf_load.c), and the bundled default profile is such a file.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  BtfBuilder, BtfError, BtfKind, BtfSpec, formatStruct, minimizeBtf, minimizeStructOps, parseBtf,
} from '../../../server/src/engine/btf';
import { VMLINUX, bpftool, fixture, missing, profilesDir, root } from './helpers';

const tmp = mkdtempSync(path.join(tmpdir(), 'btf-min-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let loader: string | undefined;
/** Runs the kernel's BTF verifier on `bytes`; returns its verdict line and log. */
function kernelLoad(bytes: Uint8Array): string {
  if (!loader) {
    loader = path.join(tmp, 'btf_load');
    execFileSync('cc', ['-O2', '-o', loader, path.join(root, 'scripts', 'btf', 'btf_load.c')]);
  }
  const file = path.join(tmp, `k${Math.random().toString(36).slice(2)}.btf`);
  writeFileSync(file, bytes);
  try {
    return execFileSync(loader, [file], { encoding: 'utf8' });
  } catch (e) {
    return String((e as { stdout?: string }).stdout ?? e);
  }
}

function bpftoolDump(bytes: Uint8Array): string {
  const file = path.join(tmp, `b${Math.random().toString(36).slice(2)}.btf`);
  writeFileSync(file, bytes);
  return bpftool('btf', 'dump', 'file', file);
}

function opsText(spec: BtfSpec): Map<string, string> {
  return new Map(spec.structOpsValueTypes().map((v) => [v.typeName, formatStruct(spec, v.typeId)]));
}

const noKernel = missing('cc') ?? missing('root');

describe('bundled default profile', () => {
  const bytes = new Uint8Array(readFileSync(path.join(profilesDir, 'default-vmlinux.btf')));
  const meta = JSON.parse(readFileSync(path.join(profilesDir, 'default.json'), 'utf8')) as { kernelVersion: string; structOpsTypes: string[] };
  const spec = parseBtf(bytes) as BtfSpec;

  it('parses and holds the struct_ops types its metadata lists', () => {
    expect(spec).toBeInstanceOf(BtfSpec);
    expect(spec.structOpsValueTypes().map((v) => v.typeName)).toEqual(meta.structOpsTypes);
    expect(meta.structOpsTypes).toContain('tcp_congestion_ops');
    expect(meta.kernelVersion).toMatch(/^6\.18\./);
    expect(bytes.length).toBeLessThan(1 << 20);
  });

  it.skipIf(!!missing('bpftool'))('is accepted by bpftool', () => {
    expect(bpftoolDump(bytes)).toMatch(/STRUCT 'tcp_congestion_ops'/);
  });

  it.skipIf(!!noKernel)('is accepted by the kernel (BPF_BTF_LOAD)', () => {
    expect(kernelLoad(bytes)).toBe('ok\n');
  });
});

describe.skipIf(!!missing('vmlinux'))('minimising live vmlinux', () => {
  const vmlinux = parseBtf(new Uint8Array(readFileSync(VMLINUX))) as BtfSpec;

  it.each([0, 1, 2])('pointer depth %i keeps every ops signature and stays loadable', (pointerDepth) => {
    const bytes = minimizeStructOps(vmlinux, { pointerDepth });
    const min = parseBtf(bytes) as BtfSpec;
    expect(min).toBeInstanceOf(BtfSpec);
    expect(opsText(min)).toEqual(opsText(vmlinux));
    for (const v of min.structOpsValueTypes()) {
      expect(min.resolveSize(v.valueId)).toBe(vmlinux.resolveSize(vmlinux.findByNameKind(`bpf_struct_ops_${v.typeName}`, BtfKind.Struct) as number));
    }
    expect(bytes.length).toBeLessThan(vmlinux.byteLength / 20);
    if (pointerDepth === 0) {
      // struct sock is only behind pointers from the ops: it must be a forward declaration.
      expect(min.findByNameKind('sock', BtfKind.Fwd)).toBeDefined();
      expect(min.findByNameKind('sock', BtfKind.Struct)).toBeUndefined();
    }
    if (!noKernel) expect(kernelLoad(bytes)).toBe('ok\n');
  });

  it('keeps full definitions when no depth is given', () => {
    const id = vmlinux.findByNameKind('bpf_struct_ops_common_value', BtfKind.Struct) as number;
    const min = parseBtf(minimizeBtf(vmlinux, [id])) as BtfSpec;
    expect(formatStruct(min, min.findByNameKind('bpf_struct_ops_common_value', BtfKind.Struct) as number)).toBe(formatStruct(vmlinux, id));
    expect(min.lastId).toBeLessThan(20);
  });

  it('writes big-endian output that reads back the same', () => {
    const le = parseBtf(minimizeStructOps(vmlinux, { pointerDepth: 0 })) as BtfSpec;
    const be = parseBtf(minimizeStructOps(vmlinux, { pointerDepth: 0, bigEndian: true })) as BtfSpec;
    expect(be.littleEndian).toBe(false);
    expect(opsText(be)).toEqual(opsText(le));
  });
});

describe('split modules', () => {
  const base = parseBtf(fixture('testmod.base.btf')) as BtfSpec;
  const mod = parseBtf(fixture('testmod.btf'), { base }) as BtfSpec;

  it('minimise into standalone BTF that needs no base', () => {
    const bytes = minimizeStructOps(mod, { pointerDepth: 0 });
    const min = parseBtf(bytes) as BtfSpec;
    expect(min).toBeInstanceOf(BtfSpec);
    expect(min.isModule()).toBe(false);
    expect(opsText(min)).toEqual(opsText(mod));
    if (!noKernel) expect(kernelLoad(bytes)).toBe('ok\n');
  });

  it('the Builder writes split BTF on a base', () => {
    const b = new BtfBuilder({ base });
    const int = base.findByNameKind('int', BtfKind.Int) as number;
    const id = b.add({ kind: BtfKind.Struct, name: 'extra', size: 4, members: [{ name: 'x', type: int, bitOffset: 0, bitfieldSize: 0 }] });
    expect(id).toBe(base.lastId + 1);
    const bytes = b.build();
    const split = parseBtf(bytes, { base }) as BtfSpec;
    expect(split).toBeInstanceOf(BtfSpec);
    expect(split.findByNameKind('extra', BtfKind.Struct)).toBe(id);
    expect(formatStruct(split, id)).toBe('struct extra {\n\tint x;\n};');
    expect(parseBtf(bytes)).toBeInstanceOf(BtfError);
  });

  it.skipIf(!!missing('bpftool'))('bpftool reads Builder split output on its base', () => {
    const b = new BtfBuilder({ base });
    b.add({ kind: BtfKind.Ptr, name: '', type: base.findByNameKind('sock', BtfKind.Struct) as number });
    const file = path.join(tmp, 'split.btf');
    writeFileSync(file, b.build());
    const out = bpftool('btf', 'dump', 'file', file, '--base-btf', path.join(root, 'test', 'fixtures', 'btf', 'testmod.base.btf'));
    expect(out).toContain(`[${base.lastId + 1}] PTR '(anon)' type_id=${base.findByNameKind('sock', BtfKind.Struct)}`);
  });
});

// The running kernel's vmlinux is parsed from a PagedFile (parseBtfFile with kernelSysfs): the
// type section streams through a 256 KiB buffer and pages are read on first use. Every answer
// must equal the whole-buffer parse's, including across part boundaries and for records larger
// than the streaming buffer; bad records and I/O errors must name the same offsets and causes.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BtfBuilder, BtfError, BtfKind, BtfSpec, parseBtf, parseBtfFile, type NewBtfType } from '../../../server/src/engine/btf';
import { missing, VMLINUX } from './helpers';

const dir = mkdtempSync(path.join(tmpdir(), 'paged-btf-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const json = (value: unknown) => JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));

/** Asserts that two parses of the same BTF answer every query the same. */
function expectSameAnswers(paged: BtfSpec, whole: BtfSpec, names: readonly string[]): void {
  expect(paged.lastId).toBe(whole.lastId);
  expect(paged.structOpsValueTypes()).toEqual(whole.structOpsValueTypes());
  for (const name of names) {
    for (const kind of [BtfKind.Struct, BtfKind.Typedef, BtfKind.Int, BtfKind.FuncProto]) {
      expect(paged.findAllByNameKind(name, kind), `${name} kind ${kind}`).toEqual(whole.findAllByNameKind(name, kind));
    }
  }
  for (let id = 0; id <= whole.lastId; id++) {
    if (paged.kindOf(id) !== whole.kindOf(id) || paged.nameOf(id) !== whole.nameOf(id) || json(paged.typeById(id)) !== json(whole.typeById(id))) {
      expect.fail(`type [${id}] differs: ${json(paged.typeById(id))} vs ${json(whole.typeById(id))}`);
    }
  }
}

/** Synthetic BTF above the paging threshold: ~1.5 MiB of structs, a 40,000-member struct (a record larger than the streaming buffer), and struct_ops value types. */
function bigBtf(): Uint8Array {
  const b = new BtfBuilder();
  const int = b.add({ kind: BtfKind.Int, name: 'int', size: 4, signed: true, char: false, bool: false, bits: 32, bitOffset: 0 });
  const member = (name: string, type: number, i: number) => ({ name, type, bitOffset: 32 * i, bitfieldSize: 0 });
  const common = b.add({ kind: BtfKind.Struct, name: 'bpf_struct_ops_common_value', size: 4, members: [member('refcnt', int, 0)] });
  for (let i = 0; i < 12_000; i++) {
    const members = Array.from({ length: 1 + (i % 7) }, (_, j) => member(`f${j}`, int, j));
    b.add({ kind: BtfKind.Struct, name: `s${i}`, size: 4 * members.length, members } as NewBtfType);
    if (i % 1000 === 0) {
      const proto = b.add({ kind: BtfKind.FuncProto, name: '', returnType: int, params: [{ name: 'x', type: int }], variadic: false });
      const ptr = b.add({ kind: BtfKind.Ptr, name: '', type: proto });
      const ops = b.add({ kind: BtfKind.Struct, name: `ops${i}`, size: 8, members: [{ name: 'op', type: ptr, bitOffset: 0, bitfieldSize: 0 }] });
      b.add({ kind: BtfKind.Struct, name: `bpf_struct_ops_ops${i}`, size: 16, members: [member('common', common, 0), { name: 'data', type: ops, bitOffset: 64, bitfieldSize: 0 }] });
    }
  }
  const huge = Array.from({ length: 40_000 }, (_, j) => member(`m${j}`, int, j));
  b.add({ kind: BtfKind.Struct, name: 'huge', size: 4 * huge.length, members: huge });
  b.add({ kind: BtfKind.Typedef, name: 'after_huge', type: int });
  return b.build();
}

function write(name: string, bytes: Uint8Array): string {
  const file = path.join(dir, name);
  writeFileSync(file, bytes);
  return file;
}

function parseWhole(bytes: Uint8Array): BtfSpec {
  const spec = parseBtf(bytes);
  if (spec instanceof BtfError) throw spec;
  return spec;
}

describe('paged parse of kernel BTF (parseBtfFile, kernelSysfs)', () => {
  const bytes = bigBtf();
  const file = write('big.btf', bytes);

  it('answers like the whole-buffer parse, across part boundaries and a record larger than the buffer', () => {
    expect(bytes.length).toBeGreaterThan(1 << 20);
    const paged = parseBtfFile(file, { kernelSysfs: true });
    if (paged instanceof BtfError) throw paged;
    const whole = parseWhole(bytes);
    expect(paged.structOpsValueTypes()).toHaveLength(12);
    expectSameAnswers(paged, whole, ['huge', 'after_huge', 's11999', 'ops5000', 'int', 'missing']);
  });

  it('reports a bad record in a later part at the same offset and cause as the whole-buffer parse', () => {
    const broken = new Uint8Array(bytes);
    const whole = parseWhole(bytes);
    // The info word of a type about two thirds into the section: kind 31 does not exist.
    const id = Math.floor((2 * whole.lastId) / 3);
    const typeStart = 24;
    const wordOf = (whole as unknown as { offsets: Uint32Array }).offsets[id - 1];
    const view = new DataView(broken.buffer);
    view.setUint32(typeStart + 4 * wordOf + 4, (31 << 24) >>> 0, true);
    const expected = parseBtf(broken);
    const got = parseBtfFile(write('broken.btf', broken), { kernelSysfs: true });
    expect(expected).toBeInstanceOf(BtfError);
    expect(got).toBeInstanceOf(BtfError);
    expect((got as BtfError).message).toBe((expected as BtfError).message);
    expect((got as BtfError).offset).toBe(typeStart + 4 * wordOf + 4);
  });

  it('reads other files whole, with every check', () => {
    const small = write('small.btf', new BtfBuilder().build());
    expect(parseBtfFile(small, { kernelSysfs: true })).toBeInstanceOf(BtfSpec);
    expect(parseBtfFile(file)).toBeInstanceOf(BtfSpec);
  });

  it('names the file when it cannot be read', () => {
    const err = parseBtfFile(path.join(dir, 'absent.btf'), { kernelSysfs: true });
    expect(err).toBeInstanceOf(BtfError);
    expect((err as BtfError).code).toBe('io');
    expect((err as BtfError).message).toContain('absent.btf');
  });
});

describe.skipIf(missing('vmlinux'))('paged parse of the live vmlinux', () => {
  it('answers every query like the whole-buffer parse', () => {
    const paged = parseBtfFile(VMLINUX, { kernelSysfs: true });
    if (paged instanceof BtfError) throw paged;
    const whole = parseWhole(readFileSync(VMLINUX));
    expect(paged.structOpsValueTypes().map((v) => v.typeName)).toContain('tcp_congestion_ops');
    expectSameAnswers(paged, whole, ['sock', 'tcp_congestion_ops', 'task_struct', 'long', 'bpf_struct_ops_common_value', 'u32']);
  }, 60_000);
});

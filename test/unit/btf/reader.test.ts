// The raw BTF reader on Builder-made BTF: every kind decodes back in both byte orders, lookups
// keep not-found apart from ambiguous, and each malformed part gives the BtfError the kernel
// or libbpf would (code, type id, and a byte offset that points at the bad field).

import { describe, expect, it } from 'vitest';
import { BtfBuilder, BtfError, BtfKind, BtfSpec, parseBtf, type NewBtfType } from '../../../server/src/engine/btf';

/** One of every kind; ids in comments. Type 3 points forward to 4, as pahole output often does. */
const sample: NewBtfType[] = [
  { kind: BtfKind.Int, name: 'int', size: 4, signed: true, char: false, bool: false, bits: 32, bitOffset: 0 }, // 1
  { kind: BtfKind.Int, name: 'char', size: 1, signed: true, char: true, bool: false, bits: 8, bitOffset: 0 }, // 2
  { kind: BtfKind.Ptr, name: '', type: 4 }, // 3
  {
    kind: BtfKind.Struct, name: 'node', size: 16, members: [ // 4
      { name: 'val', type: 1, bitOffset: 0, bitfieldSize: 0 },
      { name: 'flags', type: 1, bitOffset: 32, bitfieldSize: 3 },
      { name: 'next', type: 3, bitOffset: 64, bitfieldSize: 0 },
    ],
  },
  { kind: BtfKind.Union, name: 'u', size: 4, members: [{ name: 'i', type: 1, bitOffset: 0, bitfieldSize: 0 }, { name: 'c', type: 2, bitOffset: 0, bitfieldSize: 0 }] }, // 5
  { kind: BtfKind.Enum, name: 'e', size: 4, signed: true, values: [{ name: 'NEG', value: -5n }, { name: 'POS', value: 7n }] }, // 6
  { kind: BtfKind.Enum64, name: 'e64', size: 8, signed: false, values: [{ name: 'HUGE', value: 0xfedcba9876543210n }] }, // 7
  { kind: BtfKind.Fwd, name: 'later', isUnion: true }, // 8
  { kind: BtfKind.Typedef, name: 'node_t', type: 4 }, // 9
  { kind: BtfKind.Volatile, name: '', type: 1 }, // 10
  { kind: BtfKind.Const, name: '', type: 10 }, // 11
  { kind: BtfKind.Restrict, name: '', type: 3 }, // 12
  { kind: BtfKind.FuncProto, name: '', returnType: 1, params: [{ name: 'fmt', type: 12 }], variadic: true }, // 13
  { kind: BtfKind.Func, name: 'printk', type: 13, linkage: 1 }, // 14
  { kind: BtfKind.Array, name: '', elemType: 2, indexType: 1, nelems: 16 }, // 15
  { kind: BtfKind.Var, name: 'buf', type: 15, linkage: 1 }, // 16
  { kind: BtfKind.Datasec, name: '.data', size: 16, vars: [{ type: 16, offset: 0, size: 16 }] }, // 17
  { kind: BtfKind.Float, name: 'double', size: 8 }, // 18
  { kind: BtfKind.DeclTag, name: 'tagged', type: 4, componentIdx: -1 }, // 19
  { kind: BtfKind.TypeTag, name: 'rcu', type: 4 }, // 20
  { kind: BtfKind.Struct, name: 'node', size: 0, members: [] }, // 21: a second struct node (ambiguous name)
];

function build(types: NewBtfType[], bigEndian = false): Uint8Array {
  const b = new BtfBuilder({ bigEndian });
  for (const t of types) b.add(t);
  return b.build();
}

function parsed(bytes: Uint8Array): BtfSpec {
  const s = parseBtf(bytes);
  if (s instanceof BtfError) throw s;
  return s;
}

const view = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);

describe.each([false, true])('round trip (bigEndian=%s)', (bigEndian) => {
  const bytes = build(sample, bigEndian);

  it('decodes every kind as it was built', () => {
    const spec = parsed(bytes);
    expect(spec.littleEndian).toBe(!bigEndian);
    expect(spec.lastId).toBe(sample.length);
    sample.forEach((t, i) => expect(spec.typeById(i + 1)).toEqual({ ...t, id: i + 1 }));
  });

  it('reads without changing the caller buffer, also at an unaligned offset', () => {
    const before = bytes.slice();
    const shifted = new Uint8Array(bytes.length + 1).subarray(1);
    shifted.set(bytes);
    const spec = parsed(shifted);
    expect(spec.typeById(7)).toMatchObject({ values: [{ value: 0xfedcba9876543210n }] });
    expect(bytes).toEqual(before);
  });
});

describe('lookups', () => {
  const spec = parsed(build(sample));

  it('finds struct_ops value types whose name offset points into the middle of a string', () => {
    const member = (name: string, type: number) => ({ name, type, bitOffset: 0, bitfieldSize: 0 });
    const bytes = build([
      { kind: BtfKind.Struct, name: 'bpf_struct_ops_common_value', size: 8, members: [] }, // 1
      { kind: BtfKind.Struct, name: 'foo_ops', size: 8, members: [] }, // 2
      { kind: BtfKind.Struct, name: 'placeholder', size: 16, members: [member('common', 1), member('data', 2)] }, // 3
      { kind: BtfKind.Typedef, name: 'xbpf_struct_ops_foo_ops', type: 2 }, // 4
    ]);
    const strStart = 24 + view(bytes).getUint32(16, true);
    const longName = Buffer.from(bytes).indexOf('xbpf_struct_ops_foo_ops\0', strStart) - strStart;
    // Struct [3] starts at word 6, after two memberless structs of 3 words each.
    view(bytes).setUint32(24 + 4 * (3 + 3), longName + 1, true);
    const s = parsed(bytes);
    expect(s.nameOf(3)).toBe('bpf_struct_ops_foo_ops');
    expect(s.structOpsValueTypes()).toEqual([{ valueId: 3, typeId: 2, typeName: 'foo_ops' }]);
  });

  it('tells not-found from ambiguous', () => {
    expect(spec.findAllByNameKind('node', BtfKind.Struct)).toEqual([4, 21]);
    expect(spec.findByNameKind('node', BtfKind.Struct)).toBe(4);
    expect(spec.findAllByNameKind('node', BtfKind.Union)).toEqual([]);
    expect(spec.findByNameKind('nothing', BtfKind.Struct)).toBeUndefined();
    expect(spec.findByNameKind('void', BtfKind.Struct)).toBe(0);
  });

  it('void and out-of-range ids', () => {
    expect(spec.typeById(0)).toEqual({ id: 0, kind: BtfKind.Unknown, name: '' });
    expect(spec.typeById(spec.lastId + 1)).toBeUndefined();
    expect(spec.typeById(-1)).toBeUndefined();
    expect(spec.typeById(1.5)).toBeUndefined();
    expect(spec.nameOf(99)).toBe('');
    expect(spec.kindOf(99)).toBeUndefined();
  });

  it('skips modifiers, and typedefs only when asked', () => {
    expect(spec.skipModifiers(11)).toBe(1); // const volatile int
    expect(spec.skipModifiers(9)).toBe(9); // typedef stays
    expect(spec.skipModsAndTypedefs(9)).toBe(4);
    expect(spec.skipModifiers(20)).toBe(4); // type tag
  });

  it('resolves sizes and alignment like libbpf', () => {
    expect(spec.resolveSize(15)).toBe(16);
    expect(spec.resolveSize(9)).toBe(16);
    expect(spec.resolveSize(12)).toBe(8);
    expect(spec.resolveSize(16)).toBe(16); // VAR resolves to its type
    expect((spec.resolveSize(14) as BtfError).code).toBe('bad-size');
    expect(spec.alignOf(4)).toBe(8);
    expect(spec.alignOf(15)).toBe(1);
    expect(spec.alignOf(7)).toBe(8);
  });

  it('detects packed structs and 32-bit pointer size', () => {
    const s = parsed(build([
      { kind: BtfKind.Int, name: 'long', size: 4, signed: true, char: false, bool: false, bits: 32, bitOffset: 0 },
      { kind: BtfKind.Int, name: 'char', size: 1, signed: true, char: true, bool: false, bits: 8, bitOffset: 0 },
      { kind: BtfKind.Struct, name: 'packed', size: 5, members: [{ name: 'c', type: 2, bitOffset: 0, bitfieldSize: 0 }, { name: 'l', type: 1, bitOffset: 8, bitfieldSize: 0 }] },
      { kind: BtfKind.Ptr, name: '', type: 3 },
    ]));
    expect(s.alignOf(3)).toBe(1);
    expect(s.pointerSize()).toBe(4);
    expect(s.resolveSize(4)).toBe(4);
  });
});

/** Builder output with one u32 of the type section (word index from its start) replaced. */
function patchTypeWord(types: NewBtfType[], word: number, value: number): Uint8Array {
  const b = build(types);
  view(b).setUint32(24 + 4 * word, value, true);
  return b;
}

function err(bytes: Uint8Array, base?: BtfSpec): BtfError {
  const r = parseBtf(bytes, { base });
  expect(r).toBeInstanceOf(BtfError);
  return r as BtfError;
}

describe('malformed input', () => {
  const good = build(sample);
  const withHeader = (f: (v: DataView) => void) => {
    const b = good.slice();
    f(view(b));
    return b;
  };

  it('rejects a bad header, naming the field', () => {
    expect(err(new Uint8Array(0)).code).toBe('truncated');
    expect(err(withHeader((v) => v.setUint16(0, 0x1234, true))).code).toBe('bad-magic');
    expect(err(withHeader((v) => v.setUint8(2, 2))).code).toBe('bad-version');
    expect(err(withHeader((v) => v.setUint8(3, 1))).code).toBe('bad-flags');
    expect(err(withHeader((v) => v.setUint32(4, 8, true))).code).toBe('bad-header');
    expect(err(withHeader((v) => v.setUint32(12, v.getUint32(12, true) + 4096, true))).message).toMatch(/type section .* ends past the data/);
    expect(err(withHeader((v) => v.setUint32(8, 2, true))).message).toMatch(/not 4-byte aligned/);
    expect(err(withHeader((v) => v.setUint32(16, 0, true))).message).toMatch(/overlaps/);
  });

  it('accepts a longer header only with a zero tail (kernel btf_parse_hdr)', () => {
    const longer = new Uint8Array(good.length + 8);
    longer.set(good.subarray(0, 24));
    longer.set(good.subarray(24), 32);
    view(longer).setUint32(4, 32, true);
    expect(parseBtf(longer)).toBeInstanceOf(BtfSpec);
    longer[30] = 1;
    expect(err(longer)).toMatchObject({ code: 'bad-header', offset: 30 });
  });

  it('checks the string section framing', () => {
    const strOff = 24 + view(good).getUint32(16, true);
    const noNul = good.slice();
    noNul[noNul.length - 1] = 0x41;
    expect(err(noNul)).toMatchObject({ code: 'bad-strings', offset: good.length - 1 });
    const firstNotNul = good.slice();
    firstNotNul[strOff] = 0x41;
    const e = err(firstNotNul);
    expect(e.message).toContain('did you forget to provide base BTF?');
    expect(e.offset).toBe(strOff);
  });

  it('names the type, member and byte of a bad member type id', () => {
    // struct node (type 4) starts at word 4+4+3 = 11 (int: 4 words, int: 4, ptr: 3); member 1's type is word 11+3+3+1.
    const b = patchTypeWord(sample, 11 + 3 + 3 + 1, 99999);
    const e = err(b);
    expect(e.code).toBe('bad-type-id');
    expect(e.typeId).toBe(4);
    expect(e.message).toMatch(/^type \[4\]: member 1: bad type ID 99999 at offset 0x[0-9a-f]+/);
    expect(view(b).getUint32(e.offset as number, true)).toBe(99999);
  });

  it('checks ARRAY element and index ids', () => {
    const arr = (elemType: number, indexType: number) => build([
      { kind: BtfKind.Int, name: 'int', size: 4, signed: true, char: false, bool: false, bits: 32, bitOffset: 0 },
      { kind: BtfKind.Array, name: '', elemType, indexType, nelems: 1000 },
    ]);
    expect(err(arr(7, 1)).message).toMatch(/^type \[2\]: element: bad type ID 7/);
    expect(err(arr(1, 9)).message).toMatch(/^type \[2\]: index: bad type ID 9/);
    expect(parseBtf(arr(1, 1))).toBeInstanceOf(BtfSpec);
  });

  it('rejects unknown kinds, reserved bits, bad names and vlen overruns', () => {
    const kindErr = err(patchTypeWord(sample, 1, (25 << 24) >>> 0));
    expect(kindErr).toMatchObject({ code: 'bad-kind', typeId: 1, offset: 28 });
    expect(err(patchTypeWord(sample, 1, (1 << 24) | (1 << 16))).code).toBe('bad-kind');
    expect(err(patchTypeWord(sample, 0, 0xffffff))).toMatchObject({ code: 'bad-name', typeId: 1, offset: 24 });
    // The last type is an empty STRUCT: give it 300 members it does not have.
    const words = (good.length - 24 - view(good).getUint32(20, true)) / 4;
    const e = err(patchTypeWord(sample, words - 2, (BtfKind.Struct << 24) | 300));
    expect(e).toMatchObject({ code: 'bad-vlen', typeId: sample.length });
    expect(e.message).toMatch(/vlen 300 needs 3600 bytes/);
  });

  it('detects loops through pointers and modifiers', () => {
    const loop = build([
      { kind: BtfKind.Ptr, name: '', type: 2 },
      { kind: BtfKind.Const, name: '', type: 3 },
      { kind: BtfKind.Volatile, name: '', type: 1 },
    ]);
    expect(err(loop)).toMatchObject({ code: 'loop' });
    const self = build([{ kind: BtfKind.Typedef, name: 'me', type: 1 }]);
    expect(err(self).message).toMatch(/^type \[1\]: loop detected/);
  });

  it('detects a struct containing itself when only a typedef refers forward, naming the loop a walk from the struct finds', () => {
    const loop = build([
      { kind: BtfKind.Typedef, name: 'outer_t', type: 2 }, // 1: the loop's lowest id
      { kind: BtfKind.Struct, name: 'outer', size: 4, members: [{ name: 'self', type: 1, bitOffset: 0, bitfieldSize: 0 }] }, // 2
    ]);
    expect(err(loop)).toMatchObject({ code: 'loop', typeId: 1 });
    expect(err(loop).message).toMatch(/^type \[1\]: loop detected: TYPEDEF leads back to type \[2\] without a pointer/);
  });

  it('a pointer cycle through a struct is fine', () => {
    const spec = parsed(build(sample));
    expect(spec.resolveSize(3)).toBe(8);
  });
});

// C printing of BTF declarators: pointers to arrays and functions, qualifier placement,
// variadic and named parameters, bitfields, anonymous members inline. Expected text is the C a
// programmer would write for each type, built here with the Builder.

import { describe, expect, it } from 'vitest';
import { BtfBuilder, BtfError, BtfKind, BtfSpec, formatMember, formatStruct, formatType, parseBtf } from '../../../server/src/engine/btf';

const b = new BtfBuilder();
const int = b.add({ kind: BtfKind.Int, name: 'int', size: 4, signed: true, char: false, bool: false, bits: 32, bitOffset: 0 });
const char = b.add({ kind: BtfKind.Int, name: 'char', size: 1, signed: true, char: true, bool: false, bits: 8, bitOffset: 0 });
const u32 = b.add({ kind: BtfKind.Typedef, name: 'u32', type: int });
const sockFwd = b.add({ kind: BtfKind.Fwd, name: 'sock', isUnion: false });
const sockPtr = b.add({ kind: BtfKind.Ptr, name: '', type: sockFwd });
const constChar = b.add({ kind: BtfKind.Const, name: '', type: char });
const constCharPtr = b.add({ kind: BtfKind.Ptr, name: '', type: constChar });
const charPtr = b.add({ kind: BtfKind.Ptr, name: '', type: char });
const charPtrConst = b.add({ kind: BtfKind.Const, name: '', type: charPtr });
const arr16 = b.add({ kind: BtfKind.Array, name: '', elemType: char, indexType: int, nelems: 16 });
const ptrToArr = b.add({ kind: BtfKind.Ptr, name: '', type: arr16 });
const proto = b.add({ kind: BtfKind.FuncProto, name: '', returnType: u32, params: [{ name: 'sk', type: sockPtr }, { name: 'why', type: constCharPtr }], variadic: false });
const protoPtr = b.add({ kind: BtfKind.Ptr, name: '', type: proto });
const anonProto = b.add({ kind: BtfKind.FuncProto, name: '', returnType: 0, params: [{ name: '', type: sockPtr }], variadic: true });
const anonProtoPtr = b.add({ kind: BtfKind.Ptr, name: '', type: anonProto });
const arrOfFn = b.add({ kind: BtfKind.Array, name: '', elemType: anonProtoPtr, indexType: int, nelems: 4 });
const voidProto = b.add({ kind: BtfKind.FuncProto, name: '', returnType: int, params: [], variadic: false });
const voidProtoPtr = b.add({ kind: BtfKind.Ptr, name: '', type: voidProto });
const fnRetPtr = b.add({ kind: BtfKind.FuncProto, name: '', returnType: charPtr, params: [{ name: 'n', type: int }], variadic: false });
const fnRetPtrPtr = b.add({ kind: BtfKind.Ptr, name: '', type: fnRetPtr });
const anonUnion = b.add({ kind: BtfKind.Union, name: '', size: 4, members: [{ name: 'a', type: int, bitOffset: 0, bitfieldSize: 0 }, { name: 'b', type: u32, bitOffset: 0, bitfieldSize: 0 }] });
const ops = b.add({
  kind: BtfKind.Struct, name: 'demo_ops', size: 64, members: [
    { name: 'check', type: protoPtr, bitOffset: 0, bitfieldSize: 0 },
    { name: 'notify', type: anonProtoPtr, bitOffset: 64, bitfieldSize: 0 },
    { name: 'name', type: arr16, bitOffset: 128, bitfieldSize: 0 },
    { name: 'flags', type: int, bitOffset: 256, bitfieldSize: 3 },
    { name: '', type: anonUnion, bitOffset: 288, bitfieldSize: 0 },
    { name: 'hooks', type: arrOfFn, bitOffset: 320, bitfieldSize: 0 },
  ],
});
const en = b.add({ kind: BtfKind.Enum, name: 'mode', size: 4, signed: false, values: [{ name: 'MODE_A', value: 0n }, { name: 'MODE_B', value: 4n }] });
const func = b.add({ kind: BtfKind.Func, name: 'demo_check', type: proto, linkage: 1 });
const spec = parseBtf(b.build()) as BtfSpec;

describe('formatType', () => {
  it.each([
    [sockPtr, 'struct sock *'],
    [constCharPtr, 'const char *'],
    [charPtrConst, 'char *const'],
    [ptrToArr, 'char (*)[16]'],
    [protoPtr, 'u32 (*)(struct sock *sk, const char *why)'],
    [anonProtoPtr, 'void (*)(struct sock *, ...)'],
    [voidProtoPtr, 'int (*)(void)'],
    [fnRetPtrPtr, 'char *(*)(int n)'],
    [arrOfFn, 'void (*[4])(struct sock *, ...)'],
    [0, 'void'],
    [en, 'enum mode'],
  ])('type %i prints as %s', (id, text) => {
    expect(spec).toBeInstanceOf(BtfSpec);
    expect(formatType(spec, id)).toBe(text);
  });
});

describe('formatMember and formatStruct', () => {
  it('prints member declarations', () => {
    expect(formatMember(spec, ops, 0)).toBe('u32 (*check)(struct sock *sk, const char *why)');
    expect(formatMember(spec, ops, 1)).toBe('void (*notify)(struct sock *, ...)');
    expect(formatMember(spec, ops, 2)).toBe('char name[16]');
    expect(formatMember(spec, ops, 3)).toBe('int flags: 3');
    expect(formatMember(spec, ops, 5)).toBe('void (*hooks[4])(struct sock *, ...)');
    expect(formatMember(spec, ops, 99)).toBe('');
    expect(formatMember(spec, int, 0)).toBe('');
  });

  it('prints a whole struct with its anonymous union inline', () => {
    expect(formatStruct(spec, ops)).toBe([
      'struct demo_ops {',
      '\tu32 (*check)(struct sock *sk, const char *why);',
      '\tvoid (*notify)(struct sock *, ...);',
      '\tchar name[16];',
      '\tint flags: 3;',
      '\tunion {',
      '\t\tint a;',
      '\t\tu32 b;',
      '\t};',
      '\tvoid (*hooks[4])(struct sock *, ...);',
      '};',
    ].join('\n'));
  });

  it('prints enums, typedefs and functions', () => {
    expect(formatStruct(spec, en)).toBe('enum mode {\n\tMODE_A = 0,\n\tMODE_B = 4,\n};');
    expect(formatStruct(spec, u32)).toBe('typedef int u32;');
    expect(formatStruct(spec, func)).toBe('u32 demo_check(struct sock *sk, const char *why);');
    expect(formatStruct(spec, 9999)).toMatch(/bad type id/);
  });

  it('stays bounded on a deep chain', () => {
    const d = new BtfBuilder();
    let id = d.add({ kind: BtfKind.Int, name: 'int', size: 4, signed: true, char: false, bool: false, bits: 32, bitOffset: 0 });
    for (let i = 0; i < 100; i++) id = d.add({ kind: BtfKind.Ptr, name: '', type: id });
    const deep = parseBtf(d.build());
    expect(deep).not.toBeInstanceOf(BtfError);
    expect(formatType(deep as BtfSpec, id)).toMatch(/type chain too long/);
  });
});

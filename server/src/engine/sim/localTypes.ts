// The BPF-side (local) view of C types where the object's BTF does not exist yet: BTF kind and
// size of a member type as clang would emit them, for the cases that need no layout engine.

import type { CType, CTypeDefinition } from '../c/facts';
import { BtfKind } from '../btf';

const integerSizes = new Map<string, number>([
  ['char', 1], ['signed char', 1], ['unsigned char', 1], ['_Bool', 1], ['bool', 1],
  ['short', 2], ['unsigned short', 2], ['short int', 2], ['unsigned short int', 2],
  ['int', 4], ['unsigned', 4], ['unsigned int', 4], ['signed', 4], ['signed int', 4],
  ['long', 8], ['unsigned long', 8], ['long int', 8], ['unsigned long int', 8],
  ['long long', 8], ['unsigned long long', 8], ['long long int', 8], ['unsigned long long int', 8],
  ['u8', 1], ['s8', 1], ['__u8', 1], ['__s8', 1], ['u16', 2], ['s16', 2], ['__u16', 2], ['__s16', 2],
  ['u32', 4], ['s32', 4], ['__u32', 4], ['__s32', 4], ['u64', 8], ['s64', 8], ['__u64', 8], ['__s64', 8],
  ['size_t', 8], ['ssize_t', 8], ['uint8_t', 1], ['int8_t', 1], ['uint16_t', 2], ['int16_t', 2],
  ['uint32_t', 4], ['int32_t', 4], ['uint64_t', 8], ['int64_t', 8], ['__be16', 2], ['__be32', 4], ['__le32', 4],
]);

export interface LocalTypeLookup {
  (tag: string): CTypeDefinition | undefined;
}

/** The BTF kind clang emits for a C type after typedefs and modifiers; undefined when not known here. */
export function localBtfKind(type: CType): BtfKind | undefined {
  switch (type.kind) {
    case 'pointer':
      return BtfKind.Ptr;
    case 'array':
      return BtfKind.Array;
    case 'struct':
      return BtfKind.Struct;
    case 'union':
      return BtfKind.Union;
    case 'enum':
      return BtfKind.Enum;
    case 'function':
      return BtfKind.FuncProto;
    case 'named':
      if (integerSizes.has(type.name)) return BtfKind.Int;
      if (type.name === 'float' || type.name === 'double') return BtfKind.Float;
      return undefined;
  }
}

/** sizeof() of a C type when it follows from the type alone (integers, pointers, arrays of those). */
export function localSize(type: CType): number | undefined {
  switch (type.kind) {
    case 'pointer':
      return 8;
    case 'named':
      return integerSizes.get(type.name);
    case 'array': {
      if (type.length === undefined) return undefined;
      const element = localSize(type.of);
      return element === undefined ? undefined : element * type.length;
    }
    default:
      return undefined;
  }
}

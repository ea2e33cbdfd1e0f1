// BtfBuilder: encodes types into valid BTF bytes — header, type section, deduplicated string
// section — little-endian by default, big-endian on request, standalone or split on a base
// (the encoding side of include/uapi/linux/btf.h; libbpf btf__add_* and btf__raw_data).

import { assert } from '../common/debug';
import { BTF_HEADER_SIZE, BTF_INT_BOOL, BTF_INT_CHAR, BTF_INT_SIGNED, BTF_MAGIC, BTF_MAX_VLEN, BTF_VERSION, BtfKind } from './kinds';
import type { BtfSpec } from './spec';
import type { NewBtfType } from './types';

export interface BuilderOptions {
  /** Build split BTF on this base: ids continue after base.lastId, string offsets after its strings. */
  readonly base?: BtfSpec;
  readonly bigEndian?: boolean;
}

const utf8 = new TextEncoder();

export class BtfBuilder {
  readonly startId: number;
  private readonly startStrOff: number;
  private readonly words: number[] = [];
  private readonly strOffsets = new Map<string, number>();
  private readonly strChunks: Uint8Array[] = [];
  private strLen = 0;
  private count = 0;

  constructor(private readonly options: BuilderOptions = {}) {
    const base = options.base;
    this.startId = base ? base.lastId + 1 : 1;
    this.startStrOff = base ? base.strings.end : 0;
    // Standalone BTF starts its strings with "" at offset 0; split BTF reuses the base's
    // offset 0 for "" and starts empty (libbpf btf_new_empty).
    if (!base) this.pushString('');
  }

  /** The id the next added type gets. */
  get nextId(): number {
    return this.startId + this.count;
  }

  /** Adds a string (once) and returns its name offset; '' is always offset 0. */
  addString(s: string): number {
    if (s === '') return 0;
    return this.strOffsets.get(s) ?? this.pushString(s);
  }

  /** Appends one type and returns its id. Type ids inside are written as given. */
  add(t: NewBtfType): number {
    const w = this.words;
    const name = this.addString(t.name);
    const info = (kind: BtfKind, vlen: number, kflag: boolean) => {
      assert(vlen <= BTF_MAX_VLEN, `vlen ${vlen} of ${t.name} exceeds BTF_MAX_VLEN`);
      return ((kflag ? 1 : 0) << 31 | (kind << 24) | vlen) >>> 0;
    };
    switch (t.kind) {
      case BtfKind.Int:
        w.push(name, info(t.kind, 0, false), t.size,
          ((((t.signed ? BTF_INT_SIGNED : 0) | (t.char ? BTF_INT_CHAR : 0) | (t.bool ? BTF_INT_BOOL : 0)) << 24) | (t.bitOffset << 16) | t.bits) >>> 0);
        break;
      case BtfKind.Ptr: case BtfKind.Typedef: case BtfKind.Volatile: case BtfKind.Const: case BtfKind.Restrict: case BtfKind.TypeTag:
        w.push(name, info(t.kind, 0, false), t.type);
        break;
      case BtfKind.Array:
        w.push(name, info(t.kind, 0, false), 0, t.elemType, t.indexType, t.nelems);
        break;
      case BtfKind.Struct: case BtfKind.Union: {
        const kflag = t.members.some((m) => m.bitfieldSize !== 0);
        w.push(name, info(t.kind, t.members.length, kflag), t.size);
        for (const m of t.members) {
          w.push(this.addString(m.name), m.type, kflag ? ((m.bitfieldSize << 24) | m.bitOffset) >>> 0 : m.bitOffset);
        }
        break;
      }
      case BtfKind.Enum:
        w.push(name, info(t.kind, t.values.length, t.signed), t.size);
        for (const v of t.values) w.push(this.addString(v.name), Number(BigInt.asUintN(32, v.value)));
        break;
      case BtfKind.Enum64:
        w.push(name, info(t.kind, t.values.length, t.signed), t.size);
        for (const v of t.values) {
          const u = BigInt.asUintN(64, v.value);
          w.push(this.addString(v.name), Number(u & 0xffffffffn), Number(u >> 32n));
        }
        break;
      case BtfKind.Fwd:
        w.push(name, info(t.kind, 0, t.isUnion), 0);
        break;
      case BtfKind.Func:
        w.push(name, info(t.kind, t.linkage, false), t.type);
        break;
      case BtfKind.FuncProto:
        w.push(name, info(t.kind, t.params.length + (t.variadic ? 1 : 0), false), t.returnType);
        for (const p of t.params) w.push(this.addString(p.name), p.type);
        if (t.variadic) w.push(0, 0);
        break;
      case BtfKind.Var:
        w.push(name, info(t.kind, 0, false), t.type, t.linkage);
        break;
      case BtfKind.Datasec:
        w.push(name, info(t.kind, t.vars.length, false), t.size);
        for (const v of t.vars) w.push(v.type, v.offset, v.size);
        break;
      case BtfKind.Float:
        w.push(name, info(t.kind, 0, false), t.size);
        break;
      case BtfKind.DeclTag:
        w.push(name, info(t.kind, 0, false), t.type, t.componentIdx >>> 0);
        break;
      case BtfKind.Unknown:
        assert(false, 'void (type id 0) is implicit and cannot be added');
    }
    return this.startId + this.count++;
  }

  /** The BTF bytes: struct btf_header, types, strings (the kernel wants strings last). */
  build(): Uint8Array {
    const le = !this.options.bigEndian;
    const typeLen = this.words.length * 4;
    const out = new Uint8Array(BTF_HEADER_SIZE + typeLen + this.strLen);
    const v = new DataView(out.buffer);
    v.setUint16(0, BTF_MAGIC, le);
    v.setUint8(2, BTF_VERSION);
    v.setUint8(3, 0);
    v.setUint32(4, BTF_HEADER_SIZE, le);
    v.setUint32(8, 0, le);
    v.setUint32(12, typeLen, le);
    v.setUint32(16, typeLen, le);
    v.setUint32(20, this.strLen, le);
    for (let i = 0; i < this.words.length; i++) v.setUint32(BTF_HEADER_SIZE + 4 * i, this.words[i], le);
    let at = BTF_HEADER_SIZE + typeLen;
    for (const c of this.strChunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }

  private pushString(s: string): number {
    const bytes = utf8.encode(s);
    const chunk = new Uint8Array(bytes.length + 1);
    chunk.set(bytes);
    const off = this.startStrOff + this.strLen;
    this.strChunks.push(chunk);
    this.strLen += chunk.length;
    this.strOffsets.set(s, off);
    return off;
  }
}

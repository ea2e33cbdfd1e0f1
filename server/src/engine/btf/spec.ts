// BtfSpec: one parsed BTF object (vmlinux, a module's split BTF on its base, or a .bpf.o's .BTF).
// Load = header → strings → one indexing pass that records where each type starts and checks
// bounds, kinds, name offsets and referenced ids → loop checks: chains, and structs containing
// themselves by value (libbpf btf_parse_hdr, btf_parse_str_sec, btf_parse_type_sec,
// btf_sanity_check; kernel btf_resolve). Types are decoded on first request.
//
//   split BTF:  ids 1 .. startId-1 and string offsets < startStrOff belong to `base`
//               (libbpf btf_type_by_id / btf__str_by_offset).

import { BtfError, atOffset } from './errors';
import { parseHeader } from './header';
import type { PagedFile } from './pagedFile';
import {
  BTF_INT_BOOL, BTF_INT_CHAR, BTF_INT_SIGNED, BTF_MAX_TYPE, BTF_TYPE_SIZE, BtfKind, TRAILER_WORDS_FIXED, TRAILER_WORDS_PER_VLEN, kindName,
} from './kinds';
import { StringTable, hashBytes } from './strings';
import type { BtfEnumValue, BtfMember, BtfParam, BtfType, BtfVarSecinfo } from './types';

export interface ParseOptions {
  /** Base BTF for split BTF (a module's BTF on vmlinux). */
  readonly base?: BtfSpec;
  /** Name used in messages and listings, e.g. "vmlinux" or a module name. */
  readonly name?: string;
}


/** libbpf MAX_RESOLVE_DEPTH: longest modifier/typedef chain followed before giving up. */
export const MAX_RESOLVE_DEPTH = 32;

const VOID: BtfType = Object.freeze({ id: 0, kind: BtfKind.Unknown, name: '' });
const utf8 = new TextEncoder();
const HOST_LE = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
const VALUE_PREFIX = 'bpf_struct_ops_';
const COMMON_VALUE = 'bpf_struct_ops_common_value';

/** A struct_ops value type `bpf_struct_ops_<T>` and its T (kernel is_valid_value_type). */
export interface StructOpsValueType {
  readonly valueId: number;
  readonly typeId: number;
  readonly typeName: string;
}

/**
 * Parses raw BTF (starting with struct btf_header). Never throws: malformed input gives a
 * BtfError naming the part, byte offset and likely cause.
 */
export function parseBtf(bytes: Uint8Array, options: ParseOptions = {}): BtfSpec | BtfError {
  const hdr = parseHeader(bytes);
  if (hdr instanceof BtfError) return hdr;
  const base = options.base;
  const startId = base ? base.lastId + 1 : 1;
  const startStrOff = base ? base.strings.end : 0;
  const strErr = StringTable.check(bytes, hdr.strStart, hdr.strLen, base !== undefined);
  if (strErr) return strErr;
  const strings = new StringTable(bytes, hdr.strStart, hdr.strLen, startStrOff, base?.strings);
  const words = typeWords(bytes, hdr.typeStart, hdr.typeLen, hdr.littleEndian);
  const scan = new TypeScan(words.length, startId, strings.end);
  if (!scan.run(words, words.length, true, 0)) return scan.error(words, hdr.typeStart);
  const offsets = checkTypes(words, hdr.typeStart, scan);
  if (offsets instanceof BtfError) return offsets;
  return new BtfSpec(bytes, words, hdr.littleEndian, strings, offsets, startId, base, options.name ?? (base ? 'module' : 'vmlinux'), scan.pairs, scan.pairNames);
}

/**
 * Parses the running kernel's raw BTF from a PagedFile without reading it whole: the type section
 * streams once through a reused buffer to index it; pages are read when a query first needs them.
 * References and loops are not walked, as the kernel does not walk them in its own BTF (see FileParseOptions).
 * Only for BTF in the host's byte order; undefined for anything else (read the file whole).
 */
export function parsePagedBtf(paged: PagedFile, options: ParseOptions): BtfSpec | BtfError | undefined {
  const bytes = paged.bytes;
  paged.ensure(0, Math.min(256, paged.size));
  if (paged.size < 4 || bytes.readUInt16LE(0) !== (HOST_LE ? 0xeb9f : 0x9feb)) return undefined;
  const hdr = parseHeader(bytes);
  if (hdr instanceof BtfError) return hdr;
  const base = options.base;
  const startId = base ? base.lastId + 1 : 1;
  const startStrOff = base ? base.strings.end : 0;
  const strErr = StringTable.check(bytes, hdr.strStart, hdr.strLen, base !== undefined, paged);
  if (strErr) return strErr;
  const strings = new StringTable(bytes, hdr.strStart, hdr.strLen, startStrOff, base?.strings, paged);
  const words = new Uint32Array(bytes.buffer, bytes.byteOffset + hdr.typeStart, hdr.typeLen / 4);
  const scan = new TypeScan(words.length, startId, strings.end, true);
  let bad: BtfError | undefined;
  let bigRecord = 0;
  paged.stream(hdr.typeStart, hdr.typeLen, (buf, len, at, final) => {
    const chunk = new Uint32Array(buf.buffer, buf.byteOffset, len / 4);
    const wordBase = (at - hdr.typeStart) / 4;
    if (!scan.run(chunk, chunk.length, final, wordBase)) {
      bad = scan.error(chunk, at, wordBase);
      return -1;
    }
    const consumed = 4 * (scan.stoppedAt - wordBase);
    // A record longer than the buffer (vlen up to 65535): ask for one that holds it.
    if (consumed === 0) bigRecord = 4 * recordWords(chunk, 0, chunk.length);
    return consumed;
  }, () => bigRecord);
  if (bad) return bad;
  const offsets = checkTypes(words, hdr.typeStart, scan, paged);
  if (offsets instanceof BtfError) return offsets;
  const names = (scan.names as Uint32Array).subarray(0, offsets.length);
  return new BtfSpec(bytes, words, true, strings, offsets, startId, base, options.name ?? (base ? 'module' : 'vmlinux'), scan.pairs, scan.pairNames, { file: paged, names });
}

/**
 * The type section as host-order u32 words: a view of the caller's buffer when its order and
 * alignment allow, else a private copy read through the file's byte order (the caller's
 * buffer is never swapped in place).
 */
function typeWords(bytes: Uint8Array, start: number, length: number, littleEndian: boolean): Uint32Array {
  const abs = bytes.byteOffset + start;
  if (littleEndian === HOST_LE && abs % 4 === 0) return new Uint32Array(bytes.buffer, abs, length / 4);
  const view = new DataView(bytes.buffer, abs, length);
  const out = new Uint32Array(length / 4);
  for (let i = 0; i < out.length; i++) out[i] = view.getUint32(4 * i, littleEndian);
  return out;
}

export class BtfSpec {
  readonly startId: number;
  readonly startStrOff: number;
  readonly byteLength: number;
  /** Highest valid type id (ids startId..lastId are own; 1..startId-1 belong to the base). */
  readonly lastId: number;
  private readonly cache = new Map<number, BtfType>();
  private nameHeads?: Int32Array;
  private nameNext?: Int32Array;
  private valueTypes?: StructOpsValueType[];
  private ptrSize?: number;
  /** Byte offset of the type section in `bytes` when paged (`words` is then a view of them). */
  private readonly typeStart: number;
  private readonly paged?: PagedFile;
  /** Each own type's name offset when paged (TypeScan.names). */
  private readonly names?: Uint32Array;

  /** Use parseBtf / parseElfBtf; the constructor trusts checked input. */
  constructor(
    /** The caller's bytes; read, never modified. */
    readonly bytes: Uint8Array,
    /** The type section as host-order words (see typeWords). */
    private readonly words: Uint32Array,
    readonly littleEndian: boolean,
    /** @internal the string table, shared with split BTF built on this one. */
    readonly strings: StringTable,
    /** Word index in `words` of each own type's struct btf_type. */
    private readonly offsets: Uint32Array,
    startId: number,
    readonly base: BtfSpec | undefined,
    readonly name: string,
    /** Indexes of own structs with exactly two members, and their name offsets (see scanTypes). */
    private readonly pairs: readonly number[] = [],
    private readonly pairNames: readonly number[] = [],
    /** Set when `bytes` are a PagedFile's: each read of `words` makes its pages present first. */
    paging?: { file: PagedFile; names: Uint32Array },
  ) {
    this.startId = startId;
    this.startStrOff = strings.startOff;
    this.byteLength = bytes.byteLength;
    this.lastId = startId + offsets.length - 1;
    this.typeStart = words.byteOffset - bytes.byteOffset;
    this.paged = paging?.file;
    this.names = paging?.names;
  }

  /** True for split BTF (a module's), which needs its base. */
  isModule(): boolean {
    return this.base !== undefined;
  }

  /** Number of types this object defines itself (not counting the base or void). */
  get ownTypeCount(): number {
    return this.offsets.length;
  }

  /** BTF_INFO_KIND of a type without decoding it; 0 for void, undefined for a bad id. */
  kindOf(id: number): BtfKind | undefined {
    if (id === 0) return BtfKind.Unknown;
    if (id < this.startId) return this.base?.kindOf(id);
    const w = this.wordOf(id);
    return w === undefined ? undefined : (this.word(w + 1) >>> 24) & 0x1f;
  }

  /** BTF_INFO_VLEN of a type (member/param/value count); 0 for void and bad ids. */
  vlenOf(id: number): number {
    if (id < this.startId) return this.base?.vlenOf(id) ?? 0;
    const w = this.wordOf(id);
    return w === undefined ? 0 : this.word(w + 1) & 0xffff;
  }

  /** The type with this id; id 0 is void. Undefined for ids out of range (libbpf btf__type_by_id). */
  typeById(id: number): BtfType | undefined {
    if (id === 0) return VOID;
    if (id < this.startId) return this.base?.typeById(id);
    const idx = id - this.startId;
    if (!Number.isInteger(id) || idx >= this.offsets.length) return undefined;
    let t = this.cache.get(id);
    if (t === undefined) {
      t = this.decode(id, this.offsets[idx]);
      this.cache.set(id, t);
    }
    return t;
  }

  /** The name of a type ('' for void, anonymous types and bad ids). */
  nameOf(id: number): string {
    if (id === 0) return '';
    if (id < this.startId) return this.base?.nameOf(id) ?? '';
    const w = this.wordOf(id);
    return w === undefined ? '' : this.strings.get(this.word(w)) ?? '';
  }

  /** The string at a name offset of this object or its base; undefined outside the string sections. */
  stringAt(off: number): string | undefined {
    return this.strings.get(off);
  }

  /**
   * First type with this name and kind, searching the base first unless ownOnly
   * (libbpf btf__find_by_name_kind). "void" and BtfKind.Unknown give 0. Undefined if none.
   */
  findByNameKind(name: string, kind: BtfKind, opts: { ownOnly?: boolean } = {}): number | undefined {
    return this.findAllByNameKind(name, kind, opts)[0];
  }

  /** Every type with this name and kind (base first); more than one means the name is ambiguous. */
  findAllByNameKind(name: string, kind: BtfKind, opts: { ownOnly?: boolean } = {}): number[] {
    if (kind === BtfKind.Unknown || name === 'void') return [0];
    const found = !opts.ownOnly && this.base ? this.base.findAllByNameKind(name, kind) : [];
    if (name === '') return found;
    const needle = utf8.encode(name);
    this.buildNameIndex();
    const heads = this.nameHeads as Int32Array;
    const next = this.nameNext as Int32Array;
    const own: number[] = [];
    for (let i = heads[hashBytes(needle) & (heads.length - 1)] - 1; i >= 0; i = next[i] - 1) {
      const w = this.offsets[i];
      if (((this.word(w + 1) >>> 24) & 0x1f) === kind && this.strings.equals(this.word(w), needle)) own.push(this.startId + i);
    }
    // Chains are built back to front; report ids in ascending order like a linear scan would.
    for (let j = own.length - 1; j >= 0; j--) found.push(own[j]);
    return found;
  }

  /** Follows typedef/const/volatile/restrict/type_tag (btf_type_skip_modifiers with typedefs). */
  skipModsAndTypedefs(id: number): number {
    return this.skip(id, true);
  }

  /**
   * Follows const/volatile/restrict/type_tag, not typedefs (kernel btf_type_skip_modifiers).
   * Stops after MAX_RESOLVE_DEPTH steps; the id returned is then still a modifier.
   */
  skipModifiers(id: number): number {
    return this.skip(id, false);
  }

  /** Size in bytes of a type (libbpf btf__resolve_size); BtfError for void, functions, bad ids, loops. */
  resolveSize(id: number): number | BtfError {
    let nelems = 1;
    let cur = id;
    for (let depth = 0; depth < MAX_RESOLVE_DEPTH; depth++) {
      const t = this.typeById(cur);
      if (!t) return new BtfError('bad-type-id', `type [${id}]: bad type ID ${cur} while resolving size`, { typeId: id });
      switch (t.kind) {
        case BtfKind.Int: case BtfKind.Struct: case BtfKind.Union: case BtfKind.Enum: case BtfKind.Enum64:
        case BtfKind.Datasec: case BtfKind.Float: {
          const size = nelems * t.size;
          if (size > 0xffffffff) return new BtfError('bad-size', `type [${id}]: size ${size} overflows u32`, { typeId: id });
          return size;
        }
        case BtfKind.Ptr:
          return nelems * this.pointerSize();
        case BtfKind.Array:
          nelems *= t.nelems;
          if (nelems > 0xffffffff) return new BtfError('bad-size', `type [${id}]: array size overflows u32`, { typeId: id });
          cur = t.elemType;
          break;
        case BtfKind.Typedef: case BtfKind.Volatile: case BtfKind.Const: case BtfKind.Restrict:
        case BtfKind.TypeTag: case BtfKind.Var: case BtfKind.DeclTag:
          cur = t.type;
          break;
        default:
          return new BtfError('bad-size', `type [${id}]: ${kindName(t.kind)} [${cur}] has no size`, { typeId: id });
      }
    }
    return new BtfError('loop', `type [${id}]: type chain longer than ${MAX_RESOLVE_DEPTH}; loop?`, { typeId: id });
  }

  /** Alignment in bytes (libbpf btf__align_of); 1 for packed structs; BtfError when unknown. */
  alignOf(id: number): number | BtfError {
    return this.align(id, 0);
  }

  /** Pointer size guessed from `long` like libbpf determine_ptr_size; 8 when no such int exists. */
  pointerSize(): number {
    if (this.ptrSize !== undefined) return this.ptrSize;
    let size = 8;
    for (const name of ['long', 'long int', 'unsigned long', 'long unsigned int', 'unsigned long int']) {
      const id = this.findByNameKind(name, BtfKind.Int);
      const t = id === undefined ? undefined : this.typeById(id);
      if (t?.kind === BtfKind.Int && (t.size === 4 || t.size === 8)) {
        size = t.size;
        break;
      }
    }
    return (this.ptrSize = size);
  }

  /**
   * Own types named bpf_struct_ops_<T> shaped {common: struct bpf_struct_ops_common_value;
   * data: struct T} — the check of kernel is_valid_value_type (6.9), which compares the member
   * types (not their names). Ordered by value type id.
   */
  structOpsValueTypes(): StructOpsValueType[] {
    if (this.valueTypes) return this.valueTypes.slice();
    const out: StructOpsValueType[] = [];
    for (let k = 0; k < this.pairs.length; k++) {
      const i = this.pairs[k];
      if (!this.strings.hasPrefix(this.pairNames[k], VALUE_PREFIX)) continue;
      const vt = this.typeById(this.startId + i);
      if (vt?.kind !== BtfKind.Struct || vt.name === COMMON_VALUE) continue;
      const common = this.typeById(vt.members[0].type);
      const data = this.typeById(vt.members[1].type);
      const typeName = vt.name.slice(VALUE_PREFIX.length);
      if (common?.kind === BtfKind.Struct && common.name === COMMON_VALUE && data?.kind === BtfKind.Struct && data.name === typeName) {
        out.push({ valueId: vt.id, typeId: data.id, typeName });
      }
    }
    this.valueTypes = out;
    return out.slice();
  }

  /** words[w], read from the file first when paged. */
  private word(w: number): number {
    this.paged?.ensure(this.typeStart + 4 * w, 4);
    return this.words[w];
  }

  private wordOf(id: number): number | undefined {
    const idx = id - this.startId;
    return Number.isInteger(id) && idx >= 0 && idx < this.offsets.length ? this.offsets[idx] : undefined;
  }

  private skip(id: number, typedefs: boolean): number {
    let cur = id;
    for (let depth = 0; depth < MAX_RESOLVE_DEPTH; depth++) {
      const k = this.kindOf(cur);
      if (k === BtfKind.Const || k === BtfKind.Volatile || k === BtfKind.Restrict || k === BtfKind.TypeTag || (typedefs && k === BtfKind.Typedef)) {
        cur = (this.typeById(cur) as { type: number }).type;
      } else return cur;
    }
    return cur;
  }

  private align(id: number, depth: number): number | BtfError {
    if (depth >= MAX_RESOLVE_DEPTH) return new BtfError('loop', `type [${id}]: type chain longer than ${MAX_RESOLVE_DEPTH}; loop?`, { typeId: id });
    const t = this.typeById(id);
    if (!t) return new BtfError('bad-type-id', `bad type ID ${id} while resolving alignment`, { typeId: id });
    switch (t.kind) {
      case BtfKind.Int: case BtfKind.Enum: case BtfKind.Enum64: case BtfKind.Float:
        return Math.max(1, Math.min(this.pointerSize(), t.size));
      case BtfKind.Ptr:
        return this.pointerSize();
      case BtfKind.Typedef: case BtfKind.Volatile: case BtfKind.Const: case BtfKind.Restrict: case BtfKind.TypeTag:
        return this.align(t.type, depth + 1);
      case BtfKind.Array:
        return this.align(t.elemType, depth + 1);
      case BtfKind.Struct: case BtfKind.Union: {
        let maxAlign = 1;
        for (const m of t.members) {
          const a = this.align(m.type, depth + 1);
          if (a instanceof BtfError) return a;
          maxAlign = Math.max(maxAlign, a);
          // A member placed off its natural alignment means the struct is packed.
          if (m.bitfieldSize === 0 && m.bitOffset % (8 * a) !== 0) return 1;
        }
        return t.size % maxAlign !== 0 ? 1 : maxAlign;
      }
      default:
        return new BtfError('bad-size', `type [${id}]: ${kindName(t.kind)} has no alignment`, { typeId: id });
    }
  }

  /**
   * Builds the name index now rather than on the first name lookup (~50 ms for a vmlinux):
   * for a caller with idle time before its first lookup.
   */
  indexNames(): void {
    this.buildNameIndex();
  }

  /** Hash chains over own type names, in typed arrays: built on the first name lookup. */
  private buildNameIndex(): void {
    if (this.nameHeads) return;
    const n = this.offsets.length;
    let size = 16;
    while (size < n) size <<= 1;
    const heads = new Int32Array(size);
    const next = new Int32Array(n);
    const mask = size - 1;
    // Every name: one read of the string sections rather than a page at a time.
    this.strings.ensureAll();
    const names = this.names;
    for (let i = 0; i < n; i++) {
      const nameOff = names ? names[i] : this.words[this.offsets[i]];
      if (nameOff === 0) continue;
      const b = this.strings.hashAt(nameOff) & mask;
      next[i] = heads[b];
      heads[b] = i + 1;
    }
    this.nameHeads = heads;
    this.nameNext = next;
  }

  /** Decodes one checked type record (struct btf_type + trailer). */
  private decode(id: number, w: number): BtfType {
    const words = this.words;
    if (this.paged) {
      this.paged.ensure(this.typeStart + 4 * w, 12);
      this.paged.ensure(this.typeStart + 4 * w, 4 * recordWords(words, w, words.length));
    }
    const str = (o: number) => this.strings.get(o) ?? '';
    const name = str(words[w]);
    const info = words[w + 1];
    const kind = ((info >>> 24) & 0x1f) as BtfKind;
    const vlen = info & 0xffff;
    const kflag = info >>> 31 === 1;
    const sizeType = words[w + 2];
    const p = w + 3;
    switch (kind) {
      case BtfKind.Int: {
        const x = words[p];
        const enc = (x >>> 24) & 0x0f;
        return { id, kind, name, size: sizeType, signed: (enc & BTF_INT_SIGNED) !== 0, char: (enc & BTF_INT_CHAR) !== 0, bool: (enc & BTF_INT_BOOL) !== 0, bits: x & 0xff, bitOffset: (x >>> 16) & 0xff };
      }
      case BtfKind.Ptr: case BtfKind.Typedef: case BtfKind.Volatile: case BtfKind.Const: case BtfKind.Restrict: case BtfKind.TypeTag:
        return { id, kind, name, type: sizeType };
      case BtfKind.Array:
        return { id, kind, name, elemType: words[p], indexType: words[p + 1], nelems: words[p + 2] };
      case BtfKind.Struct: case BtfKind.Union: {
        const members: BtfMember[] = new Array(vlen);
        for (let i = 0; i < vlen; i++) {
          const q = p + 3 * i;
          const o = words[q + 2];
          // kflag: offset = bitfield_size << 24 | bit_offset (BTF_MEMBER_BITFIELD_SIZE/BIT_OFFSET).
          members[i] = { name: str(words[q]), type: words[q + 1], bitOffset: kflag ? o & 0xffffff : o, bitfieldSize: kflag ? o >>> 24 : 0 };
        }
        return { id, kind, name, size: sizeType, members };
      }
      case BtfKind.Enum: {
        const values: BtfEnumValue[] = new Array(vlen);
        for (let i = 0; i < vlen; i++) {
          const q = p + 2 * i;
          values[i] = { name: str(words[q]), value: kflag ? BigInt(words[q + 1] | 0) : BigInt(words[q + 1]) };
        }
        return { id, kind, name, size: sizeType, signed: kflag, values };
      }
      case BtfKind.Enum64: {
        const values: BtfEnumValue[] = new Array(vlen);
        for (let i = 0; i < vlen; i++) {
          const q = p + 3 * i;
          const raw = (BigInt(words[q + 2]) << 32n) | BigInt(words[q + 1]);
          values[i] = { name: str(words[q]), value: kflag ? BigInt.asIntN(64, raw) : raw };
        }
        return { id, kind, name, size: sizeType, signed: kflag, values };
      }
      case BtfKind.Fwd:
        return { id, kind, name, isUnion: kflag };
      case BtfKind.Func:
        return { id, kind, name, type: sizeType, linkage: vlen };
      case BtfKind.FuncProto: {
        const params: BtfParam[] = [];
        let variadic = false;
        for (let i = 0; i < vlen; i++) {
          const q = p + 2 * i;
          if (i === vlen - 1 && words[q] === 0 && words[q + 1] === 0) variadic = true;
          else params.push({ name: str(words[q]), type: words[q + 1] });
        }
        return { id, kind, name, returnType: sizeType, params, variadic };
      }
      case BtfKind.Var:
        return { id, kind, name, type: sizeType, linkage: words[p] };
      case BtfKind.Datasec: {
        const vars: BtfVarSecinfo[] = new Array(vlen);
        for (let i = 0; i < vlen; i++) vars[i] = { type: words[p + 3 * i], offset: words[p + 3 * i + 1], size: words[p + 3 * i + 2] };
        return { id, kind, name, size: sizeType, vars };
      }
      case BtfKind.Float:
        return { id, kind, name, size: sizeType };
      case BtfKind.DeclTag:
        return { id, kind, name, type: sizeType, componentIdx: words[p] | 0 };
      default:
        // indexTypes rejected every other kind.
        throw new Error(`BtfSpec.decode: unchecked kind ${kind} for type [${id}]`);
    }
  }
}

/** Kinds whose size_type word is a type id (PTR, TYPEDEF, modifiers, FUNC, FUNC_PROTO's return, VAR, DECL_TAG). */
const REF_IN_SIZE_TYPE = new Uint8Array([0, 0, 1, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 0]);
/** Kinds whose per-vlen records start with a name offset (members, enumerators, params). */
const MEMBER_NAMED = new Uint8Array([0, 0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1]);
/** Word of each record holding a type id: member/param type, DATASEC var, ARRAY ids; NO_SLOT for enumerators. */
const NO_SLOT = 7;
const MEMBER_REF_SLOT = new Uint8Array([7, 7, 7, 0, 1, 1, 7, 7, 7, 7, 7, 7, 7, 1, 7, 0, 7, 7, 7, 7]);
/** Records after struct btf_type: stride in words, fixed count, and whether vlen adds to it. */
const RECORD_STRIDE = new Uint8Array([0, 0, 0, 1, 3, 3, 2, 0, 0, 0, 0, 0, 0, 2, 0, 3, 0, 0, 0, 3]);
const RECORD_FIXED = new Uint8Array([0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
const RECORD_VLEN_MASK = new Uint32Array([0, 0, 0, 0, 0xffff, 0xffff, 0xffff, 0, 0, 0, 0, 0, 0, 0xffff, 0, 0xffff, 0, 0, 0, 0xffff]);
/** Kinds that continue a pointer/modifier/typedef/array chain, where loops are possible. */
const CHAIN_KIND = new Uint8Array([0, 0, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 1, 0]);
/** Word (from struct btf_type) of the next type in a chain: size_type, or ARRAY's element type. */
const CHAIN_NEXT_WORD = new Uint8Array([2, 2, 2, 3, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2]);
/** BTF_INFO_ENC(BTF_KIND_STRUCT, 0, 2) under the kind|vlen mask 0x1f00ffff. */
const STRUCT_VLEN2 = (4 << 24) | 2;
const KIND_MAX = 19;

/**
 * The one pass over the type section, run over the whole section or over consecutive parts of it
 * as they stream in: record where each type starts; reject unknown kinds, reserved info bits and
 * records that overrun the section (libbpf btf_parse_type_sec); track the highest referenced id
 * and name offset (libbpf btf_sanity_check), which chain types point forward (the only places a
 * loop can start) and which structs have two members (the only struct_ops value type candidates).
 */
class TypeScan {
  /** Word index of each type's struct btf_type; sized for the most types the section can hold. */
  readonly offsets: Uint32Array;
  /** Each type's name offset, kept for the kernel's own (paged) BTF so a name lookup need not read the type section. */
  readonly names?: Uint32Array;
  readonly forward: number[] = [];
  readonly pairs: number[] = [];
  readonly pairNames: number[] = [];
  count = 0;
  /** Where the last run stopped: the section end, a record cut by a part's end, or the bad record. */
  stoppedAt = 0;
  maxRef = 0;
  maxName = 0;

  /**
   * @param kernelTrusted the running kernel's own BTF, which the kernel uses without a resolve
   *   pass (btf_parse_vmlinux and btf_parse_module check the header, strings and each type's
   *   meta data, but walk no references or loops): only record boundaries are walked, not every member.
   */
  constructor(sectionWords: number, readonly startId: number, readonly strEnd: number, readonly kernelTrusted = false) {
    this.offsets = new Uint32Array(Math.floor(sectionWords / 3));
    if (kernelTrusted) this.names = new Uint32Array(this.offsets.length);
  }

  /**
   * Scans `words` (a part starting at section word `wordBase`) up to `end`. A record cut by the
   * end of a part that is not `final` is left for the next part. False on a bad record.
   */
  run(words: Uint32Array, end: number, final: boolean, wordBase: number): boolean {
    const state = new Float64Array([this.count, this.maxRef, this.maxName, 0]);
    const ok = this.kernelTrusted
      ? walkTypes(words, end, final, wordBase, this.strEnd, this.offsets, this.names as Uint32Array, this.pairs, this.pairNames, state)
      : scanTypes(words, end, final, wordBase, this.startId, this.strEnd, this.offsets, this.forward, this.pairs, this.pairNames, state);
    this.count = state[0];
    this.maxRef = state[1];
    this.maxName = state[2];
    this.stoppedAt = wordBase + state[3];
    return ok;
  }

  /** The error for the record a failed run stopped at; `start` is the byte offset of words[0]. */
  error(words: Uint32Array, start: number, wordBase = 0): BtfError {
    return badRecord(words, this.stoppedAt - wordBase, start, this.startId + this.count, this.strEnd);
  }
}

/**
 * The checks that need the whole index: ids and name offsets in range, then (except for BTF the
 * kernel trusts as is) loops. Returns the offsets of the types found.
 */
function checkTypes(words: Uint32Array, start: number, scan: TypeScan, paged?: PagedFile): Uint32Array | BtfError {
  const n = scan.count;
  const startId = scan.startId;
  const lastId = startId + n - 1;
  if (lastId > BTF_MAX_TYPE) {
    return new BtfError('bad-type-id', `${n} types starting at id ${startId} exceed BTF_MAX_TYPE (${BTF_MAX_TYPE})`, { offset: start });
  }
  // A view, not a copy: in a fresh process every new page of a copy costs a page fault.
  const offsets = scan.offsets.subarray(0, n);
  if (scan.maxRef > lastId || scan.maxName >= scan.strEnd) {
    paged?.ensure(start, 4 * words.length);
    const err = findFirstBadReference(words, start, offsets, startId, lastId, scan.strEnd);
    if (err) return err;
  }
  if (scan.kernelTrusted) return offsets;
  return checkChainLoops(words, start, offsets, startId, scan.forward) ?? checkContainmentLoops(words, start, offsets, startId) ?? offsets;
}

/** Words of the record at words[w] (struct btf_type and its trailer), at most what is left. */
function recordWords(words: Uint32Array, w: number, end: number): number {
  if (end - w < 3) return 3;
  const info = words[w + 1];
  const kind = (info >>> 24) & 0x1f;
  return kind > KIND_MAX ? 3 : 3 + TRAILER_WORDS_FIXED[kind] + TRAILER_WORDS_PER_VLEN[kind] * (info & 0xffff);
}

/**
 * The hot loop of TypeScan, kept small and free of message building so the JIT compiles it
 * early. state: [types so far, highest referenced id, highest name offset, out: stop word].
 * Returns false at a bad record (state[3] is its word).
 */
function scanTypes(
  words: Uint32Array, end: number, final: boolean, wordBase: number, startId: number, strEnd: number,
  offsets: Uint32Array, forward: number[], pairs: number[], pairNames: number[], state: Float64Array,
): boolean {
  let n = state[0];
  let maxRef = state[1];
  let maxName = state[2];
  let w = 0;
  let ok = true;
  while (w < end) {
    const short = end - w < 3;
    const info = short ? 0 : words[w + 1];
    const kind = (info >>> 24) & 0x1f;
    const p = w + 3;
    const next = p + TRAILER_WORDS_FIXED[kind] + TRAILER_WORDS_PER_VLEN[kind] * (info & 0xffff);
    if (!final && (short || (next > end && kind !== 0 && kind <= KIND_MAX))) break;
    if (short || kind === 0 || kind > KIND_MAX || (info & 0x60ff0000) !== 0 || words[w] >= strEnd || next > end) {
      ok = false;
      break;
    }
    // Table-driven rather than a switch over kinds: every access site gets type feedback within
    // the first few types, so on-stack replacement does not bail out on a rare kind (an ARRAY
    // is one record of stride 1 and two type ids; members are vlen records of stride 2 or 3).
    if (REF_IN_SIZE_TYPE[kind] === 1 && words[w + 2] > maxRef) maxRef = words[w + 2];
    const stride = RECORD_STRIDE[kind];
    if (stride !== 0) {
      const named = MEMBER_NAMED[kind] === 1;
      const refSlot = MEMBER_REF_SLOT[kind];
      const recEnd = p + stride * (RECORD_FIXED[kind] + (info & RECORD_VLEN_MASK[kind]));
      for (let q = p; q < recEnd; q += stride) {
        if (named && words[q] > maxName) maxName = words[q];
        if (refSlot !== NO_SLOT && words[q + refSlot] > maxRef) maxRef = words[q + refSlot];
      }
    }
    if (CHAIN_KIND[kind] === 1 && words[w + CHAIN_NEXT_WORD[kind]] >= startId + n) forward.push(n);
    if ((info & 0x1f00ffff) === STRUCT_VLEN2) {
      pairs.push(n);
      pairNames.push(words[w]);
    }
    offsets[n++] = wordBase + w;
    w = next;
  }
  state[0] = n;
  state[1] = maxRef;
  state[2] = maxName;
  state[3] = w;
  return ok;
}

/**
 * scanTypes for the kernel's own BTF: record boundaries, names and the two-member structs only.
 * Its framing checks repeat scanTypes' on purpose: each hot loop stays small and monomorphic.
 */
function walkTypes(
  words: Uint32Array, end: number, final: boolean, wordBase: number, strEnd: number,
  offsets: Uint32Array, names: Uint32Array, pairs: number[], pairNames: number[], state: Float64Array,
): boolean {
  let n = state[0];
  let w = 0;
  let ok = true;
  while (w < end) {
    const short = end - w < 3;
    const info = short ? 0 : words[w + 1];
    const kind = (info >>> 24) & 0x1f;
    const next = w + 3 + TRAILER_WORDS_FIXED[kind] + TRAILER_WORDS_PER_VLEN[kind] * (info & 0xffff);
    if (!final && (short || (next > end && kind !== 0 && kind <= KIND_MAX))) break;
    if (short || kind === 0 || kind > KIND_MAX || (info & 0x60ff0000) !== 0 || words[w] >= strEnd || next > end) {
      ok = false;
      break;
    }
    if ((info & 0x1f00ffff) === STRUCT_VLEN2) {
      pairs.push(n);
      pairNames.push(words[w]);
    }
    names[n] = words[w];
    offsets[n++] = wordBase + w;
    w = next;
  }
  state[0] = n;
  state[3] = w;
  return ok;
}

function badRecord(words: Uint32Array, w: number, start: number, id: number, strEnd: number): BtfError {
  const at = start + 4 * w;
  if (words.length - w < 3) {
    return new BtfError('truncated', `type [${id}]: struct btf_type needs ${BTF_TYPE_SIZE} bytes${atOffset(at)}, only ${4 * (words.length - w)} left in the type section`, { offset: at, typeId: id });
  }
  const info = words[w + 1];
  const kind = (info >>> 24) & 0x1f;
  if (kind === 0 || kind > BtfKind.Enum64) {
    return new BtfError('bad-kind', `type [${id}]: unknown kind ${kind}${atOffset(at + 4)}; BTF from a newer kernel, or corrupted?`, { offset: at + 4, typeId: id });
  }
  if ((info & 0x60ff0000) !== 0) {
    return new BtfError('bad-kind', `type [${id}]: reserved bits set in info 0x${info.toString(16)}${atOffset(at + 4)}`, { offset: at + 4, typeId: id });
  }
  if (words[w] >= strEnd) {
    return new BtfError('bad-name', `type [${id}]: invalid name offset ${words[w]}${atOffset(at)} (string section ends at ${strEnd})`, { offset: at, typeId: id });
  }
  const vlen = info & 0xffff;
  const need = 4 * (TRAILER_WORDS_FIXED[kind] + TRAILER_WORDS_PER_VLEN[kind] * vlen);
  return new BtfError('bad-vlen', `type [${id}]: ${kindName(kind)} with vlen ${vlen} needs ${need} bytes of members${atOffset(at + BTF_TYPE_SIZE)}, only ${4 * (words.length - w - 3)} left in the type section`, { offset: at, typeId: id });
}

/** Names the first bad type id or name offset (libbpf btf_validate_id / btf_validate_str). */
function findFirstBadReference(words: Uint32Array, start: number, offsets: Uint32Array, startId: number, lastId: number, strEnd: number): BtfError | undefined {
  const hint = startId === 1 ? '; split BTF parsed without its base?' : '';
  const badId = (id: number, part: string, t: number, w: number) =>
    new BtfError('bad-type-id', `type [${id}]: ${part}bad type ID ${t}${atOffset(start + 4 * w)} (last valid id is ${lastId})${hint}`, { offset: start + 4 * w, typeId: id });
  const badName = (id: number, part: string, n: number, w: number) =>
    new BtfError('bad-name', `type [${id}]: ${part}invalid name offset ${n}${atOffset(start + 4 * w)} (string section ends at ${strEnd})${hint}`, { offset: start + 4 * w, typeId: id });
  for (let i = 0; i < offsets.length; i++) {
    const id = startId + i;
    const w = offsets[i];
    const info = words[w + 1];
    const kind = (info >>> 24) & 0x1f;
    const vlen = info & 0xffff;
    const p = w + 3;
    switch (kind) {
      case BtfKind.Ptr: case BtfKind.Typedef: case BtfKind.Volatile: case BtfKind.Const: case BtfKind.Restrict:
      case BtfKind.TypeTag: case BtfKind.Func: case BtfKind.Var: case BtfKind.DeclTag:
        if (words[w + 2] > lastId) return badId(id, '', words[w + 2], w + 2);
        break;
      case BtfKind.Array:
        if (words[p] > lastId) return badId(id, 'element: ', words[p], p);
        if (words[p + 1] > lastId) return badId(id, 'index: ', words[p + 1], p + 1);
        break;
      case BtfKind.Struct: case BtfKind.Union: case BtfKind.Enum: case BtfKind.Enum64: case BtfKind.FuncProto: {
        if (kind === BtfKind.FuncProto && words[w + 2] > lastId) return badId(id, 'return: ', words[w + 2], w + 2);
        const step = kind === BtfKind.Enum || kind === BtfKind.FuncProto ? 2 : 3;
        const hasType = kind === BtfKind.Struct || kind === BtfKind.Union || kind === BtfKind.FuncProto;
        const part = kind === BtfKind.FuncProto ? 'param' : hasType ? 'member' : 'value';
        for (let j = 0; j < vlen; j++) {
          const q = p + step * j;
          if (words[q] >= strEnd) return badName(id, `${part} ${j}: `, words[q], q);
          if (hasType && words[q + 1] > lastId) return badId(id, `${part} ${j}: `, words[q + 1], q + 1);
        }
        break;
      }
      case BtfKind.Datasec:
        for (let j = 0; j < vlen; j++) {
          const q = p + 3 * j;
          if (words[q] > lastId) return badId(id, `var ${j}: `, words[q], q);
        }
        break;
      default:
        break;
    }
  }
  return undefined;
}

/**
 * Rejects pointer/modifier/typedef/array-element chains that come back to themselves (kernel
 * "Loop detected"). A cycle needs an edge to an equal or higher id, so walks start only there.
 */
function checkChainLoops(words: Uint32Array, start: number, offsets: Uint32Array, startId: number, forward: readonly number[]): BtfError | undefined {
  if (forward.length === 0) return undefined;
  const state = new Uint8Array(offsets.length); // 0 new, 1 on the current path, 2 ends properly
  const path: number[] = [];
  for (const i of forward) {
    let cur = i;
    while (state[cur] === 0) {
      const w = offsets[cur];
      const kind = (words[w + 1] >>> 24) & 0x1f;
      let next: number;
      if (kind === BtfKind.Array) next = words[w + 3];
      else if (kind === BtfKind.Ptr || kind === BtfKind.Typedef || kind === BtfKind.Volatile || kind === BtfKind.Const || kind === BtfKind.Restrict || kind === BtfKind.TypeTag) next = words[w + 2];
      else break;
      state[cur] = 1;
      path.push(cur);
      const ni = next - startId;
      if (ni < 0) break;
      if (state[ni] === 1) {
        const id = startId + cur;
        return new BtfError('loop', `type [${id}]: loop detected: ${kindName(kind)} chain returns to type [${next}]${atOffset(start + 4 * w)}`, { offset: start + 4 * w, typeId: id });
      }
      cur = ni;
    }
    for (const j of path) state[j] = 2;
    path.length = 0;
  }
  return undefined;
}

/**
 * Rejects structs, unions and arrays that contain themselves by value, through members, array
 * element and index types, modifiers and typedefs (kernel btf_resolve in RESOLVE_STRUCT_OR_ARRAY
 * mode, where a pointer ends the walk: "Loop detected"). Other cycles are checkChainLoops' job,
 * so one depth-first walk from each struct, union and array visits every member once.
 */
function checkContainmentLoops(words: Uint32Array, start: number, offsets: Uint32Array, startId: number): BtfError | undefined {
  const n = offsets.length;
  const state = new Uint8Array(n); // 0 new, 1 on the current path, 2 done
  const nodes = new Int32Array(n);
  const nextEdge = new Int32Array(n);
  for (let s = 0; s < n; s++) {
    const sKind = (words[offsets[s] + 1] >>> 24) & 0x1f;
    if (state[s] !== 0 || (sKind !== BtfKind.Struct && sKind !== BtfKind.Union && sKind !== BtfKind.Array)) continue;
    state[s] = 1;
    nodes[0] = s;
    nextEdge[0] = 0;
    let sp = 1;
    while (sp > 0) {
      const cur = nodes[sp - 1];
      const e = nextEdge[sp - 1]++;
      const w = offsets[cur];
      const info = words[w + 1];
      const kind = (info >>> 24) & 0x1f;
      // Edge e of cur: a member's type, an array's element and index type, a modifier's target;
      // pointers have none.
      let next = -1;
      if (kind === BtfKind.Struct || kind === BtfKind.Union) {
        if (e < (info & 0xffff)) next = words[w + 4 + 3 * e];
      } else if (kind === BtfKind.Array) {
        if (e < 2) next = words[w + 3 + e];
      } else if (e === 0) {
        if (kind === BtfKind.Typedef || kind === BtfKind.Volatile || kind === BtfKind.Const || kind === BtfKind.Restrict || kind === BtfKind.TypeTag) next = words[w + 2];
      }
      if (next < 0) {
        state[cur] = 2;
        sp--;
        continue;
      }
      const ni = next - startId;
      if (ni < 0 || ni >= n || state[ni] === 2) continue;
      if (state[ni] === 1) {
        const id = startId + cur;
        return new BtfError('loop', `type [${id}]: loop detected: ${kindName(kind)} leads back to type [${next}] without a pointer${atOffset(start + 4 * w)}`, { offset: start + 4 * w, typeId: id });
      }
      state[ni] = 1;
      nodes[sp] = ni;
      nextEdge[sp] = 0;
      sp++;
    }
  }
  return undefined;
}

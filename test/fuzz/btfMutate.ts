// Seeded, structure-aware mutations of raw BTF for the fuzz and differential tests: truncations,
// bit flips, spliced sections and hostile header/vlen/size/offset/type-id values aimed at the
// words the reader trusts. Same seed, same mutations: failures reproduce from the printed seed.

import { TRAILER_WORDS_FIXED, TRAILER_WORDS_PER_VLEN } from '../../server/src/engine/btf/kinds';
import { BtfError } from '../../server/src/engine/btf/errors';
import { parseHeader, type BtfHeader } from '../../server/src/engine/btf/header';

/** mulberry32: a small, fast, seedable PRNG (deterministic across machines). */
export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
}

/** Where the parts of a (valid) seed are: header fields, sections, each type record's words. */
export interface SeedLayout extends BtfHeader {
  /** Id of the first own type: 1, or the base's last id + 1 for split BTF. */
  readonly firstId: number;
  /** Byte offset of each struct btf_type. */
  readonly records: readonly number[];
  /** Byte offsets of words that hold a type id (size_type of ref kinds, member/param types, array ids). */
  readonly typeIdWords: readonly number[];
  /** Byte offsets of name offsets (type names and member/enumerator/param names). */
  readonly nameWords: readonly number[];
}

const REF_KINDS = new Set([2, 8, 9, 10, 11, 12, 13, 14, 17, 18]);

/** Walks a well-formed raw BTF seed (the reader accepted it) to record its layout. */
export function layoutOf(bytes: Uint8Array, firstId = 1): SeedLayout {
  const header = parseHeader(bytes);
  if (header instanceof BtfError) throw header;
  const { littleEndian: le, typeStart, typeLen } = header;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u32 = (at: number) => view.getUint32(at, le);
  const records: number[] = [];
  const typeIdWords: number[] = [];
  const nameWords: number[] = [];
  for (let at = typeStart; at < typeStart + typeLen; ) {
    records.push(at);
    nameWords.push(at);
    const info = u32(at + 4);
    const kind = (info >>> 24) & 0x1f;
    const vlen = info & 0xffff;
    if (REF_KINDS.has(kind) || kind === 13) typeIdWords.push(at + 8);
    const p = at + 12;
    if (kind === 3) typeIdWords.push(p, p + 4);
    const stride = TRAILER_WORDS_PER_VLEN[kind];
    for (let i = 0; i < vlen && stride > 0; i++) {
      const q = p + 4 * stride * i;
      if (kind !== 15) nameWords.push(q);
      if (kind === 4 || kind === 5 || kind === 13) typeIdWords.push(q + 4);
      if (kind === 15) typeIdWords.push(q);
    }
    at = p + 4 * (TRAILER_WORDS_FIXED[kind] + stride * vlen);
  }
  return { ...header, firstId, records, typeIdWords, nameWords };
}

export const MUTATION_OPS = ['truncate', 'flip', 'header', 'info', 'typeId', 'nameOff', 'sizeWord', 'spliceRecord', 'spliceSection', 'randomWord'] as const;
export type MutationOp = (typeof MUTATION_OPS)[number];

/** Id of the type record that contains byte `at` (records are sorted). */
function idAt(layout: SeedLayout, at: number): number {
  let lo = 0;
  let hi = layout.records.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (layout.records[mid] <= at) lo = mid;
    else hi = mid - 1;
  }
  return layout.firstId + lo;
}

/** Values that sit on the bounds a reader checks: 0, off-by-one around sizes, sign and width edges. */
function hostile(rng: Rng, near: number): number {
  return rng.pick([0, 1, 2, 3, 4, near - 1, near, near + 1, 0x7fffffff, 0x80000000, 0xffffffff, 0xfffffffc, 0x00ffffff, 0x000fffff, 0x00100000, 0xffff, 0x10000, rng.int(0x100000000)]) >>> 0;
}

/**
 * One mutated copy of `src` (never modified) and the mutation applied. Positions are drawn from
 * the seed's layout so most mutations hit words the reader must check, not string bytes.
 */
export function mutate(src: Uint8Array, layout: SeedLayout, rng: Rng): { bytes: Uint8Array; op: MutationOp } {
  const op = rng.pick(MUTATION_OPS);
  if (op === 'truncate') {
    // Cuts cluster at section and record boundaries, where off-by-one bugs live.
    const edges = [layout.hdrLen, layout.typeStart + layout.typeLen, layout.strStart, layout.strStart + layout.strLen, rng.pick(layout.records.length ? layout.records : [0])];
    const at = rng.next() < 0.5 ? Math.max(0, rng.pick(edges) + rng.int(9) - 4) : rng.int(src.length);
    return { bytes: src.slice(0, Math.min(at, src.length)), op };
  }
  const out = src.slice();
  const view = new DataView(out.buffer);
  const le = layout.littleEndian;
  const set = (at: number, v: number) => {
    if (at >= 0 && at + 4 <= out.length) view.setUint32(at, v >>> 0, le);
  };
  const get = (at: number) => (at >= 0 && at + 4 <= out.length ? view.getUint32(at, le) : 0);
  const record = () => rng.pick(layout.records.length ? layout.records : [layout.typeStart]);
  const lastId = layout.firstId + layout.records.length - 1;
  switch (op) {
    case 'flip': {
      const n = 1 + rng.int(8);
      for (let i = 0; i < n; i++) {
        // Half the flips land in the header and type section, where structure lives.
        const pos = rng.next() < 0.5 ? rng.int(Math.min(out.length, layout.typeStart + layout.typeLen)) : rng.int(out.length);
        out[pos] ^= 1 << rng.int(8);
      }
      break;
    }
    case 'header': {
      const field = rng.pick([4, 8, 12, 16, 20]);
      const lens = [layout.hdrLen, layout.typeStart - layout.hdrLen, layout.typeLen, layout.strStart - layout.hdrLen, layout.strLen];
      set(field, hostile(rng, lens[field / 4 - 1] ?? 0));
      break;
    }
    case 'info': {
      const at = record() + 4;
      const info = get(at);
      const kind = (info >>> 24) & 0x1f;
      const choice = rng.int(4);
      if (choice === 0) set(at, (info & 0xffff0000) | (hostile(rng, info & 0xffff) & 0xffff)); // vlen
      else if (choice === 1) set(at, (info & 0xe0ffffff) | (rng.int(32) << 24)); // kind
      else if (choice === 2) set(at, info ^ (1 << (16 + rng.int(15)))); // reserved bits and kflag
      else set(at, (info & 0xffff) | ((kind ^ (1 + rng.int(3))) << 24)); // a neighbouring kind
      break;
    }
    case 'typeId': {
      const at = layout.typeIdWords.length ? rng.pick(layout.typeIdWords) : record() + 8;
      // Self-references and back-references make loops; ids past the end test bounds.
      set(at, rng.pick([lastId, lastId + 1, 0, rng.int(lastId + 1), idAt(layout, at), hostile(rng, lastId)]));
      break;
    }
    case 'nameOff': {
      const at = layout.nameWords.length ? rng.pick(layout.nameWords) : record();
      set(at, hostile(rng, layout.strLen));
      break;
    }
    case 'sizeWord': {
      // size (struct/int/datasec), array nelems, member offsets: anything but the first two words of a record.
      const r = record();
      const at = r + 8 + 4 * rng.int(4);
      set(at, hostile(rng, get(at)));
      break;
    }
    case 'spliceRecord': {
      // One type record's bytes over another's: valid-looking records in the wrong place.
      const from = record();
      const to = record();
      out.copyWithin(to, from, Math.min(from + 12 + 4 * rng.int(8), out.length));
      break;
    }
    case 'spliceSection': {
      // Strings into the type section and back, or a header-sized chunk anywhere.
      const len = 4 + rng.int(256);
      const pairs: [number, number][] = [
        [layout.strStart + rng.int(Math.max(1, layout.strLen)), layout.typeStart + rng.int(Math.max(1, layout.typeLen))],
        [layout.typeStart + rng.int(Math.max(1, layout.typeLen)), layout.strStart + rng.int(Math.max(1, layout.strLen))],
        [0, rng.int(out.length)],
        [rng.int(out.length), rng.int(out.length)],
      ];
      const [from, to] = rng.pick(pairs);
      out.copyWithin(to, from, Math.min(from + len, out.length));
      break;
    }
    case 'randomWord':
      set((rng.int(out.length) & ~3) >>> 0, rng.int(0x100000000));
      break;
    default:
      break;
  }
  return { bytes: out, op };
}

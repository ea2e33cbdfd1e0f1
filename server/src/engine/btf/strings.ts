// The string section of one BTF object, with the base's strings below startStrOff for split BTF
// (libbpf btf__str_by_offset, btf_parse_str_sec). Strings are decoded on demand from the
// caller's bytes; nothing is copied at load.

import { BtfError, atOffset } from './errors';

const utf8 = new TextDecoder('utf-8', { fatal: false });

export class StringTable {
  /** @param start absolute offset of the own string section in `bytes` */
  constructor(
    private readonly bytes: Uint8Array,
    readonly start: number,
    readonly length: number,
    /** The first offset that belongs to this table (base string section length for split BTF). */
    readonly startOff: number,
    private readonly base: StringTable | undefined,
  ) {}

  /** One past the highest valid offset, counting the base's strings. */
  get end(): number {
    return this.startOff + this.length;
  }

  /** Checks the section framing (libbpf btf_parse_str_sec); undefined when fine. */
  static check(bytes: Uint8Array, start: number, length: number, split: boolean): BtfError | undefined {
    if (split && length === 0) return undefined;
    if (length === 0) {
      return new BtfError('bad-strings', `string section is empty; it must hold at least the empty string`, { offset: start });
    }
    if (bytes[start + length - 1] !== 0) {
      return new BtfError('bad-strings', `string section does not end with a NUL byte${atOffset(start + length - 1)}; file truncated?`, { offset: start + length - 1 });
    }
    if (!split && bytes[start] !== 0) {
      return new BtfError('bad-strings', `malformed string section: first byte is not NUL${atOffset(start)}; did you forget to provide base BTF?`, { offset: start });
    }
    return undefined;
  }

  /** The string at a name offset, or undefined when the offset is outside every table. */
  get(off: number): string | undefined {
    if (off < this.startOff) {
      if (this.base) return this.base.get(off);
      return off === 0 ? '' : undefined;
    }
    const rel = off - this.startOff;
    if (rel >= this.length) return undefined;
    const from = this.start + rel;
    // The section ends with NUL (checked at load), so the search always stops inside it.
    const to = this.bytes.indexOf(0, from);
    return decode(this.bytes, from, to);
  }

  /** Compares the string at `off` with UTF-8 `needle` without decoding it. */
  equals(off: number, needle: Uint8Array): boolean {
    if (off < this.startOff) return this.base ? this.base.equals(off, needle) : needle.length === 0 && off === 0;
    const rel = off - this.startOff;
    if (rel >= this.length) return false;
    const from = this.start + rel;
    const b = this.bytes;
    if (from + needle.length >= this.start + this.length) return false;
    for (let i = 0; i < needle.length; i++) if (b[from + i] !== needle[i]) return false;
    return b[from + needle.length] === 0;
  }

  /** True when the string at `off` starts with UTF-8 `prefix`. */
  startsWith(off: number, prefix: Uint8Array): boolean {
    if (off < this.startOff) return this.base ? this.base.startsWith(off, prefix) : false;
    const rel = off - this.startOff;
    const from = this.start + rel;
    if (rel >= this.length || from + prefix.length >= this.start + this.length) return false;
    const b = this.bytes;
    for (let i = 0; i < prefix.length; i++) if (b[from + i] !== prefix[i]) return false;
    return true;
  }

  /** FNV-1a of the string bytes at `off` (same function as hashBytes), for the name index. */
  hashAt(off: number): number {
    if (off < this.startOff) return this.base ? this.base.hashAt(off) : FNV_OFFSET;
    const b = this.bytes;
    let h = FNV_OFFSET;
    for (let i = this.start + (off - this.startOff); b[i] !== 0; i++) h = Math.imul(h ^ b[i], FNV_PRIME);
    return h >>> 0;
  }
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

export function hashBytes(s: Uint8Array): number {
  let h = FNV_OFFSET;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s[i], FNV_PRIME);
  return h >>> 0;
}

function decode(b: Uint8Array, from: number, to: number): string {
  const n = to - from;
  if (n === 0) return '';
  if (n <= 64) {
    let ascii = true;
    for (let i = from; i < to; i++) if (b[i] >= 0x80) { ascii = false; break; }
    if (ascii) return String.fromCharCode.apply(null, b.subarray(from, to) as unknown as number[]);
  }
  return utf8.decode(b.subarray(from, to));
}

// The string section of one BTF object, with the base's strings below startStrOff for split BTF
// (libbpf btf__str_by_offset, btf_parse_str_sec). Strings are decoded on demand from the
// caller's bytes, or from a PagedFile's pages read on first use; nothing is copied at load.

import { BtfError, atOffset } from './errors';
import type { PagedFile } from './pagedFile';

const utf8 = new TextDecoder('utf-8', { fatal: false });

export class StringTable {
  private readonly prefixed = new Map<string, ReadonlySet<number>>();

  /** @param start absolute offset of the own string section in `bytes` */
  constructor(
    private readonly bytes: Uint8Array,
    readonly start: number,
    readonly length: number,
    /** The first offset that belongs to this table (base string section length for split BTF). */
    readonly startOff: number,
    private readonly base: StringTable | undefined,
    /** Set when `bytes` are a PagedFile's: every read makes its pages present first. */
    private readonly pages?: PagedFile,
  ) {}

  /** One past the highest valid offset, counting the base's strings. */
  get end(): number {
    return this.startOff + this.length;
  }

  /** Checks the section framing (libbpf btf_parse_str_sec); undefined when fine. */
  static check(bytes: Uint8Array, start: number, length: number, split: boolean, pages?: PagedFile): BtfError | undefined {
    if (split && length === 0) return undefined;
    pages?.ensure(start, 1);
    pages?.ensure(start + length - 1, 1);
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
    const to = this.pages ? this.pages.nulFrom(from, this.start + this.length) : this.bytes.indexOf(0, from);
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
    this.pages?.ensure(from, needle.length + 1);
    for (let i = 0; i < needle.length; i++) if (b[from + i] !== needle[i]) return false;
    return b[from + needle.length] === 0;
  }

  /** Makes every string of this table and its base present (paged tables read them in one go). */
  ensureAll(): void {
    this.base?.ensureAll();
    this.pages?.ensure(this.start, this.length);
  }

  /** FNV-1a of the string bytes at `off` (same function as hashBytes), for the name index; call ensureAll first. */
  hashAt(off: number): number {
    if (off < this.startOff) return this.base ? this.base.hashAt(off) : FNV_OFFSET;
    const b = this.bytes;
    let h = FNV_OFFSET;
    for (let i = this.start + (off - this.startOff); b[i] !== 0; i++) h = Math.imul(h ^ b[i], FNV_PRIME);
    return h >>> 0;
  }

  /**
   * Whether the string at `off` starts with `prefix`, through the set of every offset where the
   * prefix occurs, built once per prefix by one native search of the section (streamed when
   * paged), so that asking about thousands of names reads no scattered pages. Any offset may be
   * a name, also one inside a longer string.
   */
  hasPrefix(off: number, prefix: string): boolean {
    if (off < this.startOff) return this.base ? this.base.hasPrefix(off, prefix) : false;
    let set = this.prefixed.get(prefix);
    if (!set) {
      set = this.findAll(Buffer.from(prefix, 'utf8'));
      this.prefixed.set(prefix, set);
    }
    return set.has(off);
  }

  private findAll(needle: Buffer): Set<number> {
    const found = new Set<number>();
    const search = (buf: Buffer, from: number, to: number, sectionAt: number) => {
      const view = buf.subarray(from, to);
      for (let i = view.indexOf(needle); i >= 0; i = view.indexOf(needle, i + 1)) found.add(this.startOff + sectionAt + i);
    };
    if (!this.pages) {
      search(Buffer.from(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength), this.start, this.start + this.length, 0);
      return found;
    }
    // Consecutive parts overlap by the needle's length less one, so no match is cut in two.
    const keep = needle.length - 1;
    this.pages.stream(this.start, this.length, (buf, len, at, final) => {
      search(buf, 0, len, at - this.start);
      return final ? len : len - keep;
    }, () => 0);
    return found;
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

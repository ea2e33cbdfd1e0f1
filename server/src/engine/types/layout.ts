// C record layout for x86-64 / BPF (both LP64, System V rules, what clang -g and gcc emit):
// member offsets, bitfield placement, struct size and alignment, with `packed`, `aligned(N)`
// and `____cacheline_aligned` (64 on x86-64). Pure functions over sizes and alignments.

/** One member as the layout sees it: its type's size and alignment, in bytes. */
export interface LayoutMember {
  /** sizeof the member's type; 0 for a flexible array. */
  readonly size: number;
  /** _Alignof the member's type. */
  readonly align: number;
  /** Bitfield width; undefined for a plain member (0 is the unnamed `:0` separator). */
  readonly bitfieldWidth?: number;
  /** `__attribute__((aligned(N)))` on the member (raises, never lowers, its alignment). */
  readonly alignAttribute?: number;
  /** Unnamed bitfields do not raise the record's alignment (System V ABI 3.1.2). */
  readonly unnamed?: boolean;
}

export interface LayoutOptions {
  readonly union: boolean;
  /** `__attribute__((packed))` on the record: member alignment 1 unless the member says aligned(N). */
  readonly packed: boolean;
  /** `__attribute__((aligned(N)))` on the record. */
  readonly alignAttribute?: number;
}

export interface MemberPlacement {
  /** Offset in bits from the start of the record. */
  readonly bitOffset: number;
  /** Bitfield width, 0 for a plain member (the BTF kflag encoding). */
  readonly bitfieldSize: number;
}

export interface RecordLayout {
  readonly size: number;
  readonly align: number;
  readonly members: readonly MemberPlacement[];
}

export const CACHELINE_BYTES_X86_64 = 64;

const alignUp = (n: number, a: number) => (a <= 1 ? n : Math.ceil(n / a) * a);

/**
 * Lays out a struct or union the way gcc/clang do for x86-64 (and BPF, which follows it):
 *
 *   plain member:   offset = alignUp(cursor, align)              (align = 1 when packed)
 *   bitfield w:T:   placed at the cursor unless it would straddle a sizeof(T) unit,
 *                   then at the next unit boundary (packed: never moved)
 *   `:0`:           cursor to the next sizeof(T) unit boundary
 *   size:           alignUp(end, max member alignment, aligned(N))
 */
export function layoutRecord(members: readonly LayoutMember[], options: LayoutOptions): RecordLayout {
  let cursorBits = 0;
  let endBits = 0;
  let maxAlign = 1;
  const placed: MemberPlacement[] = [];
  for (const m of members) {
    const natural = Math.max(1, m.align);
    const attr = m.alignAttribute ?? 0;
    const effective = options.packed ? Math.max(1, attr) : Math.max(natural, attr);
    if (m.bitfieldWidth !== undefined) {
      const unitBits = Math.max(1, m.size) * 8;
      const start = options.union ? 0 : cursorBits;
      if (m.bitfieldWidth === 0) {
        if (!options.union) cursorBits = alignUp(cursorBits, unitBits);
        placed.push({ bitOffset: options.union ? 0 : cursorBits, bitfieldSize: 0 });
        endBits = Math.max(endBits, cursorBits);
        continue;
      }
      let at = attr > 0 && !options.union ? alignUp(start, attr * 8) : start;
      if (!options.packed && Math.floor(at / unitBits) !== Math.floor((at + m.bitfieldWidth - 1) / unitBits)) at = alignUp(at, unitBits);
      placed.push({ bitOffset: at, bitfieldSize: m.bitfieldWidth });
      if (!options.union) cursorBits = at + m.bitfieldWidth;
      endBits = Math.max(endBits, at + m.bitfieldWidth);
      if (!m.unnamed) maxAlign = Math.max(maxAlign, effective);
      continue;
    }
    const at = options.union ? 0 : alignUp(cursorBits, effective * 8);
    placed.push({ bitOffset: at, bitfieldSize: 0 });
    if (!options.union) cursorBits = at + m.size * 8;
    endBits = Math.max(endBits, at + m.size * 8);
    maxAlign = Math.max(maxAlign, effective);
  }
  const align = Math.max(maxAlign, options.alignAttribute ?? 1);
  const size = alignUp(Math.ceil(endBits / 8), align);
  return { size, align, members: placed };
}

// Source positions shared by every engine layer. Lines and characters are 0-based and count
// UTF-16 code units, as JavaScript strings and LSP do, so no layer converts twice.

export interface Position {
  readonly line: number;
  readonly character: number;
}

export interface Range {
  readonly start: Position;
  readonly end: Position;
}

/** A range in a file; `file` is an absolute path. */
export interface Location {
  readonly file: string;
  readonly range: Range;
}

export const emptyRange: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

/** Line breaks before `offset` (from `from`): counted, for a single query on a text too big to index (a LineIndex of a 2.8 MB vmlinux.h costs 30 ms cold). */
export function linesBefore(text: string, offset: number, from = 0): number {
  let lines = 0;
  for (let i = text.indexOf('\n', from); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) lines++;
  return lines;
}

/**
 * Offsets at which each line of `text` starts. A search per line, not a loop over characters: a
 * character loop in a constructor ran on-stack-replaced code that V8 threw away at each new text.
 */
function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** Maps string offsets to positions for one text; built once per text, O(log lines) per query. */
export class LineIndex {
  private readonly lineStarts: number[];

  constructor(readonly text: string) {
    this.lineStarts = lineStartsOf(text);
  }

  positionAt(offset: number): Position {
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid] <= clamped) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: clamped - this.lineStarts[lo] };
  }

  offsetAt(position: Position): number {
    if (position.line >= this.lineStarts.length) return this.text.length;
    return Math.min(this.lineStarts[position.line] + position.character, this.text.length);
  }

  rangeOf(startOffset: number, endOffset: number): Range {
    return { start: this.positionAt(startOffset), end: this.positionAt(endOffset) };
  }
}

function isLocation(value: object): value is Location {
  const { file, range } = value as Partial<Location>;
  return typeof file === 'string' && typeof range === 'object' && range !== null && typeof range.start?.line === 'number';
}

/**
 * `value` (plain data: objects, arrays, primitives) with every Location in `file` moved `lines`
 * lines down; parts without one are shared, not copied.
 */
export function movedLines<T>(value: T, file: string, lines: number): T {
  const move = (v: unknown): unknown => {
    if (typeof v !== 'object' || v === null) return v;
    if (Array.isArray(v)) {
      let copy: unknown[] | undefined;
      v.forEach((item, i) => {
        const moved = move(item);
        if (moved !== item) (copy ??= v.slice())[i] = moved;
      });
      return copy ?? v;
    }
    if (isLocation(v)) {
      if (v.file !== file) return v;
      const { start, end } = v.range;
      return { ...v, range: { start: { ...start, line: start.line + lines }, end: { ...end, line: end.line + lines } } };
    }
    let copy: Record<string, unknown> | undefined;
    for (const [key, item] of Object.entries(v)) {
      const moved = move(item);
      if (moved !== item) (copy ??= { ...v })[key] = moved;
    }
    return copy ?? v;
  };
  return lines === 0 ? value : (move(value) as T);
}

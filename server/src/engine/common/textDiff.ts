// Where two successive texts of one file differ: an editor changes a small span of a large text.

/** Compared a block at a time: most of two successive editor texts is the same, and a block compare is native. */
const COMPARE_BLOCK = 1024;

function commonPrefixLength(a: string, b: string): number {
  const shorter = Math.min(a.length, b.length);
  let n = 0;
  while (n + COMPARE_BLOCK <= shorter && a.slice(n, n + COMPARE_BLOCK) === b.slice(n, n + COMPARE_BLOCK)) n += COMPARE_BLOCK;
  while (n < shorter && a.charCodeAt(n) === b.charCodeAt(n)) n++;
  return n;
}

/** Length of the common suffix of `a` and `b`, at most `limit`. */
function commonSuffixLength(a: string, b: string, limit: number): number {
  let n = 0;
  while (n + COMPARE_BLOCK <= limit && a.slice(a.length - n - COMPARE_BLOCK, a.length - n) === b.slice(b.length - n - COMPARE_BLOCK, b.length - n)) n += COMPARE_BLOCK;
  while (n < limit && a.charCodeAt(a.length - 1 - n) === b.charCodeAt(b.length - 1 - n)) n++;
  return n;
}

/** The one span that differs: `before[start, oldEnd)` became `after[start, newEnd)`; the rest is equal. */
export interface ChangedSpan {
  readonly start: number;
  readonly oldEnd: number;
  readonly newEnd: number;
}

/**
 * The last index `i` below `length` whose `at(i)` is at most `value`, -1 if none; `at` must not
 * decrease (line starts, checkpoints and the like, searched for the one before an edit).
 */
export function lastIndexAtOrBefore(length: number, value: number, at: (index: number) => number): number {
  if (length === 0 || at(0) > value) return -1;
  let lo = 0;
  let hi = length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (at(mid) <= value) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

export function changedSpan(before: string, after: string): ChangedSpan {
  const start = commonPrefixLength(before, after);
  const suffix = commonSuffixLength(before, after, Math.min(before.length, after.length) - start);
  return { start, oldEnd: before.length - suffix, newEnd: after.length - suffix };
}

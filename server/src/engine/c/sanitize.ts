// Makes C text digestible for tree-sitter without moving a single offset: attribute-like macros
// (SEC(...), __attribute__((...)), __always_inline, ...) become same-length whitespace, and what
// they said (section names, packed/aligned, module macros) is kept as notes with their offsets.
// Long whitespace-only lines between top-level items become same-length comments (commentOut).

import { changedSpan, lastIndexAtOrBefore } from '../common/textDiff';

/** `SEC("x")`, `__section("x")` or `__attribute__((section("x")))`; `value` has adjacent literals joined. */
export interface SectionNote {
  readonly value: string;
  readonly start: number; // the whole macro
  readonly end: number;
  readonly valueStart: number; // the string literal(s)
  readonly valueEnd: number;
}

export interface AttributeNote {
  readonly kind: 'packed' | 'aligned';
  readonly value?: number;
  readonly start: number;
  readonly end: number;
}

/** A macro call whose meaning we need but tree-sitter cannot see: module_init(f), BPF_STRUCT_OPS_TYPE(x), ... */
export interface MacroCallNote {
  readonly macro: string;
  readonly arg: string;
  readonly start: number;
  readonly end: number;
  readonly argStart: number;
  readonly argEnd: number;
}

export interface Sanitized {
  readonly text: string;
  readonly sections: readonly SectionNote[];
  readonly attributes: readonly AttributeNote[];
  readonly macroCalls: readonly MacroCallNote[];
  /** What sanitizing an edited text needs from this run (sanitizeForParse's `previous`). */
  readonly resume: SanitizeResume;
}

/**
 * The input, and the line starts the scan stepped on with the bracket depth there: the scan's
 * whole state, so a scan of an edited text can start at one before the change and rejoin the
 * previous scan at one after it.
 */
export interface SanitizeResume {
  readonly source: string;
  readonly lineStarts: readonly number[];
  readonly depths: readonly number[];
  /** For each line start, how far the scan had read before it: an edit there could change what it did before. */
  readonly reaches: readonly number[];
}

/** Annotation keywords that tree-sitter would take for type names or declarators. */
const BLANK_WORDS = new Set([
  '__always_inline', '__weak', '__hidden', '__noinline', 'noinline', '__ksym', '__kconfig', '__init', '__exit',
  '__initdata', '__initconst', '__ro_after_init', '__read_mostly', '__maybe_unused', '__used', '__bpf_kfunc',
  '__must_check', '__cold', '__visible', '__user', '__kernel', '__iomem', '__percpu', '__rcu', '__force',
  '__private', '__noreturn', '__nocfi', 'notrace', '__bpf_fastcall', '__arg_ctx', '__arg_nonnull',
  '__arg_trusted', '__arg_nullable', '__arg_arena', '__arg_untrusted', '__kptr', '__kptr_untrusted',
  '__percpu_kptr', '__uptr', '__attribute_const__', '__pure', '__randomize_layout', '__no_randomize_layout',
  '__designated_init', 'inline', '__inline', '__inline__', '__always_unused', '__safe', '__nonstring',
  '__cacheline_aligned_in_smp',
]);

/** Function-like annotations dropped with their arguments. */
const BLANK_CALLS = new Set([
  '__printf', '__scanf', '__counted_by', '__guarded_by', '__must_hold', '__acquires', '__releases',
  '__diag_ignore', '__diag_push', '__diag_pop', '__nocast', '__contains', '__tag', '__btf_decl_tag',
  '__alloc_size', '__malloc', '__cleanup', '__free', '_Pragma',
]);

/** Macros recorded as notes (and blanked): the kernel side's module identity and legacy registrations. */
const NOTE_CALLS = new Set(['module_init', 'module_exit', 'MODULE_LICENSE', 'BPF_STRUCT_OPS_TYPE', 'late_initcall', 'subsys_initcall']);

const CACHELINE_WORDS = new Set(['____cacheline_aligned', '____cacheline_aligned_in_smp', '__cacheline_aligned']);

function isIdentStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
}
function isIdentChar(c: number): boolean {
  return isIdentStart(c) || (c >= 48 && c <= 57);
}

/** Skips a string or char literal starting at `i` (the quote); returns the index after it. */
function skipQuoted(text: string, i: number): number {
  const quote = text.charCodeAt(i);
  let j = i + 1;
  while (j < text.length) {
    const c = text.charCodeAt(j);
    if (c === 92) j += 2;
    else if (c === quote || c === 10) return j + 1;
    else j++;
  }
  return j;
}

function skipSpace(text: string, i: number): number {
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13) i++;
    else if (c === 47 && text.charCodeAt(i + 1) === 42) {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 2;
    } else if (c === 47 && text.charCodeAt(i + 1) === 47) {
      const end = text.indexOf('\n', i);
      i = end < 0 ? text.length : end;
    } else break;
  }
  return i;
}

/** From an opening `(` at `i`, the index after its matching `)`; -1 if unbalanced. `seen.end`: how far it read. */
function matchParen(text: string, i: number, seen?: { end: number }): number {
  let depth = 0;
  let j = i;
  let close = -1;
  while (j < text.length) {
    const c = text.charCodeAt(j);
    if (c === 34 || c === 39) {
      j = skipQuoted(text, j);
      continue;
    }
    if (c === 40) depth++;
    else if (c === 41) {
      depth--;
      if (depth === 0) {
        close = j + 1;
        break;
      }
    } else if (c === 59 && depth <= 1) break; // a `;` inside: not a macro call we understand
    j++;
  }
  if (seen) seen.end = Math.max(seen.end, j + 1);
  return close;
}

/** Decodes the C escapes that occur in section names and licenses. */
export function unescapeC(body: string): string {
  return body.replace(/\\(x[0-9a-fA-F]+|[0-7]{1,3}|.)/g, (_m, e: string) => {
    if (e[0] === 'x') return String.fromCharCode(parseInt(e.slice(1), 16));
    if (/^[0-7]/.test(e)) return String.fromCharCode(parseInt(e, 8));
    return ({ n: '\n', t: '\t', r: '\r', '0': '\0' } as Record<string, string>)[e] ?? e;
  });
}

/** Joins adjacent string literals in `text[start, end)`; undefined if anything else is there. */
function stringLiterals(text: string, start: number, end: number): { value: string; start: number; end: number } | undefined {
  let i = skipSpace(text, start);
  let value = '';
  let first = -1;
  let last = -1;
  while (i < end) {
    if (text.charCodeAt(i) !== 34) return undefined;
    const close = skipQuoted(text, i);
    if (first < 0) first = i;
    value += unescapeC(text.slice(i + 1, close - 1));
    last = close;
    i = skipSpace(text, close);
  }
  return first < 0 ? undefined : { value, start: first, end: last };
}

/**
 * Whitespace-only lines between top-level items this long or longer (blanked `SEC(...)` lines, the
 * preprocessor's directive and inactive-region gaps) become comments of the same length.
 */
const MIN_QUIET_LINE = 16;

/**
 * Writes each [start, end) pair of `lines` as a same-length block comment. On an incremental
 * reparse tree-sitter reuses a comment node whole, but lexes whitespace again, a character at a
 * time, as the padding of each top-level item whose first token it re-reads: a blanked SEC line
 * before each of 282 programs cost ~3 ms per keystroke.
 */
function commentOut(text: string, lines: readonly number[]): string {
  if (lines.length === 0) return text;
  const parts: string[] = [];
  let at = 0;
  for (let k = 0; k < lines.length; k += 2) {
    parts.push(text.slice(at, lines[k]), '/*', ' '.repeat(lines[k + 1] - lines[k] - 4), '*/');
    at = lines[k + 1];
  }
  parts.push(text.slice(at));
  return parts.join('');
}

/**
 * `text` made digestible for tree-sitter. With `previous`, the sanitized earlier text of the same
 * file, only the lines from the last line start its scan stepped on before the change to the first
 * one after it in the same state are scanned again; the result is the same.
 */
export function sanitizeForParse(text: string, previous?: Sanitized): Sanitized {
  if (!previous) {
    const whole = scan(text, 0, 0, 0);
    const resume = { source: text, lineStarts: whole.lineStarts, depths: whole.depths, reaches: whole.reaches };
    return { text: commentOut(whole.raw, whole.quietLines), sections: whole.sections, attributes: whole.attributes, macroCalls: whole.macroCalls, resume };
  }
  const { source, lineStarts, depths, reaches } = previous.resume;
  const lastAtOrBefore = (sorted: readonly number[], value: number): number => lastIndexAtOrBefore(sorted.length, value, (i) => sorted[i]);
  if (source === text) return previous;
  const change = changedSpan(source, text);
  const delta = change.newEnd - change.oldEnd;
  // The last line start before which the scan read nothing the edit changed (reaches only grow).
  const k = lastAtOrBefore(reaches, change.start);
  const from = k >= 0 ? lineStarts[k] : 0;
  // Rejoined where neither scan has read ahead: the rest then reads and records the same.
  const window = scan(text, from, k >= 0 ? depths[k] : 0, k >= 0 ? reaches[k] : 0, (lineStart, depth, reach) => {
    if (lineStart < change.newEnd || reach > lineStart) return false;
    const j = lastAtOrBefore(lineStarts, lineStart - delta);
    return j >= 0 && lineStarts[j] === lineStart - delta && depths[j] === depth && reaches[j] === lineStarts[j];
  });
  const quiet = window.quietLines.map((offset) => offset - from);
  const rejoin = window.end - delta;
  const after = <T extends { start: number }>(notes: readonly T[], move: (note: T) => T): T[] => notes.filter((n) => n.start >= rejoin).map(move);
  const before = <T extends { start: number }>(notes: readonly T[]): T[] => notes.filter((n) => n.start < from);
  const j = lastAtOrBefore(lineStarts, rejoin);
  const tail = window.rejoined ? { starts: lineStarts.slice(j).map((o) => o + delta), depths: depths.slice(j), reaches: reaches.slice(j).map((o) => o + delta) } : { starts: [], depths: [], reaches: [] };
  return {
    text: previous.text.slice(0, from) + commentOut(window.raw, quiet) + (window.rejoined ? previous.text.slice(rejoin) : ''),
    sections: [...before(previous.sections), ...window.sections, ...after(previous.sections, (n) => ({ ...n, start: n.start + delta, end: n.end + delta, valueStart: n.valueStart + delta, valueEnd: n.valueEnd + delta }))],
    attributes: [...before(previous.attributes), ...window.attributes, ...after(previous.attributes, (n) => ({ ...n, start: n.start + delta, end: n.end + delta }))],
    macroCalls: [...before(previous.macroCalls), ...window.macroCalls, ...after(previous.macroCalls, (n) => ({ ...n, start: n.start + delta, end: n.end + delta, argStart: n.argStart + delta, argEnd: n.argEnd + delta }))],
    resume: {
      source: text,
      lineStarts: [...lineStarts.slice(0, k + 1), ...window.lineStarts, ...tail.starts],
      depths: [...depths.slice(0, k + 1), ...window.depths, ...tail.depths],
      reaches: [...reaches.slice(0, k + 1), ...window.reaches, ...tail.reaches],
    },
  };
}

/** What one scan from `from` to `end` found; `raw` is the text of [from, end) before commentOut. */
interface Scan {
  readonly raw: string;
  readonly end: number;
  /** The scan stopped where the previous one goes on alike (`rejoin`). */
  readonly rejoined: boolean;
  readonly sections: SectionNote[];
  readonly attributes: AttributeNote[];
  readonly macroCalls: MacroCallNote[];
  readonly quietLines: number[];
  readonly lineStarts: number[];
  readonly depths: number[];
  readonly reaches: number[];
}

/**
 * Scans `text` from `from`, a line start (or 0) where the bracket depth is `startDepth` and the
 * scan had read up to `startReach`, to the end or to the first line start stepped on for which
 * `rejoin` says the previous scan goes on alike.
 */
function scan(text: string, from: number, startDepth: number, startReach: number, rejoin?: (lineStart: number, depth: number, reach: number) => boolean): Scan {
  const out: string[] = [];
  let copied = from;
  const sections: SectionNote[] = [];
  const attributes: AttributeNote[] = [];
  const macroCalls: MacroCallNote[] = [];
  const quietLines: number[] = [];
  const lineStarts: number[] = [];
  const depths: number[] = [];
  const reaches: number[] = [];
  /** Past the last character read ahead of the scan (by a call's parenthesis match). */
  const seen = { end: startReach };
  let depth = startDepth;
  let lineStart = from;
  let lineHasCode = false;

  const blank = (start: number, end: number): void => {
    const span = text.slice(start, end);
    // Most blanked spans are one line: spaces of the same length, without a regex pass.
    if (span.includes('\n')) {
      out.push(text.slice(copied, start), span.replace(/[^\n]/g, ' '));
      lineStart = start + span.lastIndexOf('\n') + 1;
      lineHasCode = true;
    } else {
      out.push(text.slice(copied, start), ' '.repeat(span.length));
    }
    copied = end;
  };

  let atLineStart = true;
  let i = from;
  let end = text.length;
  let rejoined = false;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      if (!lineHasCode && depth === 0 && i - lineStart >= MIN_QUIET_LINE) quietLines.push(lineStart, i);
      lineStart = i + 1;
      lineHasCode = false;
      atLineStart = true;
      i++;
      const reach = Math.max(seen.end, i);
      if (rejoin?.(i, depth, reach)) {
        end = i;
        rejoined = true;
        break;
      }
      lineStarts.push(i);
      depths.push(depth);
      reaches.push(reach);
      continue;
    }
    if (c === 32 || c === 9 || c === 13) {
      i++;
      continue;
    }
    // Directives, comments, literals and punctuation are code; a word is unless it is blanked.
    if (!isIdentStart(c)) lineHasCode = true;
    if (c === 35 && atLineStart) {
      // A directive: tree-sitter parses these itself; skip to the unescaped end of line.
      let j = i;
      while (j < text.length) {
        const d = text.charCodeAt(j);
        if (d === 10 && text.charCodeAt(j - 1) !== 92 && !(text.charCodeAt(j - 1) === 13 && text.charCodeAt(j - 2) === 92)) break;
        if (d === 47 && text.charCodeAt(j + 1) === 42) {
          const close = text.indexOf('*/', j + 2);
          j = close < 0 ? text.length : close + 2;
          continue;
        }
        j++;
      }
      i = j;
      continue;
    }
    atLineStart = false;
    if (c === 47 && (text.charCodeAt(i + 1) === 42 || text.charCodeAt(i + 1) === 47)) {
      // One comment; the lines after it are this loop's, so a blanked line below a comment is seen.
      const lineComment = text.charCodeAt(i + 1) === 47;
      const close = lineComment ? text.indexOf('\n', i) : text.indexOf('*/', i + 2);
      const j = close < 0 ? text.length : lineComment ? close : close + 2;
      const lastBreak = text.lastIndexOf('\n', j - 1);
      if (lastBreak >= i) {
        atLineStart = true;
        lineStart = lastBreak + 1;
      }
      i = j;
      continue;
    }
    if (c === 34 || c === 39) {
      i = skipQuoted(text, i);
      continue;
    }
    if (!isIdentStart(c)) {
      if (c === 40 || c === 91 || c === 123) depth++;
      else if (c === 41 || c === 93 || c === 125) depth--;
      i++;
      continue;
    }
    let j = i + 1;
    while (j < text.length && isIdentChar(text.charCodeAt(j))) j++;
    const word = text.slice(i, j);
    if (BLANK_WORDS.has(word)) {
      blank(i, j);
    } else if (CACHELINE_WORDS.has(word)) {
      attributes.push({ kind: 'aligned', value: 64, start: i, end: j });
      blank(i, j);
    } else if (word === '__packed') {
      attributes.push({ kind: 'packed', start: i, end: j });
      blank(i, j);
    } else if (word === '_Static_assert') {
      // tree-sitter-c has no static assertion among struct members, where HID-BPF's report
      // descriptor macros put one (`sizeof(struct { _Static_assert(...); int x; })`): its error
      // recovery then swallowed the next function. An assertion has no facts: blanked, with its `;`.
      const open = skipSpace(text, j);
      seen.end = Math.max(seen.end, open + 1);
      const close = text.charCodeAt(open) === 40 ? matchParen(text, open, seen) : -1;
      if (close > 0) {
        const after = skipSpace(text, close);
        seen.end = Math.max(seen.end, after + 1);
        j = text.charCodeAt(after) === 59 ? after + 1 : close;
        blank(i, j);
      }
    } else if (word.startsWith('__') || word === 'SEC' || word === '_Pragma' || NOTE_CALLS.has(word)) {
      const open = skipSpace(text, j);
      seen.end = Math.max(seen.end, open + 1);
      if (text.charCodeAt(open) === 40) {
        const close = matchParen(text, open, seen);
        if (close > 0) {
          if (handleCall(word, text, i, open, close)) {
            blank(i, close);
            j = close;
          }
        }
      }
    }
    if (copied !== j) lineHasCode = true;
    i = j;
  }
  out.push(text.slice(copied, end));
  return { raw: out.join(''), end, rejoined, sections, attributes, macroCalls, quietLines, lineStarts, depths, reaches };

  /** Records what a call-like macro says; false when the call is not one we blank. */
  function handleCall(word: string, src: string, start: number, open: number, close: number): boolean {
    if (word === 'SEC' || word === '__section') {
      const lit = stringLiterals(src, open + 1, close - 1);
      if (lit) sections.push({ value: lit.value, start, end: close, valueStart: lit.start, valueEnd: lit.end });
      return true;
    }
    if (word === '__attribute__' || word === '__attribute') {
      readAttributeList(src, open + 1, close - 1, start, close);
      return true;
    }
    if (word === '__aligned') {
      const n = Number.parseInt(src.slice(open + 1, close - 1).trim(), 0);
      if (Number.isFinite(n)) attributes.push({ kind: 'aligned', value: n, start, end: close });
      return true;
    }
    if (NOTE_CALLS.has(word)) {
      const argStart = skipSpace(src, open + 1);
      let argEnd = close - 1;
      while (argEnd > argStart && /\s/.test(src[argEnd - 1])) argEnd--;
      let arg = src.slice(argStart, argEnd);
      const lit = stringLiterals(src, argStart, argEnd);
      if (lit) arg = lit.value;
      macroCalls.push({ macro: word, arg, start, end: close, argStart, argEnd });
      return true;
    }
    return BLANK_CALLS.has(word);
  }

  /** `__attribute__((a, section("x"), aligned(8)))`: the outer parens are [from-1, to]. */
  function readAttributeList(src: string, from: number, to: number, start: number, end: number): void {
    const inner = src.slice(from, to);
    const sec = /\b(?:__)?section(?:__)?\s*\(/.exec(inner);
    if (sec) {
      const open = from + sec.index + sec[0].length - 1;
      const close = matchParen(src, open);
      const lit = close > 0 ? stringLiterals(src, open + 1, close - 1) : undefined;
      if (lit) sections.push({ value: lit.value, start, end, valueStart: lit.start, valueEnd: lit.end });
    }
    if (/\b(?:__)?packed(?:__)?\b/.test(inner)) attributes.push({ kind: 'packed', start, end });
    const aligned = /\b(?:__)?aligned(?:__)?\s*\(\s*(\w+)\s*\)/.exec(inner);
    if (aligned) {
      const n = Number.parseInt(aligned[1], aligned[1].startsWith('0x') ? 16 : 10);
      if (Number.isFinite(n)) attributes.push({ kind: 'aligned', value: n, start, end });
    }
  }
}

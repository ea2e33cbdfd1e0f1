// Macro definitions and their expansion, after C11 6.10.3 and Prosser's hide-set algorithm: `#`,
// `##`, `__VA_ARGS__`, GNU `args...` and `, ## __VA_ARGS__`. Tokens remember where they came from,
// so preprocessed text maps back to argument ranges (exact) or the invocation that produced it.

/** Where a token came from. `exact` ranges are the token's own text; others cover an invocation or argument. */
export interface Origin {
  readonly file: string;
  readonly start: number;
  readonly end: number;
  readonly exact: boolean;
  /** The outermost macro whose expansion produced or carried this token. */
  readonly macro?: string;
}

export type TokenKind = 'ident' | 'number' | 'string' | 'char' | 'punct' | 'other';

export interface Token {
  readonly text: string;
  readonly kind: TokenKind;
  /** Whitespace before it (stringification and output spacing). */
  readonly space: boolean;
  readonly origin: Origin;
  /** Macros that must not expand this token again (the hide set). */
  readonly hide?: ReadonlySet<string>;
  /** A macro name that was not expanded because it was hidden: it stays unexpanded for good. */
  readonly painted?: boolean;
}

export interface MacroDefinition {
  readonly name: string;
  /** Undefined for object-like macros. */
  readonly params?: readonly string[];
  /** The last parameter collects the rest (`...` as __VA_ARGS__, or GNU `args...`). */
  readonly variadic: boolean;
  readonly body: readonly Token[];
  readonly file: string;
  readonly offset: number;
}

const PUNCTUATORS = ['%:%:', '...', '<<=', '>>=', '->', '++', '--', '<<', '>>', '<=', '>=', '==', '!=', '&&', '||', '*=', '/=', '%=', '+=', '-=', '&=', '^=', '|=', '##', '<:', ':>', '<%', '%>', '%:'];

/** Multi-character punctuators by their first character, longest first. */
const PUNCTUATORS_BY_FIRST = new Map<number, string[]>();
for (const p of PUNCTUATORS) {
  const list = PUNCTUATORS_BY_FIRST.get(p.charCodeAt(0)) ?? [];
  list.push(p);
  list.sort((a, b) => b.length - a.length);
  PUNCTUATORS_BY_FIRST.set(p.charCodeAt(0), list);
}

function isIdentStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 36 || c > 127;
}
function isIdentChar(c: number): boolean {
  return isIdentStart(c) || (c >= 48 && c <= 57);
}
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** The end of the token starting at `i` (not whitespace or a comment) and its kind. */
export function lexAt(text: string, i: number, end = text.length): { end: number; kind: TokenKind } {
  const c = text.charCodeAt(i);
  if (isIdentStart(c)) {
    let j = i + 1;
    while (j < end && isIdentChar(text.charCodeAt(j))) j++;
    // Encoding prefixes: L"x", u8"x", u'x'.
    const q = text.charCodeAt(j);
    if ((q === 34 || q === 39) && /^(L|u|U|u8)$/.test(text.slice(i, j))) return lexQuoted(text, j, end);
    return { end: j, kind: 'ident' };
  }
  if (isDigit(c) || (c === 46 && isDigit(text.charCodeAt(i + 1)))) {
    let j = i + 1;
    while (j < end) {
      const d = text.charCodeAt(j);
      if ((d === 43 || d === 45) && /[eEpP]/.test(text[j - 1])) j++;
      else if (isIdentChar(d) || d === 46 || d === 39) j++;
      else break;
    }
    return { end: j, kind: 'number' };
  }
  if (c === 34 || c === 39) return lexQuoted(text, i, end);
  const candidates = PUNCTUATORS_BY_FIRST.get(c);
  if (candidates) {
    for (const p of candidates) if (text.startsWith(p, i)) return { end: i + p.length, kind: 'punct' };
  }
  return { end: i + 1, kind: c < 128 ? 'punct' : 'other' };
}

function lexQuoted(text: string, i: number, end: number): { end: number; kind: TokenKind } {
  const quote = text.charCodeAt(i);
  let j = i + 1;
  while (j < end) {
    const d = text.charCodeAt(j);
    if (d === 92) j += 2;
    else if (d === quote) return { end: j + 1, kind: quote === 34 ? 'string' : 'char' };
    else if (d === 10) break;
    else j++;
  }
  return { end: Math.min(j, end), kind: 'other' };
}

/** Skips spaces, tabs, escaped newlines and comments (not plain newlines); returns the new index. */
export function skipBlanks(text: string, i: number, end = text.length, newlines = false): number {
  while (i < end) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9 || c === 13 || c === 12 || c === 11 || (newlines && c === 10)) i++;
    else if (c === 92 && text.charCodeAt(i + 1) === 10) i += 2;
    else if (c === 92 && text.charCodeAt(i + 1) === 13 && text.charCodeAt(i + 2) === 10) i += 3;
    else if (c === 47 && text.charCodeAt(i + 1) === 42) {
      const close = text.indexOf('*/', i + 2);
      i = close < 0 || close + 2 > end ? end : close + 2;
    } else if (c === 47 && text.charCodeAt(i + 1) === 47) {
      let j = i + 2;
      while (j < end && !(text.charCodeAt(j) === 10 && text.charCodeAt(j - 1) !== 92)) j++;
      i = j;
    } else break;
  }
  return i;
}

/** Tokens of `text[start, end)` (a directive body or a line), each with its exact origin. */
export function tokenize(text: string, start: number, end: number, file: string): Token[] {
  const tokens: Token[] = [];
  let i = start;
  while (i < end) {
    const j = skipBlanks(text, i, end, true);
    if (j >= end) break;
    const lexed = lexAt(text, j, end);
    tokens.push({ text: text.slice(j, lexed.end), kind: lexed.kind, space: j > i || tokens.length === 0, origin: { file, start: j, end: lexed.end, exact: true } });
    i = lexed.end;
  }
  return tokens;
}

/** Parses `#define` after the keyword; undefined when the line has no macro name. */
export function parseDefine(tokens: readonly Token[], file: string, offset: number): MacroDefinition | undefined {
  const nameTok = tokens[0];
  if (!nameTok || nameTok.kind !== 'ident') return undefined;
  const name = nameTok.text;
  const open = tokens[1];
  // Function-like only when `(` follows the name with no space in between.
  if (open && open.text === '(' && !open.space) {
    const params: string[] = [];
    let variadic = false;
    let i = 2;
    for (; i < tokens.length && tokens[i].text !== ')'; i++) {
      const t = tokens[i];
      if (t.text === ',') continue;
      if (t.text === '...') {
        params.push('__VA_ARGS__');
        variadic = true;
      } else if (t.kind === 'ident') {
        if (tokens[i + 1]?.text === '...') {
          params.push(t.text);
          variadic = true;
          i++;
        } else params.push(t.text);
      }
    }
    return { name, params, variadic, body: tokens.slice(i + 1), file, offset };
  }
  return { name, variadic: false, body: tokens.slice(1), file, offset };
}

/** A source of tokens that may be pushed back; `pull` yields the next token from the underlying input. */
export class TokenStream {
  private readonly stack: Token[] = [];
  constructor(private readonly pull: () => Token | undefined) {}

  next(): Token | undefined {
    return this.stack.length > 0 ? this.stack.pop() : this.pull();
  }

  peek(): Token | undefined {
    if (this.stack.length === 0) {
      const t = this.pull();
      if (!t) return undefined;
      this.stack.push(t);
    }
    return this.stack[this.stack.length - 1];
  }

  /** True while pushed-back or peeked tokens wait to be read. */
  pending(): boolean {
    return this.stack.length > 0;
  }

  pushFront(tokens: readonly Token[]): void {
    for (let i = tokens.length - 1; i >= 0; i--) this.stack.push(tokens[i]);
  }
}

export interface ExpansionHooks {
  /** Macros never expanded (kept for the extractor to read, e.g. BPF_PROG). */
  readonly opaque: ReadonlySet<string>;
  /** Called for an invocation read from the source (name to last token), so the caller knows how far the source is used. */
  onConsumed?(first: Token, last: Token): void;
}

/**
 * Tokens one macro use in the source (or one #if expression) may produce. Past it, names stay
 * unexpanded: `#define M1 (M0 + M0)` ... `M60` would otherwise need 2^60 tokens and exhaust memory.
 */
export const MAX_EXPANSION_TOKENS = 50_000;

export class MacroTable {
  private readonly defs = new Map<string, MacroDefinition>();
  /** Tokens the current top-level expansion may still produce, and how deeply expandList nests. */
  private budget = MAX_EXPANSION_TOKENS;
  private nesting = 0;

  define(def: MacroDefinition): void {
    this.defs.set(def.name, def);
  }
  undefine(name: string): void {
    this.defs.delete(name);
  }
  get(name: string): MacroDefinition | undefined {
    return this.defs.get(name);
  }
  has(name: string): boolean {
    return this.defs.has(name);
  }

  /** Fully expands a closed token list (an argument or an #if expression). */
  expandList(tokens: readonly Token[], hooks: ExpansionHooks): Token[] {
    let i = 0;
    const stream = new TokenStream(() => (i < tokens.length ? tokens[i++] : undefined));
    const out: Token[] = [];
    if (this.nesting === 0) this.budget = MAX_EXPANSION_TOKENS;
    this.nesting++;
    try {
      for (let t = this.nextExpanded(stream, hooks); t; t = this.nextExpanded(stream, hooks)) out.push(t);
    } finally {
      this.nesting--;
    }
    return out;
  }

  /**
   * The next token of the stream that needs no further expansion, expanding invocations in place.
   * An unterminated invocation leaves the name as an ordinary token.
   */
  nextExpanded(stream: TokenStream, hooks: ExpansionHooks): Token | undefined {
    for (;;) {
      // The next token comes from the source: a new top-level expansion starts.
      if (this.nesting === 0 && !stream.pending()) this.budget = MAX_EXPANSION_TOKENS;
      const t = stream.next();
      if (!t || t.kind !== 'ident' || t.painted) return t;
      const def = this.defs.get(t.text);
      if (!def || hooks.opaque.has(t.text)) return t;
      if (t.hide?.has(t.text) || this.budget <= 0) return { ...t, painted: true };
      if (!def.params) {
        if (t.origin.exact && !t.origin.macro) hooks.onConsumed?.(t, t);
        stream.pushFront(this.substitute(def, t, t, [], hideWith(t.hide, t.text), hooks));
        continue;
      }
      const open = stream.peek();
      if (!open || open.text !== '(') return t;
      const collected = collectArguments(stream, def);
      if (!collected) return t;
      // The arguments may come from the source even when the name came from an expansion.
      if (collected.close.origin.exact && !collected.close.origin.macro) hooks.onConsumed?.(t, collected.close);
      const hide = hideWith(intersect(t.hide, collected.close.hide), t.text);
      stream.pushFront(this.substitute(def, t, collected.close, collected.args, hide, hooks));
    }
  }

  private substitute(def: MacroDefinition, name: Token, close: Token, args: Token[][], hide: ReadonlySet<string>, hooks: ExpansionHooks): Token[] {
    const outer = name.origin.macro ?? def.name;
    const invocation: Origin =
      name.origin.exact && close.origin.exact && name.origin.file === close.origin.file && !name.origin.macro
        ? { file: name.origin.file, start: name.origin.start, end: close.origin.end, exact: false, macro: outer }
        : { ...name.origin, exact: false, macro: outer };
    const params = def.params ?? [];
    const argIndex = (tok: Token | undefined): number => (tok && tok.kind === 'ident' ? params.indexOf(tok.text) : -1);
    const expandedArgs = new Map<number, Token[]>();
    const carried = (tokens: readonly Token[]): Token[] => tokens.map((tok) => (tok.origin.macro ? tok : { ...tok, origin: { ...tok.origin, macro: outer } }));
    const generated = (tok: Token, space: boolean): Token => ({ text: tok.text, kind: tok.kind, space, origin: invocation });

    const out: Token[] = [];
    const body = def.body;
    for (let i = 0; i < body.length; i++) {
      const tok = body[i];
      const space = out.length === 0 ? name.space : tok.space;
      if ((tok.text === '#' || tok.text === '%:') && def.params) {
        const k = argIndex(body[i + 1]);
        if (k >= 0) {
          out.push({ ...stringify(args[k] ?? [], invocation), space });
          i++;
          continue;
        }
      }
      if (tok.text === '##' || tok.text === '%:%:') {
        const nextTok = body[i + 1];
        if (!nextTok) continue;
        i++;
        const k = argIndex(nextTok);
        const right = k >= 0 ? (args[k] ?? []) : [generated(nextTok, false)];
        // GNU: `, ## __VA_ARGS__` drops the comma when the variable arguments are empty.
        if (k >= 0 && def.variadic && k === params.length - 1 && out.length > 0 && out[out.length - 1].text === ',') {
          if (right.length === 0) out.pop();
          else out.push(...carried(right));
          continue;
        }
        if (right.length === 0) continue;
        const left = out.pop();
        if (!left) {
          out.push(...carried(right));
          continue;
        }
        out.push(...paste(left, right[0], invocation), ...carried(right.slice(1)));
        continue;
      }
      const k = argIndex(tok);
      if (k >= 0) {
        const pastedNext = body[i + 1]?.text === '##';
        if (pastedNext) {
          out.push(...carried(args[k] ?? []));
          continue;
        }
        let expanded = expandedArgs.get(k);
        if (!expanded) {
          expanded = this.expandList(args[k] ?? [], { opaque: hooks.opaque });
          expandedArgs.set(k, expanded);
        }
        const arg = carried(expanded);
        if (arg.length > 0) arg[0] = { ...arg[0], space: space || arg[0].space };
        out.push(...arg);
        continue;
      }
      out.push(generated(tok, space));
    }
    this.budget -= out.length;
    return out.map((tok) => withHide(tok, union(tok.hide, hide)));
  }
}

function collectArguments(stream: TokenStream, def: MacroDefinition): { args: Token[][]; close: Token } | undefined {
  stream.next(); // the `(`
  const args: Token[][] = [[]];
  const maxArgs = def.params?.length ?? 0;
  let depth = 0;
  for (let t = stream.next(); t; t = stream.next()) {
    if (t.text === '(') depth++;
    else if (t.text === ')') {
      if (depth === 0) {
        // `F()` for a one-parameter macro passes one empty argument.
        if (args.length === 1 && args[0].length === 0 && maxArgs === 0) args.pop();
        return { args, close: t };
      }
      depth--;
    } else if (t.text === ',' && depth === 0 && !(def.variadic && args.length >= maxArgs)) {
      args.push([]);
      continue;
    }
    args[args.length - 1].push(t);
  }
  return undefined;
}

function stringify(tokens: readonly Token[], invocation: Origin): Token {
  let text = '';
  for (const t of tokens) {
    if (text && t.space) text += ' ';
    text += t.kind === 'string' || t.kind === 'char' ? t.text.replace(/[\\"]/g, '\\$&') : t.text;
  }
  const first = tokens[0];
  const last = tokens[tokens.length - 1];
  // The string stands for the argument: point at it when it was written at the use site.
  const origin: Origin =
    first && last && first.origin.exact && last.origin.exact && first.origin.file === last.origin.file && !first.origin.macro
      ? { file: first.origin.file, start: first.origin.start, end: last.origin.end, exact: false, macro: invocation.macro }
      : invocation;
  return { text: `"${text}"`, kind: 'string', space: false, origin };
}

function paste(left: Token, right: Token, invocation: Origin): Token[] {
  const text = left.text + right.text;
  const lexed = lexAt(text, 0);
  const origin = { ...invocation };
  if (lexed.end === text.length) return [{ text, kind: lexed.kind, space: left.space, origin, hide: left.hide }];
  // An invalid paste (undefined behaviour): keep both tokens, as GCC does after its diagnostic.
  return [left, { ...right, space: false, origin }];
}

function hideWith(set: ReadonlySet<string> | undefined, name: string): ReadonlySet<string> {
  const out = new Set(set);
  out.add(name);
  return out;
}

function intersect(a: ReadonlySet<string> | undefined, b: ReadonlySet<string> | undefined): ReadonlySet<string> | undefined {
  if (!a || !b) return undefined;
  const out = new Set<string>();
  for (const x of a) if (b.has(x)) out.add(x);
  return out;
}

/** A copy of `tok` with another hide set; a literal of fixed shape, not a spread (expansion's hot path). */
function withHide(tok: Token, hide: ReadonlySet<string>): Token {
  return tok.painted
    ? { text: tok.text, kind: tok.kind, space: tok.space, origin: tok.origin, hide, painted: true }
    : { text: tok.text, kind: tok.kind, space: tok.space, origin: tok.origin, hide };
}

/**
 * Hide sets are never mutated once made, and the tokens of one expansion share theirs: each
 * distinct pair is united once, so expanding `SEC(...)` a thousand times allocates a few sets.
 */
const unions = new WeakMap<ReadonlySet<string>, WeakMap<ReadonlySet<string>, ReadonlySet<string>>>();

function union(a: ReadonlySet<string> | undefined, b: ReadonlySet<string>): ReadonlySet<string> {
  if (!a || a.size === 0 || a === b) return b;
  let withA = unions.get(a);
  if (!withA) {
    withA = new WeakMap();
    unions.set(a, withA);
  }
  let out = withA.get(b);
  if (!out) {
    const united = new Set(a);
    for (const x of b) united.add(x);
    out = united;
    withA.set(b, out);
  }
  return out;
}

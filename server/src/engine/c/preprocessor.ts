// A C preprocessor for indexing: conditionals, #define/#undef, includes (quote, -I, compile flags,
// libbpf's <bpf/...>), and macro expansion (macros.ts). Output text comes with an origin map from
// every output offset back to (file, offset) the user wrote; headers contribute macros only.

import { isAscii } from 'node:buffer';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LineIndex, linesBefore, type Location } from '../common/location';
import { silentLogger, type Logger } from '../common/logger';
import { changedSpan, lastIndexAtOrBefore, type ChangedSpan } from '../common/textDiff';
import { CompileFlagsFinder, noFlags, type CompileFlags } from './compileFlags';
import type { Include, ParseProblem } from './facts';
import { lexAt, MacroTable, parseDefine, skipBlanks, tokenize, TokenStream, type ExpansionHooks, type MacroDefinition, type Origin, type Token } from './macros';

export interface PreprocessorFs {
  /** The file's text, or undefined when it cannot be read (missing, directory, unreadable). */
  readFile(file: string): string | undefined;
}

/**
 * The text with each lone CR (old Mac line ends) made an LF, offsets unchanged: GCC and editors
 * take a lone CR as a line break, while the preprocessor and line counting look for LF.
 */
export function lineBreaksAsLf(text: string): string {
  return text.includes('\r') ? text.replace(/\r(?!\n)/g, '\n') : text;
}

/** Largest header read; bigger ones are treated as unreadable. */
export const MAX_INCLUDE_SIZE = 16 * 1024 * 1024;

export const nodeFs: PreprocessorFs = {
  readFile(file: string): string | undefined {
    try {
      // Regular files only: `#include "/dev/zero"` never ends and a FIFO blocks until written to.
      const st = fs.statSync(file);
      if (!st.isFile() || st.size > MAX_INCLUDE_SIZE) return undefined;
      // ASCII text (nearly every header) decodes as Latin-1, several times faster than as UTF-8:
      // 2.8 MB of vmlinux.h took 40-50 ms to read as UTF-8, 10-35 ms so.
      const bytes = fs.readFileSync(file);
      return lineBreaksAsLf(bytes.toString(isAscii(bytes) ? 'latin1' : 'utf8'));
    } catch {
      return undefined;
    }
  },
};

/** One directive line, parsed once per file text and reused by every run that reads the file. */
interface DirectiveLine {
  readonly hash: number;
  readonly end: number;
  readonly name: string;
  readonly nameEnd: number;
  /** Tokens after the directive name (memoised). */
  tokens?: Token[];
  /** The parsed #define (memoised; null when malformed). */
  define?: MacroDefinition | null;
}

function parseDirectiveLine(text: string, hash: number): DirectiveLine {
  const end = directiveEnd(text, hash);
  const nameStart = skipBlanks(text, hash + 1, end);
  const nameEnd = nameStart < end ? lexAt(text, nameStart, end).end : nameStart;
  return { hash, end, name: text.slice(nameStart, nameEnd), nameEnd };
}

/**
 * What several preprocess runs share: file texts, parsed directive lines of headers, compile
 * flags. The workspace index keeps one and calls `invalidate` when a file changes.
 */
export class PreprocessorCache {
  private readonly texts = new Map<string, string | undefined>();
  private readonly directives = new Map<string, { text: string; lines: DirectiveLine[] }>();
  private readonly matched = new Map<string, Map<RegExp, boolean>>();
  /** Include resolutions (IncludeSearch.key, includer, spelling): every file they probed was read through `read`. */
  private readonly resolutions = new Map<string, string | undefined>();
  /** Includes clang's default directories have (clangFinds), by spelling. */
  private readonly clangFound = new Map<string, boolean>();
  readonly flags: CompileFlagsFinder;
  /** Counts forgotten texts that a run may have read: a run resumed across one could be stale (PreprocessOptions.previous). */
  private forgotten = 0;

  constructor(readonly fs: PreprocessorFs = nodeFs, logger?: Logger) {
    this.flags = new CompileFlagsFinder(fs, logger);
  }

  read(file: string): string | undefined {
    if (this.texts.has(file)) return this.texts.get(file);
    const text = this.fs.readFile(file);
    this.texts.set(file, text);
    return text;
  }

  /** Every directive line of `text` (cached per file and text). */
  directiveLines(file: string, text: string): DirectiveLine[] {
    const cached = this.directives.get(file);
    if (cached && cached.text === text) return cached.lines;
    const lines = directiveLinesOf(text);
    this.directives.set(file, { text, lines });
    return lines;
  }

  /** True when the file's text matches `pattern`, a non-global regex (cached per file and pattern); false when it cannot be read. */
  matches(file: string, pattern: RegExp): boolean {
    let byPattern = this.matched.get(file);
    if (!byPattern) this.matched.set(file, (byPattern = new Map()));
    let found = byPattern.get(pattern);
    if (found === undefined) byPattern.set(pattern, (found = pattern.test(this.read(file) ?? '')));
    return found;
  }

  /** The file an #include names, as `search` finds it from `from` (memoised until a probed file changes). */
  resolve(search: IncludeSearch, spelled: string, system: boolean, from: string, next: boolean): string | undefined {
    const key = `${search.key}\0${from}\0${system ? '<' : '"'}${next ? '+' : ''}${spelled}`;
    if (this.resolutions.has(key)) return this.resolutions.get(key);
    const resolved = resolveInclude(this, search, spelled, system, from, next);
    this.resolutions.set(key, resolved);
    return resolved;
  }

  /** True when clang would find the include in its default directories (memoised until `clear`). */
  clangFinds(spelled: string): boolean {
    let found = this.clangFound.get(spelled);
    if (found === undefined) this.clangFound.set(spelled, (found = clangFinds(spelled)));
    return found;
  }

  get generation(): number {
    return this.forgotten;
  }

  /** Forgets a file's text (it changed or vanished). */
  invalidate(file: string): void {
    // A file that was read may have appeared or vanished: resolutions that probed it may change.
    if (this.texts.has(file)) {
      this.resolutions.clear();
      this.forgotten++;
    }
    this.texts.delete(file);
    this.directives.delete(file);
    this.matched.delete(file);
  }

  /** Forgets every text, e.g. after a bulk index. */
  clear(): void {
    this.forgotten++;
    this.resolutions.clear();
    this.clangFound.clear();
    this.texts.clear();
    this.directives.clear();
    this.matched.clear();
  }
}

function directiveLinesOf(text: string): DirectiveLine[] {
  const lines: DirectiveLine[] = [];
  for (let i = nextDirectiveLine(text, 0); i >= 0; ) {
    const line = parseDirectiveLine(text, i);
    lines.push(line);
    i = nextDirectiveLine(text, line.end);
  }
  return lines;
}

export interface PreprocessOptions {
  /** `-I` directories, searched for both `"..."` and `<...>` after the includer's directory. */
  readonly includeDirs?: readonly string[];
  /** Directories searched for every `<...>`; by default none, so kernel headers are not guessed. */
  readonly systemDirs?: readonly string[];
  /** Where `<bpf/...>` (libbpf's headers) is found when no other directory has it; default /usr/include. */
  readonly libbpfIncludeDir?: string;
  /** `-D` definitions, applied after the predefined macros and compile flags. */
  readonly defines?: readonly (readonly [string, string])[];
  /** Read compile_commands.json / compile_flags.txt / .clangd upward from the file (default true). */
  readonly useCompileFlags?: boolean;
  readonly maxIncludeDepth?: number;
  /**
   * Kernel configuration options (`CONFIG_*`) that no macro defines: `enabled` (default) takes them
   * as set, like an allyesconfig build, so `#ifdef CONFIG_BPF_JIT` code is indexed; `disabled`
   * treats them as undefined, as cpp would without autoconf.h. Explicit -D/-U still decide.
   */
  readonly kernelConfig?: 'enabled' | 'disabled';
  readonly logger?: Logger;
  readonly cache?: PreprocessorCache;
  /** Keep what a later run over an edited text of the file needs (`previous`): for an editor's text. */
  readonly resumable?: boolean;
  /**
   * A resumable run over an earlier text of the same file, with the same options and cache. Where
   * the edit allows, only the lines from the last checkpoint before the change to the first one
   * after it where the run rejoins the previous one are preprocessed; the rest is that run's,
   * shifted. The result is the same as a run from scratch.
   */
  readonly previous?: Preprocessed;
}

/** Maps output offsets of preprocessed text to what the user wrote. */
export interface OriginMap {
  locate(start: number, end: number): Location;
  /** The outermost macro whose expansion produced (or carried an argument to) this output offset. */
  macroAt(offset: number): string | undefined;
  /**
   * For two output spans of the same text, keys equal exactly when every `locate`/`macroAt` answer
   * inside them (relative to the span's start) is equal once lines in the main file are moved by
   * the difference of their `line`s: text moved down by a line break typed above keeps its key.
   * Comparable across extractions.
   */
  spanKey(start: number, end: number): SpanKey;
}

export interface SpanKey {
  readonly key: string;
  /** The main-file line the key's main-file lines count from. */
  readonly line: number;
}

export interface Preprocessed {
  readonly text: string;
  readonly origin: OriginMap;
  /** The main file's own #include directives, resolved where possible. */
  readonly includes: readonly Include[];
  /** Every other file read (headers, included sources), for dependency tracking. */
  readonly dependencies: readonly string[];
  readonly problems: readonly ParseProblem[];
  /** Present when the run was `resumable`. */
  readonly resume?: ResumableRun;
}

/**
 * A line start of the main file where the run was between tokens: outside any macro expansion,
 * comment and inactive region. From there the run depends only on this state and the text after
 * it, so a run over an edited text can start at one before the change and rejoin at one after it.
 */
interface Checkpoint {
  readonly src: number;
  /** The output offset of `src`: the output before it is final. */
  readonly out: number;
  /** Main-file directives met before it. */
  readonly directives: number;
  /** Definitions, removals, includes and pragmas executed before it, in any file. */
  readonly changes: number;
  readonly problems: number;
  readonly lastEmitted: Origin | undefined;
  /** The conditionals open here, all active (a checkpoint is in active code). */
  readonly open: OpenConditional | undefined;
}

/** A main-file conditional still open, and those around it: shared by every checkpoint inside it. */
interface OpenConditional {
  readonly hash: number;
  readonly outer: OpenConditional | undefined;
}

/** What a resumable run leaves for the next run over an edited text of its file. */
export interface ResumableRun {
  readonly source: string;
  /** The file and the options (optionsKey). */
  readonly optionsKey: string;
  readonly cache: PreprocessorCache;
  readonly generation: number;
  /** The table at the end of the run: the table at every checkpoint whose `changes` is `changes`. */
  readonly macros: MacroTable;
  readonly changes: number;
  readonly checkpoints: readonly Checkpoint[];
  readonly output: OutputBuilder;
}

/** The options a run's result depends on, besides the cache and its texts. */
function optionsKey(file: string, options: PreprocessOptions): string {
  const { includeDirs, systemDirs, libbpfIncludeDir, defines, useCompileFlags, maxIncludeDepth, kernelConfig } = options;
  return JSON.stringify([file, includeDirs, systemDirs, libbpfIncludeDir, defines, useCompileFlags, maxIncludeDepth, kernelConfig]);
}

/**
 * Macros the extractor reads by name, so they are never expanded: the BPF_PROG family (their
 * expansion hides the program's name), module macros, and kernel registration macros.
 */
export const OPAQUE_MACROS: ReadonlySet<string> = new Set([
  'BPF_PROG', 'BPF_PROG2', 'module_init', 'module_exit', 'MODULE_LICENSE', 'BPF_STRUCT_OPS_TYPE',
  'register_bpf_struct_ops', 'offsetof', 'NULL', 'late_initcall', 'subsys_initcall',
]);

/** Predefined for every file: what clang defines that headers test. */
const PREDEFINED: readonly (readonly [string, string])[] = [
  ['__STDC__', '1'], ['__STDC_VERSION__', '201112L'], ['__clang__', '1'], ['__clang_major__', '14'],
  ['__GNUC__', '4'], ['__GNUC_MINOR__', '2'], ['__CHAR_BIT__', '8'], ['__SIZEOF_POINTER__', '8'],
  ['__SIZEOF_LONG__', '8'], ['__LP64__', '1'], ['__ORDER_LITTLE_ENDIAN__', '1234'], ['__ORDER_BIG_ENDIAN__', '4321'],
  ['__BYTE_ORDER__', '__ORDER_LITTLE_ENDIAN__'],
];
/** `*.bpf.c` is compiled with `clang --target=bpf`; everything else as kernel C for x86-64. */
const PREDEFINED_BPF: readonly (readonly [string, string])[] = [['__bpf__', '1'], ['__BPF__', '1'], ['__BPF_CPU_VERSION__', '3']];
const PREDEFINED_KERNEL: readonly (readonly [string, string])[] = [['__x86_64__', '1'], ['__KERNEL__', '1']];

const DEFAULT_MAX_DEPTH = 40;

/** Never throws for bad input: unbalanced conditionals, #error and too-deep includes become problems. */
export function preprocess(file: string, text: string, options: PreprocessOptions = {}): Preprocessed {
  // A run's origin map keeps the run and its options: without `previous`, or every run would keep all before it.
  const { previous, ...runOptions } = options;
  return (previous && preprocessAfterEdit(file, text, previous, runOptions)) ?? new Run(file, text, runOptions).run();
}

/** Thrown when an edit window meets a directive: the run starts again from scratch. */
const WINDOW_CLOSED = new Error('edit window met a directive');

/** The run over `text` from the previous run over an earlier text; undefined where a run from scratch is needed. */
function preprocessAfterEdit(file: string, text: string, previous: Preprocessed, options: PreprocessOptions): Preprocessed | undefined {
  const state = previous.resume;
  if (!state || state.cache !== options.cache || state.generation !== state.cache.generation) return undefined;
  if (state.optionsKey !== optionsKey(file, options)) return undefined;
  if (state.source === text) return previous;
  const change = changedSpan(state.source, text);
  const index = lastCheckpointAtOrBefore(state.checkpoints, change.start);
  // The macro table kept is the one at the end: a checkpoint after which a directive changed it has another.
  if (index < 0 || state.checkpoints[index].changes !== state.changes) return undefined;
  try {
    return new Run(file, text, options, { previous, state, from: index, change }).runAfterEdit();
  } catch (error) {
    if (error === WINDOW_CLOSED) return undefined;
    throw error;
  }
}

function lastCheckpointAtOrBefore(checkpoints: readonly Checkpoint[], src: number): number {
  return lastIndexAtOrBefore(checkpoints.length, src, (i) => checkpoints[i].src);
}

/** Argument tokens this close to the last one emitted keep the source's spacing between them (Run.emit). */
const KEPT_GAP = 256;

/** True when `last` cannot affect how a token emitted at or after `at` is spaced (Run.emit). */
function spacingFree(last: Origin | undefined, at: number, mainFile: string): boolean {
  return !last || !last.exact || (last.file === mainFile && last.end + KEPT_GAP <= at);
}

/** The lines an edit changed, re-run from a checkpoint of the previous run (PreprocessOptions.previous). */
interface EditWindow {
  readonly previous: Preprocessed;
  readonly state: ResumableRun;
  /** Index of the checkpoint the window starts at. */
  readonly from: number;
  readonly change: ChangedSpan;
  /** Where the window met the previous run: a line start of the new text, and the checkpoint it matches. */
  rejoined?: { readonly src: number; readonly old: number };
}

/**
 * The main file's directives only, as preprocess runs them (conditions, includes, definitions),
 * its code neither expanded nor written: what it includes and reads, at a fraction of the cost.
 */
export function preprocessDirectives(file: string, text: string, options: PreprocessOptions = {}): Omit<Preprocessed, 'text' | 'origin'> {
  return new Run(file, text, options).directivesOnly();
}

/**
 * Every file that `file` could read through #include whatever its conditions say: a superset of
 * the dependencies preprocess finds, from directive lines alone (no macro is defined or expanded).
 * Undefined when an #include names its file through a macro: only a run can tell which.
 */
export function includeClosure(file: string, text: string, options: PreprocessOptions = {}): string[] | undefined {
  const cache = options.cache ?? new PreprocessorCache(nodeFs, options.logger);
  const search = includeSearch(options, options.useCompileFlags === false ? noFlags : cache.flags.flagsFor(file));
  const closure = new Set<string>();
  const pending = [{ file, text, lines: directiveLinesOf(text) }];
  for (let current = pending.pop(); current; current = pending.pop()) {
    for (const line of current.lines) {
      if (line.name !== 'include' && line.name !== 'include_next' && line.name !== 'import') continue;
      const written = writtenInclude(current.text, line.nameEnd, line.end);
      if (!written) return undefined;
      const resolved = cache.resolve(search, written.spelled, written.system, current.file, line.name === 'include_next');
      if (!resolved || resolved === file || closure.has(resolved)) continue;
      const included = cache.read(resolved);
      if (included === undefined) continue;
      closure.add(resolved);
      pending.push({ file: resolved, text: included, lines: cache.directiveLines(resolved, included) });
    }
  }
  return [...closure];
}

/** The file name an #include spells between its quotes or angle brackets; undefined for a computed include. */
function writtenInclude(text: string, start: number, end: number): { spelled: string; system: boolean; end: number } | undefined {
  const j = skipBlanks(text, start, end);
  const open = text[j];
  const close = open === '"' ? text.indexOf('"', j + 1) : open === '<' ? text.indexOf('>', j + 1) : -1;
  return close > 0 && close < end ? { spelled: text.slice(j + 1, close), system: open === '<', end: close + 1 } : undefined;
}

interface CondEntry {
  active: boolean;
  taken: boolean;
  readonly parentActive: boolean;
  readonly hash: number;
}

interface FileState {
  readonly file: string;
  readonly text: string;
  readonly depth: number;
  readonly emit: boolean;
  readonly cond: CondEntry[];
  pos: number;
  atLineStart: boolean;
  /** Source up to here has been written to the output (or deliberately dropped). */
  consumed: number;
}

class Run {
  private readonly macros: MacroTable;
  private readonly out = new OutputBuilder();
  private readonly includes: Include[] = [];
  private readonly dependencies = new Set<string>();
  private readonly problems: ParseProblem[] = [];
  private readonly stack: string[] = [];
  private readonly once = new Set<string>();
  private readonly logger: Logger;
  private readonly cache: PreprocessorCache;
  private readonly search: IncludeSearch;
  private readonly hooks: ExpansionHooks;
  private readonly lineIndexes = new Map<string, LineIndex>();
  private current: FileState | undefined;
  /** The main file's #include being processed, while its headers are. */
  private topInclude: Location | undefined;
  private lastEmitted: Origin | undefined;
  private readonly configEnabled: boolean;
  /** Main-file directives met, and what checkpoints count as `changes`. */
  private directives = 0;
  private changes = 0;
  /** Kept for a resumable run (PreprocessOptions.resumable) and an edit window. */
  private readonly checkpoints: Checkpoint[] | undefined;
  /** The main file's open conditionals, as checkpoints keep them. */
  private open: OpenConditional | undefined;
  private readonly generation: number;

  constructor(
    private readonly file: string,
    private readonly text: string,
    private readonly options: PreprocessOptions,
    /** Dropped when the run ends: its origin map keeps the run, which must not keep the runs before it. */
    private edit?: EditWindow,
  ) {
    this.logger = options.logger ?? silentLogger;
    this.configEnabled = (options.kernelConfig ?? 'enabled') === 'enabled';
    this.cache = options.cache ?? new PreprocessorCache(nodeFs, this.logger);
    this.generation = this.cache.generation;
    this.checkpoints = options.resumable || edit ? [] : undefined;
    const flags = options.useCompileFlags === false ? noFlags : this.cache.flags.flagsFor(file);
    this.search = includeSearch(options, flags);
    if (edit) this.macros = edit.state.macros;
    else {
      this.macros = new MacroTable();
      const isBpf = /\.bpf\.c$/.test(file);
      for (const [name, value] of [...PREDEFINED, ...(isBpf ? PREDEFINED_BPF : PREDEFINED_KERNEL), ...flags.defines, ...(options.defines ?? [])]) {
        this.defineFromText(name, value);
      }
      for (const name of flags.undefines) this.macros.undefine(name);
    }
    this.hooks = {
      opaque: OPAQUE_MACROS,
      onConsumed: (first, last) => {
        const fs = this.current;
        if (!fs) return;
        if (first.origin.exact && !first.origin.macro && first.origin.file === fs.file) this.writeGap(fs, first.origin.start);
        if (last.origin.file === fs.file) fs.consumed = Math.max(fs.consumed, last.origin.end);
      },
    };
  }

  run(): Preprocessed {
    this.lineIndexes.set(this.file, new LineIndex(this.text));
    this.processFile(this.file, this.text, 0, true);
    return this.result();
  }

  private result(): Preprocessed {
    const resume: ResumableRun | undefined = this.checkpoints && {
      source: this.text,
      optionsKey: optionsKey(this.file, this.options),
      cache: this.cache,
      generation: this.generation,
      macros: this.macros,
      changes: this.changes,
      checkpoints: this.checkpoints,
      output: this.out,
    };
    return {
      text: this.out.text(),
      origin: this.out.originMap((f) => this.lineIndex(f), this.file),
      includes: this.includes,
      dependencies: [...this.dependencies],
      problems: this.problems,
      ...(resume ? { resume } : {}),
    };
  }

  /**
   * The edit window's run (EditWindow): the previous run's output and checkpoints up to the window's
   * first checkpoint, the window's lines, then, where the window rejoins the previous run, the rest
   * of that run shifted by the edit. Throws WINDOW_CLOSED at a directive: it could change the state.
   */
  runAfterEdit(): Preprocessed {
    const edit = this.edit as EditWindow;
    const { previous, state, change } = edit;
    const from = state.checkpoints[edit.from];
    const checkpoints = this.checkpoints as Checkpoint[];
    const lines = new LineIndex(this.text);
    this.lineIndexes.set(this.file, lines);
    this.out.copyBefore(state.output, from.out);
    this.problems.push(...previous.problems.slice(0, from.problems));
    // Every include and definition was executed before the window (ResumableRun.macros).
    this.includes.push(...previous.includes);
    for (const d of previous.dependencies) this.dependencies.add(d);
    this.directives = from.directives;
    this.changes = from.changes;
    this.lastEmitted = from.lastEmitted;
    checkpoints.push(...state.checkpoints.slice(0, edit.from + 1));
    const cond: CondEntry[] = [];
    for (let c = from.open; c; c = c.outer) cond.push({ active: true, taken: true, parentActive: true, hash: c.hash });
    cond.reverse();
    this.open = from.open;
    const fs: FileState = { file: this.file, text: this.text, depth: 0, emit: true, cond, pos: from.src, atLineStart: true, consumed: from.src };
    this.stack.push(this.file);
    this.current = fs;
    this.emitFile(fs);
    const rejoined = edit.rejoined;
    this.edit = undefined;
    if (!rejoined) {
      this.closeFile(fs);
      return this.result();
    }
    this.writeVerbatim(fs, rejoined.src);
    const old = state.checkpoints[rejoined.old];
    const delta = rejoined.src - old.src;
    const outDelta = this.out.length - old.out;
    const problemDelta = this.problems.length - old.problems;
    const lineDelta = linesBefore(this.text, change.newEnd, change.start) - linesBefore(state.source, change.oldEnd, change.start);
    const oldRejoinLine = lines.positionAt(rejoined.src).line - lineDelta;
    this.out.appendFrom(state.output, old.out, this.file, delta);
    const shiftOrigin = (o: Origin): Origin => (o.file === this.file && o.start >= old.src ? { ...o, start: o.start + delta, end: o.end + delta } : o);
    const shifted = new Map<OpenConditional, OpenConditional>();
    const shiftOpen = (c: OpenConditional | undefined): OpenConditional | undefined => {
      if (!c || c.hash < old.src) return c;
      let moved = shifted.get(c);
      if (!moved) shifted.set(c, (moved = { hash: c.hash + delta, outer: shiftOpen(c.outer) }));
      return moved;
    };
    for (let k = rejoined.old; k < state.checkpoints.length; k++) {
      const c = state.checkpoints[k];
      checkpoints.push({
        src: c.src + delta,
        out: c.out + outDelta,
        directives: c.directives,
        changes: c.changes,
        problems: c.problems + problemDelta,
        // Unchanged since the rejoin: what the window emitted last, which spaces the rest alike.
        lastEmitted: c.lastEmitted === undefined ? undefined : c.lastEmitted === old.lastEmitted ? this.lastEmitted : shiftOrigin(c.lastEmitted),
        open: shiftOpen(c.open),
      });
    }
    for (const p of previous.problems.slice(old.problems)) {
      const { file, range } = p.location;
      const moved = file === this.file && range.start.line >= oldRejoinLine && lineDelta !== 0;
      this.problems.push(moved ? { ...p, location: { file, range: { start: { ...range.start, line: range.start.line + lineDelta }, end: { ...range.end, line: range.end.line + lineDelta } } } } : p);
    }
    return this.result();
  }

  /**
   * At a checkpoint of the main file: in an edit window past the change, true when the previous
   * run had a checkpoint here in the same state, so the rest of its output stands; else recorded.
   */
  private atCheckpoint(fs: FileState, src: number): boolean {
    const edit = this.edit;
    if (edit && src >= edit.change.newEnd) {
      const checkpoints = edit.state.checkpoints;
      const oldSrc = src - (edit.change.newEnd - edit.change.oldEnd);
      const k = lastCheckpointAtOrBefore(checkpoints, oldSrc);
      const old = k >= 0 ? checkpoints[k] : undefined;
      if (old && old.src === oldSrc && old.directives === this.directives && this.sameSpacing(old.lastEmitted, oldSrc, this.lastEmitted, src)) {
        edit.rejoined = { src, old: k };
        return true;
      }
    }
    (this.checkpoints as Checkpoint[]).push({
      src,
      out: this.out.length + (src - fs.consumed),
      directives: this.directives,
      changes: this.changes,
      problems: this.problems.length,
      // Kept only where it can space what follows: checkpoints in the same state are then equal.
      lastEmitted: spacingFree(this.lastEmitted, src, this.file) ? undefined : this.lastEmitted,
      open: this.open,
    });
    return false;
  }

  /** True when tokens emitted after these two checkpoints are spaced alike (Run.emit), whatever they are. */
  private sameSpacing(a: Origin | undefined, aAt: number, b: Origin | undefined, bAt: number): boolean {
    const aFree = spacingFree(a, aAt, this.file);
    const bFree = spacingFree(b, bAt, this.file);
    if (aFree || bFree) return aFree && bFree;
    // Both exact origins in other files (an included source's arguments): unmoved by the edit.
    return !!a && !!b && a.file !== this.file && a.file === b.file && a.start === b.start && a.end === b.end && a.macro === b.macro;
  }

  directivesOnly(): Omit<Preprocessed, 'text' | 'origin'> {
    this.lineIndexes.set(this.file, new LineIndex(this.text));
    this.processFile(this.file, this.text, 0, false);
    return { includes: this.includes, dependencies: [...this.dependencies], problems: this.problems };
  }

  private defineFromText(name: string, value: string): void {
    const line = `${name} ${value}`;
    const def = parseDefine(tokenize(line, 0, line.length, '<command line>'), '<command line>', 0);
    if (def) this.macros.define(def);
  }

  private lineIndex(file: string): LineIndex {
    let index = this.lineIndexes.get(file);
    if (!index) {
      index = new LineIndex(this.cache.read(file) ?? '');
      this.lineIndexes.set(file, index);
    }
    return index;
  }

  private locate(file: string, start: number, end: number): Location {
    return { file, range: this.lineIndex(file).rangeOf(start, end) };
  }

  private processFile(file: string, text: string, depth: number, emit: boolean): void {
    const fs: FileState = { file, text, depth, emit, cond: [], pos: 0, atLineStart: true, consumed: 0 };
    this.stack.push(file);
    const saved = this.current;
    this.current = fs;
    if (emit) {
      if (!this.lineIndexes.has(file)) this.lineIndexes.set(file, new LineIndex(text));
      this.emitFile(fs);
    } else {
      // The main file's lines are not cached: only a directives-only run reads them so, once.
      for (const line of depth === 0 ? directiveLinesOf(text) : this.cache.directiveLines(file, text)) this.directive(fs, line);
    }
    this.closeFile(fs);
    this.current = saved;
  }

  /** Writes an emitting file from `fs.pos` to its end, or to where an edit window rejoins the previous run. */
  private emitFile(fs: FileState): void {
    // Text without macro uses is copied as is; tokens are made only from a macro use until its
    // expansion (and any invocation it needs from the source) is complete.
    const stream = new TokenStream(() => this.pullSource(fs));
    while (this.nextMacroUse(fs) >= 0) {
      this.writeVerbatim(fs, fs.pos);
      do {
        const t = this.macros.nextExpanded(stream, this.hooks);
        if (!t) break;
        this.emit(fs, t);
      } while (stream.pending());
    }
    if (this.edit?.rejoined) return;
    if (isActive(fs)) this.writeVerbatim(fs, fs.text.length);
    else this.writeGap(fs, fs.text.length);
  }

  private closeFile(fs: FileState): void {
    for (const open of fs.cond) {
      this.problem(fs, open.hash, open.hash + 1, 'unterminated conditional directive');
    }
    this.stack.pop();
  }

  /**
   * Scans active code from `fs.pos` for the next identifier that names an expandable macro and
   * leaves `fs.pos` on it (-1 at the end). Directives met on the way are processed; they and
   * inactive regions are written as blanks, code before them verbatim.
   */
  private nextMacroUse(fs: FileState): number {
    const { text } = fs;
    const length = text.length;
    let i = fs.pos;
    let active = isActive(fs);
    while (i < length) {
      if (!active) {
        const hash = nextDirectiveLine(text, i);
        if (hash < 0) break;
        this.writeGap(fs, hash);
        this.directive(fs, parseDirectiveLine(text, hash));
        this.writeGap(fs, fs.pos);
        i = fs.pos;
        active = isActive(fs);
        continue;
      }
      const c = text.charCodeAt(i);
      if (c === 10) {
        fs.atLineStart = true;
        i++;
        if (this.checkpoints && fs.depth === 0 && this.atCheckpoint(fs, i)) {
          fs.pos = i;
          return -1;
        }
      } else if (c === 32 || c === 9 || c === 13 || c === 12 || c === 11) {
        i++;
      } else if (c === 47 && (text.charCodeAt(i + 1) === 42 || text.charCodeAt(i + 1) === 47)) {
        i = skipBlanks(text, i);
      } else if (c === 92 && (text.charCodeAt(i + 1) === 10 || text.charCodeAt(i + 1) === 13)) {
        i = skipBlanks(text, i);
      } else if (c === 35 && fs.atLineStart) {
        this.writeVerbatim(fs, i);
        this.directive(fs, parseDirectiveLine(text, i));
        this.writeGap(fs, fs.pos);
        i = fs.pos;
        active = isActive(fs);
      } else if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95) {
        fs.atLineStart = false;
        let j = i + 1;
        for (let d = text.charCodeAt(j); (d >= 97 && d <= 122) || (d >= 65 && d <= 90) || d === 95 || (d >= 48 && d <= 57); d = text.charCodeAt(++j));
        const q = text.charCodeAt(j);
        if (q === 34 || q === 39) {
          i = lexAt(text, i).end; // an encoding prefix: L"..."
          continue;
        }
        const name = text.slice(i, j);
        if (this.macros.has(name) && !OPAQUE_MACROS.has(name)) {
          fs.pos = i;
          return i;
        }
        i = j;
      } else {
        fs.atLineStart = false;
        i = c === 34 || c === 39 || (c >= 48 && c <= 57) || c === 46 ? lexAt(text, i).end : i + 1;
      }
    }
    fs.pos = length;
    return -1;
  }

  /** Copies source text up to `upTo` unchanged (active code without macro uses). */
  private writeVerbatim(fs: FileState, upTo: number): void {
    if (upTo <= fs.consumed) return;
    this.out.add(fs.text.slice(fs.consumed, upTo), fs.file, fs.consumed, upTo, true);
    fs.consumed = upTo;
  }

  /** The next active source token of an emitting file, handling directives on the way. */
  private pullSource(fs: FileState): Token | undefined {
    const { text } = fs;
    for (;;) {
      if (!isActive(fs)) {
        const hash = nextDirectiveLine(text, fs.pos);
        if (hash < 0) {
          fs.pos = text.length;
          return undefined;
        }
        this.directive(fs, parseDirectiveLine(text, hash));
        continue;
      }
      const j = skipBlanks(text, fs.pos);
      if (j >= text.length) {
        fs.pos = text.length;
        return undefined;
      }
      const c = text.charCodeAt(j);
      if (c === 10) {
        fs.atLineStart = true;
        fs.pos = j + 1;
        continue;
      }
      if (c === 35 && fs.atLineStart) {
        this.directive(fs, parseDirectiveLine(text, j));
        continue;
      }
      const lexed = lexAt(text, j);
      const space = j > fs.pos || fs.atLineStart;
      fs.atLineStart = false;
      fs.pos = lexed.end;
      return { text: text.slice(j, lexed.end), kind: lexed.kind, space, origin: { file: fs.file, start: j, end: lexed.end, exact: true } };
    }
  }

  /** Writes the source between what was consumed and `upTo` as same-shape whitespace. */
  private writeGap(fs: FileState, upTo: number): void {
    if (!fs.emit || upTo <= fs.consumed) return;
    const gap = fs.text.slice(fs.consumed, upTo).replace(/[^\n]/g, ' ');
    this.out.add(gap, fs.file, fs.consumed, upTo, true);
    fs.consumed = upTo;
  }

  private emit(fs: FileState, t: Token): void {
    const o = t.origin;
    const last = this.lastEmitted;
    this.lastEmitted = o;
    if (o.exact && !o.macro && o.file === fs.file && o.start >= fs.consumed) {
      this.writeGap(fs, o.start);
      this.out.add(t.text, o.file, o.start, o.end, true);
      fs.consumed = o.end;
      return;
    }
    const exact = o.exact && t.text.length === o.end - o.start;
    if (exact && last?.exact && last.file === o.file && last.end <= o.start && o.start - last.end < KEPT_GAP) {
      // Consecutive argument tokens keep their written spacing (and line breaks).
      const gap = (o.file === fs.file ? fs.text : (this.cache.read(o.file) ?? '')).slice(last.end, o.start).replace(/[^\n]/g, ' ');
      this.out.add(gap, o.file, last.end, o.start, true, o.macro);
    } else {
      this.out.add(' ', o.file, o.start, o.exact ? o.start : o.end, false, o.macro);
    }
    this.out.add(t.text, o.file, o.start, o.end, exact, o.macro);
  }

  private problem(fs: FileState, start: number, end: number, message: string): void {
    if (fs.depth === 0 || fs.emit) this.problems.push({ message, location: this.locate(fs.file, start, end) });
    else this.logger.debug(`${fs.file}: ${message}`);
  }

  // ---- directives ----

  private directive(fs: FileState, line: DirectiveLine): void {
    if (this.edit) throw WINDOW_CLOSED;
    if (fs.depth === 0) this.directives++;
    const { text } = fs;
    const { hash, end, name, nameEnd } = line;
    fs.pos = end;
    fs.atLineStart = true;
    if (!name) return;
    const tokens = (): Token[] => (line.tokens ??= tokenize(text, nameEnd, end, fs.file));
    const active = isActive(fs);
    const top = fs.cond[fs.cond.length - 1];
    switch (name) {
      case 'if':
      case 'ifdef':
      case 'ifndef': {
        const value = active && this.condition(fs, name, tokens(), nameEnd, end);
        fs.cond.push({ active: value, taken: value || !active, parentActive: active, hash });
        if (this.checkpoints && fs.depth === 0) this.open = { hash, outer: this.open };
        return;
      }
      case 'elif':
      case 'elifdef':
      case 'elifndef': {
        if (!top) return this.problem(fs, hash, end, `#${name} without #if`);
        if (top.taken || !top.parentActive) top.active = false;
        else {
          top.active = this.condition(fs, name === 'elif' ? 'if' : name.replace('el', ''), tokens(), nameEnd, end);
          top.taken = top.active;
        }
        return;
      }
      case 'else':
        if (!top) return this.problem(fs, hash, end, '#else without #if');
        top.active = top.parentActive && !top.taken;
        top.taken = true;
        return;
      case 'endif':
        if (!top) return this.problem(fs, hash, end, '#endif without #if');
        fs.cond.pop();
        if (this.checkpoints && fs.depth === 0) this.open = this.open?.outer;
        return;
      default:
        break;
    }
    if (!active) return;
    switch (name) {
      case 'define': {
        if (line.define === undefined) line.define = parseDefine(tokens(), fs.file, hash) ?? null;
        if (line.define) this.macros.define(line.define);
        this.changes++;
        return;
      }
      case 'undef': {
        const first = tokens()[0];
        if (first) this.macros.undefine(first.text);
        this.changes++;
        return;
      }
      case 'include':
      case 'include_next':
      case 'import':
        this.changes++;
        this.include(fs, hash, nameEnd, end, name === 'include_next');
        return;
      case 'error':
        this.problem(fs, hash, end, `#error${text.slice(nameEnd, end).replace(/\s+/g, ' ').trimEnd()}`);
        return;
      case 'pragma':
        this.changes++;
        if (/^\s*once\b/.test(text.slice(nameEnd, end))) this.once.add(fs.file);
        return;
      default:
        return;
    }
  }

  private condition(fs: FileState, kind: string, tokens: readonly Token[], start: number, end: number): boolean {
    if (kind === 'ifdef' || kind === 'ifndef') {
      const defined = tokens[0] ? this.isDefined(tokens[0].text) : false;
      return kind === 'ifdef' ? defined : !defined;
    }
    const resolvedDefined: Token[] = [];
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i];
      if (t.text === 'defined') {
        let name = tokens[i + 1];
        let skip = 1;
        if (name?.text === '(') {
          name = tokens[i + 2];
          skip = tokens[i + 3]?.text === ')' ? 3 : 2;
        }
        resolvedDefined.push({ ...t, text: name && this.isDefined(name.text) ? '1' : '0', kind: 'number' });
        i += skip;
      } else if (t.text === '__has_include' || t.text === '__has_include_next') {
        const close = tokens.findIndex((x, k) => k > i && x.text === ')');
        const inner = tokens.slice(i + 2, close < 0 ? tokens.length : close).map((x) => x.text).join('');
        const m = /^"(.*)"$|^<(.*)>$/.exec(inner);
        const found = m ? this.cache.resolve(this.search, m[1] ?? m[2], m[1] === undefined, fs.file, false) !== undefined : false;
        resolvedDefined.push({ ...t, text: found ? '1' : '0', kind: 'number' });
        i = close < 0 ? tokens.length : close;
      } else resolvedDefined.push(t);
    }
    const expanded = this.macros.expandList(resolvedDefined, { opaque: new Set() });
    const unknown = new Set<string>();
    const value = new ConditionEvaluator(expanded, unknown, this.configEnabled).evaluate();
    if (unknown.size > 0 || value === undefined) {
      const where = `${fs.file}:${this.locate(fs.file, start, start).range.start.line + 1}`;
      this.logger.debug(
        value === undefined
          ? `${where}: cannot evaluate #${kind}${fs.text.slice(start, end).trimEnd()}; taken as false`
          : `${where}: unknown ${[...unknown].join(', ')} in #${kind} taken as 0`,
      );
    }
    return (value ?? 0n) !== 0n;
  }

  /** Defined as a macro, or a `CONFIG_*` option assumed enabled (see PreprocessOptions.kernelConfig). */
  private isDefined(name: string): boolean {
    return this.macros.has(name) || (this.configEnabled && name.startsWith('CONFIG_'));
  }

  private include(fs: FileState, hash: number, start: number, end: number, next: boolean): void {
    const { text } = fs;
    const written = writtenInclude(text, start, end);
    let spelled = written?.spelled;
    let system = written?.system ?? false;
    const pathEnd = written?.end ?? end;
    if (!written) {
      const expanded = this.macros.expandList(tokenize(text, skipBlanks(text, start, end), end, fs.file), this.hooks).map((t) => t.text).join('');
      const m = /^"(.*)"$|^<(.*)>$/.exec(expanded);
      if (m) {
        spelled = m[1] ?? m[2];
        system = m[1] === undefined;
      }
    }
    if (spelled === undefined) {
      this.problem(fs, hash, end, '#include expects "FILENAME" or <FILENAME>');
      return;
    }
    const resolved = this.cache.resolve(this.search, spelled, system, fs.file, next);
    const vmlinux = !resolved && path.basename(spelled) === 'vmlinux.h';
    // Direct includes, plus a vmlinux.h left unresolved in any header (the engine then reads BTF)
    // and any include clang would not find either (its fatal error, wherever it is).
    const missing = !resolved && !vmlinux && !this.cache.clangFinds(spelled);
    // Located only when kept: a header's LineIndex is built on its first location.
    const location = fs.depth === 0 || vmlinux || missing ? this.locate(fs.file, hash, pathEnd) : undefined;
    if (location) {
      this.includes.push({
        path: spelled,
        system,
        location,
        ...(resolved ? { resolved } : {}),
        ...(vmlinux ? { vmlinux: true } : {}),
        ...(missing ? { missing: true } : {}),
        ...(missing && fs.depth > 0 && this.topInclude ? { includedFrom: this.topInclude } : {}),
      });
    }
    if (!resolved) {
      this.logger.debug(`${fs.file}: #include ${system ? `<${spelled}>` : `"${spelled}"`} not found; skipped`);
      return;
    }
    if (this.once.has(resolved)) return;
    if (this.stack.includes(resolved)) {
      this.logger.debug(`${fs.file}: include cycle through ${resolved}; skipped`);
      return;
    }
    const depthLimit = this.options.maxIncludeDepth ?? DEFAULT_MAX_DEPTH;
    if (fs.depth + 1 > depthLimit) {
      // Reported even from a header: facts are missing because of it.
      this.problems.push({ message: `#include nested too deeply (limit ${depthLimit})`, location: this.locate(fs.file, hash, pathEnd) });
      return;
    }
    const included = this.cache.read(resolved);
    if (included === undefined) {
      this.logger.debug(`${fs.file}: cannot read ${resolved}; skipped`);
      return;
    }
    this.dependencies.add(resolved);
    // Sources included into sources (a .bpf.c including another) belong to the includer's object:
    // their code is expanded in place. Headers only contribute macros; their types are their own facts.
    const inline = fs.emit && !isHeader(resolved);
    if (fs.depth === 0) this.topInclude = location;
    this.processFile(resolved, included, fs.depth + 1, inline);
    if (fs.depth === 0) this.topInclude = undefined;
  }
}

/** Where #include looks, in clang's order after the includer's directory (quote includes only). */
export interface IncludeSearch {
  readonly quoteDirs: readonly string[];
  readonly includeDirs: readonly string[];
  readonly systemDirs: readonly string[];
  readonly libbpfIncludeDir?: string;
  /** The directories in one string: equal keys search alike (PreprocessorCache.resolve). */
  readonly key: string;
}

function includeSearch(options: PreprocessOptions, flags: CompileFlags): IncludeSearch {
  const quoteDirs = [...flags.quoteDirs];
  const includeDirs = [...(options.includeDirs ?? []), ...flags.includeDirs];
  const systemDirs = [...flags.systemDirs, ...(options.systemDirs ?? [])];
  const key = [quoteDirs, includeDirs, systemDirs, [options.libbpfIncludeDir ?? '']].map((dirs) => dirs.join('\n')).join('\0');
  return { quoteDirs, includeDirs, systemDirs, libbpfIncludeDir: options.libbpfIncludeDir, key };
}

/** The absolute path an include names, or undefined when no directory has it. */
function resolveInclude(cache: PreprocessorCache, search: IncludeSearch, spelled: string, system: boolean, from: string, next: boolean): string | undefined {
  const exists = (file: string) => cache.read(file) !== undefined;
  if (path.isAbsolute(spelled)) return exists(spelled) ? spelled : undefined;
  const fromDir = path.dirname(from);
  const dirs = [
    ...(system ? [] : [fromDir, ...search.quoteDirs]),
    ...search.includeDirs,
    ...search.systemDirs,
    ...(spelled.startsWith('bpf/') ? [search.libbpfIncludeDir ?? '/usr/include'] : []),
  ];
  let skipping = next;
  for (const dir of dirs) {
    const candidate = path.resolve(dir, spelled);
    if (skipping) {
      // #include_next: continue after the directory the current file was found in.
      if (path.resolve(dir) === fromDir) skipping = false;
      continue;
    }
    if (candidate !== path.resolve(from) && exists(candidate)) return candidate;
  }
  return undefined;
}

/**
 * Headers clang has of its own (its resource directory), named here for machines without clang:
 * an include of one of them builds wherever clang runs.
 */
const CLANG_OWN_HEADERS = new Set([
  'float.h', 'inttypes.h', 'iso646.h', 'limits.h', 'stdalign.h', 'stdarg.h', 'stdatomic.h', 'stdbool.h',
  'stddef.h', 'stdint.h', 'stdnoreturn.h', 'varargs.h',
]);

/** clang's default <...> directories for --target=bpf besides its own (`clang -target bpf -E -v`). */
const CLANG_SYSTEM_DIRS = ['/usr/local/include', '/usr/include'];

let clangResourceDirs: string[] | undefined;

/** The include directories of the clang installations found (`/usr/lib/llvm-N/lib/clang/V/include`). */
function resourceDirs(): string[] {
  if (clangResourceDirs) return clangResourceDirs;
  const dirs: string[] = [];
  const list = (dir: string): string[] => {
    try {
      return fs.readdirSync(dir);
    } catch {
      return [];
    }
  };
  for (const llvm of list('/usr/lib').filter((d) => /^llvm-\d+$/.test(d))) {
    for (const version of list(`/usr/lib/${llvm}/lib/clang`)) dirs.push(`/usr/lib/${llvm}/lib/clang/${version}/include`);
  }
  clangResourceDirs = dirs;
  return dirs;
}

/** True when clang would find the include in its default directories, though the given paths do not have it. */
function clangFinds(spelled: string): boolean {
  if (path.isAbsolute(spelled)) return false;
  if (CLANG_OWN_HEADERS.has(spelled)) return true;
  return [...CLANG_SYSTEM_DIRS, ...resourceDirs()].some((dir) => fs.existsSync(path.join(dir, spelled)));
}

function isActive(fs: FileState): boolean {
  const top = fs.cond[fs.cond.length - 1];
  return !top || (top.active && top.parentActive);
}

function isHeader(file: string): boolean {
  return /\.(h|hh|hpp|hxx)$/i.test(file);
}

/** The end (the newline, or the text's end) of the directive line starting at `hash`, across `\`-newlines and comments. */
export function directiveEnd(text: string, hash: number): number {
  let i = hash + 1;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 10) return i;
    if (c === 92 && text.charCodeAt(i + 1) === 10) i += 2;
    else if (c === 92 && text.charCodeAt(i + 1) === 13 && text.charCodeAt(i + 2) === 10) i += 3;
    else if (c === 47 && text.charCodeAt(i + 1) === 42) {
      const close = text.indexOf('*/', i + 2);
      i = close < 0 ? text.length : close + 2;
    } else if (c === 47 && text.charCodeAt(i + 1) === 47) {
      while (i < text.length && !(text.charCodeAt(i) === 10 && text.charCodeAt(i - 1) !== 92)) i++;
    } else if (c === 34 || c === 39) {
      let j = i + 1;
      while (j < text.length && text.charCodeAt(j) !== c && text.charCodeAt(j) !== 10) j += text.charCodeAt(j) === 92 ? 2 : 1;
      i = text.charCodeAt(j) === c ? j + 1 : j;
    } else i++;
  }
  return text.length;
}

/**
 * The offset of the next `#` that starts a directive line at or after `pos`, or -1. Code is
 * scanned only for comments (a `#` in a comment is not a directive) and same-line quotes.
 */
export function nextDirectiveLine(text: string, pos: number): number {
  let i = pos;
  let lineStart = i === 0 || text.charCodeAt(i - 1) === 10;
  // Where the next line break, slash and quotes are (-1: none left), found natively and reused:
  // code between them is skipped a line at a time, not a character at a time.
  let newline = -2;
  let slash = -2;
  let quote = -2;
  let apostrophe = -2;
  while (i < text.length) {
    if (lineStart) {
      while (i < text.length && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9)) i++;
      if (text.charCodeAt(i) === 35) return i;
      lineStart = false;
    }
    const c = text.charCodeAt(i);
    if (c === 10) {
      lineStart = true;
      i++;
    } else if (c === 47 && text.charCodeAt(i + 1) === 42) {
      const close = text.indexOf('*/', i + 2);
      if (close < 0) return -1;
      i = close + 2;
    } else if (c === 47 && text.charCodeAt(i + 1) === 47) {
      const nl = text.indexOf('\n', i);
      if (nl < 0) return -1;
      i = nl;
    } else if (c === 34 || c === 39) {
      let j = i + 1;
      while (j < text.length && text.charCodeAt(j) !== c && text.charCodeAt(j) !== 10) j += text.charCodeAt(j) === 92 ? 2 : 1;
      i = text.charCodeAt(j) === c ? j + 1 : i + 1;
    } else {
      i++;
      if (newline !== -1 && newline < i) newline = text.indexOf('\n', i);
      if (slash !== -1 && slash < i) slash = text.indexOf('/', i);
      if (quote !== -1 && quote < i) quote = text.indexOf('"', i);
      if (apostrophe !== -1 && apostrophe < i) apostrophe = text.indexOf("'", i);
      let next = newline < 0 ? text.length : newline;
      if (slash >= 0 && slash < next) next = slash;
      if (quote >= 0 && quote < next) next = quote;
      if (apostrophe >= 0 && apostrophe < next) next = apostrophe;
      i = next;
    }
  }
  return -1;
}

/** kconfig.h's tests, true for assumed-enabled options when kconfig.h itself is not read. */
const CONFIG_TESTS = new Set(['IS_ENABLED', 'IS_BUILTIN', 'IS_REACHABLE']);

/** `#if` expressions over bigint (C11 6.10.1); identifiers left after expansion are 0 and reported. */
class ConditionEvaluator {
  private i = 0;
  constructor(
    private readonly tokens: readonly Token[],
    private readonly unknown: Set<string>,
    private readonly configEnabled: boolean,
  ) {}

  evaluate(): bigint | undefined {
    try {
      const v = this.conditional();
      return this.i === this.tokens.length ? v : undefined;
    } catch {
      return undefined;
    }
  }

  private peek(): string | undefined {
    return this.tokens[this.i]?.text;
  }

  private take(expected?: string): Token {
    const t = this.tokens[this.i++];
    if (!t || (expected !== undefined && t.text !== expected)) throw new Error('syntax');
    return t;
  }

  private conditional(): bigint {
    const c = this.binary(0);
    if (this.peek() !== '?') return c;
    this.take('?');
    const a = this.conditional();
    this.take(':');
    const b = this.conditional();
    return c !== 0n ? a : b;
  }

  private static readonly LEVELS: readonly (readonly string[])[] = [
    ['||'], ['&&'], ['|'], ['^'], ['&'], ['==', '!='], ['<', '>', '<=', '>='], ['<<', '>>'], ['+', '-'], ['*', '/', '%'],
  ];

  private binary(level: number): bigint {
    if (level >= ConditionEvaluator.LEVELS.length) return this.unary();
    let left = this.binary(level + 1);
    for (;;) {
      const op = this.peek();
      if (!op || !ConditionEvaluator.LEVELS[level].includes(op)) return left;
      this.take();
      const right = this.binary(level + 1);
      left = apply(op, left, right);
    }
  }

  private unary(): bigint {
    const t = this.take();
    switch (t.text) {
      case '!':
        return this.unary() === 0n ? 1n : 0n;
      case '-':
        return -this.unary();
      case '+':
        return this.unary();
      case '~':
        return ~this.unary();
      case '(': {
        const v = this.conditional();
        this.take(')');
        return v;
      }
      default:
        break;
    }
    if (t.kind === 'number') {
      const v = parseNumber(t.text);
      if (v === undefined) throw new Error('number');
      return v;
    }
    if (t.kind === 'char') return BigInt(t.text.replace(/^[LuU8]*'/, '').charCodeAt(0) || 0);
    if (t.kind === 'ident') {
      const config = this.configEnabled && (t.text.startsWith('CONFIG_') || CONFIG_TESTS.has(t.text));
      if (t.text !== 'true' && t.text !== 'false' && !config) this.unknown.add(t.text);
      // `__has_attribute(x)` and friends: unknown function-like names evaluate to 0 with their arguments.
      if (this.peek() === '(') {
        let depth = 0;
        do {
          const x = this.take().text;
          if (x === '(') depth++;
          else if (x === ')') depth--;
        } while (depth > 0);
      }
      return t.text === 'true' || config ? 1n : 0n;
    }
    throw new Error('token');
  }
}

function apply(op: string, a: bigint, b: bigint): bigint {
  switch (op) {
    case '||': return a !== 0n || b !== 0n ? 1n : 0n;
    case '&&': return a !== 0n && b !== 0n ? 1n : 0n;
    case '|': return a | b;
    case '^': return a ^ b;
    case '&': return a & b;
    case '==': return a === b ? 1n : 0n;
    case '!=': return a !== b ? 1n : 0n;
    case '<': return a < b ? 1n : 0n;
    case '>': return a > b ? 1n : 0n;
    case '<=': return a <= b ? 1n : 0n;
    case '>=': return a >= b ? 1n : 0n;
    case '<<': return b < 0n || b > 128n ? 0n : a << b;
    case '>>': return b < 0n || b > 128n ? 0n : a >> b;
    case '+': return a + b;
    case '-': return a - b;
    case '*': return a * b;
    case '/': return b === 0n ? 0n : a / b;
    case '%': return b === 0n ? 0n : a % b;
    default: return 0n;
  }
}

const numbers = new Map<string, bigint | undefined>();

function parseNumber(text: string): bigint | undefined {
  if (numbers.has(text)) return numbers.get(text);
  const value = parseNumberUncached(text);
  if (numbers.size < 4096) numbers.set(text, value);
  return value;
}

function parseNumberUncached(text: string): bigint | undefined {
  const t = text.replace(/[uUlL]+$/, '').replace(/'/g, '');
  try {
    if (/^0[xX][0-9a-fA-F]+$/.test(t) || /^0[bB][01]+$/.test(t)) return BigInt(t);
    if (/^0[0-7]*$/.test(t)) return t === '0' ? 0n : BigInt('0o' + t.slice(1));
    if (/^[0-9]+$/.test(t)) return BigInt(t);
  } catch {
    return undefined;
  }
  return undefined;
}

/** Short stable numbers for file paths in span keys, the same in every extraction of this process. */
const fileNumbers = new Map<string, number>();
function fileNumber(file: string): number {
  let n = fileNumbers.get(file);
  if (n === undefined) {
    n = fileNumbers.size;
    fileNumbers.set(file, n);
  }
  return n;
}

/** Accumulates output text and the chunk table behind `OriginMap`. */
class OutputBuilder {
  private parts: string[] = [];
  private size = 0;
  private readonly outStarts: number[] = [];
  private readonly files: string[] = [];
  private readonly srcStarts: number[] = [];
  private readonly srcEnds: number[] = [];
  private readonly exact: boolean[] = [];
  private readonly macros: (string | undefined)[] = [];

  get length(): number {
    return this.size;
  }

  /** Appends `text`; `exact` when it is the source text [srcStart, srcEnd) itself, else it stands for that range. */
  add(text: string, file: string, srcStart: number, srcEnd: number, exact: boolean, macro?: string): void {
    if (text.length === 0) return;
    this.chunk(text.length, file, srcStart, srcEnd, exact, macro);
    this.parts.push(text);
  }

  private chunk(length: number, file: string, srcStart: number, srcEnd: number, exact: boolean, macro: string | undefined): void {
    const n = this.outStarts.length - 1;
    // One chunk for what maps alike: exact text that continues the last chunk's source, or more
    // text standing for the same source range (a macro call's expansion, token by token).
    if (
      n >= 0 && this.exact[n] === exact && this.macros[n] === macro && this.files[n] === file &&
      (exact ? this.srcEnds[n] === srcStart : this.srcStarts[n] === srcStart && this.srcEnds[n] === srcEnd)
    ) {
      this.srcEnds[n] = srcEnd;
    } else {
      this.outStarts.push(this.size);
      this.files.push(file);
      this.srcStarts.push(srcStart);
      this.srcEnds.push(srcEnd);
      this.exact.push(exact);
      this.macros.push(macro);
    }
    this.size += length;
  }

  text(): string {
    if (this.parts.length !== 1) this.parts = [this.parts.join('')];
    return this.parts[0] ?? '';
  }

  /**
   * Starts this (empty) builder as `other` was when its output reached `upTo`, a checkpoint's
   * output offset: the chunk ending there is exact (the source's line break before the checkpoint).
   */
  copyBefore(other: OutputBuilder, upTo: number): void {
    for (let k = 0; k < other.outStarts.length && other.outStarts[k] < upTo; k++) {
      const end = k + 1 < other.outStarts.length ? other.outStarts[k + 1] : other.size;
      const srcEnd = end > upTo && other.exact[k] ? other.srcStarts[k] + (upTo - other.outStarts[k]) : other.srcEnds[k];
      this.chunk(Math.min(end, upTo) - other.outStarts[k], other.files[k], other.srcStarts[k], srcEnd, other.exact[k], other.macros[k]);
    }
    if (upTo > 0) this.parts.push(other.text().slice(0, upTo));
  }

  /** Appends the output of `other` from `from` (a checkpoint's output offset) on, its `mainFile` offsets moved by `srcDelta`. */
  appendFrom(other: OutputBuilder, from: number, mainFile: string, srcDelta: number): void {
    if (from >= other.size) return;
    let k = other.outStarts.length - 1;
    while (k > 0 && other.outStarts[k] > from) k--;
    for (; k < other.outStarts.length; k++) {
      const start = Math.max(from, other.outStarts[k]);
      const end = k + 1 < other.outStarts.length ? other.outStarts[k + 1] : other.size;
      const file = other.files[k];
      const shift = file === mainFile ? srcDelta : 0;
      const srcStart = start > other.outStarts[k] && other.exact[k] ? other.srcStarts[k] + (start - other.outStarts[k]) : other.srcStarts[k];
      this.chunk(end - start, file, srcStart + shift, other.srcEnds[k] + shift, other.exact[k], other.macros[k]);
    }
    this.parts.push(other.text().slice(from));
  }

  originMap(lines: (file: string) => LineIndex, mainFile: string): OriginMap {
    const chunkAt = (offset: number): number => {
      let lo = 0;
      let hi = this.outStarts.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (this.outStarts[mid] <= offset) lo = mid;
        else hi = mid - 1;
      }
      return lo;
    };
    const srcOffset = (k: number, offset: number, atEnd: boolean): number => {
      if (this.exact[k]) return Math.min(this.srcStarts[k] + (offset - this.outStarts[k]), this.srcEnds[k]);
      return atEnd ? this.srcEnds[k] : this.srcStarts[k];
    };
    return {
      locate: (start, end) => {
        if (this.outStarts.length === 0) return { file: mainFile, range: lines(mainFile).rangeOf(0, 0) };
        const a = chunkAt(start);
        const b = end > start ? chunkAt(end - 1) : a;
        const file = this.files[a];
        const s = srcOffset(a, start, false);
        let e = this.files[b] === file ? srcOffset(b, end, true) : this.srcEnds[a];
        if (e < s) e = Math.max(s, this.srcEnds[a]);
        return { file, range: lines(file).rangeOf(s, e) };
      },
      macroAt: (offset) => (this.outStarts.length === 0 ? undefined : this.macros[chunkAt(offset)]),
      spanKey: (start, end) => {
        if (this.outStarts.length === 0) return { key: '', line: 0 };
        const last = end > start ? chunkAt(end - 1) : chunkAt(start);
        let key = '';
        let base: number | undefined;
        for (let k = chunkAt(start); k <= last; k++) {
          const outStart = Math.max(start, this.outStarts[k]);
          const main = this.files[k] === mainFile;
          const index = lines(this.files[k]);
          const at = (offset: number) => {
            const p = index.positionAt(offset);
            if (!main) return `${p.line}:${p.character}`;
            base ??= p.line;
            return `${p.line - base}:${p.character}`;
          };
          key += `${outStart - start},${fileNumber(this.files[k])},${this.macros[k] ?? ''},`;
          // Exact text is the output text itself: where it starts and the output's line breaks
          // give every position inside. Other text stands for its whole source range.
          key += this.exact[k] ? `${at(srcOffset(k, outStart, false))};` : `${at(this.srcStarts[k])}-${at(this.srcEnds[k])};`;
        }
        return { key, line: base ?? 0 };
      },
    };
  }
}


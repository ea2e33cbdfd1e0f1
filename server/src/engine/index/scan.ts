// Discovery for the workspace index: walks folders honouring .gitignore (a simple, documented
// subset) and exclude globs, picks C sources/headers and Kbuild files, and reads candidates with a
// cheap literal prefilter before anything is parsed, telling struct_ops files from other BPF
// programs (the index's two phases). Every skipped file has a logged reason.

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Logger } from '../common/logger';
import { isKbuildFile } from '../c/kbuild';

/** Larger C files are generated tables (e.g. amdgpu's register headers), never struct_ops code. */
export const DEFAULT_MAX_FILE_SIZE = 2 * 1024 * 1024;

/** Most sources fit the first read; only files that fill it are stat'ed for their size. */
const FIRST_READ = 64 * 1024;

/**
 * Literals one of which every file with struct_ops facts contains: `SEC("` (every libbpf program
 * and map section, including what user macros such as SCX_OPS_DEFINE write: such files carry a
 * `SEC("license")`), `BPF_STRUCT_OPS` (the program macros, the legacy type list) and
 * `bpf_struct_ops` (kernel descriptors and registration). Mere mentions such as
 * BPF_PROG_TYPE_STRUCT_OPS do not qualify: they would pull in the verifier and the JITs.
 * Headers a picked file includes are indexed later without this filter.
 * NOTE: Buffer#indexOf runs Boyer-Moore-Horspool for needles of 8 bytes and more, which on kernel
 * sources costs more than reading the files; for shorter needles it runs memchr on the first byte
 * and compares the rest natively. So each literal is found from a short prefix whose first byte is
 * rare in C (`b` and `B`: 0.5% of kernel bytes) and checked whole at each hit, and `SEC("` from its
 * quote (0.17%), in JS (measured on a kernel tree by test/bench/index.mjs).
 */
const STRUCT_OPS_LITERALS = ['bpf_struct_ops', 'BPF_STRUCT_OPS'];
export const PREFILTER_LITERALS: Readonly<Record<CandidateKind, readonly string[]>> = { c: [...STRUCT_OPS_LITERALS, 'SEC("'], kbuild: ['obj-'] };
const C_LITERALS = STRUCT_OPS_LITERALS.map((s) => ({ prefix: Buffer.from(s.slice(0, 6)), whole: Buffer.from(s) }));
const KBUILD_LITERALS = PREFILTER_LITERALS.kbuild.map((s) => Buffer.from(s));
const QUOTE = 0x22;

/** True when the literal occurs in the bytes. */
function containsLiteral(bytes: Buffer, literal: { readonly prefix: Buffer; readonly whole: Buffer }): boolean {
  const { prefix, whole } = literal;
  const last = bytes.length - whole.length;
  for (let i = bytes.indexOf(prefix); i >= 0 && i <= last; i = bytes.indexOf(prefix, i + 1)) {
    if (bytes.compare(whole, prefix.length, whole.length, i + prefix.length, i + whole.length) === 0) return true;
  }
  return false;
}

/** True when `SEC("` occurs in the bytes. */
function containsSecQuote(bytes: Buffer): boolean {
  for (let i = bytes.indexOf(QUOTE, 4); i >= 0; i = bytes.indexOf(QUOTE, i + 1)) {
    if (bytes[i - 1] === 0x28 && bytes[i - 2] === 0x43 && bytes[i - 3] === 0x45 && bytes[i - 4] === 0x53) return true;
  }
  return false;
}

export type CandidateKind = 'c' | 'kbuild';

export function candidateKind(file: string): CandidateKind | undefined {
  const n = file.length;
  if (n > 2 && file.charCodeAt(n - 2) === 46 && (file.charCodeAt(n - 1) === 99 || file.charCodeAt(n - 1) === 104)) return 'c';
  return isKbuildFile(file) ? 'kbuild' : undefined;
}

/** True when the bytes contain one of the kind's literals. */
export function passesPrefilter(kind: CandidateKind, bytes: Buffer): boolean {
  if (kind === 'kbuild') return KBUILD_LITERALS.some((lit) => bytes.includes(lit));
  return C_LITERALS.some((lit) => containsLiteral(bytes, lit)) || containsSecQuote(bytes);
}

/**
 * The second, exact stage for C text that passed the literals: a libbpf section written as code
 * (SEC on its own line, or a license/.maps/.struct_ops section), a struct_ops program macro, a
 * descriptor definition, a registration, a legacy type entry. Mentions in comments, strings and
 * other macros (libbpf.c's docs, BTF_STR_SEC("") tables, the verifier) stop here, before parsing.
 */
const STRUCT_OPS_CODE = [
  /\bBPF_STRUCT_OPS(?:_SLEEPABLE|_TYPE)?\s*\(/,
  /\bstruct\s+bpf_struct_ops\s+\w+\s*=/,
  /\bregister_bpf_struct_ops\s*\(/,
];
const LIBBPF_SECTIONS = [/^[ \t]*SEC\(\s*"/m, /\bSEC\(\s*"(?:license|\.maps|\??\.struct_ops[^"]*)"\s*\)/];
/** A struct_ops program or map section, among texts that have a libbpf section. */
const STRUCT_OPS_SECTION = /\bSEC\(\s*"\??\.?struct_ops/;

/**
 * What the second stage makes of C text: `structOps` for struct_ops code or sections written in
 * it, `bpf` for other libbpf sections (a BPF program whose struct_ops, if any, come from macros
 * of its headers), undefined for neither.
 */
export type Relevance = 'structOps' | 'bpf';

export function relevance(text: string): Relevance | undefined {
  if (STRUCT_OPS_CODE.some((re) => re.test(text))) return 'structOps';
  if (!LIBBPF_SECTIONS.some((re) => re.test(text))) return undefined;
  return STRUCT_OPS_SECTION.test(text) ? 'structOps' : 'bpf';
}

/**
 * How a read filters: `off` keeps every readable file (dependencies, files named directly),
 * `relevant` keeps the files that pass both stages, `structOps` keeps those of `structOps`
 * relevance and reports the `bpf` ones as `deferred` (the first phase of a folder index).
 * `expanded` reads as `relevant` does; extraction then parses only the files whose macro
 * expansion names struct_ops (the second phase: ExtractOptions.structOpsOnly).
 */
export type Prefilter = 'off' | 'relevant' | 'structOps' | 'expanded';

export type ReadResult =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'filtered' }
  /** Read and relevant, but only as a BPF program without struct_ops code of its own (prefilter `structOps`). */
  | { readonly kind: 'deferred' }
  | { readonly kind: 'skipped'; readonly reason: string };

const utf8 = new TextDecoder('utf-8', { fatal: true });

// One read buffer per thread: reading into it avoids an allocation and an fstat per file, which
// dominates when tens of thousands of files are checked.
let readBuffer: Buffer | undefined;

/**
 * Reads a candidate: too large, binary (NUL), invalid UTF-8, unreadable and vanished files are
 * skipped with a reason; files without any prefilter literal are `filtered` (not decoded).
 */
export function readCandidate(file: string, kind: CandidateKind, maxSize = DEFAULT_MAX_FILE_SIZE, prefilter: Prefilter = 'relevant'): ReadResult {
  if (!readBuffer || readBuffer.length < maxSize + 1) readBuffer = Buffer.allocUnsafe(maxSize + 1);
  const buffer = readBuffer;
  let length = 0;
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, 'r');
    length = fs.readSync(fd, buffer, 0, Math.min(FIRST_READ, buffer.length), 0);
    if (length === FIRST_READ) {
      const size = fs.fstatSync(fd).size;
      if (size > maxSize) return { kind: 'skipped', reason: `larger than ${maxSize} bytes (${size})` };
      for (let n = 1; n > 0 && length < buffer.length; length += n) n = fs.readSync(fd, buffer, length, buffer.length - length, length);
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { kind: 'skipped', reason: code === 'ENOENT' ? 'vanished before it was read' : `unreadable (${code ?? String(error)})` };
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
  if (length > maxSize) return { kind: 'skipped', reason: `larger than ${maxSize} bytes` };
  const bytes = buffer.subarray(0, length);
  if (prefilter !== 'off' && !passesPrefilter(kind, bytes)) return { kind: 'filtered' };
  if (bytes.includes(0)) return { kind: 'skipped', reason: 'binary (contains NUL bytes)' };
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return { kind: 'skipped', reason: 'not valid UTF-8' };
  }
  if (prefilter !== 'off' && kind === 'c') {
    const found = relevance(text);
    if (!found) return { kind: 'filtered' };
    if (found === 'bpf' && prefilter === 'structOps') return { kind: 'deferred' };
  }
  return { kind: 'text', text };
}

/**
 * Consecutive .gitignore rules with the same polarity and directory-only flag, joined into one
 * regex (the last matching group wins, as the last matching rule does in git).
 */
interface IgnoreGroup {
  readonly regex: RegExp;
  readonly negated: boolean;
  readonly dirOnly: boolean;
}

/**
 * Compiles .gitignore text. Supported: comments, `!` negation, trailing `/` (directories only),
 * anchoring by a leading or inner `/`, `*`, `?`, `**`, `[...]`. Not supported: escaped trailing
 * spaces and the rule that a file cannot be re-included when its parent directory is excluded
 * (we never descend into excluded directories, which gives the same result for directories).
 */
export function parseGitignore(text: string): IgnoreGroup[] {
  const groups: { sources: string[]; negated: boolean; dirOnly: boolean }[] = [];
  for (const raw of text.split(/\r?\n/)) {
    let line = raw.replace(/\s+$/, '');
    if (!line || line.startsWith('#')) continue;
    const negated = line.startsWith('!');
    if (negated) line = line.slice(1);
    if (line.startsWith('\\')) line = line.slice(1);
    const dirOnly = line.endsWith('/');
    if (dirOnly) line = line.slice(0, -1);
    const anchored = line.includes('/');
    if (line.startsWith('/')) line = line.slice(1);
    if (!line) continue;
    const body = globToRegex(line);
    const source = anchored ? `^${body}$` : `(?:^|/)${body}$`;
    const last = groups[groups.length - 1];
    if (last && last.negated === negated && last.dirOnly === dirOnly) last.sources.push(source);
    else groups.push({ sources: [source], negated, dirOnly });
  }
  return groups.map((g) => ({ regex: new RegExp(g.sources.map((x) => `(?:${x})`).join('|')), negated: g.negated, dirOnly: g.dirOnly }));
}

/** A glob as a regex body: `**` spans directories, `*` and `?` do not. */
export function globToRegex(glob: string): string {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') {
      if (glob[i + 1] === '*') {
        i++;
        if (glob[i + 1] === '/') {
          i++;
          out += '(?:.*/)?';
        } else out += '.*';
      } else out += '[^/]*';
    } else if (c === '?') out += '[^/]';
    else if (c === '[') {
      const close = glob.indexOf(']', i + 1);
      if (close < 0) out += '\\[';
      else {
        out += '[' + glob.slice(i + 1, close).replace(/^!/, '^').replace(/\\/g, '\\\\') + ']';
        i = close;
      }
    } else out += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return out;
}

interface IgnoreScope {
  readonly dir: string;
  readonly rules: readonly IgnoreGroup[];
}

/** Deeper .gitignore files win over shallower ones; within one, the last matching group wins. */
function ignored(scopes: readonly IgnoreScope[], abs: string, isDir: boolean): boolean {
  for (let s = scopes.length - 1; s >= 0; s--) {
    const scope = scopes[s];
    const rel = abs.slice(scope.dir.length + 1).split(path.sep).join('/');
    for (let r = scope.rules.length - 1; r >= 0; r--) {
      const rule = scope.rules[r];
      if (rule.dirOnly && !isDir) continue;
      if (rule.regex.test(rel)) return !rule.negated;
    }
  }
  return false;
}

export interface ScanOptions {
  /** Globs relative to each root (VS Code `files.exclude` style), e.g. `**\/build/**`. */
  readonly exclude?: readonly string[];
  readonly logger?: Logger;
  readonly isCancelled?: () => boolean;
  /**
   * Called for each candidate as it is found, so reading can start while the walk goes on. The
   * candidates are then handed over only here: `files` stays empty (a kernel tree has ~60k).
   */
  readonly onFile?: (file: string, kind: CandidateKind) => void;
  /** Longest the walk runs between turns of the event loop (default WALK_SLICE_MS). */
  readonly sliceMs?: number;
}

export interface ScanResult {
  /** The candidates in walk order; empty when `onFile` received them. */
  readonly files: readonly { readonly file: string; readonly kind: CandidateKind }[];
  /** How many candidates were found. */
  readonly count: number;
  readonly cancelled: boolean;
}

/**
 * .gitignore files count only inside a git work tree, as with git and ripgrep: an unpacked source
 * tarball (Debian's linux-source ships a .gitignore of `/*`) is indexed whole.
 */
function insideGitWorkTree(dir: string): boolean {
  for (let d = dir; ; d = path.dirname(d)) {
    if (fs.existsSync(path.join(d, '.git'))) return true;
    if (path.dirname(d) === d) return false;
  }
}

/** Longest the walk runs before it lets other work on its thread go first (see scanFolders). */
const WALK_SLICE_MS = 10;

/** A directory being listed: its path with a trailing separator, its entries (sorted), the next one to look at. */
interface WalkFrame {
  readonly prefix: string;
  readonly entries: readonly fs.Dirent[];
  readonly scopes: IgnoreScope[];
  next: number;
}

/**
 * Lists candidate files under the roots (sorted per directory, depth first), each once; unreadable
 * directories are logged and skipped. The walk yields to the event loop every WALK_SLICE_MS: a
 * kernel tree takes a few hundred milliseconds to list, and a language server must answer meanwhile.
 */
export async function scanFolders(roots: readonly string[], options: ScanOptions = {}): Promise<ScanResult> {
  const excludes = (options.exclude ?? []).map((g) => new RegExp(`^${globToRegex(g.replace(/^\.\//, ''))}$`));
  const files: { file: string; kind: CandidateKind }[] = [];
  // Symlinks are not followed, so only overlapping roots can list a file twice.
  const seen = roots.length > 1 ? new Set<string>() : undefined;
  let count = 0;
  const found = (file: string, kind: CandidateKind): void => {
    if (seen) {
      if (seen.has(file)) return;
      seen.add(file);
    }
    count++;
    if (options.onFile) options.onFile(file, kind);
    else files.push({ file, kind });
  };

  /** The frame listing `dir`, or undefined when it cannot be read. */
  const open = (dir: string, scopes: IgnoreScope[], useGitignore: boolean): WalkFrame | undefined => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch (error) {
      options.logger?.debug(`index: skipped directory ${dir}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
      return undefined;
    }
    let here = scopes;
    if (useGitignore && entries.some((e) => e.name === '.gitignore' && e.isFile())) {
      try {
        here = [...scopes, { dir, rules: parseGitignore(fs.readFileSync(path.join(dir, '.gitignore'), 'utf8')) }];
      } catch {
        options.logger?.debug(`index: unreadable ${path.join(dir, '.gitignore')}`);
      }
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return { prefix: dir.endsWith(path.sep) ? dir : dir + path.sep, entries, scopes: here, next: 0 };
  };

  const walk = async (root: string, useGitignore: boolean): Promise<boolean> => {
    const first = open(root, [], useGitignore);
    const stack = first ? [first] : [];
    const sliceMs = options.sliceMs ?? WALK_SLICE_MS;
    let sliceEnd = performance.now() + sliceMs;
    while (stack.length > 0) {
      if (performance.now() > sliceEnd) {
        await new Promise((resolve) => setImmediate(resolve));
        if (options.isCancelled?.()) return false;
        sliceEnd = performance.now() + sliceMs;
      }
      const frame = stack[stack.length - 1];
      if (frame.next >= frame.entries.length) {
        stack.pop();
        continue;
      }
      const entry = frame.entries[frame.next++];
      if (entry.name === '.git') continue;
      const isDir = entry.isDirectory();
      // Symlinks, sockets: not followed.
      const kind = !isDir && entry.isFile() ? candidateKind(entry.name) : undefined;
      if (!isDir && !kind) continue;
      const abs = frame.prefix + entry.name;
      if (excludes.length > 0) {
        const rel = abs.slice(root.length + 1).split(path.sep).join('/');
        if (excludes.some((re) => re.test(rel) || (isDir && re.test(rel + '/')))) continue;
      }
      if (frame.scopes.length > 0 && ignored(frame.scopes, abs, isDir)) continue;
      if (kind) found(abs, kind);
      else {
        const child = open(abs, frame.scopes, useGitignore);
        if (child) stack.push(child);
      }
    }
    return true;
  };

  let cancelled = false;
  for (const root of roots) {
    const abs = path.resolve(root);
    let isFile = false;
    try {
      isFile = fs.statSync(abs).isFile();
    } catch {
      options.logger?.debug(`index: ${abs} does not exist; skipped`);
      continue;
    }
    if (isFile) {
      // A file named directly is a candidate whatever .gitignore says.
      const kind = candidateKind(path.basename(abs));
      if (kind) found(abs, kind);
      continue;
    }
    if (!(await walk(abs, insideGitWorkTree(abs)))) {
      cancelled = true;
      break;
    }
  }
  return { files, count, cancelled };
}

// Finds the include paths and defines a file is built with, as clangd would: the nearest
// compile_commands.json (entry for that file), compile_flags.txt or .clangd (CompileFlags.Add)
// walking up from the file. Cached per directory; unreadable or malformed files are skipped.

import * as path from 'node:path';
import type { Logger } from '../common/logger';

export interface CompileFlags {
  readonly includeDirs: readonly string[];
  readonly quoteDirs: readonly string[];
  readonly systemDirs: readonly string[];
  readonly defines: readonly (readonly [string, string])[];
  readonly undefines: readonly string[];
  /** The file the flags came from; undefined when none was found. */
  readonly source?: string;
}

export const noFlags: CompileFlags = { includeDirs: [], quoteDirs: [], systemDirs: [], defines: [], undefines: [] };

/** Reads -I, -iquote, -isystem, -idirafter, -D and -U from an argument list; relative dirs resolve against `cwd`. */
export function parseFlags(args: readonly string[], cwd: string, source?: string): CompileFlags {
  const includeDirs: string[] = [];
  const quoteDirs: string[] = [];
  const systemDirs: string[] = [];
  const defines: [string, string][] = [];
  const undefines: string[] = [];
  const withValue = (flag: string, i: number): [string | undefined, number] => {
    const a = args[i];
    if (a === flag) return [args[i + 1], i + 1];
    return [a.slice(flag.length), i];
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    let value: string | undefined;
    if (a.startsWith('-isystem')) {
      [value, i] = withValue('-isystem', i);
      if (value) systemDirs.push(path.resolve(cwd, value));
    } else if (a.startsWith('-idirafter')) {
      [value, i] = withValue('-idirafter', i);
      if (value) systemDirs.push(path.resolve(cwd, value));
    } else if (a.startsWith('-iquote')) {
      [value, i] = withValue('-iquote', i);
      if (value) quoteDirs.push(path.resolve(cwd, value));
    } else if (a.startsWith('-I')) {
      [value, i] = withValue('-I', i);
      if (value) includeDirs.push(path.resolve(cwd, value));
    } else if (a.startsWith('-D')) {
      [value, i] = withValue('-D', i);
      if (value) defines.push(splitDefine(value));
    } else if (a.startsWith('-U')) {
      [value, i] = withValue('-U', i);
      if (value) undefines.push(value);
    }
  }
  return { includeDirs, quoteDirs, systemDirs, defines, undefines, ...(source ? { source } : {}) };
}

/** `NAME=VALUE` → [NAME, VALUE]; a bare `NAME` is defined as 1, as with `cc -DNAME`. */
export function splitDefine(text: string): [string, string] {
  const eq = text.indexOf('=');
  return eq < 0 ? [text, '1'] : [text.slice(0, eq), text.slice(eq + 1)];
}

/** Splits a shell command line (compile_commands.json `command`), honouring quotes and backslashes. */
export function shellSplit(command: string): string[] {
  const out: string[] = [];
  let current = '';
  let inToken = false;
  let quote: string | undefined;
  for (let i = 0; i < command.length; i++) {
    const c = command[i];
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && i + 1 < command.length) current += command[++i];
      else current += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      inToken = true;
    } else if (c === '\\' && i + 1 < command.length) {
      current += command[++i];
      inToken = true;
    } else if (/\s/.test(c)) {
      if (inToken) out.push(current);
      current = '';
      inToken = false;
    } else {
      current += c;
      inToken = true;
    }
  }
  if (inToken) out.push(current);
  return out;
}

export interface FlagsFs {
  readFile(file: string): string | undefined;
}

/** Looks up flags for files; one instance per index, so directories are read once. */
export class CompileFlagsFinder {
  private readonly byDir = new Map<string, CompileFlags | null>();
  private readonly databases = new Map<string, Map<string, CompileFlags>>();

  constructor(
    private readonly fs: FlagsFs,
    private readonly logger?: Logger,
  ) {}

  /** The flags for `file`, or `noFlags` when no configuration file is found up to the root. */
  flagsFor(file: string): CompileFlags {
    const abs = path.resolve(file);
    const found = this.configFor(path.dirname(abs));
    if (!found) return noFlags;
    return found.source?.endsWith('compile_commands.json') ? (this.fromDatabase(found.source, abs) ?? noFlags) : found;
  }

  /** The configuration at or above `dir` (null: none up to the root). */
  private configFor(dir: string): CompileFlags | null {
    const cached = this.byDir.get(dir);
    if (cached !== undefined) return cached;
    let found: CompileFlags | null = this.flagsIn(dir) ?? null;
    if (!found) {
      const parent = path.dirname(dir);
      found = parent === dir ? null : this.configFor(parent);
    }
    this.byDir.set(dir, found);
    return found;
  }

  private flagsIn(dir: string): CompileFlags | undefined {
    for (const db of [path.join(dir, 'compile_commands.json'), path.join(dir, 'build', 'compile_commands.json')]) {
      const text = this.fs.readFile(db);
      if (text !== undefined) {
        this.loadDatabase(db, text);
        return { ...noFlags, source: db };
      }
    }
    const flagsTxt = path.join(dir, 'compile_flags.txt');
    const txt = this.fs.readFile(flagsTxt);
    if (txt !== undefined) {
      return parseFlags(txt.split(/\r?\n/).map((l) => l.trim()).filter(Boolean), dir, flagsTxt);
    }
    const clangd = path.join(dir, '.clangd');
    const yaml = this.fs.readFile(clangd);
    if (yaml !== undefined) return parseFlags(clangdAddFlags(yaml), dir, clangd);
    return undefined;
  }

  private loadDatabase(db: string, text: string): void {
    const entries = new Map<string, CompileFlags>();
    try {
      const parsed: unknown = JSON.parse(text);
      if (Array.isArray(parsed)) {
        for (const e of parsed as { directory?: string; file?: string; arguments?: string[]; command?: string }[]) {
          if (!e || typeof e.file !== 'string') continue;
          const cwd = typeof e.directory === 'string' ? e.directory : path.dirname(db);
          const args = Array.isArray(e.arguments) ? e.arguments.map(String) : typeof e.command === 'string' ? shellSplit(e.command) : [];
          entries.set(path.resolve(cwd, e.file), parseFlags(args, cwd, db));
        }
      }
    } catch (error) {
      this.logger?.warn(`${db}: not valid JSON, ignored (${error instanceof Error ? error.message : String(error)})`);
    }
    this.databases.set(db, entries);
  }

  /** The entry for `file`; a file not in the database (a header) gets a sibling's flags, as clangd guesses. */
  private fromDatabase(db: string, file: string): CompileFlags | undefined {
    const entries = this.databases.get(db);
    if (!entries) return undefined;
    const exact = entries.get(file);
    if (exact) return exact;
    const dir = path.dirname(file);
    for (const [name, flags] of entries) if (path.dirname(name) === dir) return flags;
    return entries.values().next().value;
  }
}

/** The `Add:` list under `CompileFlags:` in a .clangd file (flow `[a, b]` or block `- a` style). */
function clangdAddFlags(yaml: string): string[] {
  const out: string[] = [];
  const lines = yaml.split(/\r?\n/);
  let inCompileFlags = false;
  let inAdd = false;
  for (const raw of lines) {
    const line = raw.replace(/#.*$/, '');
    if (/^\S/.test(line)) {
      inCompileFlags = /^CompileFlags\s*:/.test(line);
      inAdd = false;
      continue;
    }
    if (!inCompileFlags) continue;
    const add = /^\s+Add\s*:\s*(.*)$/.exec(line);
    if (add) {
      inAdd = true;
      const rest = add[1].trim();
      if (rest.startsWith('[')) {
        out.push(...rest.replace(/^\[|\]$/g, '').split(',').map(unquote).filter(Boolean));
        inAdd = false;
      } else if (rest) {
        out.push(unquote(rest));
        inAdd = false;
      }
      continue;
    }
    const item = /^\s+-\s*(.+)$/.exec(line);
    if (inAdd && item) out.push(unquote(item[1]));
    else if (/^\s+\w+\s*:/.test(line)) inAdd = false;
  }
  return out;
}

function unquote(s: string): string {
  return s.trim().replace(/^(['"])(.*)\1$/, '$2');
}

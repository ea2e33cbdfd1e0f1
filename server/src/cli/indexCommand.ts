// `struct-ops index PATH... [-I DIR] [-D NAME[=VALUE]] [--exclude GLOB] [--workers N] [--format text|json]`:
// indexes the paths and prints the struct_ops facts found: maps with their wired programs,
// programs, descriptors, registrations and legacy types. JSON output is versioned and deterministic.

import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { splitDefine } from '../engine/c/compileFlags';
import type { InitValue } from '../engine/c/facts';
import type { Location } from '../engine/common/location';
import type { Logger } from '../engine/common/logger';
import { ripgrepOnPath } from '../engine/index/ripgrep';
import { WorkspaceIndex, type Located } from '../engine/index/workspace';
import { lastValue, parseArgs, UsageError } from './args';
import { ExitStatus, type CliIo } from './io';

export const INDEX_JSON_VERSION = 1;

const usage = `usage: struct-ops index PATH... [-I DIR] [-D NAME[=VALUE]] [--exclude GLOB] [--workers N] [--format text|json] [--verbose]
`;

/** One line per fact, paths relative to the working directory, lines 1-based. */
export interface IndexReport {
  readonly version: typeof INDEX_JSON_VERSION;
  readonly maps: readonly {
    readonly name: string;
    readonly type: string;
    readonly section: string;
    readonly file: string;
    readonly line: number;
    readonly members: readonly { readonly name: string; readonly value: string; readonly program?: string }[];
  }[];
  readonly programs: readonly { readonly name: string; readonly section: string; readonly sleepable: boolean; readonly declaredWith: string; readonly file: string; readonly line: number }[];
  readonly descriptors: readonly { readonly name: string; readonly type?: string; readonly module?: string; readonly file: string; readonly line: number }[];
  readonly registrations: readonly {
    readonly descriptor: string;
    readonly type?: string;
    readonly module?: string;
    readonly function?: string;
    readonly resultUse: string;
    readonly file: string;
    readonly line: number;
  }[];
  readonly legacyTypes: readonly { readonly name: string; readonly file: string; readonly line: number }[];
  readonly skipped: readonly { readonly file: string; readonly reason: string }[];
}

/** Exit status: Clean, or UsageError for bad arguments; InternalError when the parser cannot load. */
export async function runIndexCommand(argv: string[], io: CliIo, env: { wasmDir: string }): Promise<number> {
  let args;
  try {
    args = parseArgs(splitShortFlags(argv), ['-I', '-D', '--exclude', '--workers', '--format'], ['--verbose', '-h', '--help']);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.err(`struct-ops index: ${error.message}\n${usage}`);
    return ExitStatus.UsageError;
  }
  if (args.flags.has('-h') || args.flags.has('--help')) {
    io.out(usage);
    return ExitStatus.Clean;
  }
  const format = lastValue(args, '--format') ?? 'text';
  // Unset: as many workers as `check` and the server use (the index's default); 0 indexes in this thread.
  const workersArg = lastValue(args, '--workers');
  const workers = workersArg === undefined ? undefined : Number(workersArg);
  if ((format !== 'text' && format !== 'json') || (workers !== undefined && (!Number.isInteger(workers) || workers < 0)) || args.positionals.length === 0) {
    io.err(usage);
    return ExitStatus.UsageError;
  }
  const roots = args.positionals.map((p) => path.resolve(io.cwd, p));
  const missing = roots.filter((r) => !existsSync(r));
  if (missing.length > 0) {
    io.err(`struct-ops index: no such path: ${missing.map((m) => path.relative(io.cwd, m) || '.').join(', ')}\n`);
    return ExitStatus.UsageError;
  }
  const verbose = args.flags.has('--verbose');
  const logger: Logger = {
    error: (m) => io.err(`error: ${m}\n`),
    warn: (m) => io.err(`warning: ${m}\n`),
    info: (m) => (verbose ? io.err(`${m}\n`) : undefined),
    debug: (m) => (verbose ? io.err(`${m}\n`) : undefined),
  };
  const workerScript = path.join(env.wasmDir, 'indexWorker.js');
  let index: WorkspaceIndex;
  try {
    const withWorkers = existsSync(workerScript) && workers !== 0;
    index = await WorkspaceIndex.create({
      wasm: { wasmDir: env.wasmDir },
      workers: withWorkers ? workers : 0,
      workerScript,
      // Only the workers parse: the report needs no parser in this thread.
      loadParser: withWorkers ? 'on-demand' : 'now',
      ripgrep: ripgrepOnPath(),
      logger,
      exclude: args.values.get('--exclude') ?? [],
      extract: {
        includeDirs: (args.values.get('-I') ?? []).map((d) => path.resolve(io.cwd, d)),
        defines: (args.values.get('-D') ?? []).map(splitDefine),
      },
    });
  } catch (error) {
    io.err(`struct-ops index: cannot load the C parser: ${error instanceof Error ? error.message : String(error)}\n`);
    return ExitStatus.InternalError;
  }
  // A file given directly is indexed as such; directories are walked.
  const summary = await index.indexFolders(roots);
  const report = buildReport(index, io.cwd, summary.skipped);
  io.out(format === 'json' ? JSON.stringify(report, null, 2) + '\n' : formatText(report));
  return ExitStatus.Clean;
}

/** `-IDIR` / `-DNAME=V` (cc style) become `-I DIR` / `-D NAME=V`. */
function splitShortFlags(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (const a of argv) {
    if (/^-[ID]./.test(a) && !a.startsWith('-I=') && !a.startsWith('-D=')) out.push(a.slice(0, 2), a.slice(2));
    else out.push(a);
  }
  return out;
}

export function buildReport(index: WorkspaceIndex, cwd: string, skipped: readonly { file: string; reason: string }[]): IndexReport {
  const rel = (file: string): string => path.relative(cwd, file).split(path.sep).join('/') || '.';
  const line = (l: Location): number => l.range.start.line + 1;
  const where = (l: Location) => ({ file: rel(l.file), line: line(l) });
  const byPlace = <T extends { file: string; line: number; name?: string; descriptor?: string }>(a: T, b: T): number =>
    cmp(a.file, b.file) || a.line - b.line || cmp(a.name ?? a.descriptor ?? '', b.name ?? b.descriptor ?? '');
  // Facts of an included .bpf.c appear in the includer's facts too: report each place once.
  const unique = <T>(items: Located<T>[], key: (x: Located<T>) => string): Located<T>[] => {
    const seen = new Set<string>();
    return items.filter((x) => {
      const k = key(x);
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
  };

  const programs = unique(index.programs(), (p) => `${p.item.name}@${p.item.nameLocation.file}:${line(p.item.nameLocation)}`);
  const maps = unique(index.maps(), (m) => `${m.item.name}@${m.item.nameLocation.file}:${line(m.item.nameLocation)}`).map((m) => {
    const objectPrograms = new Set(index.facts(m.file)?.programs.map((p) => p.name));
    return {
      name: m.item.name,
      type: m.item.typeName,
      section: m.item.section,
      ...where(m.item.nameLocation),
      members: m.item.members.map((x) => ({
        name: x.name,
        value: valueText(x.value),
        ...(x.value.kind === 'function' && objectPrograms.has(x.value.name) ? { program: x.value.name } : {}),
      })),
    };
  });
  return {
    version: INDEX_JSON_VERSION,
    maps: maps.sort(byPlace),
    programs: programs
      .map((p) => ({
        name: p.item.name,
        section: p.item.section,
        sleepable: /^\??[a-z_.]+\.s\//.test(p.item.section),
        declaredWith: p.item.declaredWith,
        ...where(p.item.nameLocation),
      }))
      .sort(byPlace),
    descriptors: index
      .descriptors()
      .map((d) => ({
        name: d.item.varName,
        ...(d.typeName ? { type: d.typeName } : {}),
        ...(d.module ? { module: d.module } : {}),
        ...where(d.item.nameLocation),
      }))
      .sort(byPlace),
    registrations: index
      .registrations()
      .map((r) => {
        const module = index.moduleOf(r.file);
        return {
          descriptor: r.item.descriptorName,
          ...(r.item.typeName ? { type: r.item.typeName } : {}),
          ...(module ? { module } : {}),
          ...(r.item.enclosingFunction ? { function: r.item.enclosingFunction } : {}),
          resultUse: r.item.resultUse,
          ...where(r.item.location),
        };
      })
      .sort(byPlace),
    legacyTypes: unique(index.legacyTypes(), (t) => `${t.item.name}@${t.item.location.file}:${line(t.item.location)}`)
      .map((t) => ({ name: t.item.name, ...where(t.item.location) }))
      .sort(byPlace),
    skipped: skipped.map((s) => ({ file: rel(s.file), reason: s.reason })).sort((a, b) => cmp(a.file, b.file)),
  };
}

function valueText(v: InitValue): string {
  switch (v.kind) {
    case 'function':
      return v.name;
    case 'addressOf':
      return `&${v.name}`;
    case 'null':
      return 'NULL';
    case 'integer':
      return v.pointerCast ? `(void *)${v.value}` : String(v.value);
    case 'string':
      return JSON.stringify(v.value);
    case 'list':
      return '{...}';
    case 'expression':
      return v.text;
  }
}

function formatText(r: IndexReport): string {
  const out: string[] = [];
  out.push(`maps (${r.maps.length}):`);
  for (const m of r.maps) {
    out.push(`  ${m.file}:${m.line}: ${m.name}: struct ${m.type} in ${m.section}`);
    for (const x of m.members) out.push(`    .${x.name} = ${x.value}${x.program ? '  -> program' : ''}`);
  }
  out.push(`programs (${r.programs.length}):`);
  for (const p of r.programs) out.push(`  ${p.file}:${p.line}: ${p.name}: ${p.section || '(no section)'}${p.sleepable ? ' (sleepable)' : ''}`);
  out.push(`descriptors (${r.descriptors.length}):`);
  for (const d of r.descriptors) out.push(`  ${d.file}:${d.line}: ${d.name}: type ${d.type ?? '?'}${d.module ? `, module ${d.module}` : ''}`);
  out.push(`registrations (${r.registrations.length}):`);
  for (const g of r.registrations) {
    out.push(`  ${g.file}:${g.line}: ${g.descriptor}: type ${g.type ?? '?'}${g.module ? `, module ${g.module}` : ''}${g.function ? ` in ${g.function}()` : ''}, result ${g.resultUse}`);
  }
  out.push(`legacy types (${r.legacyTypes.length}):`);
  for (const t of r.legacyTypes) out.push(`  ${t.file}:${t.line}: ${t.name}`);
  if (r.skipped.length > 0) {
    out.push(`skipped (${r.skipped.length}):`);
    for (const s of r.skipped) out.push(`  ${s.file}: ${s.reason}`);
  }
  return out.join('\n') + '\n';
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

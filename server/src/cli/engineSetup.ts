// What `check` and `simulate` share: the profile flags (--btf, --kernel, --libbpf), -I/-D,
// creating the engine, and reading the files and folders given on the command line.

import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { errnoName, StructOpsEngine, type CParserOptions, type KernelProfile, type Logger, type SimulationOutcome } from '../engine';
import { lastValue, parseArgs, type ParsedArgs } from './args';
import { ExitStatus, type CliIo } from './io';

export interface CliEnvironment {
  readonly wasm: CParserOptions;
  readonly profilesDir: string;
  /** The bundled index worker, for folders; absent: index in this thread. */
  readonly workerScript?: string;
}

/** Flags every engine-backed subcommand takes. */
export const engineValueFlags = ['--btf', '--kernel', '--libbpf', '-I', '-D'];

export function stderrLogger(io: CliIo, verbose: boolean): Logger {
  return {
    error: (m) => io.err(`error: ${m}\n`),
    warn: (m) => io.err(`warning: ${m}\n`),
    info: (m) => (verbose ? io.err(`${m}\n`) : undefined),
    debug: () => undefined,
  };
}

function defines(args: ParsedArgs): [string, string][] {
  return (args.values.get('-D') ?? []).map((d) => {
    const eq = d.indexOf('=');
    return eq < 0 ? [d, '1'] : [d.slice(0, eq), d.slice(eq + 1)];
  });
}

/** The engine with its kernel profile loaded, or the message that says why not. */
export async function engineFromArgs(args: ParsedArgs, io: CliIo, env: CliEnvironment, logger: Logger): Promise<{ engine: StructOpsEngine; profile: KernelProfile } | string> {
  const engine = await StructOpsEngine.create({
    wasm: env.wasm,
    profilesDir: env.profilesDir,
    logger,
    includeDirs: (args.values.get('-I') ?? []).map((d) => path.resolve(io.cwd, d)),
    defines: defines(args),
    workers: env.workerScript ? 2 : 0,
    workerScript: env.workerScript,
  });
  const profile = await engine.configureProfile({
    btf: (args.values.get('--btf') ?? []).map((b) => path.resolve(io.cwd, b)),
    kernelVersion: lastValue(args, '--kernel'),
    libbpfVersion: lastValue(args, '--libbpf'),
  });
  if (!('objects' in profile)) return profile.message;
  return { engine, profile };
}

/**
 * Indexes the given files and folders (folders: scan, prefilter, parse candidates); returns the
 * files with facts, or the message naming a path that does not exist.
 */
export async function loadPaths(engine: StructOpsEngine, paths: readonly string[], io: CliIo, logger: Logger): Promise<string[] | string> {
  const folders: string[] = [];
  const files: string[] = [];
  for (const p of paths) {
    const full = path.resolve(io.cwd, p);
    const stat = await fs.stat(full).catch(() => undefined);
    if (!stat) return `no such file or folder: ${p}`;
    if (stat.isDirectory()) folders.push(full);
    else files.push(full);
  }
  if (folders.length > 0) {
    const summary = await engine.indexFolders(folders);
    for (const skipped of summary.skipped) logger.info(`skipping ${skipped.file}: ${skipped.reason}`);
  }
  for (const file of files) {
    try {
      engine.updateFile(file, await fs.readFile(file, 'utf8'));
    } catch (error) {
      logger.warn(`skipping ${file}: ${(error as Error).message}`);
    }
  }
  const inFolders = (f: string) => folders.some((d) => f === d || f.startsWith(d + path.sep));
  return engine.allFacts().map((f) => f.file).filter((f) => files.includes(f) || inFolders(f));
}

export interface EngineCommand {
  readonly engine: StructOpsEngine;
  readonly profile: KernelProfile;
  readonly files: string[];
  readonly format: 'text' | 'json';
  readonly args: ParsedArgs;
}

/** What one subcommand adds to the shared start: its own value flags, and paths its flags name. */
export interface CommandExtras {
  readonly valueFlags?: readonly string[];
  /** Paths to index besides the positionals (e.g. `simulate --module DIR`). */
  readonly paths?: (args: ParsedArgs) => readonly string[];
}

/**
 * The shared start of `check` and `simulate`: parse argv, load the profile, index the paths.
 * Prints the usage problem itself and returns the exit status when something is wrong.
 */
export async function startEngineCommand(
  name: string,
  usage: string,
  argv: readonly string[],
  io: CliIo,
  env: CliEnvironment,
  defaultPaths: readonly string[],
  extras: CommandExtras = {},
): Promise<EngineCommand | ExitStatus> {
  const fail = (message: string, withUsage = false) => {
    io.err(`struct-ops ${name}: ${message}\n${withUsage ? `${usage}\n` : ''}`);
    return ExitStatus.UsageError;
  };
  let args;
  try {
    args = parseArgs(argv, [...engineValueFlags, '--format', ...(extras.valueFlags ?? [])], ['--verbose']);
  } catch (error) {
    return fail((error as Error).message, true);
  }
  const format = lastValue(args, '--format') ?? 'text';
  if (format !== 'text' && format !== 'json') return fail(`unknown format '${format}' (text or json)`);
  const extraPaths = extras.paths?.(args) ?? [];
  const paths = args.positionals.length > 0 || extraPaths.length > 0 ? [...args.positionals, ...extraPaths] : defaultPaths;
  if (paths.length === 0) return fail('no BPF source given', true);
  const logger = stderrLogger(io, args.flags.has('--verbose'));
  const setup = await engineFromArgs(args, io, env, logger);
  if (typeof setup === 'string') return fail(setup);
  const files = await loadPaths(setup.engine, paths, io, logger);
  if (typeof files === 'string') return fail(files);
  return { ...setup, files, format, args };
}

/** An object's first failure as the versioned JSON of `check` and `simulate` spell it. */
export function outcomeJson(outcome: SimulationOutcome) {
  return {
    ok: outcome.ok,
    phase: outcome.phase ?? null,
    errno: outcome.errno ?? null,
    errno_name: outcome.errno !== undefined ? errnoName(outcome.errno) : null,
    check: outcome.check ?? null,
    message: outcome.message ?? null,
  };
}

// What `check` and `simulate` share: the project config, the profile flags (--profile, --btf,
// --kernel, --libbpf), -I/-D, creating the engine, and reading the files and folders given.

import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import {
  errnoName,
  findProjectConfig,
  formatConfigProblem,
  ignoreMatcher,
  packageJsonConfigKey,
  readProjectConfig,
  ripgrepOnPath,
  splitDefine,
  StructOpsEngine,
  type ConfigProblem,
  type CParserOptions,
  type KernelProfile,
  type Logger,
  type ProjectConfig,
  type SimulationOutcome,
} from '../engine';
import { lastValue, parseArgs, type ParsedArgs } from './args';
import { ExitStatus, type CliIo } from './io';
import { commandLineProfileName, resolveProfiles, type ProfileRequest } from './profiles';

export interface CliEnvironment {
  readonly wasm: CParserOptions;
  readonly profilesDir: string;
  /** Where struct-ops-semantics.md is; absent: docs/ beside resources/ (the package root). */
  readonly docsDir?: string;
  /** The bundled index worker, for folders; absent: index in this thread. */
  readonly workerScript?: string;
}

/** Flags every engine-backed subcommand takes. */
export const engineValueFlags = ['--btf', '--kernel', '--libbpf', '--profile', '--config', '-I', '-D'];

export function stderrLogger(io: CliIo, verbose: boolean): Logger {
  return {
    error: (m) => io.err(`error: ${m}\n`),
    warn: (m) => io.err(`warning: ${m}\n`),
    info: (m) => (verbose ? io.err(`${m}\n`) : undefined),
    debug: () => undefined,
  };
}

/**
 * The project config for a command: `--config FILE`, else the nearest one above the first path
 * (or the working directory). Undefined when there is none; the problems when it is invalid.
 */
export function configFromArgs(args: ParsedArgs, paths: readonly string[], cwd: string): { config?: ProjectConfig; problems: readonly ConfigProblem[] } {
  const explicit = lastValue(args, '--config');
  const file = explicit !== undefined ? path.resolve(cwd, explicit) : findProjectConfig(path.resolve(cwd, paths[0] ?? '.'));
  if (file === undefined) return { problems: [] };
  const result = readProjectConfig(file);
  if (result) return result;
  const empty = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  return { problems: [{ file, range: empty, message: `no '${packageJsonConfigKey}' key in this package.json` }] };
}

/** Creates the engine with the config's and the command line's include paths and defines (the command line's last, so they win). */
export async function createEngine(args: ParsedArgs, config: ProjectConfig | undefined, io: CliIo, env: CliEnvironment, logger: Logger): Promise<StructOpsEngine> {
  return StructOpsEngine.create({
    wasm: env.wasm,
    profilesDir: env.profilesDir,
    logger,
    includeDirs: [...(config?.includeDirs ?? []), ...(args.values.get('-I') ?? []).map((d) => path.resolve(io.cwd, d))],
    defines: [...(config?.defines ?? []), ...(args.values.get('-D') ?? []).map(splitDefine)],
    workerScript: env.workerScript,
    ripgrep: ripgrepOnPath(),
  });
}

/** Makes `request` the engine's active profile; the message naming the profile when it does not load. */
export async function useProfile(engine: StructOpsEngine, request: ProfileRequest): Promise<KernelProfile | string> {
  const profile = await engine.configureProfile(request.settings);
  if ('objects' in profile) return profile;
  return request.name === commandLineProfileName ? profile.message : `profile '${request.name}': ${profile.message}`;
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

export interface EngineCommand<Format extends string> {
  readonly engine: StructOpsEngine;
  /** The first of `profiles`, already active. */
  readonly profile: KernelProfile;
  /** Every profile asked for, in order; more than one only where the command allows a matrix. */
  readonly profiles: readonly ProfileRequest[];
  readonly files: string[];
  readonly format: Format;
  readonly args: ParsedArgs;
  readonly config?: ProjectConfig;
  /** A path as printed: relative to the working directory unless `--absolute-paths`. */
  readonly rel: (file: string) => string;
  /** True when the project config's `ignore` hides this check at this file. */
  readonly isIgnored: (file: string, check: string) => boolean;
}

export interface EngineCommandOptions<Format extends string> {
  /** Accepted `--format` values, the first the default; absent: text and json. */
  readonly formats?: readonly Format[];
  /** Whether `--profile` may be given more than once. */
  readonly matrix?: boolean;
  readonly valueFlags?: readonly string[];
  readonly booleanFlags?: readonly string[];
  /** The command's own argument checks, run before anything is loaded: a usage message or undefined. */
  readonly validate?: (args: ParsedArgs) => string | undefined;
  /** Paths to index besides the positionals, named by the command's flags (`simulate --module DIR`). */
  readonly paths?: (args: ParsedArgs) => readonly string[];
}

const defaultFormats = ['text', 'json'] as const;

/**
 * The shared start of `check` and `simulate`: parse argv, read the project config, load the first
 * profile, index the paths. Prints the usage or configuration problem itself and returns the exit
 * status when something is wrong.
 */
export async function startEngineCommand<Format extends string = 'text' | 'json'>(
  name: string,
  usage: string,
  argv: readonly string[],
  io: CliIo,
  env: CliEnvironment,
  defaultPaths: readonly string[],
  options: EngineCommandOptions<Format> = {},
): Promise<EngineCommand<Format> | ExitStatus> {
  const fail = (message: string, withUsage = false) => {
    io.err(`struct-ops ${name}: ${message}\n${withUsage ? `${usage}\n` : ''}`);
    return ExitStatus.UsageError;
  };
  let args;
  try {
    args = parseArgs(argv, [...engineValueFlags, '--format', ...(options.valueFlags ?? [])], ['--verbose', ...(options.booleanFlags ?? [])]);
  } catch (error) {
    return fail((error as Error).message, true);
  }
  const formats: readonly string[] = options.formats ?? defaultFormats;
  const format = lastValue(args, '--format') ?? formats[0];
  if (!formats.includes(format)) return fail(`unknown format '${format}' (${formats.join(', ')})`);
  const invalid = options.validate?.(args);
  if (invalid !== undefined) return fail(invalid);
  const flagPaths = options.paths?.(args) ?? [];
  const paths = args.positionals.length > 0 || flagPaths.length > 0 ? [...args.positionals, ...flagPaths] : defaultPaths;
  if (paths.length === 0) return fail('no BPF source given', true);
  const { config, problems } = configFromArgs(args, paths, io.cwd);
  const rel = args.flags.has('--absolute-paths') ? (file: string) => file : (file: string) => path.relative(io.cwd, file) || file;
  if (problems.length > 0) return fail(`invalid project config:\n${problems.map((p) => `  ${formatConfigProblem(p, rel)}`).join('\n')}`);
  const profiles = resolveProfiles(
    { specs: args.values.get('--profile') ?? [], btf: args.values.get('--btf') ?? [], kernelVersion: lastValue(args, '--kernel'), libbpfVersion: lastValue(args, '--libbpf') },
    config,
    io.cwd,
  );
  if (typeof profiles === 'string') return fail(profiles);
  if (profiles.length > 1 && !options.matrix) return fail('--profile may be given only once here');
  const logger = stderrLogger(io, args.flags.has('--verbose'));
  const engine = await createEngine(args, config, io, env, logger);
  const profile = await useProfile(engine, profiles[0]);
  if (typeof profile === 'string') return fail(profile);
  const files = await loadPaths(engine, paths, io, logger);
  if (typeof files === 'string') return fail(files);
  const isIgnored = config ? ignoreMatcher(config) : () => false;
  return { engine, profile, profiles, files, format: format as Format, args, ...(config ? { config } : {}), rel, isIgnored };
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

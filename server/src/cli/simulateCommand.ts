// `struct-ops simulate FILE...`: simulates loading each BPF object the way `bpftool struct_ops
// register` does (open, load, attach every struct_ops map) and prints the whole trace, as text
// or as versioned JSON with each object's first failure and every step.

import * as path from 'node:path';
import { errnoName, formatTrace, type Finding, type ObjectTrace } from '../engine';
import { lastValue, parseArgs } from './args';
import { engineFromArgs, engineValueFlags, loadPaths, stderrLogger, type CliEnvironment } from './engineSetup';
import { ExitStatus, type CliIo } from './io';

export const simulateUsage =
  'usage: struct-ops simulate FILE... [--btf SRC]... [--kernel VER] [--libbpf VER] [-I DIR]... [-D NAME[=VALUE]]... [--format text|json]';

/** Version of the JSON document `simulate --format json` prints. */
export const simulateJsonVersion = 1;

function jsonFinding(f: Finding, rel: (file: string) => string) {
  return {
    check: f.check,
    severity: f.severity,
    phase: f.phase,
    errno: f.errno ?? null,
    errno_name: f.errno !== undefined ? errnoName(f.errno) : null,
    channel: f.channel,
    message: f.message,
    file: rel(f.location.file),
    line: f.location.range.start.line + 1,
    column: f.location.range.start.character + 1,
    rule: f.rule ?? null,
    explanation: f.explanation,
  };
}

function jsonTrace(t: ObjectTrace, rel: (file: string) => string) {
  return {
    file: rel(t.file),
    outcome: {
      ok: t.outcome.ok,
      phase: t.outcome.phase ?? null,
      errno: t.outcome.errno ?? null,
      errno_name: t.outcome.errno !== undefined ? errnoName(t.outcome.errno) : null,
      check: t.outcome.check ?? null,
      message: t.outcome.message ?? null,
      crash: t.outcome.crash ?? false,
    },
    steps: t.steps.map((s) => ({ phase: s.phase, action: s.action, outcome: s.outcome, findings: s.findings.map((f) => jsonFinding(f, rel)) })),
  };
}

export async function runSimulateCommand(argv: readonly string[], io: CliIo, env: CliEnvironment): Promise<number> {
  let args;
  try {
    args = parseArgs(argv, [...engineValueFlags, '--format'], ['--verbose']);
  } catch (error) {
    io.err(`struct-ops simulate: ${(error as Error).message}\n${simulateUsage}\n`);
    return ExitStatus.UsageError;
  }
  const format = lastValue(args, '--format') ?? 'text';
  if (format !== 'text' && format !== 'json') {
    io.err(`struct-ops simulate: unknown format '${format}' (text or json)\n`);
    return ExitStatus.UsageError;
  }
  if (args.positionals.length === 0) {
    io.err(`struct-ops simulate: no BPF source given\n${simulateUsage}\n`);
    return ExitStatus.UsageError;
  }
  const logger = stderrLogger(io, args.flags.has('--verbose'));
  const setup = await engineFromArgs(args, io, env, logger);
  if (typeof setup === 'string') {
    io.err(`struct-ops simulate: ${setup}\n`);
    return ExitStatus.UsageError;
  }
  const { engine, profile } = setup;
  const files = await loadPaths(engine, args.positionals, io, logger);
  if (typeof files === 'string') {
    io.err(`struct-ops simulate: ${files}\n`);
    return ExitStatus.UsageError;
  }
  const objects = new Set(engine.objectFiles());
  const traces = files.filter((f) => objects.has(f)).map((f) => engine.simulate(f)).filter((t): t is ObjectTrace => t !== undefined);
  const rel = (file: string) => path.relative(io.cwd, file) || file;
  if (format === 'json') {
    io.out(`${JSON.stringify({ version: simulateJsonVersion, profile: { kernel: profile.kernelVersion.text, libbpf: `${profile.libbpfVersion.major}.${profile.libbpfVersion.minor}`, btf: profile.btfSource }, objects: traces.map((t) => jsonTrace(t, rel)) }, null, 2)}\n`);
  } else {
    if (traces.length === 0) io.out('no struct_ops objects in the given files\n');
    for (const t of traces) io.out(formatTrace(t, rel));
  }
  return traces.some((t) => !t.outcome.ok) ? ExitStatus.Findings : ExitStatus.Clean;
}

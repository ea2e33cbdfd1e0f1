// `struct-ops simulate FILE...`: simulates loading each BPF object the way `bpftool struct_ops
// register` does (open, load, attach every struct_ops map) and prints the whole trace, as text
// or as versioned JSON with each object's first failure and every step.

import * as path from 'node:path';
import { errnoName, formatTrace, type Finding, type ObjectTrace } from '../engine';
import { outcomeJson, startEngineCommand, type CliEnvironment } from './engineSetup';
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
    outcome: { ...outcomeJson(t.outcome), crash: t.outcome.crash ?? false },
    steps: t.steps.map((s) => ({ phase: s.phase, action: s.action, outcome: s.outcome, findings: s.findings.map((f) => jsonFinding(f, rel)) })),
  };
}

export async function runSimulateCommand(argv: readonly string[], io: CliIo, env: CliEnvironment): Promise<number> {
  const start = await startEngineCommand('simulate', simulateUsage, argv, io, env, []);
  if (typeof start === 'number') return start;
  const { engine, profile, files, format } = start;
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

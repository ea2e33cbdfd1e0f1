// `struct-ops simulate`: simulates loading each BPF object the way `bpftool struct_ops register`
// does (open, load, attach every struct_ops map); with `--module DIR`, the insmod of each kernel
// module whose sources are there (its register_bpf_struct_ops calls); with `--unload MODULE`, its
// rmmod while the BPF objects' maps exist. Prints every trace as text or as versioned JSON.

import * as path from 'node:path';
import { errnoName, formatModuleTrace, formatTrace, type Finding, type ModuleTrace, type ObjectTrace, type SimulationOutcome, type Step, type UnloadTrace } from '../engine';
import { lastValue } from './args';
import { outcomeJson, startEngineCommand, type CliEnvironment } from './engineSetup';
import { ExitStatus, type CliIo } from './io';

export const simulateUsage = `usage: struct-ops simulate [FILE...] [--module DIR]... [--unload MODULE [--loader running|exited]]
                           [--profile NAME|live|kernel=VER,libbpf=VER,btf=PATH] [--btf SRC]... [--kernel VER] [--libbpf VER]
                           [-I DIR]... [-D NAME[=VALUE]]... [--config FILE] [--format text|json]`;

/** Version of the JSON document `simulate --format json` prints (`modules` and `unload` were added without breaking it). */
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

function jsonSteps(steps: readonly Step[], rel: (file: string) => string) {
  return steps.map((s) => ({ phase: s.phase, action: s.action, outcome: s.outcome, findings: s.findings.map((f) => jsonFinding(f, rel)) }));
}

const jsonOutcome = (o: SimulationOutcome) => ({ ...outcomeJson(o), crash: o.crash ?? false });

function jsonTrace(t: ObjectTrace, rel: (file: string) => string) {
  return { file: rel(t.file), outcome: jsonOutcome(t.outcome), steps: jsonSteps(t.steps, rel) };
}

function jsonModule(t: ModuleTrace, rel: (file: string) => string) {
  return { module: t.module, outcome: jsonOutcome(t.outcome), registered: t.registered.map((r) => ({ type: r.typeName, btf: r.btf, descriptor: r.descriptor })), notes: t.notes, steps: jsonSteps(t.steps, rel) };
}

function jsonUnload(t: UnloadTrace, rel: (file: string) => string) {
  return { module: t.module, outcome: jsonOutcome(t.outcome), notes: t.notes, steps: jsonSteps(t.steps, rel) };
}

/** Whether `file` is `dir` or inside it. */
const inside = (file: string, dir: string) => file === dir || file.startsWith(dir + path.sep);

export async function runSimulateCommand(argv: readonly string[], io: CliIo, env: CliEnvironment): Promise<number> {
  const start = await startEngineCommand('simulate', simulateUsage, argv, io, env, [], {
    formats: ['text', 'json'],
    valueFlags: ['--module', '--unload', '--loader'],
    paths: (args) => args.values.get('--module') ?? [],
    validate: (args) => {
      const loader = lastValue(args, '--loader');
      if (loader !== undefined && loader !== 'running' && loader !== 'exited') return `unknown --loader '${loader}' (running or exited)`;
      if (loader !== undefined && !args.values.has('--unload')) return '--loader applies to --unload';
      return undefined;
    },
  });
  if (typeof start === 'number') return start;
  const { engine, profile, files, format, args, rel } = start;

  const objects = new Set(engine.objectFiles());
  const traces = files.filter((f) => objects.has(f)).map((f) => engine.simulate(f)).filter((t): t is ObjectTrace => t !== undefined);
  // insmod traces of the modules with a source in a --module folder.
  const moduleDirs = (args.values.get('--module') ?? []).map((d) => path.resolve(io.cwd, d));
  const moduleTraces = engine.moduleNames()
    .filter((name) => engine.moduleSources(name).some((file) => moduleDirs.some((dir) => inside(file, dir))))
    .map((name) => engine.simulateRegistration(name))
    .filter((t): t is ModuleTrace => t !== undefined);
  if (moduleDirs.length > 0 && moduleTraces.length === 0) io.err(`struct-ops simulate: no kernel module that registers or describes a struct_ops type in ${moduleDirs.map(rel).join(', ')}\n`);
  const unloadName = lastValue(args, '--unload');
  let unload: UnloadTrace | undefined;
  if (unloadName) {
    unload = engine.simulateUnload(unloadName, { loader: lastValue(args, '--loader') === 'exited' ? 'exited' : 'running' });
    if (!unload) {
      const known = engine.moduleNames();
      io.err(`struct-ops simulate: '${unloadName}' is not a kernel module whose sources were given (${known.length > 0 ? `modules: ${known.join(', ')}` : 'no module sources found'})\n`);
      return ExitStatus.UsageError;
    }
  }

  if (format === 'json') {
    io.out(`${JSON.stringify({
      version: simulateJsonVersion,
      profile: { kernel: profile.kernelVersion.text, libbpf: `${profile.libbpfVersion.major}.${profile.libbpfVersion.minor}`, btf: profile.btfSource },
      objects: traces.map((t) => jsonTrace(t, rel)),
      modules: moduleTraces.map((t) => jsonModule(t, rel)),
      unload: unload ? jsonUnload(unload, rel) : null,
    }, null, 2)}\n`);
  } else {
    if (traces.length === 0 && moduleTraces.length === 0 && !unload) io.out('no struct_ops objects in the given files\n');
    for (const t of moduleTraces) io.out(formatModuleTrace(t, rel));
    for (const t of traces) io.out(formatTrace(t, rel));
    if (unload) io.out(formatModuleTrace(unload, rel));
  }
  const failed = traces.some((t) => !t.outcome.ok) || moduleTraces.some((t) => !t.outcome.ok) || (unload !== undefined && !unload.outcome.ok);
  return failed ? ExitStatus.Findings : ExitStatus.Clean;
}

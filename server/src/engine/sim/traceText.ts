// A simulation trace as readable text: the CLI's `simulate` output and the editor's trace view,
// for BPF objects and for kernel modules (insmod registrations, rmmod).

import { errnoName } from '../common/errno';
import type { ModuleTrace } from './register';
import type { Finding, ObjectTrace, SimulationOutcome, Step } from './trace';
import type { UnloadTrace } from './unload';

function where(finding: Finding, relative: (file: string) => string): string {
  const { line, character } = finding.location.range.start;
  return `${relative(finding.location.file)}:${line + 1}:${character + 1}`;
}

function errnoText(errno: number | undefined): string {
  return errno === undefined ? '' : ` -${errnoName(errno)} (${errno})`;
}

/** One-line verdict: `loads` or `fails at <phase>: -ERRNO (ID)`. */
export function outcomeText(trace: ObjectTrace): string {
  const o = trace.outcome;
  if (o.ok) return 'loads and attaches';
  if (o.crash) return `libbpf crashes at ${o.phase} (${o.check})`;
  return `fails at ${o.phase}:${errnoText(o.errno)} ${o.check ?? ''}`.trimEnd();
}

function stepLines(steps: readonly Step[], relative: (file: string) => string): string[] {
  const lines: string[] = [];
  for (const step of steps) {
    const status = step.outcome === 'failed' ? 'FAILED' : step.outcome === 'skipped' ? 'skipped' : 'ok';
    lines.push(`  ${step.phase.padEnd(12)} ${status.padEnd(8)} ${step.action}`);
    for (const f of step.findings) {
      lines.push(`      ${f.check} ${f.severity}${errnoText(f.errno)} at ${where(f, relative)}`);
      const prefix = f.channel === 'libbpf' ? 'libbpf: ' : f.channel === 'dmesg' ? 'dmesg: ' : f.channel === 'verifier' ? 'verifier: ' : f.channel === 'clang' ? 'clang: ' : '';
      // Some findings have no message of their own (the kernel prints nothing): the why says it.
      if (f.message !== '') lines.push(`      ${prefix}${f.message}`);
      if (f.rule) lines.push(`      rule: ${f.rule}`);
      lines.push(`      why: ${f.explanation}`);
      for (const r of f.related) lines.push(`      see ${relative(r.location.file)}:${r.location.range.start.line + 1}: ${r.message}`);
    }
  }
  return lines;
}

export function formatTrace(trace: ObjectTrace, relative: (file: string) => string = (f) => f): string {
  const lines = [`${relative(trace.file)} — ${trace.profile}`, ...stepLines(trace.steps, relative), `  outcome: ${outcomeText(trace)}`];
  return `${lines.join('\n')}\n`;
}

function moduleOutcomeText(o: SimulationOutcome, what: 'insmod' | 'rmmod'): string {
  if (o.ok) return `${what} succeeds`;
  if (o.phase === 'build') return `the module does not build (${o.check})`;
  if (o.crash || (o.errno === undefined && o.phase === 'register')) return `${what}: the kernel oopses (${o.check})`;
  return `${what} fails:${errnoText(o.errno)} ${o.check ?? ''}`.trimEnd();
}

/** A module's insmod (registration) or rmmod trace: its steps, the types it registers, what was assumed. */
export function formatModuleTrace(trace: ModuleTrace | UnloadTrace, relative: (file: string) => string = (f) => f): string {
  const rmmod = !('registered' in trace);
  const lines = [`module ${trace.module} (${rmmod ? 'rmmod' : 'insmod'}) — ${trace.profile}`, ...stepLines(trace.steps, relative)];
  if (!rmmod) lines.push(`  registered: ${trace.registered.map((t) => `${t.typeName} (${t.btf})`).join(', ') || 'nothing'}`);
  for (const note of trace.notes) lines.push(`  assumed: ${note}`);
  lines.push(`  outcome: ${moduleOutcomeText(trace.outcome, rmmod ? 'rmmod' : 'insmod')}`);
  return `${lines.join('\n')}\n`;
}

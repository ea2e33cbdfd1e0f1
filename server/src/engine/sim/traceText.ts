// A simulation trace as readable text: the CLI's `simulate` output and the editor's trace view.

import { errnoName } from '../common/errno';
import type { Finding, ObjectTrace } from './trace';

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

export function formatTrace(trace: ObjectTrace, relative: (file: string) => string = (f) => f): string {
  const lines = [`${relative(trace.file)} — ${trace.profile}`];
  for (const step of trace.steps) {
    const status = step.outcome === 'failed' ? 'FAILED' : step.outcome === 'skipped' ? 'skipped' : 'ok';
    lines.push(`  ${step.phase.padEnd(12)} ${status.padEnd(8)} ${step.action}`);
    for (const f of step.findings) {
      lines.push(`      ${f.check} ${f.severity}${errnoText(f.errno)} at ${where(f, relative)}`);
      const prefix = f.channel === 'libbpf' ? 'libbpf: ' : f.channel === 'dmesg' ? 'dmesg: ' : f.channel === 'verifier' ? 'verifier: ' : f.channel === 'clang' ? 'clang: ' : '';
      lines.push(`      ${prefix}${f.message}`);
      if (f.rule) lines.push(`      rule: ${f.rule}`);
      lines.push(`      why: ${f.explanation}`);
      for (const r of f.related) lines.push(`      see ${relative(r.location.file)}:${r.location.range.start.line + 1}: ${r.message}`);
    }
  }
  lines.push(`  outcome: ${outcomeText(trace)}`);
  return `${lines.join('\n')}\n`;
}

// `struct-ops check [PATH...]`: indexes files and folders, simulates every object against the
// kernel profile and prints findings as `file:line:col: severity ID message`, or versioned JSON.

import * as path from 'node:path';
import { describeProfile, errnoName, traceFindings, type Finding, type ObjectTrace } from '../engine';
import { outcomeJson, startEngineCommand, type CliEnvironment } from './engineSetup';
import { ExitStatus, type CliIo } from './io';

export const checkUsage = `usage: struct-ops check [PATH...] [--btf SRC]... [--kernel VER] [--libbpf VER] [-I DIR]... [-D NAME[=VALUE]]... [--format text|json]`;

/** Version of the JSON document `check --format json` prints; bump on any incompatible change. */
export const checkJsonVersion = 1;

function jsonFinding(f: Finding, rel: (file: string) => string) {
  return {
    file: rel(f.location.file),
    line: f.location.range.start.line + 1,
    column: f.location.range.start.character + 1,
    endLine: f.location.range.end.line + 1,
    endColumn: f.location.range.end.character + 1,
    severity: f.severity,
    check: f.check,
    phase: f.phase,
    errno: f.errno ?? null,
    errnoName: f.errno !== undefined ? errnoName(f.errno) : null,
    channel: f.channel,
    message: f.message,
    explanation: f.explanation,
    rule: f.rule ?? null,
    related: f.related.map((r) => ({ file: rel(r.location.file), line: r.location.range.start.line + 1, column: r.location.range.start.character + 1, message: r.message })),
  };
}

function compareFindings(a: Finding, b: Finding): number {
  return (
    a.location.file.localeCompare(b.location.file) ||
    a.location.range.start.line - b.location.range.start.line ||
    a.location.range.start.character - b.location.range.start.character ||
    a.check.localeCompare(b.check)
  );
}

export async function runCheckCommand(argv: readonly string[], io: CliIo, env: CliEnvironment): Promise<number> {
  const start = await startEngineCommand('check', checkUsage, argv, io, env, ['.']);
  if (typeof start === 'number') return start;
  const { engine, profile, format } = start;
  const traces = engine.objectFiles().map((f) => engine.simulate(f)).filter((t): t is ObjectTrace => t !== undefined);
  const findings = traces.flatMap(traceFindings).sort(compareFindings);
  const rel = (file: string) => path.relative(io.cwd, file) || file;
  const errors = findings.filter((f) => f.severity === 'error').length;
  const warnings = findings.filter((f) => f.severity === 'warning').length;
  if (format === 'json') {
    const document = {
      version: checkJsonVersion,
      tool: 'struct-ops',
      profile: { description: describeProfile(profile), source: profile.btfSource, objects: profile.objects.map((o) => o.name) },
      objects: traces.map((t) => ({
        file: rel(t.file),
        outcome: outcomeJson(t.outcome),
      })),
      findings: findings.map((f) => jsonFinding(f, rel)),
      summary: { objects: traces.length, errors, warnings },
    };
    io.out(`${JSON.stringify(document, null, 2)}\n`);
  } else {
    for (const f of findings) {
      const { line, character } = f.location.range.start;
      const errno = f.errno !== undefined ? ` [${f.phase}: ${errnoName(f.errno)}]` : '';
      io.out(`${rel(f.location.file)}:${line + 1}:${character + 1}: ${f.severity} ${f.check} ${f.message}${errno}\n`);
    }
    io.out(`${traces.length} object(s) checked against ${describeProfile(profile)} (${profile.btfSource} BTF): ${errors} error(s), ${warnings} warning(s)\n`);
  }
  return errors > 0 ? ExitStatus.Findings : ExitStatus.Clean;
}


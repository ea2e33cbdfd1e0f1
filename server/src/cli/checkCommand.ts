// `struct-ops check [PATH...]`: indexes files and folders, simulates every object against one
// kernel profile or a matrix of them, and prints the findings as `file:line:col: severity ID
// message`, versioned JSON or SARIF 2.1.0. The exit status says whether findings reach --fail-on.

import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describeProfile, errnoName, traceFindings, type Finding, type KernelProfile, type ObjectTrace } from '../engine';
import { lastValue } from './args';
import { outcomeJson, startEngineCommand, useProfile, type CliEnvironment, type EngineCommand } from './engineSetup';
import { ExitStatus, type CliIo } from './io';
import type { ProfileRequest } from './profiles';
import { sarifLog } from './sarif';

export const checkUsage = `usage: struct-ops check [PATH...] [--profile NAME|live|kernel=VER,libbpf=VER,btf=PATH]... [--btf SRC]... [--kernel VER] [--libbpf VER]
                        [-I DIR]... [-D NAME[=VALUE]]... [--config FILE] [--format text|json|sarif] [--fail-on error|warning] [--absolute-paths]`;

/** Version of the JSON documents `check --format json` prints (one profile or a matrix); bump on any incompatible change. */
export const checkJsonVersion = 1;

const formats = ['text', 'json', 'sarif'] as const;
type CheckFormat = (typeof formats)[number];
const failOnLevels = ['error', 'warning'] as const;
type FailOn = (typeof failOnLevels)[number];

/** What one profile of the run produced. */
interface ProfileResult {
  readonly request: ProfileRequest;
  readonly profile: KernelProfile;
  readonly traces: readonly ObjectTrace[];
  /** Sorted, without the ones the project config ignores. */
  readonly findings: readonly Finding[];
  readonly ignored: number;
}

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

/** Code-unit order, not the locale's: the output must not depend on the machine. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareFindings(a: Finding, b: Finding): number {
  return (
    compareText(a.location.file, b.location.file) ||
    a.location.range.start.line - b.location.range.start.line ||
    a.location.range.start.character - b.location.range.start.character ||
    compareText(a.check, b.check) ||
    compareText(a.message, b.message)
  );
}

function simulateAll(start: EngineCommand<CheckFormat>, request: ProfileRequest, profile: KernelProfile): ProfileResult {
  const { engine, isIgnored } = start;
  const traces = engine
    .objectFiles()
    .map((f) => engine.simulate(f))
    .filter((t): t is ObjectTrace => t !== undefined)
    .sort((a, b) => compareText(a.file, b.file));
  const all = traces.flatMap(traceFindings);
  const findings = all.filter((f) => !isIgnored(f.location.file, f.check)).sort(compareFindings);
  return { request, profile, traces, findings, ignored: all.length - findings.length };
}

function counts(findings: readonly Finding[]) {
  return { errors: findings.filter((f) => f.severity === 'error').length, warnings: findings.filter((f) => f.severity === 'warning').length };
}

function profileJson(result: ProfileResult) {
  const { profile } = result;
  return { description: describeProfile(profile), source: profile.btfSource, objects: profile.objects.map((o) => o.name) };
}

function objectsJson(result: ProfileResult, rel: (file: string) => string) {
  return result.traces.map((t) => ({ file: rel(t.file), outcome: outcomeJson(t.outcome) }));
}

function summaryJson(result: ProfileResult) {
  return { objects: result.traces.length, ...counts(result.findings), ignored: result.ignored };
}

/** `ok`, or where and how the object fails: `load EOPNOTSUPP LIB-12`. */
function outcomeCell(trace: ObjectTrace): string {
  const { outcome } = trace;
  if (outcome.ok) return 'ok';
  return [outcome.phase, outcome.crash ? 'crash' : outcome.errno !== undefined ? errnoName(outcome.errno) : undefined, outcome.check].filter((p) => p !== undefined).join(' ');
}

function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((r) => r[column].length)));
  return rows.map((r) => r.map((cell, column) => (column === r.length - 1 ? cell : cell.padEnd(widths[column]))).join('  ')).join('\n') + '\n';
}

function printText(io: CliIo, results: readonly ProfileResult[], rel: (file: string) => string): void {
  if (results.length === 1) {
    const [result] = results;
    for (const f of result.findings) {
      const { line, character } = f.location.range.start;
      const errno = f.errno !== undefined ? ` [${f.phase}: ${errnoName(f.errno)}]` : '';
      io.out(`${rel(f.location.file)}:${line + 1}:${character + 1}: ${f.severity} ${f.check} ${f.message}${errno}\n`);
    }
    const { errors, warnings } = counts(result.findings);
    const ignored = result.ignored > 0 ? `, ${result.ignored} ignored by the project config` : '';
    io.out(`${result.traces.length} object(s) checked against ${describeProfile(result.profile)} (${result.profile.btfSource} BTF): ${errors} error(s), ${warnings} warning(s)${ignored}\n`);
    return;
  }
  const files = [...new Set(results.flatMap((r) => r.traces.map((t) => t.file)))].sort(compareText);
  const header = ['object', ...results.map((r) => r.request.name)];
  const rows = files.map((file) => [rel(file), ...results.map((r) => {
    const trace = r.traces.find((t) => t.file === file);
    return trace ? outcomeCell(trace) : '-';
  })]);
  io.out(table([header, ...rows]));
  for (const r of results) {
    const { errors, warnings } = counts(r.findings);
    const loads = r.traces.filter((t) => t.outcome.ok).length;
    io.out(`${r.request.name}: ${describeProfile(r.profile)} (${r.profile.btfSource} BTF): ${loads}/${r.traces.length} object(s) load, ${errors} error(s), ${warnings} warning(s)\n`);
  }
}

function readSpec(env: CliEnvironment): string {
  const file = path.join(env.docsDir ?? path.join(env.profilesDir, '..', '..', 'docs'), 'struct-ops-semantics.md');
  try {
    return readFileSync(file, 'utf8');
  } catch {
    // Rules then carry only their titles; the results are the same.
    return '';
  }
}

export async function runCheckCommand(argv: readonly string[], io: CliIo, env: CliEnvironment): Promise<number> {
  const start = await startEngineCommand<CheckFormat>('check', checkUsage, argv, io, env, ['.'], {
    formats,
    matrix: true,
    valueFlags: ['--fail-on'],
    booleanFlags: ['--absolute-paths'],
    validate: (args) => {
      const level = lastValue(args, '--fail-on');
      return level === undefined || (failOnLevels as readonly string[]).includes(level) ? undefined : `unknown --fail-on level '${level}' (${failOnLevels.join(' or ')})`;
    },
  });
  if (typeof start === 'number') return start;
  const failOn = (lastValue(start.args, '--fail-on') ?? 'error') as FailOn;
  const { format, rel } = start;
  const results = [simulateAll(start, start.profiles[0], start.profile)];
  for (const request of start.profiles.slice(1)) {
    const profile = await useProfile(start.engine, request);
    if (typeof profile === 'string') {
      io.err(`struct-ops check: ${profile}\n`);
      return ExitStatus.UsageError;
    }
    results.push(simulateAll(start, request, profile));
  }
  const matrix = results.length > 1;
  if (format === 'sarif') {
    const runs = results.map((r) => ({ ...(matrix ? { profileName: r.request.name } : {}), profileDescription: describeProfile(r.profile), findings: r.findings }));
    io.out(`${JSON.stringify(sarifLog(runs, { root: io.cwd, absolutePaths: start.args.flags.has('--absolute-paths'), spec: readSpec(env) }), null, 2)}\n`);
  } else if (format === 'json' && matrix) {
    const document = {
      version: checkJsonVersion,
      tool: 'struct-ops',
      profiles: results.map((r) => ({
        name: r.request.name,
        description: r.request.description ?? null,
        profile: profileJson(r),
        objects: objectsJson(r, rel),
        findings: r.findings.map((f) => jsonFinding(f, rel)),
        summary: summaryJson(r),
      })),
    };
    io.out(`${JSON.stringify(document, null, 2)}\n`);
  } else if (format === 'json') {
    const [r] = results;
    const document = { version: checkJsonVersion, tool: 'struct-ops', profile: profileJson(r), objects: objectsJson(r, rel), findings: r.findings.map((f) => jsonFinding(f, rel)), summary: summaryJson(r) };
    io.out(`${JSON.stringify(document, null, 2)}\n`);
  } else {
    printText(io, results, rel);
  }
  const failing = results.some((r) => r.findings.some((f) => f.severity === 'error' || (failOn === 'warning' && f.severity === 'warning')));
  return failing ? ExitStatus.Findings : ExitStatus.Clean;
}

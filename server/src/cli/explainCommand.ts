// `struct-ops explain [LOG|-] [PATH...]`: reads a libbpf/verifier/dmesg log from a file or stdin and
// prints, for each struct_ops-related line or errno, the check IDs, cause, fix and (when source
// PATHs are given) the map, member or program it is about. Exit 0 when at least one line is
// recognised, 1 when none is, 2 on a usage error.

import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { explainLog, formatExplanation, StructOpsEngine, type LogExplanation } from '../engine';
import { lastValue, parseArgs } from './args';
import { loadPaths, stderrLogger, type CliEnvironment } from './engineSetup';
import { ExitStatus, type CliIo } from './io';

export const explainUsage = 'usage: struct-ops explain [LOG|-] [PATH...] [-I DIR]... [-D NAME[=VALUE]]... [--format text|json]';

/** Version of the JSON document `explain --format json` prints. */
export const explainJsonVersion = 1;

function json(explanation: LogExplanation, rel: (file: string) => string) {
  return {
    version: explainJsonVersion,
    lines: explanation.lines.map((l) => ({
      line: l.line + 1,
      text: l.text,
      channel: l.channel,
      pattern: l.pattern,
      checks: l.checks.map((c) => ({ id: c.id, title: c.title, phase: c.phase ?? null })),
      errno: l.errno ?? null,
      errno_name: l.errnoName ?? null,
      cause: l.cause,
      fix: l.fix,
      subject: l.subject,
      summary: l.summary,
      locations: l.locations.map((h) => ({ file: rel(h.location.file), line: h.location.range.start.line + 1, column: h.location.range.start.character + 1, what: h.what })),
    })),
  };
}

export async function runExplainCommand(argv: readonly string[], io: CliIo, env: CliEnvironment, readStdin: () => Promise<string>): Promise<number> {
  let args;
  try {
    args = parseArgs(argv, ['--format', '-I', '-D'], ['--verbose']);
  } catch (error) {
    io.err(`struct-ops explain: ${(error as Error).message}\n${explainUsage}\n`);
    return ExitStatus.UsageError;
  }
  const format = lastValue(args, '--format') ?? 'text';
  if (format !== 'text' && format !== 'json') {
    io.err(`struct-ops explain: unknown format '${format}' (text or json)\n`);
    return ExitStatus.UsageError;
  }
  const [log = '-', ...sources] = args.positionals;
  let text: string;
  try {
    text = log === '-' ? await readStdin() : await fs.readFile(path.resolve(io.cwd, log), 'utf8');
  } catch (error) {
    io.err(`struct-ops explain: cannot read ${log}: ${(error as Error).message}\n`);
    return ExitStatus.UsageError;
  }
  const logger = stderrLogger(io, args.flags.has('--verbose'));
  let facts;
  if (sources.length > 0) {
    const engine = await StructOpsEngine.create({
      wasm: env.wasm,
      profilesDir: env.profilesDir,
      logger,
      includeDirs: (args.values.get('-I') ?? []).map((d) => path.resolve(io.cwd, d)),
      defines: (args.values.get('-D') ?? []).map((d): [string, string] => (d.includes('=') ? [d.slice(0, d.indexOf('=')), d.slice(d.indexOf('=') + 1)] : [d, '1'])),
    });
    const loaded = await loadPaths(engine, sources, io, logger);
    if (typeof loaded === 'string') {
      io.err(`struct-ops explain: ${loaded}\n`);
      return ExitStatus.UsageError;
    }
    facts = engine.allFacts();
  }
  const explanation = explainLog(text, { facts });
  const rel = (file: string) => path.relative(io.cwd, file) || file;
  if (format === 'json') io.out(`${JSON.stringify(json(explanation, rel), null, 2)}\n`);
  else io.out(formatExplanation(explanation, rel));
  return explanation.lines.length > 0 ? ExitStatus.Clean : ExitStatus.Findings;
}

// Explains a pasted loader log: each struct_ops-related libbpf, verifier or dmesg line (or a bare
// errno such as `-524`) becomes the check IDs it belongs to, the cause, the fix and, given the
// workspace facts, the source place it is about. Pure: the caller passes text and facts.

import * as path from 'node:path';
import type { FileFacts } from '../c/facts';
import { errnoName } from '../common/errno';
import type { Location } from '../common/location';
import { CheckId, checkInfo, type Phase } from '../sim/checks';
import { errnoChecks, errnoNames, logPatterns, strerrorTexts, type LogChannel, type LogPattern } from './patterns';

export interface ExplainOptions {
  /** Facts of the workspace files, to find the map, member or program a line names. */
  readonly facts?: readonly FileFacts[];
}

export interface ExplainedCheck {
  readonly id: string;
  readonly title: string;
  readonly phase?: Phase;
}

/** What a line names, as far as its template says. */
export interface LogSubject {
  readonly map?: string;
  readonly member?: string;
  readonly program?: string;
  readonly type?: string;
  /** A tcp_congestion_ops `.name`. */
  readonly name?: string;
  readonly module?: string;
  readonly section?: string;
}

export interface SourceHit {
  readonly location: Location;
  /** e.g. `lavd_ops.cgroup_set_bandwidth` or `program sot_ssthresh`. */
  readonly what: string;
}

export interface ExplainedLine {
  /** 0-based line index in the input. */
  readonly line: number;
  readonly text: string;
  readonly channel: LogChannel;
  /** The message template, or `errno` for a bare errno. */
  readonly pattern: string;
  /** Most likely first; empty for summary lines. */
  readonly checks: readonly ExplainedCheck[];
  readonly errno?: number;
  readonly errnoName?: string;
  readonly cause: string;
  readonly fix: string;
  readonly subject: LogSubject;
  readonly locations: readonly SourceHit[];
  /** Summarises an earlier error (`failed to load object`); carries no check of its own. */
  readonly summary: boolean;
}

export interface LogExplanation {
  readonly lines: readonly ExplainedLine[];
  /** Number of input lines read. */
  readonly total: number;
}

/** Strips what wraps a log line: dmesg timestamps, loader level letters, `libbpf:`/`Error:` prefixes. */
export function normaliseLogLine(line: string): string {
  let text = line.replace(/\r$/, '').trim();
  text = text.replace(/^\[\s*\d+\.\d+\]\s*/, ''); // dmesg timestamp
  text = text.replace(/^<\d>\s*/, ''); // kmsg level
  text = text.replace(/^[DIWE] (?=libbpf:)/, ''); // loader.c level letter
  text = text.replace(/^(?:libbpf|bpftool|Error|WARNING|Warning|BPF):\s*/, '');
  text = text.replace(/^libbpf:\s*/, '');
  return text;
}

const checkIds = new Set<string>(Object.values(CheckId));

function describeCheck(id: string): ExplainedCheck {
  if (checkIds.has(id)) {
    const info = checkInfo(id as CheckId);
    return { id, title: info.title, phase: info.phase };
  }
  return { id, title: id };
}

/** The errno a line states, as `-524`, `errno 524`, `strerror_r(524)`, `Unknown error 524`, `-ENOTSUPP`, a strerror text... */
export function errnoInLine(text: string): number | undefined {
  const numeric = [
    /strerror_r\((\d+)\)/,
    /Unknown error (\d+)/,
    /\berr(?:no|or)?\s*[=:]?\s*-?(\d+)\b/i,
    /\((-\d+)\)/,
    /failed to load: (-\d+)/,
    /(?:^|\s)(-\d+)\s*$/,
    /(?:^|[\s:=(])(-(?:524|95))\b/,
  ];
  for (const re of numeric) {
    const m = re.exec(text);
    if (m) {
      const value = Math.abs(Number(m[1]));
      if (value > 0 && value < 5000) return value;
    }
  }
  const symbolic = /(?:^|[^A-Z0-9_])-?(E[A-Z0-9]+)\b/.exec(text);
  if (symbolic && errnoNames[symbolic[1]] !== undefined) return errnoNames[symbolic[1]];
  for (const [message, value] of Object.entries(strerrorTexts)) {
    if (text.includes(message)) return value;
  }
  return undefined;
}

/** A line that is nothing but an errno: `-524`, `524`, `ENOTSUPP`, `errno 524`, `error -95`, `Unknown error 524`. */
function bareErrno(text: string): number | undefined {
  const m = /^(?:(?:errno|error|err|ret|rc)\s*[=:]?\s*)?(-?\d+|-?E[A-Z0-9]+)\s*$/i.exec(text) ?? /^Unknown error (\d+)$/.exec(text);
  if (!m) return undefined;
  const token = m[1].replace(/^-/, '');
  const value = /^\d+$/.test(token) ? Number(token) : errnoNames[token.toUpperCase()];
  return value !== undefined && errnoChecks[value] ? value : undefined;
}

/** Errnos that identify a struct_ops failure even inside an unrelated line. */
function distinctiveErrno(text: string): number | undefined {
  const m = /(?:^|[\s:=(])-(524|95)\b|\b(ENOTSUPP|EOPNOTSUPP)\b|Unknown error 524|strerror_r\(524\)/.exec(text);
  if (!m) return undefined;
  if (m[1]) return Number(m[1]);
  if (m[2]) return errnoNames[m[2]];
  return 524;
}

function subjectOf(match: RegExpExecArray): LogSubject {
  const g = match.groups ?? {};
  const type = g.type ?? g.type2;
  return {
    map: g.map,
    member: g.member,
    program: g.prog,
    type,
    name: g.name,
    module: g.module,
    section: g.sec,
  };
}

const VALUE_PREFIX = 'bpf_struct_ops_';

function essential(type: string): string {
  const bare = type.startsWith(VALUE_PREFIX) ? type.slice(VALUE_PREFIX.length) : type;
  const flavor = bare.indexOf('___');
  return flavor > 0 ? bare.slice(0, flavor) : bare;
}

/** Source places for a subject; `sourceLine` is a verifier `@ file.bpf.c:13` line info seen just before. */
function locate(subject: LogSubject, facts: readonly FileFacts[], sourceLine?: { file: string; line: number }): SourceHit[] {
  const hits: SourceHit[] = [];
  const seen = new Set<string>();
  const add = (location: Location, what: string) => {
    const key = `${location.file}:${location.range.start.line}:${location.range.start.character}`;
    if (seen.has(key)) return;
    seen.add(key);
    hits.push({ location, what });
  };
  if (sourceLine) {
    for (const f of facts) {
      if (path.basename(f.file) !== path.basename(sourceLine.file)) continue;
      add({ file: f.file, range: { start: { line: sourceLine.line - 1, character: 0 }, end: { line: sourceLine.line - 1, character: 0 } } }, 'line the verifier stopped at');
    }
  }
  const maps = facts.flatMap((f) => f.maps);
  if (subject.map) {
    for (const map of maps.filter((m) => m.name === subject.map)) {
      const member = subject.member ? map.members.find((m) => m.name === subject.member) : undefined;
      if (member) add(member.location, `${map.name}.${member.name}`);
      else add(map.nameLocation, `map ${map.name}`);
    }
  }
  if (subject.program) {
    for (const f of facts) {
      for (const prog of f.programs.filter((p) => p.name === subject.program)) add(prog.nameLocation, `program ${prog.name}`);
      for (const map of f.maps) {
        for (const member of map.members) {
          if (member.value.kind === 'function' && member.value.name === subject.program && (!subject.member || subject.member === member.name)) {
            add(member.location, `${map.name}.${member.name}`);
          }
        }
      }
    }
  }
  if (subject.type && !subject.map) {
    const wanted = essential(subject.type);
    for (const map of maps.filter((m) => essential(m.typeName) === wanted || m.typeName === subject.type)) {
      const member = subject.member ? map.members.find((m) => m.name === subject.member) : undefined;
      if (subject.member && !member) continue;
      add(member ? member.location : map.typeLocation, member ? `${map.name}.${member.name}` : `map ${map.name} (struct ${map.typeName})`);
    }
    for (const f of facts) {
      for (const reg of f.registrations.filter((r) => r.typeName && essential(r.typeName) === wanted)) add(reg.location, `registration of ${reg.typeName}`);
      for (const def of f.typeDefinitions.filter((d) => d.kind === 'struct' && d.name === wanted && f.descriptors.length + f.registrations.length > 0)) {
        const member = subject.member ? def.members.find((m) => m.name === subject.member) : undefined;
        add(member ? member.location : def.nameLocation, member ? `struct ${def.name}.${member.name}` : `struct ${def.name}`);
      }
    }
  }
  if (subject.name) {
    for (const map of maps) {
      const nameInit = map.members.find((m) => m.name === 'name' && m.value.kind === 'string' && m.value.value === subject.name);
      if (nameInit) add(nameInit.location, `${map.name}.name = "${subject.name}"`);
      else if (map.name === subject.name) add(map.nameLocation, `map ${map.name}`);
    }
  }
  return hits;
}

interface Pending {
  readonly index: number;
  readonly text: string;
  readonly pattern: LogPattern | undefined;
  readonly match?: RegExpExecArray;
  readonly errno?: number;
  /** The program whose load log this line is in. */
  readonly program?: string;
  readonly sourceLine?: { file: string; line: number };
}

/**
 * Explains every recognised line of `text`. Never throws; unrecognised lines are left out, so an
 * empty `lines` means nothing in the text is a known struct_ops message or errno.
 */
export function explainLog(text: string, options: ExplainOptions = {}): LogExplanation {
  const facts = options.facts ?? [];
  const raw = text.split('\n');
  const pending: Pending[] = [];
  let currentProg: string | undefined;
  let progErrno: number | undefined;
  let lastSource: { file: string; line: number } | undefined;
  for (let index = 0; index < raw.length; index++) {
    const original = raw[index].replace(/\r$/, '');
    const line = normaliseLogLine(original);
    if (!line) continue;
    const info = /@ ([\w./-]+\.[ch]):(\d+)\s*$/.exec(line);
    if (info && line.startsWith(';')) {
      if (Number(info[2]) > 0) lastSource = { file: info[1], line: Number(info[2]) };
      continue;
    }
    if (/-- END PROG LOAD LOG --/.test(line)) {
      lastSource = undefined;
      continue;
    }
    let matched: { pattern: LogPattern; match: RegExpExecArray } | undefined;
    for (const pattern of logPatterns) {
      const match = pattern.regex.exec(line);
      if (match) {
        matched = { pattern, match };
        break;
      }
    }
    if (matched) {
      const lineErrno = errnoInLine(line);
      if (matched.pattern.id === 'prog-load-failed') {
        currentProg = matched.match.groups?.prog;
        progErrno = lineErrno;
        lastSource = undefined;
      }
      const inLoadLog = matched.pattern.channel === 'verifier' ? currentProg : undefined;
      pending.push({
        index,
        text: original.trim(),
        pattern: matched.pattern,
        match: matched.match,
        errno: matched.pattern.channel === 'verifier' ? (progErrno ?? matched.pattern.errno) : (lineErrno ?? matched.pattern.errno),
        program: inLoadLog,
        sourceLine: matched.pattern.channel === 'verifier' ? lastSource : undefined,
      });
      continue;
    }
    const errno = bareErrno(line) ?? distinctiveErrno(line);
    if (errno !== undefined && errnoChecks[errno]) pending.push({ index, text: original.trim(), pattern: undefined, errno });
  }
  return { lines: refine(pending).map((p) => explainOne(p, facts)), total: raw.length };
}

type Refined = Pending & { readonly checks?: readonly string[]; readonly cause?: string; readonly fix?: string };

/** Uses neighbouring lines: an empty prog load log with -524 is an unreferenced program; PRG-11 vs PRG-12 by errno. */
function refine(input: readonly Pending[]): Refined[] {
  const pending: Refined[] = input.map((p) => {
    if (p.pattern?.id !== 'unsupported-member') return p;
    if (p.errno === 524) return { ...p, checks: ['PRG-11'] };
    return p.errno !== undefined ? { ...p, checks: ['PRG-12'] } : p;
  });
  return pending.map((p, i) => {
    if (p.pattern?.id === 'prog-load-failed') {
      const prog = p.match?.groups?.prog;
      const verifierLines = pending.slice(i + 1).filter((q) => q.pattern?.channel === 'verifier' && q.program === prog && q.pattern.summary !== true);
      if (verifierLines.length === 0 && p.errno === 524) {
        return {
          ...p,
          checks: ['LIB-20', 'PRG-06', 'LIB-23'],
          cause: `The kernel refused program '${prog}' with ENOTSUPP and an empty verifier log: it has no attach type because no struct_ops map uses it (libbpf ≤ 1.4 still loads it; the map may also be in a misspelled section, LIB-01).`,
          fix: 'Wire the program into a member of a struct_ops map, delete it, or declare it `SEC("?struct_ops/...")` so it is not loaded.',
        };
      }
      if (verifierLines.length > 0) {
        return { ...p, checks: [...new Set([...verifierLines.flatMap((v) => v.checks ?? v.pattern?.checks ?? []), 'LIB-23'])] };
      }
    }
    return p;
  });
}

function explainOne(p: Refined, facts: readonly FileFacts[]): ExplainedLine {
  const base = p.match ? subjectOf(p.match) : {};
  const subject: LogSubject = p.program && !base.program ? { ...base, program: p.program } : base;
  const table = p.errno !== undefined ? errnoChecks[p.errno] : undefined;
  const checks = p.checks ?? p.pattern?.checks ?? table?.checks ?? [];
  return {
    line: p.index,
    text: p.text,
    channel: p.pattern?.channel ?? 'errno',
    pattern: p.pattern?.id ?? 'errno',
    checks: checks.map(describeCheck),
    errno: p.errno,
    errnoName: p.errno !== undefined ? errnoName(p.errno) : undefined,
    cause: p.cause ?? p.pattern?.cause ?? table?.cause ?? '',
    fix: p.fix ?? p.pattern?.fix ?? table?.fix ?? '',
    subject,
    locations: facts.length > 0 ? locate(subject, facts, p.sourceLine) : [],
    summary: p.pattern?.summary === true,
  };
}

/** The explanation as text, one block per recognised line (the CLI's output and the editor's view). */
export function formatExplanation(explanation: LogExplanation, relative: (file: string) => string = (f) => f): string {
  if (explanation.lines.length === 0) return 'No struct_ops message or errno recognised.\n';
  const out: string[] = [];
  for (const l of explanation.lines) {
    out.push(`line ${l.line + 1}: ${l.text}`);
    const errno = l.errno !== undefined ? ` -${l.errnoName} (${l.errno})` : '';
    if (l.checks.length === 0) out.push(`  summary line${errno}`);
    for (const c of l.checks) out.push(`  ${c.id} ${c.title}${c.phase ? ` [${c.phase}]` : ''}`);
    if (l.checks.length > 0 && errno) out.push(`  errno:${errno}`);
    if (l.cause) out.push(`  cause: ${l.cause}`);
    if (l.fix) out.push(`  fix: ${l.fix}`);
    for (const hit of l.locations) {
      const { line, character } = hit.location.range.start;
      out.push(`  source: ${relative(hit.location.file)}:${line + 1}:${character + 1} ${hit.what}`);
    }
    if (l.checks.length > 0) out.push(`  docs: ${l.checks.map((c) => `docs/checks/${c.id}.md`).join(', ')}`);
    out.push('');
  }
  return `${out.join('\n')}`;
}

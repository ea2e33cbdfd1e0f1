// Live kernel helpers for differential tests: build a test/live/cases/*.bpf.c object, load it with the
// real libbpf loader (test/live/loader.c) through test/live/guard.sh (lock, timeout, leftover cleanup)
// and return what really happened (phase, errno, messages). Also reads the recorded ground truth,
// test/live/observed.json, for machines where a live run is impossible. No engine imports.

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const liveDir = path.join(repoRoot, 'test', 'live');
export const liveCasesDir = path.join(liveDir, 'cases');
export const liveBuildDir = path.join(liveDir, '.build');
export const liveObservedFile = path.join(liveDir, 'observed.json');
const guardScript = path.join(liveDir, 'guard.sh');
const loaderSource = path.join(liveDir, 'loader.c');
const loaderBinary = path.join(liveBuildDir, 'loader');
const vmlinuxHeader = path.join(liveBuildDir, 'vmlinux.h');

/** Phases as struct-ops-semantics.md names them; `null` when nothing failed. */
export type LivePhase = 'open' | 'load' | 'map_create' | 'prog_load' | 'map_update' | 'link_create';

export interface LiveMap {
  name: string;
  struct_ops: boolean;
  flags: number;
  created: boolean;
  /** bpf_map__attach_struct_ops was called for it. */
  tried: boolean;
  attached: boolean;
  /** Positive errno of the attach, 0 when attached or not tried. */
  errno: number;
  errno_name: string;
  detached: boolean;
  detach_errno: number;
}

export interface LiveProg {
  name: string;
  section: string;
  /** enum bpf_prog_type (27 = BPF_PROG_TYPE_STRUCT_OPS, 0 = unspecified). */
  type: number;
  autoload: boolean;
  flags: number;
  loaded: boolean;
}

/** What the loader reported: one JSON line (see loader.c). */
export interface LiveOutcome {
  object: string;
  outcome: 'ok' | 'fail';
  phase: LivePhase | null;
  /** Positive errno (524 = ENOTSUPP, 4001.. = libbpf errnos); 0 on success or crash. */
  errno: number;
  errno_name: string;
  strerror: string;
  /** libbpf crashed (SIGSEGV etc.); the phase is where it crashed. */
  crash: boolean;
  signal?: number;
  timeout: boolean;
  stage: string;
  note?: string;
  /** First libbpf warning line, e.g. `libbpf: struct_ops init_kern: struct x is not found in kernel BTF`. */
  first_error: string | null;
  maps: LiveMap[];
  progs: LiveProg[];
  /** tcp cc names that were present while the maps were attached and not before. */
  tcp_cc_registered: string[];
  tcp_cc_left: string[];
  /** The verifier log of the failed program, as libbpf printed it. */
  verifier_log: string[];
  warnings: string[];
  /** Kernel log lines printed during the run (e.g. `TCP: x does not implement required ops`). */
  kmsg: string[];
  /** Every libbpf print, prefixed with its level: `W `, `I ` or `D `. */
  log: string[];
}

/** What guard.sh found of ours still registered after the loader exited, and what it cleaned. */
export interface LiveLeftovers {
  struct_ops: string[];
  tcp_cc: string[];
  cleaned: string[];
  still: string[];
  error?: string;
}

export interface LiveRun extends LiveOutcome {
  leftovers: LiveLeftovers;
}

/** Header of a case file: `// case:`, `// checks:`, `// expect:`, `// build:`, `// loader:`, `// note:`. */
export interface LiveCaseHeader {
  case: string;
  checks: string[];
  /** `ok`, `crash` or `fail <phase> [<ERRNO_NAME>]` as the author expected (from the spec). */
  expect?: string;
  build: string[];
  loader: string[];
  note?: string;
}

function which(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).status === 0;
}

/** Whether live runs are possible here, and if not, why (for `it.skipIf(...)` reasons). */
export function liveEnvironment(): { ok: boolean; reason?: string } {
  if (process.platform !== 'linux') return { ok: false, reason: 'not Linux' };
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return { ok: false, reason: 'live struct_ops runs need root' };
  if (!existsSync('/sys/kernel/btf/vmlinux')) return { ok: false, reason: 'no /sys/kernel/btf/vmlinux' };
  for (const tool of ['clang', 'bpftool', 'cc', 'flock', 'timeout']) {
    if (!which(tool)) return { ok: false, reason: `${tool} not found` };
  }
  for (const header of ['/usr/include/bpf/libbpf.h', '/usr/include/bpf/bpf_helpers.h', '/usr/include/gelf.h', '/usr/include/zlib.h']) {
    if (!existsSync(header)) return { ok: false, reason: `${header} missing (libbpf-dev, libelf-dev, zlib1g-dev)` };
  }
  return { ok: true };
}

/** Case files (`*.bpf.c`, names relative to test/live/cases), sorted, by listing the directory. */
export function listLiveCases(): string[] {
  return readdirSync(liveCasesDir)
    .filter((f) => f.endsWith('.bpf.c'))
    .sort();
}

/** Parses the `// key: value` header of a case file (name relative to test/live/cases, or a path). */
export function readLiveCaseHeader(file: string): LiveCaseHeader {
  const text = readFileSync(casePath(file), 'utf8');
  const h: LiveCaseHeader = { case: '', checks: [], build: [], loader: [] };
  for (const line of text.split('\n')) {
    const m = /^\/\/\s*(case|checks|expect|build|loader|note):\s*(.*)$/.exec(line);
    if (!m) {
      if (line.startsWith('#') || (line.trim() !== '' && !line.startsWith('//'))) break;
      continue;
    }
    const key = m[1];
    const value = m[2] ?? '';
    if (key === 'case') h.case = value.trim();
    else if (key === 'checks') h.checks = value.split(/[ ,]+/).filter(Boolean);
    else if (key === 'expect') h.expect = value.trim();
    else if (key === 'build') h.build.push(...value.split(/[ ,]+/).filter(Boolean));
    else if (key === 'loader') h.loader.push(...value.split(/\s+/).filter(Boolean));
    else if (key === 'note') h.note = (h.note ? h.note + ' ' : '') + value.trim();
  }
  return h;
}

function casePath(file: string): string {
  return path.isAbsolute(file) || file.includes('/') ? path.resolve(file) : path.join(liveCasesDir, file);
}

function run(cmd: string, args: string[], timeoutMs: number): Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** Write via a temp file + rename so parallel test workers never see half-written outputs. */
function tmpName(target: string): string {
  return `${target}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
}

async function ensureToolchain(): Promise<void> {
  mkdirSync(liveBuildDir, { recursive: true });
  if (!existsSync(vmlinuxHeader) || statSync(vmlinuxHeader).size < 1000) {
    const r = spawnSync('bpftool', ['btf', 'dump', 'file', '/sys/kernel/btf/vmlinux', 'format', 'c'], { encoding: 'utf8', maxBuffer: 256 << 20 });
    if (r.status !== 0) throw new Error(`bpftool btf dump failed: ${r.stderr}`);
    const tmp = tmpName(vmlinuxHeader);
    writeFileSync(tmp, r.stdout);
    renameSync(tmp, vmlinuxHeader);
  }
  if (!existsSync(loaderBinary) || statSync(loaderBinary).mtimeMs < statSync(loaderSource).mtimeMs) {
    const tmp = tmpName(loaderBinary);
    const r = await run('cc', ['-O2', '-Wall', '-o', tmp, loaderSource, '-lbpf', '-lelf', '-lz'], 120_000);
    if (r.code !== 0) throw new Error(`loader build failed: ${r.stderr}`);
    renameSync(tmp, loaderBinary);
  }
}

/**
 * Compiles one case (name relative to test/live/cases, or a path) into test/live/.build and returns
 * the object path. Honours `// build: no-debug` (no -g). Throws with clang's output if it fails.
 */
export async function buildLiveCase(file: string): Promise<string> {
  await ensureToolchain();
  const src = casePath(file);
  const header = readLiveCaseHeader(src);
  const obj = path.join(liveBuildDir, path.basename(src).replace(/\.bpf\.c$|\.c$/, '') + '.bpf.o');
  const tmp = tmpName(obj);
  const flags = ['-O2', '-target', 'bpf', '-D__TARGET_ARCH_x86', '-I', liveBuildDir, '-Wno-unused-value', '-Wno-incompatible-pointer-types'];
  if (!header.build.includes('no-debug')) flags.push('-g');
  const r = await run('clang', [...flags, '-c', src, '-o', tmp], 120_000);
  if (r.code !== 0) throw new Error(`clang failed for ${file}:\n${r.stderr}`);
  renameSync(tmp, obj);
  return obj;
}

function parseGuard(stdout: string): { json?: string; leftovers: LiveLeftovers } {
  const lines = stdout.split('\n');
  const json = lines.filter((l) => l.startsWith('{')).pop();
  const g = lines.filter((l) => l.startsWith('#guard ')).pop();
  let leftovers: LiveLeftovers = { struct_ops: [], tcp_cc: [], cleaned: [], still: [], error: 'no guard report' };
  if (g) {
    try {
      leftovers = JSON.parse(g.slice('#guard '.length)) as LiveLeftovers;
    } catch {
      /* keep the error record */
    }
  }
  return { json, leftovers };
}

/**
 * Loads one object with the live loader (open, load, attach every struct_ops map, tear down) and
 * returns the outcome plus what guard.sh had to clean. Loader options come from `opts.loaderArgs`,
 * else from the `// loader:` header of the matching case file (same base name). Never throws for a
 * failed load; throws only if the loader produced no JSON at all.
 */
export async function runLiveCase(objPath: string, opts: { loaderArgs?: string[]; timeoutMs?: number } = {}): Promise<LiveRun> {
  await ensureToolchain();
  let loaderArgs = opts.loaderArgs;
  if (!loaderArgs) {
    const src = path.join(liveCasesDir, path.basename(objPath).replace(/\.bpf\.o$|\.o$/, '') + '.bpf.c');
    loaderArgs = existsSync(src) ? readLiveCaseHeader(src).loader : [];
  }
  // guard.sh waits up to 600 s for the lock and bounds the loader to 30 s itself.
  const r = await run(guardScript, ['run', loaderBinary, ...loaderArgs, objPath], opts.timeoutMs ?? 700_000);
  const { json, leftovers } = parseGuard(r.stdout);
  if (!json) {
    // Whatever happened, make sure nothing of ours stays registered.
    await run(guardScript, ['cleanup'], 700_000);
    throw new Error(`live loader gave no JSON for ${objPath} (exit ${r.code}, signal ${r.signal}): ${r.stderr.trim()}`);
  }
  return { ...(JSON.parse(json) as LiveOutcome), leftovers };
}

/** Unregisters every sot_* struct_ops map still registered; returns what was found. */
export async function cleanupLive(): Promise<LiveLeftovers> {
  const r = await run(guardScript, ['cleanup'], 700_000);
  return parseGuard(r.stdout).leftovers;
}

/** One recorded case of test/live/observed.json (written by test/live/run.mjs). */
export interface ObservedLiveCase {
  file: string;
  case: string;
  checks: string[];
  expect: string | null;
  loader_args: string[];
  outcome: 'ok' | 'fail' | 'build_error';
  phase: LivePhase | null;
  errno: number;
  errno_name: string;
  crash: boolean;
  first_error: string | null;
  kernel_message: string | null;
  maps: LiveMap[];
  verifier_log: string[];
  kmsg: string[];
}

export interface ObservedLive {
  generated: string;
  environment: { kernel: string; libbpf: string; clang: string; bpftool: string; struct_ops_types: string[] };
  cases: ObservedLiveCase[];
}

/** The recorded ground truth, or undefined if observed.json is missing. */
export function readObservedLive(): ObservedLive | undefined {
  if (!existsSync(liveObservedFile)) return undefined;
  return JSON.parse(readFileSync(liveObservedFile, 'utf8')) as ObservedLive;
}

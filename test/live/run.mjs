#!/usr/bin/env node
// Live corpus runner: builds vmlinux.h, the loader and every test/live/cases/*.bpf.c, loads each
// object against the running kernel with the system libbpf (loader.c), cleans up anything left
// registered, and writes test/live/observed.json (ground truth for the simulator).
//
// Usage (as root):  node test/live/run.mjs [--filter SUBSTR] [--no-write] [--json] [--no-bpftool]
// Each object is also registered with `bpftool struct_ops register` (cross-check, field `bpftool`).
// Needs: /sys/kernel/btf/vmlinux, clang, bpftool, cc, libbpf-dev, libelf-dev, zlib1g-dev.
//
// SAFETY: every case object uses map and tcp cc names starting with `sot_`; after every case the
// runner checks `bpftool struct_ops show` and tcp_available_congestion_control and unregisters any
// `sot_*` leftover (`bpftool struct_ops unregister id N`, via guard.sh), then checks again.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { cpus } from 'node:os';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const BUILD = join(HERE, '.build');
const CASES = join(HERE, 'cases');
const OUT = join(HERE, 'observed.json');
const PREFIX = 'sot_';

const args = process.argv.slice(2);
const filter = args.includes('--filter') ? args[args.indexOf('--filter') + 1] : undefined;
const noWrite = args.includes('--no-write') || filter !== undefined;
const jsonOut = args.includes('--json');
const noBpftool = args.includes('--no-bpftool');

function sh(cmd, argv, opts = {}) {
  return spawnSync(cmd, argv, { encoding: 'utf8', maxBuffer: 64 << 20, ...opts });
}

function firstLine(s) {
  return (s || '').split('\n').find((l) => l.trim()) || '';
}

/** Header lines: `// key: value` at the top of the case file. */
export function parseHeader(text) {
  const h = { case: '', checks: [], expect: undefined, build: [], loader: [] };
  for (const line of text.split('\n')) {
    const m = /^\/\/\s*(case|checks|expect|build|loader|note):\s*(.*)$/.exec(line);
    if (!m) {
      if (line.startsWith('#') || (line.trim() && !line.startsWith('//'))) break;
      continue;
    }
    const [, k, v] = m;
    if (k === 'case') h.case = v.trim();
    else if (k === 'checks') h.checks = v.split(/[ ,]+/).filter(Boolean);
    else if (k === 'expect') h.expect = v.trim();
    else if (k === 'build') h.build.push(...v.split(/[ ,]+/).filter(Boolean));
    else if (k === 'loader') h.loader.push(...v.split(/\s+/).filter(Boolean));
    else if (k === 'note') h.note = (h.note ? h.note + ' ' : '') + v.trim();
  }
  return h;
}

function ensureBuild() {
  mkdirSync(BUILD, { recursive: true });
  const vmh = join(BUILD, 'vmlinux.h');
  if (!existsSync(vmh) || statSync(vmh).size < 1000) {
    const r = sh('bpftool', ['btf', 'dump', 'file', '/sys/kernel/btf/vmlinux', 'format', 'c']);
    if (r.status !== 0) throw new Error('bpftool btf dump failed: ' + r.stderr);
    writeFileSync(vmh, r.stdout);
  }
  const loader = join(BUILD, 'loader');
  const src = join(HERE, 'loader.c');
  if (!existsSync(loader) || statSync(loader).mtimeMs < statSync(src).mtimeMs) {
    const r = sh('cc', ['-O2', '-Wall', '-o', loader, src, '-lbpf', '-lelf', '-lz']);
    if (r.status !== 0) throw new Error('loader build failed: ' + r.stderr);
  }
  return loader;
}

export function compileCase(file, header) {
  const base = file.replace(/\.bpf\.c$/, '');
  const obj = join(BUILD, base + '.bpf.o');
  const flags = ['-O2', '-target', 'bpf', '-D__TARGET_ARCH_x86', '-I', BUILD, '-Wno-unused-value', '-Wno-incompatible-pointer-types'];
  if (!header.build.includes('no-debug')) flags.push('-g');
  return new Promise((resolvePromise) => {
    const child = spawn('clang', [...flags, '-c', join(CASES, file), '-o', obj], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    child.on('close', (code) => resolvePromise({ obj, ok: code === 0, stderr }));
  });
}

/** Compile all cases, a few at a time (clang is the slow part: vmlinux.h is large). */
async function compileAll(files) {
  const out = new Map();
  let next = 0;
  const worker = async () => {
    while (next < files.length) {
      const f = files[next++];
      const t0 = Date.now();
      const header = parseHeader(readFileSync(join(CASES, f), 'utf8'));
      out.set(f, { ...(await compileCase(f, header)), ms: Date.now() - t0 });
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, cpus().length) }, worker));
  return out;
}

const GUARD = join(HERE, 'guard.sh');

/** Parse guard.sh output: the loader's JSON line and the `#guard {...}` leftover report. */
export function parseGuardOutput(stdout) {
  const lines = (stdout || '').split('\n');
  const json = lines.filter((l) => l.startsWith('{')).pop();
  const g = lines.filter((l) => l.startsWith('#guard ')).pop();
  let guard = { struct_ops: [], tcp_cc: [], cleaned: [], still: [], error: 'no guard report' };
  if (g) {
    try {
      guard = JSON.parse(g.slice('#guard '.length));
    } catch {
      /* keep the error record */
    }
  }
  return { json, guard };
}

/** Check for leftovers of ours (sot_*), unregister them; returns what was found/cleaned. */
export function cleanupLeftovers() {
  const r = sh(GUARD, ['cleanup']);
  return parseGuardOutput(r.stdout).guard;
}

/**
 * Cross-check with bpftool: `bpftool struct_ops register OBJ` under guard.sh. bpftool leaves plain
 * .struct_ops maps registered, so the guard's cleanup report is exactly what bpftool registered.
 */
function runBpftool(obj) {
  const r = sh(GUARD, ['bpftool', obj]);
  const lines = (r.stdout || '').split('\n');
  const exit = Number((lines.find((l) => l.startsWith('#bpftool-exit ')) || '#bpftool-exit -1').split(' ')[1]);
  const { guard } = parseGuardOutput(r.stdout);
  return {
    exit, // 124 = timeout, 128+N = killed by signal N (139 = SIGSEGV)
    crash: exit === 139 || exit === 134 || exit === 135,
    output: lines.filter((l) => l && !l.startsWith('#')).filter((l) => !l.startsWith('libbpf: ') || /fail|error|not |cannot|invalid|unsupported|missing|required/i.test(l)).slice(0, 12),
    registered: (guard.cleaned || []).map((e) => e.replace(/^\d+:/, '')),
  };
}

/** The kernel's own words for a failure: the verifier's last message, or a kernel log line (TCP: ...). */
export function kernelMessage(o) {
  const v = (o.verifier_log || []).filter((l) => l.trim());
  const p = v.findIndex((l) => l.startsWith('processed '));
  if (p === 0) return '(empty verifier log)';
  if (p > 0) {
    // the lines after the last instruction line and before the summary
    let i = p - 1;
    while (i > 0 && !/^\d+: /.test(v[i - 1]) && !v[i - 1].startsWith(';')) i--;
    return v.slice(i, p).join(' | ');
  }
  const k = (o.kmsg || []).find((l) => /^(TCP|BPF|sched_ext)[: ]/.test(l));
  return k ?? null;
}

function trimLog(log) {
  // CO-RE relocation chatter is long and says nothing about struct_ops: keep the rest.
  return (log || []).filter((l) => !/^D libbpf: (prog '[^']*': relo #|sec '[^']*': found \d+ CO-RE)/.test(l));
}

function runCase(loader, obj, header) {
  const r = sh(GUARD, ['run', loader, ...header.loader, obj]);
  const { json, guard } = parseGuardOutput(r.stdout);
  if (!json) {
    return { observed: { outcome: 'fail', phase: null, errno: 0, errno_name: 'NONE', crash: r.status !== 0, note: `no JSON from loader (exit ${r.status}, signal ${r.signal}): ${firstLine(r.stderr)}`, log: [] }, guard };
  }
  return { observed: JSON.parse(json), guard };
}

function expectMatches(expect, o) {
  if (!expect) return undefined;
  const toks = expect.split(/\s+/);
  if (toks[0] === 'ok') return o.outcome === 'ok';
  if (toks[0] === 'crash') return !!o.crash;
  const [, phase, err] = toks;
  return o.outcome === 'fail' && o.phase === phase && (err === undefined || o.errno_name === err || String(o.errno) === err);
}

/** struct_ops types this kernel registers: every `bpf_struct_ops_<T>` value struct in vmlinux BTF. */
function structOpsTypes() {
  const r = sh('bpftool', ['btf', 'dump', 'file', '/sys/kernel/btf/vmlinux']);
  const skip = new Set(['arg_info', 'desc', 'common_value', 'value', 'map', 'link']);
  return [...(r.stdout || '').matchAll(/STRUCT 'bpf_struct_ops_(\w+)'/g)].map((m) => m[1]).filter((t) => !skip.has(t));
}

function version(cmd, argv, re) {
  const r = sh(cmd, argv);
  const m = re.exec((r.stdout || '') + (r.stderr || ''));
  return m ? m[1] : 'unknown';
}

async function main() {
  if (process.getuid && process.getuid() !== 0) {
    console.error('run.mjs must run as root (it loads BPF programs)');
    process.exit(2);
  }
  const t0 = Date.now();
  const loader = ensureBuild();
  const files = readdirSync(CASES).filter((f) => f.endsWith('.bpf.c')).filter((f) => !filter || f.includes(filter)).sort();
  const pre = cleanupLeftovers();
  if (pre.struct_ops.length || pre.tcp_cc.length) console.error('leftovers before run cleaned:', pre);

  const builds = await compileAll(files);
  const results = [];
  for (const file of files) {
    const text = readFileSync(join(CASES, file), 'utf8');
    const header = parseHeader(text);
    const build = builds.get(file);
    const c0 = Date.now();
    let observed;
    let left = { struct_ops: [], tcp_cc: [] };
    if (!build.ok) {
      observed = { outcome: 'build_error', phase: null, errno: 0, errno_name: 'NONE', first_error: firstLine(build.stderr), log: [] };
    } else {
      ({ observed, guard: left } = runCase(loader, build.obj, header));
    }
    const bpftool = build.ok && !noBpftool ? runBpftool(build.obj) : null;
    const rec = {
      file: `cases/${file}`,
      case: header.case,
      checks: header.checks,
      expect: header.expect ?? null,
      build: header.build,
      loader_args: header.loader,
      note: header.note ?? null,
      matches_expect: expectMatches(header.expect, observed) ?? null,
      outcome: observed.outcome,
      phase: observed.phase,
      errno: observed.errno,
      errno_name: observed.errno_name,
      crash: !!observed.crash,
      first_error: observed.first_error ?? null,
      kernel_message: kernelMessage(observed),
      maps: observed.maps ?? [],
      progs: observed.progs ?? [],
      tcp_cc_registered: observed.tcp_cc_registered ?? [],
      verifier_log: observed.verifier_log ?? [],
      warnings: observed.warnings ?? [],
      kmsg: observed.kmsg ?? [],
      leftovers: left.struct_ops.length || left.tcp_cc.length ? left : null,
      build_ms: build.ms,
      run_ms: Date.now() - c0,
      log: trimLog(observed.log),
    };
    if (observed.note) rec.loader_note = observed.note;
    if (bpftool) {
      rec.bpftool = bpftool;
      // the loader attaches like bpftool: same maps registered (bpftool cannot set --sleepable)
      const attached = rec.maps.filter((m) => m.attached).map((m) => m.name.slice(0, 15)).sort();
      rec.bpftool_agrees = header.loader.length ? null : JSON.stringify(attached) === JSON.stringify([...bpftool.registered].sort()) && bpftool.crash === rec.crash;
    }
    results.push(rec);
    if (!jsonOut) {
      const mark = rec.matches_expect === false ? ' !!' : '';
      process.stdout.write(
        `${file.padEnd(40)} ${(rec.checks.join(',') || '-').padEnd(16)} ${rec.outcome.padEnd(5)} ${String(rec.phase).padEnd(10)} ${rec.errno_name.padEnd(10)} ${rec.crash ? 'CRASH (signal ' + (observed.signal ?? '?') + ') ' : ''}${(rec.kernel_message || rec.first_error || '').slice(0, 110)}${mark}${rec.bpftool_agrees === false ? ' BPFTOOL-DIFFERS' : ''}${rec.leftovers ? ' LEFTOVER-CLEANED' : ''}\n`,
      );
    }
  }
  const post = cleanupLeftovers();
  const seconds = (Date.now() - t0) / 1000;
  const env = {
    kernel: execFileSync('uname', ['-r'], { encoding: 'utf8' }).trim(),
    libbpf: version('sh', ['-c', "grep -h 'define LIBBPF_M' /usr/include/bpf/libbpf_version.h; dpkg-query -W -f='${Version}' libbpf-dev 2>/dev/null"], /([\d.]+-[\w.+~]+|[\d.]+)$/),
    libbpf_header: version('sh', ['-c', "awk '/LIBBPF_MAJOR_VERSION/{a=$3}/LIBBPF_MINOR_VERSION/{b=$3}END{print a\".\"b}' /usr/include/bpf/libbpf_version.h"], /([\d.]+)/),
    clang: version('clang', ['--version'], /clang version ([\w.\-~+]+)/),
    bpftool: version('bpftool', ['version'], /bpftool v([\d.]+)/),
    tcp_available_congestion_control: readFileSync('/proc/sys/net/ipv4/tcp_available_congestion_control', 'utf8').trim(),
    struct_ops_types: structOpsTypes(),
  };
  const summary = {
    cases: results.length,
    ok: results.filter((r) => r.outcome === 'ok').length,
    fail: results.filter((r) => r.outcome === 'fail').length,
    crash: results.filter((r) => r.crash).length,
    expect_mismatch: results.filter((r) => r.matches_expect === false).map((r) => r.file),
    leftovers_cleaned: results.filter((r) => r.leftovers).map((r) => r.file),
    bpftool_differs: results.filter((r) => r.bpftool_agrees === false).map((r) => r.file),
    final_leftovers: post,
    seconds,
  };
  if (!noWrite) {
    const doc = {
      description: 'Real outcomes of test/live/cases/*.bpf.c loaded by test/live/loader.c (bpftool-struct_ops-register semantics) on this machine. Generated by test/live/run.mjs; do not edit by hand.',
      generated: new Date().toISOString(),
      environment: env,
      summary,
      cases: results,
    };
    writeFileSync(OUT, JSON.stringify(doc, null, 1) + '\n');
  }
  if (jsonOut) process.stdout.write(JSON.stringify({ environment: env, summary, cases: results }) + '\n');
  else console.log(`\n${summary.cases} cases: ${summary.ok} ok, ${summary.fail} fail (${summary.crash} crash), ${summary.expect_mismatch.length} differ from header expect, ${seconds.toFixed(1)} s; final leftovers: ${post.struct_ops.length + post.tcp_cc.length}`);
}

if (resolve(process.argv[1] || '') === fileURLToPath(import.meta.url)) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}

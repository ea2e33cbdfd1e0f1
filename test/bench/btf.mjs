#!/usr/bin/env node
// BTF reader benchmark against libbpf (test/bench/btf_bench.c, built here with cc -lbpf):
//  (a) first load + struct_ops query of a BTF file in a fresh process, timed inside it
//  (b) warm reload: both parse the file again (ours as the kernel profile does: parseBtfFile)
//  (c) the whole CLI process (`btf list`) vs the whole C process
//  (d) memory retained above Node's baseline (JS heap + array buffers after GC; RSS shown too),
//      as a multiple of the BTF size
// Prints ratios ours/C with the targets. Usage: node test/bench/btf.mjs [BTF_FILE] [--json]
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const args = process.argv.slice(2);
const json = args.includes('--json');
const file = args.find((a) => !a.startsWith('--')) ?? '/sys/kernel/btf/vmlinux';
const out = path.join(root, '.bench');
const RUNS = 7;

if (!existsSync(file)) {
  console.log(`btf bench: skipped, ${file} does not exist`);
  process.exit(0);
}
mkdirSync(out, { recursive: true });

// The engine's BTF layer, bundled as the CLI bundles it.
const lib = path.join(out, 'btf-engine.cjs');
await esbuild.build({ entryPoints: [path.join(root, 'server/src/engine/btf/index.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile: lib, logLevel: 'warning' });
const child = path.join(out, 'btf-child.cjs');
writeFileSync(child, `
const btf = require(${JSON.stringify(lib)});
const [mode, file, n] = process.argv.slice(2);
// As the kernel profile loads the running kernel's BTF: parseBtfFile reads /sys/kernel/btf
// files page by page on demand; other files are read whole.
const kernelSysfs = file.startsWith('/sys/kernel/btf/');
const parse = () => btf.parseBtfFile(file, { kernelSysfs });
// Mirrors btf_bench.c query(): value types, then T's ops members and their arity.
function query(spec) {
  let found = 0;
  for (const v of spec.structOpsValueTypes()) {
    const t = spec.typeById(v.typeId);
    for (const m of t.members) {
      const p = spec.typeById(spec.skipModsAndTypedefs(m.type));
      if (!p || p.kind !== btf.BtfKind.Ptr) continue;
      const fp = spec.typeById(p.type);
      if (!fp || fp.kind !== btf.BtfKind.FuncProto) continue;
      found += fp.params.length >= 0 ? 1 : 0;
    }
  }
  return found;
}
if (mode === 'cold') {
  const t0 = performance.now();
  const spec = parse();
  const ops = query(spec);
  console.log(JSON.stringify({ coldMs: performance.now() - t0, ops }));
} else if (mode === 'warm') {
  for (let i = 0; i < 5; i++) query(parse());
  const times = [];
  for (let i = 0; i < Number(n); i++) {
    const t0 = performance.now();
    query(parse());
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  console.log(JSON.stringify({ warmMinMs: times[0], warmMedianMs: times[times.length >> 1] }));
} else if (mode === 'mem') {
  global.gc();
  const before = process.memoryUsage();
  const spec = parse();
  query(spec);
  spec.findByNameKind('sock', btf.BtfKind.Struct);
  global.gc();
  const after = process.memoryUsage();
  const delta = (k) => after[k] - before[k];
  console.log(JSON.stringify({ rss: delta('rss'), heap: delta('heapUsed'), external: delta('external'), arrayBuffers: delta('arrayBuffers'), keep: spec.lastId }));
}
`);

const cBin = path.join(out, 'btf_bench');
let haveC = true;
try {
  execFileSync('cc', ['-O2', '-o', cBin, path.join(root, 'test/bench/btf_bench.c'), '-lbpf'], { stdio: 'pipe' });
} catch (e) {
  haveC = false;
  console.log(`btf bench: cannot build the libbpf baseline (${String(e.stderr ?? e).split('\n')[0]}); printing ours only`);
}

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const runJson = (cmd, argv) => JSON.parse(execFileSync(cmd, argv, { encoding: 'utf8' }).trim().split('\n').pop());
function wall(cmd, argv) {
  const t0 = performance.now();
  const r = spawnSync(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${cmd} ${argv.join(' ')}: exit ${r.status}: ${r.stderr}`);
  return ms;
}

// (c) ours: the built CLI if it has the btf command, else a bundle of cli/btfCommand.ts alone.
let cli = path.join(root, 'server/out/cli.js');
let cliArgs = [cli, 'btf', 'list', '--btf', file];
let cliNote = 'server/out/cli.js';
if (!existsSync(cli) || spawnSync('node', [cli, 'btf', '--help']).status !== 0) {
  cli = path.join(out, 'btf-cli.cjs');
  const entry = path.join(out, 'btf-cli-entry.ts');
  writeFileSync(entry, `import { runBtfCommand } from ${JSON.stringify(path.join(root, 'server/src/cli/btfCommand'))};
runBtfCommand(process.argv.slice(2), { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t), cwd: process.cwd() }, { profilesDir: ${JSON.stringify(path.join(root, 'resources/profiles'))} }).then((s) => { process.exitCode = s; });\n`);
  await esbuild.build({ entryPoints: [entry], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile: cli, logLevel: 'warning' });
  cliArgs = [cli, 'list', '--btf', file];
  cliNote = 'bundle of cli/btfCommand.ts (server/out/cli.js has no btf command yet)';
}

const size = statSync(file).size;
const result = { file, bytes: size, runs: RUNS, cli: cliNote };
const oursCold = [];
const cCold = [];
const oursCli = [];
const cCli = [];
for (let i = 0; i < RUNS; i++) {
  oursCold.push(runJson('node', [child, 'cold', file]).coldMs);
  if (haveC) cCold.push(runJson(cBin, [file, '1']).coldMs);
  oursCli.push(wall('node', cliArgs));
  if (haveC) cCli.push(wall(cBin, [file, 'list']));
}
const oursWarm = runJson('node', [child, 'warm', file, '30']);
const cWarm = haveC ? runJson(cBin, [file, '30']) : undefined;
const mem = runJson('node', ['--expose-gc', child, 'mem', file]);

result.a = { oursMs: median(oursCold), cMs: haveC ? median(cCold) : undefined, target: 0.8 };
result.b = { oursMs: oursWarm.warmMedianMs, cMs: cWarm?.warmMeanMs, oursMinMs: oursWarm.warmMinMs, cMinMs: cWarm?.warmMinMs, target: 3 };
result.c = { oursMs: median(oursCli), cMs: haveC ? median(cCli) : undefined, target: 3 };
result.d = { retainedBytes: mem.heap + mem.arrayBuffers, heapBytes: mem.heap, arrayBufferBytes: mem.arrayBuffers, rssBytes: mem.rss, ratio: (mem.heap + mem.arrayBuffers) / size, rssRatio: mem.rss / size, target: 2.5 };
for (const k of ['a', 'b', 'c']) if (result[k].cMs) result[k].ratio = result[k].oursMs / result[k].cMs;

if (json) {
  console.log(JSON.stringify(result, null, 2));
} else {
  const fmt = (x) => (x === undefined ? '   n/a' : x.toFixed(2).padStart(6));
  const line = (label, r, unit = 'ms') => {
    const verdict = r.ratio === undefined ? '' : r.ratio <= r.target ? 'ok' : 'MISSED';
    console.log(`${label.padEnd(44)} ours ${fmt(r.oursMs)} ${unit}  C ${fmt(r.cMs)} ${unit}  ratio ${fmt(r.ratio)}x  (target <= ${r.target}x) ${verdict}`);
  };
  console.log(`BTF bench: ${file} (${(size / 1e6).toFixed(2)} MB), median of ${RUNS} runs; CLI: ${cliNote}`);
  line('(a) first load + struct_ops query (in-process)', result.a);
  line('(b) warm reload + query (median)', result.b);
  line('(c) whole process: btf list', result.c);
  const d = result.d;
  console.log(`${'(d) memory retained above baseline'.padEnd(44)} ${(d.retainedBytes / 1e6).toFixed(2)} MB = ${d.ratio.toFixed(2)}x BTF size (target <= ${d.target}x) ${d.ratio <= d.target ? 'ok' : 'MISSED'} (heap ${(d.heapBytes / 1e6).toFixed(2)} MB + array buffers ${(d.arrayBufferBytes / 1e6).toFixed(2)} MB; RSS grew ${(d.rssBytes / 1e6).toFixed(2)} MB = ${d.rssRatio.toFixed(2)}x)`);
}

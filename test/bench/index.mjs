// Workspace-index benchmark on a real Linux 6.1 tree: the index's first phase (struct_ops files:
// what the editor waits for) vs `rg -l` wall time (target <= 1.5x), then the whole index (the
// second phase adds the other BPF programs; the CLI waits for it), peak RSS of the indexing
// process (target <= 100 MiB), and re-index of one changed file (target <= 20 ms). Bundles the
// engine with esbuild into .bench/. Run: node test/bench/index.mjs (INDEX_BENCH_ROUNDS=N: rounds, default 3)

import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const out = path.join(repo, '.bench');
const tarball = '/usr/src/linux-source-6.1.tar.xz';
const cacheDir = process.env.STRUCT_OPS_CACHE ?? '/var/tmp/struct-ops-cache';
const tree = path.join(cacheDir, 'linux-source-6.1');
const changedFile = 'tools/testing/selftests/bpf/progs/bpf_cubic.c';
// Workers: INDEX_WORKERS, else what the server and CLI use (defaultIndexWorkers).
const workers = process.env.INDEX_WORKERS ?? 'default';

function ensureTree() {
  if (existsSync(path.join(tree, 'Makefile'))) return true;
  if (!existsSync(tarball)) return false;
  console.log(`unpacking ${tarball} into ${cacheDir} (once)...`);
  const partial = path.join(cacheDir, `.extract-6.1-${process.pid}`);
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  execFileSync('tar', ['-xJf', tarball, '-C', partial], { stdio: 'inherit' });
  renameSync(path.join(partial, 'linux-source-6.1'), tree);
  rmSync(partial, { recursive: true, force: true });
  return true;
}

function time(fn) {
  const t = performance.now();
  const r = fn();
  return { ms: performance.now() - t, r };
}

if (!ensureTree()) {
  console.log(`skipped: neither ${tree} nor ${tarball} exists (apt-get install linux-source-6.1)`);
  process.exit(0);
}

mkdirSync(out, { recursive: true });
const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  logLevel: 'warning',
  alias: { 'web-tree-sitter': path.join(repo, 'node_modules/web-tree-sitter/web-tree-sitter.cjs') },
};
await esbuild.build({ ...common, entryPoints: [path.join(repo, 'test/bench/indexRun.ts')], outfile: path.join(out, 'indexRun.js') });
await esbuild.build({ ...common, entryPoints: [path.join(repo, 'server/src/engine/index/indexWorker.ts')], outfile: path.join(out, 'indexWorker.js') });
copyFileSync(path.join(repo, 'node_modules/web-tree-sitter/web-tree-sitter.wasm'), path.join(out, 'web-tree-sitter.wasm'));
copyFileSync(path.join(repo, 'node_modules/tree-sitter-c/tree-sitter-c.wasm'), path.join(out, 'tree-sitter-c.wasm'));

// Warm the page cache for both contenders, then measure each in interleaved rounds and keep each
// one's best: on this shared 2-core VM a single run of either varies by 20%, and both are
// measured alike. rg runs under /usr/bin/time (when present) so CPU time can be compared too.
const ROUNDS = Number(process.env.INDEX_BENCH_ROUNDS ?? 3);
const hasTime = existsSync('/usr/bin/time');
let rgCpuMs = Infinity;
const rg = () => {
  const argv = ['-l', '-e', 'struct_ops', '-e', 'bpf_struct_ops', '.'];
  const r = hasTime
    ? spawnSync('/usr/bin/time', ['-f', 'CPU %U %S', 'rg', ...argv], { cwd: tree, encoding: 'utf8', maxBuffer: 64 << 20 })
    : spawnSync('rg', argv, { cwd: tree, encoding: 'utf8', maxBuffer: 64 << 20 });
  const cpu = /CPU ([\d.]+) ([\d.]+)/.exec(r.stderr ?? '');
  if (cpu) rgCpuMs = Math.min(rgCpuMs, (Number(cpu[1]) + Number(cpu[2])) * 1000);
  return r;
};
const probe = spawnSync('rg', ['--version']);
if (probe.error) {
  console.log('skipped: rg (ripgrep) is not installed');
  process.exit(0);
}
const runIndex = () => {
  const child = spawnSync(process.execPath, [path.join(out, 'indexRun.js'), tree, changedFile, String(workers)], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (child.status !== 0) throw new Error(`index run failed: ${child.stderr}`);
  return JSON.parse(child.stdout.trim().split('\n').pop());
};
rg();
const rgRuns = [];
const indexRuns = [];
for (let round = 0; round < ROUNDS; round++) {
  rgRuns.push(time(rg).ms);
  indexRuns.push(time(runIndex));
}
const rgMs = Math.min(...rgRuns);
// The best index run by the whole index; peak RSS is the worst of all runs.
const idx = indexRuns.reduce((best, run) => (run.r.fullMs < best.r.fullMs ? run : best));
const result = { ...idx.r, maxRssMiB: Math.max(...indexRuns.map((run) => run.r.maxRssMiB)), structOpsRssMiB: Math.max(...indexRuns.map((run) => run.r.structOpsRssMiB)) };
const ratio = result.structOpsMs / rgMs;
const runs = (values) => values.map((v) => v.toFixed(0)).join(' / ');

const row = (name, value, target, ok) => console.log(`${name.padEnd(34)} ${value.padStart(12)}   target ${target.padEnd(10)} ${ok ? 'ok' : 'MISSED'}`);
console.log(`tree: ${tree} (${result.candidates} candidates, ${result.indexed} indexed, ${result.skipped} skipped; ${result.maps} maps, ${result.programs} programs, ${result.legacyTypes} legacy types; facts ${result.factsHash})`);
console.log(`workers: ${result.workers}; best of ${ROUNDS} interleaved rounds: rg -l ${rgMs.toFixed(0)} ms (runs ${runs(rgRuns)}), whole index ${result.fullMs.toFixed(0)} ms (runs ${runs(indexRuns.map((run) => run.r.fullMs))}); index process wall ${idx.ms.toFixed(0)} ms`);
console.log(`phase 1 (struct_ops files, their includes and Kbuild files: ${result.structOpsIndexed} indexed; the editor's diagnostics and ready follow it); phase 2: ${result.deferred} other BPF programs and Kbuild files`);
row('phase 1 / rg -l', `${ratio.toFixed(2)}x`, '<= 1.5x', ratio <= 1.5);
row('phase 1 wall', `${result.structOpsMs.toFixed(0)} ms`, '', true);
row('phase 1 + 2 (whole index) / rg -l', `${(result.fullMs / rgMs).toFixed(2)}x`, '<= 1.5x (the issue\'s full index)', result.fullMs / rgMs <= 1.5);
row('phase 1 + 2 wall (CLI waits)', `${result.fullMs.toFixed(0)} ms`, '', true);
if (Number.isFinite(rgCpuMs)) {
  console.log(`CPU time (all threads, start-up included) vs rg ${rgCpuMs.toFixed(0)} ms: phase 1 ${result.structOpsCpuMs.toFixed(0)} ms = ${(result.structOpsCpuMs / rgCpuMs).toFixed(2)}x; whole index ${result.fullCpuMs.toFixed(0)} ms = ${(result.fullCpuMs / rgCpuMs).toFixed(2)}x; whole run ${result.cpuMs.toFixed(0)} ms`);
}
console.log(`event-loop delay of the indexing thread during phase 1 (it answers the editor in the server): max ${result.loopDelayMaxMs.toFixed(0)} ms, p99 ${result.loopDelayP99Ms.toFixed(0)} ms`);
row('peak RSS after phase 1', `${result.structOpsRssMiB.toFixed(0)} MiB`, '<= 100 MiB', result.structOpsRssMiB <= 100);
row('peak RSS (whole run)', `${result.maxRssMiB.toFixed(0)} MiB`, '<= 100 MiB', result.maxRssMiB <= 100);
row(`re-index ${path.basename(changedFile)} (median)`, `${result.reindexMedianMs.toFixed(1)} ms`, '<= 20 ms', result.reindexMedianMs <= 20);

#!/usr/bin/env node
// Simulator benchmark: per-object simulation time once BTF is loaded, on (1) every struct_ops
// object of the Linux 6.1 selftests and (2) a synthetic workspace of 100 maps. Target: < 2 ms
// per object. Each object is re-parsed (new facts: no cached trace) and simulated ROUNDS times;
// its time is the median of those rounds, and the parser's garbage is collected before each timed
// simulation, so neither a parse-triggered GC pause nor one preempted round (the machine is shared)
// counts as simulation time. Usage: node test/bench/simulate.mjs [--json]
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const json = process.argv.includes('--json');
const out = path.join(root, '.bench');
mkdirSync(out, { recursive: true });
const lib = path.join(out, 'engine.cjs');
await esbuild.build({
  entryPoints: [path.join(root, 'server/src/engine/index.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile: lib,
  logLevel: 'warning', alias: { 'web-tree-sitter': path.join(root, 'node_modules/web-tree-sitter/web-tree-sitter.cjs') },
});
const { StructOpsEngine, nodeModulesWasm } = createRequire(import.meta.url)(lib);
const silent = { error() {}, warn() {}, info() {}, debug() {} };

async function engine() {
  const e = await StructOpsEngine.create({ wasm: nodeModulesWasm(root), profilesDir: path.join(root, 'resources/profiles'), logger: silent });
  const p = await e.configureProfile({ kernelVersion: '6.18', libbpfVersion: '1.7' });
  if (!('objects' in p)) throw new Error(p.message);
  return e;
}

// NOTE: exposing gc() at run time instead of requiring `node --expose-gc`: https://nodejs.org/api/v8.html#v8setflagsfromstringflags
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc');
const ROUNDS = 9;

function measure(e, files) {
  for (const f of files) e.simulate(f); // warm
  const perObject = [];
  for (const f of files) {
    const text = readFileSync(f, 'utf8');
    const rounds = [];
    for (let r = 0; r < ROUNDS; r++) {
      e.updateFile(f, text); // new facts: no cached trace
      collectGarbage();
      const t0 = process.hrtime.bigint();
      e.simulate(f);
      rounds.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    rounds.sort((a, b) => a - b);
    perObject.push(rounds[Math.floor(ROUNDS / 2)]);
  }
  perObject.sort((a, b) => a - b);
  const mean = perObject.reduce((a, b) => a + b, 0) / perObject.length;
  return { objects: files.length, meanMs: mean, p95Ms: perObject[Math.floor(perObject.length * 0.95)] ?? mean, maxMs: perObject[perObject.length - 1] };
}

const results = {};
const selftests = '/var/tmp/struct-ops-cache/linux-source-6.1/tools/testing/selftests/bpf/progs';
if (existsSync(selftests)) {
  const e = await engine();
  const files = readdirSync(selftests).filter((f) => f.endsWith('.c')).map((f) => path.join(selftests, f))
    .filter((f) => /struct_ops/.test(readFileSync(f, 'utf8')));
  for (const f of files) e.updateFile(f, readFileSync(f, 'utf8'));
  results.selftests61 = measure(e, e.objectFiles());
} else {
  results.selftests61 = { skipped: `${selftests} not found (the indexer's kernel-tree test untars linux-source-6.1 there)` };
}

{
  const e = await engine();
  const dir = path.join(out, 'synthetic');
  mkdirSync(dir, { recursive: true });
  const files = [];
  for (let i = 0; i < 100; i++) {
    const f = path.join(dir, `cc${i}.bpf.c`);
    const text = `#include "vmlinux.h"\n#include <bpf/bpf_helpers.h>\n#include <bpf/bpf_tracing.h>\nchar LICENSE[] SEC("license") = "GPL";\n` +
      `SEC("struct_ops/s") __u32 BPF_PROG(s${i}, struct sock *sk) { return 2; }\n` +
      `SEC("struct_ops/u") __u32 BPF_PROG(u${i}, struct sock *sk) { return 2; }\n` +
      `SEC("struct_ops/a") void BPF_PROG(a${i}, struct sock *sk, __u32 ack, __u32 acked) { }\n` +
      `SEC(".struct_ops.link") struct tcp_congestion_ops cc${i} = { .ssthresh = (void *)s${i}, .undo_cwnd = (void *)u${i}, .cong_avoid = (void *)a${i}, .name = "cc${i}" };\n`;
    writeFileSync(f, text);
    e.updateFile(f, text);
    files.push(f);
  }
  results.synthetic100 = measure(e, files);
}

if (json) console.log(JSON.stringify(results, null, 2));
else {
  for (const [name, r] of Object.entries(results)) {
    if (r.skipped) console.log(`simulate ${name}: skipped, ${r.skipped}`);
    else console.log(`simulate ${name}: ${r.objects} objects, mean ${r.meanMs.toFixed(3)} ms, p95 ${r.p95Ms.toFixed(3)} ms, max ${r.maxMs.toFixed(3)} ms per object, median of ${ROUNDS} rounds (target < 2 ms) ${r.p95Ms < 2 ? 'OK' : 'OVER'}`);
  }
}

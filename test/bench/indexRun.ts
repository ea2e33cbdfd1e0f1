// Child process of test/bench/index.mjs (bundled by it): indexes a tree once with the workspace
// index in its two phases, then re-indexes one changed file repeatedly, and prints one JSON line
// of measurements.

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ripgrepOnPath } from '../../server/src/engine/index/ripgrep';
import { defaultIndexWorkers } from '../../server/src/engine/index/workerBoot';
import { WorkspaceIndex } from '../../server/src/engine/index/workspace';

/** CPU time of every thread of this process (workers included) so far, in ms. */
function cpuMs(): number {
  const usage = process.resourceUsage();
  return (usage.userCPUTime + usage.systemCPUTime) / 1000;
}

async function main(): Promise<void> {
  const [tree, changedRel, workersArg] = process.argv.slice(2);
  const workers = workersArg === undefined || workersArg === 'default' ? defaultIndexWorkers() : Number(workersArg);
  const here = __dirname;
  // As `struct-ops index` does: with workers, this thread needs no parser for a folder index.
  // INDEX_LISTER=walk: list folders in this process even where ripgrep is installed.
  const ripgrep = process.env.INDEX_LISTER === 'walk' ? undefined : ripgrepOnPath();
  const index = await WorkspaceIndex.create({ wasm: { wasmDir: here }, workers, workerScript: path.join(here, 'indexWorker.js'), loadParser: workers > 0 ? 'on-demand' : 'now', ripgrep });
  // How long this thread, which serves the editor's requests in the server, is busy at a stretch:
  // the lateness of a 5 ms timer (perf_hooks' monitorEventLoopDelay misses long blocks here).
  const delays: number[] = [];
  let lastTick = performance.now();
  const ticker = setInterval(() => {
    const now = performance.now();
    delays.push(now - lastTick - 5);
    lastTick = now;
  }, 5);
  const started = performance.now();
  const phases = await index.indexFoldersInPhases([tree]);
  clearInterval(ticker);
  delays.push(performance.now() - lastTick - 5);
  delays.sort((a, b) => a - b);
  const loopDelayMaxMs = delays[delays.length - 1];
  const loopDelayP99Ms = delays[Math.floor(delays.length * 0.99)];
  // What the editor waits for: diagnostics and the ready notification follow the first phase.
  const structOpsMs = performance.now() - started;
  const structOpsCpuMs = cpuMs();
  const structOpsRssMiB = process.resourceUsage().maxRSS / 1024;
  const structOpsIndexed = phases.structOps.indexed;
  const summary = await phases.complete;
  const fullMs = performance.now() - started;
  const fullCpuMs = cpuMs();
  const changed = path.join(tree, changedRel);
  const text = readFileSync(changed, 'utf8');
  // An editor's edit, as the server makes it: its index loaded this thread's parser at start.
  await index.loadParser();
  const times: number[] = [];
  for (let i = 0; i < 21; i++) {
    const t = performance.now();
    index.updateFile(changed, `${text}\n// edit ${i}\n`);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const usage = process.resourceUsage();
  // A stable digest of every fact, so an optimisation can show that it changed no result; taken
  // after the measurements, one file at a time, so that it adds neither time nor peak memory.
  const hash = createHash('sha256');
  const json = (value: unknown): string => JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
  for (const facts of index.allFacts()) hash.update(json(facts));
  for (const kbuild of index.kbuild()) hash.update(json(kbuild));
  console.log(
    JSON.stringify({
      workers,
      lister: ripgrep ?? 'this process',
      structOpsMs,
      structOpsCpuMs,
      structOpsRssMiB,
      loopDelayMaxMs,
      loopDelayP99Ms,
      structOpsIndexed,
      deferred: phases.deferred,
      fullMs,
      fullCpuMs,
      candidates: summary.candidates,
      indexed: summary.indexed,
      skipped: summary.skipped.length,
      maps: index.maps().length,
      programs: index.programs().length,
      legacyTypes: index.legacyTypes().length,
      factsHash: hash.digest('hex').slice(0, 16),
      reindexMedianMs: times[Math.floor(times.length / 2)],
      reindexFirstMs: times[0],
      maxRssMiB: usage.maxRSS / 1024,
      cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000,
    }),
  );
}

void main();

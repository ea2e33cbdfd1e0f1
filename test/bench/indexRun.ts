// Child process of test/bench/index.mjs (bundled by it): indexes a tree once with the workspace
// index, then re-indexes one changed file repeatedly, and prints one JSON line of measurements.

import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { WorkspaceIndex } from '../../server/src/engine/index/workspace';

async function main(): Promise<void> {
  const [tree, changedRel, workersArg] = process.argv.slice(2);
  const workers = Number(workersArg ?? '2');
  const here = __dirname;
  const index = await WorkspaceIndex.create({ wasm: { wasmDir: here }, workers, workerScript: path.join(here, 'indexWorker.js') });
  const started = performance.now();
  const summary = await index.indexFolders([tree]);
  const fullMs = performance.now() - started;

  const changed = path.join(tree, changedRel);
  const text = readFileSync(changed, 'utf8');
  const times: number[] = [];
  for (let i = 0; i < 21; i++) {
    const t = performance.now();
    index.updateFile(changed, `${text}\n// edit ${i}\n`);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  console.log(
    JSON.stringify({
      fullMs,
      candidates: summary.candidates,
      indexed: summary.indexed,
      skipped: summary.skipped.length,
      maps: index.maps().length,
      programs: index.programs().length,
      legacyTypes: index.legacyTypes().length,
      reindexMedianMs: times[Math.floor(times.length / 2)],
      reindexFirstMs: times[0],
      maxRssMiB: process.resourceUsage().maxRSS / 1024,
      // All threads of this process (workers included), for a load-independent comparison.
      cpuMs: (process.resourceUsage().userCPUTime + process.resourceUsage().systemCPUTime) / 1000,
    }),
  );
}

void main();

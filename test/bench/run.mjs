#!/usr/bin/env node
// `npm run bench`: every benchmark in one run, each printing its ratios against the anchor it
// measures in the same run (libbpf, ripgrep, clangd) or its absolute per-item target.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const benches = ['btf.mjs', 'index.mjs', 'simulate.mjs', 'lsp.mjs'];
let failed = 0;
for (const bench of benches) {
  console.log(`\n== ${bench}`);
  const r = spawnSync(process.execPath, [path.join(here, bench), ...process.argv.slice(2)], { stdio: 'inherit' });
  if (r.status !== 0) {
    failed++;
    console.log(`${bench} exited with ${r.status}`);
  }
}
process.exit(failed > 0 ? 1 : 0);

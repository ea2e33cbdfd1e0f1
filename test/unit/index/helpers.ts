// Index test setup: the wasm paths from node_modules and a worker bundle built with esbuild, as
// the server build does (server/out/indexWorker.js), into a temporary directory.

import * as esbuild from 'esbuild';
import { mkdtempSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { nodeModulesWasm } from '../../../server/src/engine/c/parser';
import { repoRoot } from '../c/helpers';

export const wasm = nodeModulesWasm(repoRoot);

let workerScript: Promise<string> | undefined;

/** Bundles server/src/engine/index/indexWorker.ts once per test process. */
export function bundledWorker(): Promise<string> {
  workerScript ??= (async () => {
    const outfile = path.join(mkdtempSync(path.join(os.tmpdir(), 'index-worker-')), 'indexWorker.js');
    await esbuild.build({
      entryPoints: [path.join(repoRoot, 'server/src/engine/index/indexWorker.ts')],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      outfile,
      logLevel: 'silent',
      // As esbuild.mjs does: web-tree-sitter's ESM build needs import.meta.url, absent in CJS.
      alias: { 'web-tree-sitter': path.join(repoRoot, 'node_modules/web-tree-sitter/web-tree-sitter.cjs') },
    });
    return outfile;
  })();
  return workerScript;
}

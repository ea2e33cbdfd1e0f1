// Bundles the client, the language server and the CLI; copies the two tree-sitter wasm files
// next to the server bundles, where engine/c/parser.ts is told to find them (bundling moves __dirname).
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';

const watch = process.argv.includes('--watch');
// web-tree-sitter's ESM build reads import.meta.url, which a CJS bundle lacks: take its CJS build.
const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: true,
  logLevel: 'info',
  alias: { 'web-tree-sitter': './node_modules/web-tree-sitter/web-tree-sitter.cjs' },
};

// Entries that load other bundles when they run, each its own bundle beside them: the CLI is a
// small dispatcher to its subcommands in server/out/cli/ (`struct-ops btf list` loads the BTF
// layer, not the parser and simulator), and the server's entry starts the index workers before it
// loads the server (serverMain.js).
const cliBundles = ['btfCommand', 'commands'];
const siblingBundlesExternal = {
  name: 'sibling-bundles-external',
  setup(build) {
    build.onResolve({ filter: /^\.\/(?:cli\/(?:btfCommand|commands)|serverMain)$/ }, (args) => ({ path: `${args.path}.js`, external: true }));
  },
};

const builds = [
  { ...common, entryPoints: ['client/src/extension.ts'], outfile: 'client/out/extension.js', external: ['vscode'] },
  { ...common, entryPoints: ['server/src/server.ts'], outfile: 'server/out/server.js', plugins: [siblingBundlesExternal] },
  { ...common, entryPoints: ['server/src/serverMain.ts'], outfile: 'server/out/serverMain.js' },
  { ...common, entryPoints: ['server/src/engine/index/indexWorker.ts'], outfile: 'server/out/indexWorker.js' },
  { ...common, entryPoints: ['server/src/cli.ts'], outfile: 'server/out/cli.js', banner: { js: '#!/usr/bin/env node' }, plugins: [siblingBundlesExternal] },
  { ...common, entryPoints: cliBundles.map((c) => `server/src/cli/${c}.ts`), outdir: 'server/out/cli' },
];

mkdirSync('server/out', { recursive: true });
copyFileSync('node_modules/web-tree-sitter/web-tree-sitter.wasm', 'server/out/web-tree-sitter.wasm');
copyFileSync('node_modules/tree-sitter-c/tree-sitter-c.wasm', 'server/out/tree-sitter-c.wasm');

if (watch) {
  const contexts = await Promise.all(builds.map((b) => esbuild.context(b)));
  await Promise.all(contexts.map((c) => c.watch()));
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}

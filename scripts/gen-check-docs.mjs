// Regenerates docs/checks/<ID>.md from the check catalogue and docs/struct-ops-semantics.md.
// The catalogue is TypeScript, so it is bundled on the fly with esbuild.
import * as esbuild from 'esbuild';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const tmp = path.join(os.tmpdir(), `check-docs-${process.pid}.cjs`);
await esbuild.build({ entryPoints: [path.join(root, 'server/src/engine/sim/checkDocs.ts')], bundle: true, platform: 'node', format: 'cjs', outfile: tmp, logLevel: 'error' });
const { checkDocumentation } = createRequire(import.meta.url)(tmp);
rmSync(tmp);

const outDir = path.join(root, 'docs', 'checks');
mkdirSync(outDir, { recursive: true });
for (const old of readdirSync(outDir)) rmSync(path.join(outDir, old));
const pages = checkDocumentation(readFileSync(path.join(root, 'docs', 'struct-ops-semantics.md'), 'utf8'));
for (const [name, text] of pages) writeFileSync(path.join(outDir, name), text);
console.log(`wrote ${pages.size} pages to docs/checks/`);

#!/usr/bin/env node
// Regenerates resources/profiles/default-vmlinux.btf (the struct_ops part of this machine's
// vmlinux BTF, minimised by the project's own minimizeStructOps) and default.json (its kernel
// version and provenance). Usage: node scripts/btf/make-default-profile.mjs [VMLINUX_BTF] [OUT_DIR]
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir, release } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const source = process.argv[2] ?? '/sys/kernel/btf/vmlinux';
const outDir = process.argv[3] ?? path.join(root, 'resources', 'profiles');
/** Structs behind more pointers than this become FWD; 2 keeps e.g. struct sock and what it points to. */
const POINTER_DEPTH = 2;

const tmp = mkdtempSync(path.join(tmpdir(), 'btf-profile-'));
try {
  const bundle = path.join(tmp, 'btf.mjs');
  await esbuild.build({ entryPoints: [path.join(root, 'server/src/engine/btf/index.ts')], bundle: true, platform: 'node', format: 'esm', outfile: bundle, logLevel: 'warning' });
  const btf = await import(pathToFileURL(bundle).href);
  const bytes = new Uint8Array(readFileSync(source));
  const vmlinux = btf.parseAnyBtf(bytes, { name: 'vmlinux' });
  if (vmlinux instanceof btf.BtfError) throw new Error(`${source}: ${vmlinux.message}`);
  const out = btf.minimizeStructOps(vmlinux, { pointerDepth: POINTER_DEPTH });
  const check = btf.parseBtf(out);
  if (check instanceof btf.BtfError) throw new Error(`minimised BTF does not parse back: ${check.message}`);
  const types = check.structOpsValueTypes().map((v) => v.typeName);
  const expected = vmlinux.structOpsValueTypes().map((v) => v.typeName);
  if (types.join() !== expected.join()) throw new Error(`struct_ops types lost: ${expected} vs ${types}`);
  mkdirSync(outDir, { recursive: true });
  writeFileSync(path.join(outDir, 'default-vmlinux.btf'), out);
  const meta = {
    kernelVersion: release(),
    source,
    sourceSha256: createHash('sha256').update(bytes).digest('hex'),
    generatedAt: new Date().toISOString(),
    generator: `node scripts/btf/make-default-profile.mjs ${source}`,
    pointerDepth: POINTER_DEPTH,
    structOpsTypes: types,
    types: check.lastId,
    bytes: out.length,
  };
  writeFileSync(path.join(outDir, 'default.json'), `${JSON.stringify(meta, null, 2)}\n`);
  console.log(`wrote ${out.length} bytes (${check.lastId} types; struct_ops: ${types.join(', ')}) to ${outDir}`);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

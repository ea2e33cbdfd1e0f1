// Hostile C through the indexer and the language server: hand-built adversarial sources (see
// cCorpus.ts; those over the index's size limit are kept, not extracted) and seeded mutations of the repository's real struct_ops sources go through
// extraction (WorkspaceIndex.updateFile), a folder scan (indexFolders), the engine's simulation,
// and the bundled server over stdio (didOpen/didChange + hover/completion). Nothing may throw,
// hang past a time bound or keep memory after the files are gone.

import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { StructOpsEngine } from '../../server/src/engine';
import { silentLogger } from '../../server/src/engine/common/logger';
import { DEFAULT_MAX_FILE_SIZE } from '../../server/src/engine/index/scan';
import { WorkspaceIndex } from '../../server/src/engine/index/workspace';
import { profilesDir, repoRoot, wasm } from '../helpers/paths';
import { startServerProcess } from '../soak/serverProcess';
import { Rng } from './btfMutate';
import { adversarialCases, invalidUtf8, mutateC, realSources } from './cCorpus';
import { FUZZ_SEED, liveHeapMiB, mib, sized } from './scale';

const sources = realSources([path.join(repoRoot, 'examples'), path.join(repoRoot, 'test', 'fixtures', 'c'), path.join(repoRoot, 'test', 'fixtures', 'lsp')]);
const seedText = sources.find((s) => s.file.endsWith('broken_cc.bpf.c'))?.text ?? sources[0].text;
/** Extraction gives up parsing after 5 s (PARSE_TIMEOUT_MS); the rest is preprocessing and walking. */
const CASE_BOUND_MS = 30_000;

const tmp = mkdtempSync(path.join(tmpdir(), 'c-fuzz-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Writes a case (and the files it includes) into `dir`; returns the main file's path. */
function writeCase(dir: string, c: { file: string; text: string; extra?: Readonly<Record<string, string>> }): string {
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(c.extra ?? {})) writeFileSync(path.join(dir, name), text);
  const file = path.join(dir, c.file);
  writeFileSync(file, c.text);
  return file;
}

describe('adversarial C through the indexer', () => {
  it('every hand-built case extracts within the time bound and leaves no memory behind', { timeout: 300_000 }, async () => {
    const index = await WorkspaceIndex.create({ wasm });
    const dir = path.join(tmp, 'engine');
    const heapBefore = liveHeapMiB();
    const report: string[] = [];
    const files: string[] = [];
    for (const c of adversarialCases(seedText)) {
      const file = writeCase(dir, c);
      files.push(file);
      const started = performance.now();
      const { facts } = index.updateFile(file, c.text);
      const ms = performance.now() - started;
      report.push(`${c.name} ${ms.toFixed(0)} ms, ${facts?.maps.length ?? 0} maps, ${facts?.problems.length ?? 0} problems`);
      // Editor text larger than the index extracts is kept for includers only, as on disk.
      if (c.text.length > DEFAULT_MAX_FILE_SIZE) expect(facts, c.name).toBeUndefined();
      else expect(facts, c.name).toBeDefined();
      expect(ms, c.name).toBeLessThan(CASE_BOUND_MS);
      expect(() => [index.maps(), index.programs(), index.allFacts(), index.dependents(file)], c.name).not.toThrow();
    }
    console.log(`[fuzz c] adversarial cases through WorkspaceIndex.updateFile:\n  ${report.join('\n  ')}`);
    // Facts are what must be right even on hostile input: the case with 20k maps has them all.
    expect(index.facts(path.join(dir, 'many_maps.bpf.c'))?.maps).toHaveLength(20_000);
    for (const file of files) index.removeFile(file);
    const heapAfter = liveHeapMiB();
    console.log(`[fuzz c] live heap ${heapBefore.toFixed(1)} -> ${heapAfter.toFixed(1)} MiB after removing the cases`);
    // Up to 8 recently edited files keep a syntax tree (in wasm memory, not the JS heap).
    expect(heapAfter - heapBefore).toBeLessThan(64);
  });

  it('a folder of hostile files (NUL bytes, invalid UTF-8, FIFOs, device and looping includes) is scanned without hanging', { timeout: 120_000 }, async () => {
    const dir = path.join(tmp, 'folder');
    for (const c of adversarialCases(seedText, 0.25)) writeCase(dir, c);
    writeFileSync(path.join(dir, 'bad_utf8.bpf.c'), invalidUtf8(seedText));
    writeFileSync(path.join(dir, 'nul_on_disk.bpf.c'), Buffer.concat([Buffer.from(seedText), Buffer.from([0, 0, 0])]));
    // Reading a FIFO blocks until someone writes it; /dev/zero never ends.
    execFileSync('mkfifo', [path.join(dir, 'pipe.bpf.c')]);
    execFileSync('mkfifo', [path.join(dir, 'pipe.h')]);
    writeFileSync(path.join(dir, 'includes_devices.bpf.c'), `#include "pipe.h"\n#include "/dev/zero"\n#include "/proc/self/mem"\n${seedText}`);
    symlinkSync('self_loop.h', path.join(dir, 'self_loop.h'));
    symlinkSync('missing_target.bpf.c', path.join(dir, 'dangling.bpf.c'));
    writeFileSync(path.join(dir, 'includes_loops.bpf.c'), `#include "self_loop.h"\n#include "dangling.bpf.c"\n${seedText}`);
    const index = await WorkspaceIndex.create({ wasm, logger: silentLogger });
    const started = performance.now();
    const summary = await index.indexFolders([dir]);
    const ms = performance.now() - started;
    const reasons = summary.skipped.map((s) => `${path.basename(s.file)}: ${s.reason}`);
    console.log(`[fuzz c] hostile folder: ${summary.candidates} candidates, ${summary.indexed} indexed in ${ms.toFixed(0)} ms; skipped: ${reasons.join('; ')}`);
    expect(ms).toBeLessThan(90_000);
    expect(reasons).toContain('bad_utf8.bpf.c: not valid UTF-8');
    expect(reasons).toContain('nul_on_disk.bpf.c: binary (contains NUL bytes)');
    expect(index.facts(path.join(dir, 'includes_devices.bpf.c'))?.maps).toHaveLength(1);
    expect(index.facts(path.join(dir, 'includes_loops.bpf.c'))?.maps).toHaveLength(1);
  });

  it('seeded mutations of the real sources extract and simulate without exceptions', { timeout: sized(180_000, 1_800_000) }, async () => {
    const engine = await StructOpsEngine.create({ wasm, profilesDir, logger: silentLogger });
    const profile = await engine.configureProfile({ btf: [path.join(profilesDir, 'default-vmlinux.btf')], kernelVersion: '6.18' });
    expect('objects' in profile).toBe(true);
    const rng = new Rng(FUZZ_SEED ^ 0xc0de);
    const runs = sized(800, 10_000);
    const dir = path.join(tmp, 'mutations');
    mkdirSync(dir, { recursive: true });
    const ops = new Map<string, number>();
    const thrown: string[] = [];
    let slowest = 0;
    let maps = 0;
    const heapBefore = liveHeapMiB();
    for (let i = 0; i < runs; i++) {
      const src = rng.pick(sources);
      const m = mutateC(src.text, rng.pick(sources).text, rng);
      ops.set(m.op, (ops.get(m.op) ?? 0) + 1);
      // A few files in turn, as an editor has them: memos and the trace cache are exercised.
      const file = path.join(dir, `m${i % 4}${path.basename(src.file).endsWith('.h') ? '.h' : '.bpf.c'}`);
      const started = performance.now();
      try {
        const { facts } = engine.updateFile(file, m.text);
        maps += facts?.maps.length ?? 0;
        engine.findingsFor(file);
      } catch (error) {
        thrown.push(`#${i} ${m.op} of ${path.basename(src.file)}: ${(error as Error).stack ?? String(error)}`);
      }
      slowest = Math.max(slowest, performance.now() - started);
    }
    for (let i = 0; i < 4; i++) for (const ext of ['.h', '.bpf.c']) engine.removeFile(path.join(dir, `m${i}${ext}`));
    const heapAfter = liveHeapMiB();
    console.log(`[fuzz c] seed 0x${FUZZ_SEED.toString(16)}: ${runs} mutated sources (${[...ops].map(([o, n]) => `${o} ${n}`).join(', ')}), ${maps} maps found, slowest ${slowest.toFixed(0)} ms, thrown ${thrown.length}; live heap ${heapBefore.toFixed(1)} -> ${heapAfter.toFixed(1)} MiB`);
    expect(thrown.slice(0, 3)).toEqual([]);
    expect(slowest).toBeLessThan(CASE_BOUND_MS);
    expect(maps).toBeGreaterThan(runs / 4);
    expect(heapAfter - heapBefore).toBeLessThan(48);
  });
});

describe('adversarial C through the language server (stdio)', () => {
  it('opens, edits, hovers and completes every case and stays up', { timeout: sized(300_000, 900_000) }, async () => {
    const dir = path.join(tmp, 'lsp');
    mkdirSync(dir, { recursive: true });
    const server = await startServerProcess(dir, { kernel: { btf: [], version: '' }, libbpf: { version: '' } });
    const rng = new Rng(FUZZ_SEED ^ 0x15b);
    try {
      const cases = adversarialCases(seedText);
      const mutations = Array.from({ length: sized(120, 2_000) }, (_, i) => {
        const m = mutateC(rng.pick(sources).text, rng.pick(sources).text, rng);
        return { name: `mutation ${i} (${m.op})`, file: `mutated${i % 3}.bpf.c`, text: m.text };
      });
      let requests = 0;
      let slowest = 0;
      const base = await server.memory();
      for (const c of [...cases, ...mutations]) {
        const file = writeCase(dir, c);
        const uri = pathToFileURL(file).toString();
        const started = performance.now();
        server.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'c', version: 1, text: c.text } });
        // Replace the text once, then ask at a few places: each answer proves the change was handled.
        server.notify('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: `${c.text}\n` }] });
        const lines = c.text.split('\n');
        for (let k = 0; k < 3; k++) {
          const line = rng.int(lines.length);
          const position = { line, character: rng.int(Math.min(lines[line].length, 1_000) + 1) };
          await server.request('textDocument/hover', { textDocument: { uri }, position }, 120_000);
          await server.request('textDocument/completion', { textDocument: { uri }, position }, 120_000);
          requests += 2;
        }
        server.notify('textDocument/didClose', { textDocument: { uri } });
        slowest = Math.max(slowest, performance.now() - started);
        expect(server.exited, `${c.name}: ${server.errors.join('\n')}`).toBeUndefined();
      }
      await server.request('textDocument/documentSymbol', { textDocument: { uri: pathToFileURL(path.join(dir, cases[0].file)).toString() } });
      const after = await server.memory();
      console.log(`[fuzz c] server over stdio: ${cases.length} adversarial cases + ${mutations.length} mutations, ${requests} hover/completion requests answered, slowest case ${slowest.toFixed(0)} ms; server heap ${mib(base.heapUsed)} -> ${mib(after.heapUsed)}, rss ${mib(base.rss)} -> ${mib(after.rss)}`);
      expect(slowest).toBeLessThan(120_000);
      // Closed documents leave nothing behind but a few syntax trees and the facts of the files on disk.
      expect(after.heapUsed - base.heapUsed).toBeLessThan(128 * 2 ** 20);
      expect(server.exited).toBeUndefined();
    } finally {
      await server.stop();
    }
    expect(server.exited).toBe('0');
  });
});

// The workspace index over test/fixtures/c, in-thread and with one or two workers: queries, module
// identity from Kbuild, include dependents, incremental update and removal; the two index phases.
// Chunks of one file: with one worker, this thread reads part of the files and the worker the rest;
// with two, the workers read them all (they may hold eight chunks each while the walk goes on).

import * as esbuild from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { forgetFunctionMemos } from '../../../server/src/engine/c/extract';
import { bootIndexWorkers } from '../../../server/src/engine/index/workerBoot';
import { WorkspaceIndex } from '../../../server/src/engine/index/workspace';
import { fixturesDir, repoRoot } from '../c/helpers';
import { bundledWorker, wasm } from './helpers';
import { writePhaseWorkspace } from './phases';

// The index fixtures (other fixture folders under test/fixtures/c belong to other tests).
const roots = ['hid', 'module', 'multi', 'scx', 'shim', 'stage1'].map((d) => path.join(fixturesDir, d));

async function indexFixtures(workers: number): Promise<WorkspaceIndex> {
  const index = await WorkspaceIndex.create({ wasm, workers, chunkSize: 1, workerScript: workers > 0 ? await bundledWorker() : undefined });
  const summary = await index.indexFolders(roots);
  expect(summary.cancelled).toBe(false);
  expect(summary.skipped.map((s) => s.reason)).toEqual([]);
  return index;
}

const rel = (f: string): string => path.relative(fixturesDir, f);

describe.each([0, 1, 2])('WorkspaceIndex with %i workers', (workers) => {
  it('answers map, program, type, descriptor and registration queries', async () => {
    const index = await indexFixtures(workers);
    expect(index.maps().map((m) => `${rel(m.file)}:${m.item.name}`)).toEqual([
      'hid/hid_dev.bpf.c:my_device',
      'multi/main.bpf.c:dummy',
      'scx/scx_simple.bpf.c:simple_ops',
      'shim/src/shim.bpf.c:without_vmlinux',
      'stage1/tcp_cc_mistakes.bpf.c:broken',
      'stage1/tcp_cc_mistakes.bpf.c:no_init',
      'stage1/tcp_cc_mistakes.bpf.c:attr_map',
      'stage1/tcp_cc_ok.bpf.c:cc_ok',
    ]);
    expect(index.maps('tcp_congestion_ops').map((m) => m.item.name)).toEqual(['without_vmlinux', 'broken', 'no_init', 'attr_map', 'cc_ok']);
    // impl.bpf.c's programs appear in its own facts and, through the include, in main.bpf.c's object.
    expect(index.programs('test_1').map((p) => [rel(p.file), rel(p.item.location.file)])).toEqual([
      ['multi/impl.bpf.c', 'multi/impl.bpf.c'],
      ['multi/main.bpf.c', 'multi/impl.bpf.c'],
    ]);
    expect(index.typeDefinitions('my_ops').map((t) => rel(t.file))).toEqual(['module/my_ops.h', 'stage1/my_ops_mod.c']);
    expect(index.descriptors('my_ops').map((d) => [rel(d.file), d.item.varName, d.module])).toEqual([
      ['module/my_ops_main.c', 'bpf_my_ops', 'my_ops'],
      ['stage1/my_ops_mod.c', 'bpf_my_ops', undefined],
    ]);
    expect(index.registrations('my_ops')).toHaveLength(4);
  });

  it('knows modules from Kbuild and dependents from includes', async () => {
    const index = await indexFixtures(workers);
    expect(index.moduleOf(path.join(fixturesDir, 'module/my_ops_stubs.c'))).toBe('my_ops');
    expect(index.moduleOf(path.join(fixturesDir, 'stage1/my_ops_mod.c'))).toBeUndefined();
    expect(index.dependents(path.join(fixturesDir, 'scx/include/scx/common.bpf.h')).map(rel)).toEqual(['scx/scx_simple.bpf.c']);
    // my_ops_stubs.c has no prefilter literal, so only the descriptor's file is indexed.
    expect(index.dependents(path.join(fixturesDir, 'module/my_ops.h')).map(rel)).toEqual(['module/my_ops_main.c']);
  });
});

describe('incremental updates', () => {
  it('re-extracts one file from editor text, then forgets removed files', async () => {
    const index = await indexFixtures(0);
    const file = path.join(fixturesDir, 'stage1/tcp_cc_ok.bpf.c');
    const text = 'SEC(".struct_ops")\nstruct tcp_congestion_ops renamed = { .init = (void *)nothing };\n';
    const updated = index.updateFile(file, text);
    expect(updated.facts?.maps.map((m) => m.name)).toEqual(['renamed']);
    expect(index.maps('tcp_congestion_ops').map((m) => m.item.name)).toContain('renamed');
    expect(index.programs('cc_init')).toEqual([]);

    const header = path.join(fixturesDir, 'scx/include/scx/common.bpf.h');
    expect(index.updateFile(header, '#define SCX_OPS_DEFINE(n, ...) int n;\n').dependents.map(rel)).toEqual(['scx/scx_simple.bpf.c']);

    expect(index.removeFile(file)).toEqual([]);
    expect(index.facts(file)).toBeUndefined();
  });

  it('rehearses a keystroke in an open file without changing its facts or what the next keystroke gives', async () => {
    const index = await indexFixtures(0);
    const file = path.join(fixturesDir, 'stage1/tcp_cc_mistakes.bpf.c');
    const text = readFileSync(file, 'utf8');
    const facts = index.updateFile(file, text).facts;
    index.rehearseEdit(file);
    expect(index.facts(file)).toBe(facts);
    const typed = text.replace('SEC(".struct_ops")', 'SEC(".struct_ops")\n');
    const afterRehearsal = index.updateFile(file, typed).facts;
    const fresh = await indexFixtures(0);
    forgetFunctionMemos();
    expect(afterRehearsal).toEqual(fresh.updateFile(file, typed).facts);
    expect(afterRehearsal?.maps.map((m) => m.location.range.start.line)).not.toEqual(facts?.maps.map((m) => m.location.range.start.line));
  });
});

describe.each([0, 1, 2])('two index phases with %i workers', (workers) => {
  const create = async () => WorkspaceIndex.create({ wasm, workers, chunkSize: 1, workerScript: workers > 0 ? await bundledWorker() : undefined });
  const mapNames = (index: WorkspaceIndex) => index.maps().map((m) => `${path.basename(m.file)}:${m.item.name}`);

  it('stores struct_ops files first and the other BPF programs when the second phase completes', async () => {
    const dir = writePhaseWorkspace();
    const index = await create();
    const phases = await index.indexFoldersInPhases([dir]);
    expect(phases.structOps.cancelled).toBe(false);
    expect(phases.deferred).toBe(1);
    expect(mapNames(index)).toEqual(['own_cc.bpf.c:own_cc']);
    expect(index.facts(path.join(dir, 'include/cc_define.h'))).toBeDefined();
    expect(index.moduleOf(path.join(dir, 'module/my_mod.c'))).toBe('my_mod');
    expect(index.kbuild().map((k) => path.relative(dir, k.file))).toEqual(['module/Kbuild']);
    const whole = await phases.complete;
    expect(whole).toMatchObject({ candidates: 6, indexed: 5, cancelled: false });
    // tools/Makefile is near no struct_ops source: not kept, and read when a source there is asked about.
    expect(index.kbuild().map((k) => path.relative(dir, k.file))).toEqual(['module/Kbuild']);
    expect(index.moduleOf(path.join(dir, 'tools/tool.c'))).toBe('vmlinux');
    expect(index.kbuild().map((k) => path.relative(dir, k.file))).toEqual(['module/Kbuild', 'tools/Makefile']);
    expect(index.moduleOf(path.join(dir, 'tools/other.c'))).toBeUndefined();
    expect(mapNames(index)).toEqual(['macro_cc.bpf.c:macro_cc', 'own_cc.bpf.c:own_cc']);
    expect(index.maps()[0].item).toMatchObject({ typeName: 'tcp_congestion_ops', section: '.struct_ops.link' });
  });

  it('reads the files asked for first, and keeps of them only what the walk lists', async () => {
    const dir = writePhaseWorkspace();
    writeFileSync(path.join(dir, 'skipped.bpf.c'), 'SEC(".struct_ops")\nstruct tcp_congestion_ops skipped_cc = { .flags = 0 };\n');
    const index = await WorkspaceIndex.create({ wasm, workers, chunkSize: 1, workerScript: workers > 0 ? await bundledWorker() : undefined, exclude: ['skipped.bpf.c'] });
    const first = ['own_cc.bpf.c', 'skipped.bpf.c', 'macro_cc.bpf.c', 'module/Kbuild'].map((f) => path.join(dir, f));
    const phases = await index.indexFoldersInPhases([dir], { first });
    expect(mapNames(index)).toEqual(['own_cc.bpf.c:own_cc']);
    await phases.complete;
    expect(mapNames(index)).toEqual(['macro_cc.bpf.c:macro_cc', 'own_cc.bpf.c:own_cc']);
    expect(index.moduleOf(path.join(dir, 'module/my_mod.c'))).toBe('my_mod');
    rmSync(dir, { recursive: true, force: true });
  });

  it('parses a second-phase program only when it or a file it reads names struct_ops, and again when a header starts to', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'index-expanded-'));
    const header = path.join(dir, 'include/trace.h');
    const trace = path.join(dir, 'trace.bpf.c');
    mkdirSync(path.dirname(header));
    writeFileSync(header, '#define ON(name) SEC("tp/sched/sched_switch") int name(void *ctx) { return 0; }\n');
    writeFileSync(trace, '#include "include/trace.h"\nchar _license[] SEC("license") = "GPL";\nON(on_switch)\n');
    const index = await create();
    const phases = await index.indexFoldersInPhases([dir]);
    expect(phases.deferred).toBe(1);
    await phases.complete;
    // Not parsed: the files it could include are known (a change to one re-checks it), its program
    // is not (it has no struct_ops).
    expect(index.facts(trace)).toMatchObject({ programs: [], maps: [], dependencies: [header] });
    const structOpsHeader = '#define ON(name) SEC(".struct_ops.link") struct tcp_congestion_ops name = { .flags = 0 };\n';
    expect(index.updateFile(header, structOpsHeader).dependents).toEqual([trace]);
    expect(index.refreshFile(trace).facts?.maps.map((m) => m.name)).toEqual(['on_switch']);
    // A header that names struct_ops makes its includers parsed in the second phase.
    writeFileSync(header, structOpsHeader);
    await index.indexFolders([dir]);
    expect(index.maps().map((m) => m.item.name)).toEqual(['on_switch']);
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps an edit made during the second phase, and forgets vanished files once it completes', async () => {
    const dir = writePhaseWorkspace();
    const index = await create();
    await index.indexFolders([dir]);
    rmSync(path.join(dir, 'own_cc.bpf.c'));
    const phases = await index.indexFoldersInPhases([dir]);
    // Until the second phase completes, what the last index knew stays.
    expect(mapNames(index)).toEqual(['macro_cc.bpf.c:macro_cc', 'own_cc.bpf.c:own_cc']);
    index.updateFile(path.join(dir, 'macro_cc.bpf.c'), '#include "include/cc_define.h"\nCC_DEFINE(edited_cc);\n');
    await phases.complete;
    expect(mapNames(index)).toEqual(['macro_cc.bpf.c:edited_cc']);
  });

  it('stores nothing from a first phase that another folder index overtook', async () => {
    const dir = writePhaseWorkspace();
    const index = await create();
    const overtaken = index.indexFoldersInPhases([dir]);
    const other = writePhaseWorkspace();
    const latest = await index.indexFoldersInPhases([other]);
    expect((await overtaken).structOps.cancelled).toBe(true);
    await latest.complete;
    expect(index.maps().every((m) => m.file.startsWith(other))).toBe(true);
    expect(mapNames(index)).toEqual(['macro_cc.bpf.c:macro_cc', 'own_cc.bpf.c:own_cc']);
  });

  it('stops a second phase when another folder index starts', async () => {
    const dir = writePhaseWorkspace();
    const index = await create();
    const first = await index.indexFoldersInPhases([dir]);
    const second = await index.indexFoldersInPhases([dir]);
    expect((await first.complete).cancelled).toBe(true);
    expect((await second.complete).cancelled).toBe(false);
    expect(mapNames(index)).toEqual(['macro_cc.bpf.c:macro_cc', 'own_cc.bpf.c:own_cc']);
  });
});

describe('paths sent to workers', () => {
  it('keeps a file whose name has a newline in it (a worker gets a chunk of paths as one string)', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'index-names-'));
    const odd = path.join(dir, 'odd\nname.bpf.c');
    writeFileSync(odd, 'SEC(".struct_ops")\nstruct tcp_congestion_ops odd_cc = { .flags = 0 };\n');
    writeFileSync(path.join(dir, 'plain.c'), 'int plain;\n');
    const index = await WorkspaceIndex.create({ wasm, workers: 1, chunkSize: 1, workerScript: await bundledWorker() });
    const summary = await index.indexFolders([dir]);
    expect(summary.skipped).toEqual([]);
    expect(index.maps().map((m) => `${m.file}:${m.item.name}`)).toEqual([`${odd}:odd_cc`]);
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('a parser loaded on demand', () => {
  it('indexes folders on workers without one, and edits once loadParser() has run', async () => {
    const index = await WorkspaceIndex.create({ wasm, workers: 1, chunkSize: 1, workerScript: await bundledWorker(), loadParser: 'on-demand' });
    const summary = await index.indexFolders(roots);
    expect(summary.skipped).toEqual([]);
    expect(index.maps().length).toBe(8);
    const file = path.join(fixturesDir, 'stage1/tcp_cc_ok.bpf.c');
    const text = 'SEC(".struct_ops")\nstruct tcp_congestion_ops edited_cc = { .flags = 0 };\n';
    expect(() => index.updateFile(file, text)).toThrow(/no parser yet/);
    await index.loadParser();
    expect(index.updateFile(file, text).facts?.maps.map((m) => m.name)).toEqual(['edited_cc']);
  });

  it('is loaded by a folder index that runs in this thread', async () => {
    const index = await WorkspaceIndex.create({ wasm, workers: 0, loadParser: 'on-demand' });
    await index.indexFolders(roots);
    expect(index.maps().length).toBe(8);
  });
});

describe('workers booted before the index', () => {
  it('extract the first folder index with the include paths and defines set after create', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'index-early-'));
    const include = mkdtempSync(path.join(os.tmpdir(), 'index-early-inc-'));
    writeFileSync(path.join(include, 'cc.h'), '#ifdef WANT_CC\n#define CC(n) SEC(".struct_ops.link") struct tcp_congestion_ops n = { .flags = 0 };\n#endif\n');
    writeFileSync(path.join(dir, 'early.bpf.c'), '#include "cc.h"\nchar LICENSE[] SEC("license") = "GPL";\nCC(early_cc)\n');
    const script = await bundledWorker();
    const index = await WorkspaceIndex.create({ wasm, workers: 1, chunkSize: 1, workerScript: script, bootedWorkers: bootIndexWorkers(script, { wasm, debug: false }, 1) });
    index.setSourceOptions({ includeDirs: [include], defines: [['WANT_CC', '1']] });
    await index.indexFolders([dir]);
    expect(index.maps().map((m) => m.item.name)).toEqual(['early_cc']);
    rmSync(dir, { recursive: true, force: true });
    rmSync(include, { recursive: true, force: true });
  });

  it('that failed before the index took them leave their files skipped, and nothing crashes', async () => {
    const dir = writePhaseWorkspace();
    const missing = path.join(dir, 'no-such-worker.js');
    const bootedWorkers = bootIndexWorkers(missing, { wasm, debug: false }, 1);
    await new Promise((resolve) => bootedWorkers[0].worker.once('exit', resolve));
    const index = await WorkspaceIndex.create({ wasm, workers: 1, chunkSize: 1, workerScript: missing, bootedWorkers });
    const summary = await index.indexFolders([dir]);
    expect(summary.skipped.length).toBeGreaterThan(0);
    expect(new Set(summary.skipped.map((s) => s.reason))).toEqual(new Set(['index worker unavailable']));
    rmSync(dir, { recursive: true, force: true });
  });

  it('let the process exit when no folder index comes', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'index-early-exit-'));
    const entry = path.join(dir, 'entry.js');
    await esbuild.build({
      stdin: {
        contents: `import { WorkspaceIndex } from ${JSON.stringify(path.join(repoRoot, 'server/src/engine/index/workspace'))};
          import { bootIndexWorkers } from ${JSON.stringify(path.join(repoRoot, 'server/src/engine/index/workerBoot'))};
          const script = ${JSON.stringify(await bundledWorker())};
          const bootedWorkers = bootIndexWorkers(script, { wasm: ${JSON.stringify(wasm)}, debug: false }, 1);
          void WorkspaceIndex.create({ wasm: ${JSON.stringify(wasm)}, workers: 1, workerScript: script, bootedWorkers }).then(() => console.log('created'));`,
        resolveDir: repoRoot,
        loader: 'ts',
      },
      bundle: true,
      platform: 'node',
      format: 'cjs',
      outfile: entry,
      logLevel: 'silent',
      alias: { 'web-tree-sitter': path.join(repoRoot, 'node_modules/web-tree-sitter/web-tree-sitter.cjs') },
    });
    const run = spawnSync(process.execPath, [entry], { encoding: 'utf8', timeout: 15_000 });
    expect({ status: run.status, signal: run.signal, stdout: run.stdout.trim() }).toEqual({ status: 0, signal: null, stdout: 'created' });
    rmSync(dir, { recursive: true, force: true });
  });
});

// `struct-ops index` on the fixtures: JSON (versioned, sorted, relative paths) and text output,
// -D reaching the preprocessor, and usage errors.

import { copyFileSync, mkdtempSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runIndexCommand, type IndexReport } from '../../../server/src/cli/indexCommand';
import { ExitStatus, type CliIo } from '../../../server/src/cli/io';
import { fixturesDir } from '../c/helpers';
import { wasm } from './helpers';
import { writePhaseWorkspace } from './phases';

let wasmDir: string;
beforeAll(() => {
  // The bundle finds both wasm files in one directory (server/out); build such a directory.
  wasmDir = mkdtempSync(path.join(os.tmpdir(), 'index-cli-'));
  copyFileSync(wasm.runtimeWasm, path.join(wasmDir, 'web-tree-sitter.wasm'));
  copyFileSync(wasm.grammarWasm, path.join(wasmDir, 'tree-sitter-c.wasm'));
});

async function run(argv: string[]): Promise<{ status: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = { out: (t) => (out += t), err: (t) => (err += t), cwd: fixturesDir };
  const status = await runIndexCommand(argv, io, { wasmDir });
  return { status, out, err };
}

describe('struct-ops index', () => {
  it('prints versioned, sorted JSON with relative paths', async () => {
    const dirs = ['hid', 'module', 'multi', 'scx', 'shim', 'stage1'];
    const r = await run([...dirs, '--format', 'json']);
    expect(r.status).toBe(ExitStatus.Clean);
    const report = JSON.parse(r.out) as IndexReport;
    expect(report.version).toBe(1);
    const scx = report.maps.find((m) => m.name === 'simple_ops')!;
    expect(scx).toMatchObject({ type: 'sched_ext_ops', section: '.struct_ops.link', file: 'scx/scx_simple.bpf.c', line: 42 });
    expect(scx.members[0]).toEqual({ name: 'select_cpu', value: 'simple_select_cpu', program: 'simple_select_cpu' });
    expect(report.programs.find((p) => p.name === 'simple_init')).toMatchObject({ section: 'struct_ops.s/simple_init', sleepable: true, declaredWith: 'BPF_STRUCT_OPS_SLEEPABLE' });
    // impl.bpf.c's programs are reported once although main.bpf.c includes it.
    expect(report.programs.filter((p) => p.name === 'test_1').map((p) => p.file)).toEqual(['multi/impl.bpf.c']);
    expect(report.descriptors).toContainEqual({ name: 'bpf_my_ops', type: 'my_ops', module: 'my_ops', file: 'module/my_ops_main.c', line: 20 });
    expect(report.registrations).toContainEqual({ descriptor: 'bpf_my_ops', type: 'my_ops', module: 'my_ops', function: 'my_ops_init', resultUse: 'returned', file: 'module/my_ops_main.c', line: 29 });
    const files = report.maps.map((m) => `${m.file}:${m.line}`);
    expect(files).toEqual([...files].sort());
    expect((await run([...dirs, '--format', 'json'])).out).toBe(r.out);
  });

  it('reports the facts of both index phases', async () => {
    const dir = writePhaseWorkspace();
    const report = JSON.parse((await run([dir, '--format', 'json'])).out) as IndexReport;
    expect(report.maps.map((m) => [path.basename(m.file), m.name])).toEqual([
      ['macro_cc.bpf.c', 'macro_cc'],
      ['own_cc.bpf.c', 'own_cc'],
    ]);
  });

  it('passes -D to the preprocessor and prints text', async () => {
    const r = await run(['shim', '-DLSP']);
    expect(r.status).toBe(ExitStatus.Clean);
    expect(r.out).toContain('shim/src/shim.bpf.c:12: with_vmlinux: struct tcp_congestion_ops in .struct_ops.link');
    expect(r.out).toContain('    .dummy = 1');
  });

  it('rejects bad usage', async () => {
    expect((await run([])).status).toBe(ExitStatus.UsageError);
    expect((await run(['.', '--format', 'xml'])).status).toBe(ExitStatus.UsageError);
    expect((await run(['no-such-dir'])).status).toBe(ExitStatus.UsageError);
    expect((await run(['.', '--bogus'])).status).toBe(ExitStatus.UsageError);
  });
});

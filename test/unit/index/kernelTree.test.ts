// Indexes a real Linux 6.1 tree (Debian's linux-source-6.1, unpacked once into a cache outside the
// repo) and checks the struct_ops facts everyone knows are there: selftests' programs and maps,
// the kernel's descriptors, and the legacy static list in kernel/bpf/bpf_struct_ops_types.h.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ripgrepOnPath } from '../../../server/src/engine/index/ripgrep';
import { WorkspaceIndex } from '../../../server/src/engine/index/workspace';
import { bundledWorker, wasm } from './helpers';

const tarball = '/usr/src/linux-source-6.1.tar.xz';
const cacheDir = process.env.STRUCT_OPS_CACHE ?? '/var/tmp/struct-ops-cache';
const tree = path.join(cacheDir, 'linux-source-6.1');

/** Unpacks the tarball once (into a temporary name, renamed when complete); later runs reuse it. */
export function ensureKernelTree(): string | undefined {
  if (existsSync(path.join(tree, 'Makefile'))) return tree;
  if (!existsSync(tarball)) return undefined;
  const partial = path.join(cacheDir, `.extract-6.1-${process.pid}`);
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  execFileSync('tar', ['-xJf', tarball, '-C', partial], { stdio: 'ignore' });
  renameSync(path.join(partial, 'linux-source-6.1'), tree);
  rmSync(partial, { recursive: true, force: true });
  return tree;
}

const missing = !existsSync(path.join(tree, 'Makefile')) && !existsSync(tarball);
if (missing) console.log(`kernelTree.test: skipped, neither ${tree} nor ${tarball} exists (apt-get install linux-source-6.1)`);

const rg = ripgrepOnPath();
if (!missing && !rg) console.log('kernelTree.test: the ripgrep comparison is skipped, rg is not on PATH (apt-get install ripgrep)');

describe.skipIf(missing)('Linux 6.1 source tree', () => {
  let index: WorkspaceIndex;
  // The parts of the tree that hold struct_ops facts; the benchmark indexes the whole tree.
  const roots = ['tools/testing/selftests/bpf/progs', 'kernel/bpf', 'net/ipv4', 'net/bpf'].map((d) => path.join(tree, d));
  const rel = (f: string): string => path.relative(tree, f);

  beforeAll(async () => {
    ensureKernelTree();
    index = await WorkspaceIndex.create({ wasm, workers: 2, workerScript: await bundledWorker() });
    const summary = await index.indexFolders(roots);
    expect(summary.cancelled).toBe(false);
  }, 600_000);

  it('finds the selftests struct_ops maps and their wired programs', () => {
    const cubic = index.maps().find((m) => m.item.name === 'cubic')!;
    expect(rel(cubic.file)).toBe('tools/testing/selftests/bpf/progs/bpf_cubic.c');
    expect(cubic.item).toMatchObject({ typeName: 'tcp_congestion_ops', section: '.struct_ops' });
    expect(cubic.item.members.map((m) => [m.name, m.value.kind === 'function' ? m.value.name : m.value.kind])).toEqual(
      expect.arrayContaining([
        ['init', 'bpf_cubic_init'],
        ['ssthresh', 'bpf_cubic_recalc_ssthresh'],
        ['cong_avoid', 'bpf_cubic_cong_avoid'],
        ['name', 'string'],
      ]),
    );
    expect(index.maps('tcp_congestion_ops').map((m) => path.basename(m.file))).toEqual(expect.arrayContaining(['bpf_cubic.c', 'bpf_dctcp.c']));
    expect(index.maps('bpf_dummy_ops').map((m) => [path.basename(m.file), m.item.name])).toEqual(expect.arrayContaining([['dummy_st_ops.c', 'dummy_1']]));
  });

  it('finds struct_ops programs written with SEC + BPF_PROG and with BPF_STRUCT_OPS', () => {
    const inCubic = index.programs().filter((p) => path.basename(p.file) === 'bpf_cubic.c');
    expect(inCubic.map((p) => [p.item.name, p.item.section, p.item.declaredWith])).toEqual(
      expect.arrayContaining([
        ['bpf_cubic_init', 'struct_ops/bpf_cubic_init', 'BPF_PROG'],
        ['bpf_cubic_cong_avoid', 'struct_ops/bpf_cubic_cong_avoid', 'BPF_STRUCT_OPS'],
      ]),
    );
    const test2 = index.programs('test_2').find((p) => path.basename(p.file) === 'dummy_st_ops.c')!;
    expect(test2.item.params.map((p) => p.text)).toEqual(['struct bpf_dummy_ops_state *state', 'int a1', 'unsigned short a2', 'char a3', 'unsigned long a4']);
  });

  it('finds the legacy static registrations and their descriptors', () => {
    const legacy = index.legacyTypes();
    expect(legacy.map((t) => [rel(t.file), t.item.name])).toEqual([
      ['kernel/bpf/bpf_struct_ops_types.h', 'bpf_dummy_ops'],
      ['kernel/bpf/bpf_struct_ops_types.h', 'tcp_congestion_ops'],
    ]);
    expect(index.descriptors().map((d) => [rel(d.file), d.item.varName, d.typeName])).toEqual(
      expect.arrayContaining([
        ['net/ipv4/bpf_tcp_ca.c', 'bpf_tcp_congestion_ops', 'tcp_congestion_ops'],
        ['net/bpf/bpf_dummy_struct_ops.c', 'bpf_bpf_dummy_ops', 'bpf_dummy_ops'],
      ]),
    );
  });

  it.skipIf(!rg)('has the same facts when ripgrep lists the folders', async () => {
    const listed = await WorkspaceIndex.create({ wasm, workers: 2, workerScript: await bundledWorker(), ripgrep: rg });
    const summary = await listed.indexFolders(roots);
    expect(summary.cancelled).toBe(false);
    expect(listed.allFacts()).toEqual(index.allFacts());
    expect(listed.kbuild()).toEqual(index.kbuild());
  }, 600_000);
});

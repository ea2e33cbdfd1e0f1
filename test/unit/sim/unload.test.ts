// module_unload on the my_ops fixture: rmmod while a loader holds maps (MOD-01), after it exited
// (link maps gone, plain maps stay: MOD-06), a stale BTF fd after unload (MOD-04), no .owner (MOD-07).

import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { nodeModulesWasm } from '../../../server/src/engine/c/parser';
import { Errno } from '../../../server/src/engine/common/errno';
import { StructOpsEngine } from '../../../server/src/engine/engine';
import { repoRoot } from '../c/helpers';

const myOpsDir = path.join(repoRoot, 'test', 'fixtures', 'modules', 'my_ops');
const logger = { debug() {}, info() {}, warn() {}, error() {} };

async function myOpsEngine(): Promise<StructOpsEngine> {
  const e = await StructOpsEngine.create({ wasm: nodeModulesWasm(repoRoot), profilesDir: path.join(repoRoot, 'resources', 'profiles'), logger });
  for (const f of readdirSync(myOpsDir)) {
    if (f.endsWith('.c') || f.endsWith('.h')) e.updateFile(path.join(myOpsDir, f), readFileSync(path.join(myOpsDir, f), 'utf8'));
  }
  return e;
}

async function configure(e: StructOpsEngine, kernelVersion: string, libbpfVersion: string): Promise<void> {
  const r = await e.configureProfile({ kernelVersion, libbpfVersion, registeredNames: {} });
  if (!('objects' in r)) throw new Error(r.message);
}

let engine: StructOpsEngine;
beforeAll(async () => {
  engine = await myOpsEngine();
  await configure(engine, '6.12.117', '1.5');
});

const checks = (engine: StructOpsEngine, scenario = {}) => engine.simulateUnload('my_ops_mod', scenario)?.steps.flatMap((s) => s.findings).map((f) => f.check) ?? [];

describe('rmmod my_ops_mod', () => {
  it('MOD-01: fails with EAGAIN while the loader holds the link map', () => {
    const t = engine.simulateUnload('my_ops_mod');
    expect(t?.outcome).toEqual({ ok: false, phase: 'module_unload', errno: Errno.EAGAIN, check: 'MOD-01', message: 'rmmod: ERROR: Module my_ops_mod is in use' });
    const mod01 = t!.steps[0].findings.find((f) => f.check === 'MOD-01')!;
    expect(mod01.related.map((r) => r.message).sort()).toEqual(['map `my_ops_impl` (link) of struct my_ops', 'map `my_ops_plain` (plain) of struct my_ops']);
    expect(path.basename(mod01.location.file)).toBe('Kbuild');
  });

  it('MOD-04: succeeds once the loader exited; stale BTF fds then fail map create and prog load', () => {
    const t = engine.simulateUnload('my_ops_mod', { loader: 'exited' });
    expect(t?.outcome.ok).toBe(true);
    const after = t!.steps[1].findings;
    expect(after.map((f) => f.check)).toEqual(['MOD-04', 'MOD-04']);
    expect(after[0].explanation).toMatch(/struct_ops module my_ops_mod is not found/);
  });

  it('MOD-06: an attached plain .struct_ops map outlives its loader and keeps the module pinned', async () => {
    const plain = path.join(myOpsDir, 'virtual_plain.bpf.c');
    engine.updateFile(plain, readFileSync(path.join(myOpsDir, 'my_ops.bpf.c'), 'utf8').replace('SEC(".struct_ops.link")', 'SEC(".struct_ops")').replace('my_ops_impl', 'my_ops_kept'));
    try {
      expect(checks(engine, { loader: 'exited' })).toEqual(['MOD-06', 'MOD-01']);
      expect(engine.simulateUnload('my_ops_mod', { loader: 'exited' })?.outcome.errno).toBe(Errno.EAGAIN);
    } finally {
      engine.removeFile(plain);
    }
  });

  it('MOD-07: without .owner nothing pins the module (and registration fails against vmlinux)', () => {
    const mod = path.join(myOpsDir, 'my_ops_mod.c');
    const original = readFileSync(mod, 'utf8');
    engine.updateFile(mod, original.replace('\t.owner = THIS_MODULE,\n', ''));
    try {
      const reg = engine.simulateRegistration('my_ops_mod');
      expect(reg?.steps.flatMap((s) => s.findings).map((f) => [f.check, f.message])).toEqual([
        ['REG-23', 'bpf_my_ops has no .owner: registered against vmlinux BTF'],
        ['REG-06', 'Cannot find struct my_ops in vmlinux'],
      ]);
      const t = engine.simulateUnload('my_ops_mod');
      expect(t?.outcome.ok).toBe(true);
      expect(checks(engine)).toContain('MOD-07');
    } finally {
      engine.updateFile(mod, original);
    }
  });
});

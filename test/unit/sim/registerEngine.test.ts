// Workspace modules through the engine: the my_ops fixture (a module defining struct my_ops, a BPF
// object implementing it, one filling a member without a stub) on kernel 6.8 vs 6.12.117 and
// libbpf 1.3 vs 1.5: module BTF lookup, BPF_F_VTYPE_BTF_OBJ_FD, LIB-09, MAP-09, PRG-11, REG-01.

import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { nodeModulesWasm } from '../../../server/src/engine/c/parser';
import { Errno } from '../../../server/src/engine/common/errno';
import { StructOpsEngine } from '../../../server/src/engine/engine';
import type { ObjectTrace } from '../../../server/src/engine/sim/trace';
import { repoRoot } from '../c/helpers';

const myOpsDir = path.join(repoRoot, 'test', 'fixtures', 'modules', 'my_ops');
const logger = { debug() {}, info() {}, warn() {}, error() {} };

async function myOpsEngine(): Promise<StructOpsEngine> {
  const engine = await StructOpsEngine.create({ wasm: nodeModulesWasm(repoRoot), profilesDir: path.join(repoRoot, 'resources', 'profiles'), logger });
  for (const f of readdirSync(myOpsDir)) {
    if (f.endsWith('.c') || f.endsWith('.h')) engine.updateFile(path.join(myOpsDir, f), readFileSync(path.join(myOpsDir, f), 'utf8'));
  }
  return engine;
}

async function configure(engine: StructOpsEngine, kernelVersion: string, libbpfVersion: string): Promise<void> {
  const r = await engine.configureProfile({ kernelVersion, libbpfVersion, registeredNames: {} });
  if (!('objects' in r)) throw new Error(r.message);
}

const bpf = path.join(myOpsDir, 'my_ops.bpf.c');
const modSource = path.join(myOpsDir, 'my_ops_mod.c');
const errorsOf = (t: ObjectTrace | undefined) => (t?.steps ?? []).flatMap((s) => s.findings).filter((f) => f.severity === 'error');

let engine: StructOpsEngine;
beforeAll(async () => {
  engine = await myOpsEngine();
});

describe('my_ops on Linux 6.12.117', () => {
  it('libbpf 1.5 finds struct my_ops in the module BTF and creates the map with BPF_F_VTYPE_BTF_OBJ_FD', async () => {
    await configure(engine, '6.12.117', '1.5');
    const trace = engine.simulate(bpf);
    expect(trace?.outcome).toEqual({ ok: true });
    const steps = trace!.steps;
    expect(steps[0]).toMatchObject({ phase: 'register', outcome: 'ok' });
    expect(steps[0].action).toMatch(/workspace module my_ops_mod: BTF synthesized .* assumed loaded and LIVE/);
    expect(steps.find((s) => s.phase === 'map_create')?.action).toMatch(/BPF_MAP_CREATE my_ops_impl: value bpf_struct_ops_my_ops \[\d+\] from my_ops_mod, BPF_F_VTYPE_BTF_OBJ_FD with my_ops_mod's BTF fd \(map_flags 0xa000\)/);
    const reg = engine.simulateRegistration('my_ops_mod');
    expect(reg?.outcome).toEqual({ ok: true });
    expect(reg?.registered.map((r) => [r.typeName, r.btf])).toEqual([['my_ops', 'my_ops_mod']]);
  });

  it('matches every // expect marker of the fixture directory (errors and warnings)', async () => {
    await configure(engine, '6.12.117', '1.5');
    for (const f of readdirSync(myOpsDir).filter((n) => n.endsWith('.c'))) {
      const file = path.join(myOpsDir, f);
      const want = new Set<string>();
      readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
        for (const m of line.matchAll(/\/\/ expect: ([A-Z]+-[A-Z0-9]+)/g)) want.add(`${m[1]}:${i + 1}`);
      });
      const got = new Set(engine.findingsFor(file).filter((x) => x.severity !== 'information').map((x) => `${x.check}:${x.location.range.start.line + 1}`));
      expect(got, f).toEqual(want);
    }
  });

  it('PRG-11: a program for a member whose module stub is NULL is refused with 524', async () => {
    await configure(engine, '6.12.117', '1.5');
    const trace = engine.simulate(path.join(myOpsDir, 'my_ops_unsupported.bpf.c'));
    expect(trace?.outcome).toMatchObject({ ok: false, phase: 'prog_load', errno: Errno.ENOTSUPP, check: 'PRG-11', message: 'attach to unsupported member test_3 of struct my_ops' });
  });

  it('libbpf 1.3 never searches module BTF: LIB-09 ENOENT', async () => {
    await configure(engine, '6.12.117', '1.3');
    const [err] = errorsOf(engine.simulate(bpf));
    expect(err).toMatchObject({ check: 'LIB-09', errno: Errno.ENOENT, message: 'struct_ops init_kern: struct my_ops is not found in kernel BTF' });
    expect(err.rule).toMatch(/vmlinux BTF only/);
  });

  it('libbpf 1.7 looks up the value type first and finds it in the module too', async () => {
    await configure(engine, '6.12.117', '1.7');
    expect(engine.simulate(bpf)?.outcome.ok).toBe(true);
  });

  it('MAP-09: the module BTF has the type but its registration fails (524, libbpf 1.5 and 1.6 wording)', async () => {
    const original = readFileSync(modSource, 'utf8');
    engine.updateFile(modSource, original.replace('\t.cfi_stubs = &__bpf_my_ops,\n', ''));
    try {
      await configure(engine, '6.12.117', '1.5');
      expect(engine.simulateRegistration('my_ops_mod')?.outcome).toMatchObject({ ok: false, errno: Errno.EINVAL, check: 'REG-05' });
      const [err] = errorsOf(engine.simulate(bpf));
      expect(err).toMatchObject({ check: 'MAP-09', phase: 'map_create', errno: Errno.ENOTSUPP, message: "map 'my_ops_impl': failed to create: ERROR: strerror_r(-524)=22(-524)" });
      expect(err.related[0].message).toMatch(/REG-05|has no cfi_stubs/);
      await configure(engine, '6.12.117', '1.6');
      expect(errorsOf(engine.simulate(bpf))[0].message).toBe("map 'my_ops_impl': failed to create: -ENOTSUPP");
    } finally {
      engine.updateFile(modSource, original);
    }
  });

  it('UPD-08: a non-zero member that init_member does not consume fails the update with EINVAL', async () => {
    const bpfText = readFileSync(bpf, 'utf8');
    const modText = readFileSync(modSource, 'utf8');
    await configure(engine, '6.12.117', '1.5');
    engine.updateFile(bpf, bpfText.replace('.data = 0,', '.data = 5,'));
    try {
      expect(engine.simulate(bpf)?.outcome.ok).toBe(true); // `case offsetof(struct my_ops, data):` consumes it
      engine.updateFile(modSource, modText.replace('\tcase offsetof(struct my_ops, data):\n', ''));
      const [err] = errorsOf(engine.simulate(bpf));
      expect(err).toMatchObject({ check: 'UPD-08', phase: 'map_update', errno: Errno.EINVAL });
      expect(err.location.range.start.line + 1).toBe(bpfText.split('\n').findIndex((l) => l.includes('.data = 0')) + 1);
    } finally {
      engine.updateFile(bpf, bpfText);
      engine.updateFile(modSource, modText);
    }
  });

  it('REG-01: a module loaded without BTF leaves the type invisible (LIB-09 ESRCH on 1.5)', async () => {
    engine.modules.setAssumptions('my_ops_mod', { btf: 'missing' });
    try {
      await configure(engine, '6.12.117', '1.5');
      expect(errorsOf(engine.simulate(bpf))[0]).toMatchObject({ check: 'LIB-09', errno: Errno.ESRCH });
      const reg = engine.simulateRegistration('my_ops_mod');
      expect(reg?.steps.flatMap((s) => s.findings).map((f) => [f.check, f.message])).toEqual([['REG-01', 'missing module BTF, cannot register struct_ops']]);
    } finally {
      engine.modules.setAssumptions('my_ops_mod', {});
    }
  });
});

describe('my_ops on Linux 6.8', () => {
  it('module struct_ops cannot exist: the trace says so and libbpf 1.5 fails with LIB-09 ESRCH', async () => {
    await configure(engine, '6.8', '1.5');
    const trace = engine.simulate(bpf);
    expect(trace?.steps[0].action).toMatch(/my_ops_mod not added: kernel 6\.8 < 6\.9: modules cannot define struct_ops types/);
    expect(errorsOf(trace)[0]).toMatchObject({ check: 'LIB-09', errno: Errno.ESRCH, message: 'struct_ops init_kern: struct my_ops is not found in kernel BTF' });
    expect(engine.simulateRegistration('my_ops_mod')?.outcome).toMatchObject({ ok: false, check: 'BUILD-01' });
  });
});

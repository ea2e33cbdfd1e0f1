// The same module + BPF object pair (test/fixtures/modules/my_ops) across the version boundaries
// of module struct_ops: Linux 6.8 (static list only: the module cannot register, libbpf cannot
// find the type) vs 6.9 (dynamic registration), and libbpf 1.3 (vmlinux BTF only) vs 1.4 (module
// BTF searched, the map created with the module's BTF fd). Each trace names the rule it applied.

import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Errno } from '../../server/src/engine/common/errno';
import { StructOpsEngine, traceFindings } from '../../server/src/engine';
import { fixturesDir, hasLiveBtf, liveVmlinux, profilesDir, wasm } from '../helpers/paths';

const dir = path.join(fixturesDir, 'modules', 'my_ops');
const bpf = path.join(dir, 'my_ops.bpf.c');
const silent = { error: () => undefined, warn: () => undefined, info: () => undefined, debug: () => undefined };
let engine: StructOpsEngine;

async function on(kernelVersion: string, libbpfVersion: string): Promise<void> {
  const p = await engine.configureProfile({ btf: [hasLiveBtf ? liveVmlinux : path.join(profilesDir, 'default-vmlinux.btf')], kernelVersion, libbpfVersion, registeredNames: {} });
  if (!('objects' in p)) throw new Error(p.message);
}

beforeAll(async () => {
  engine = await StructOpsEngine.create({ wasm, profilesDir, logger: silent });
  for (const f of readdirSync(dir)) if (/\.[ch]$/.test(f)) engine.updateFile(path.join(dir, f), readFileSync(path.join(dir, f), 'utf8'));
});

describe('kernel 6.8 vs 6.9', () => {
  it('6.8: the module cannot register and libbpf 1.4 does not find its type', async () => {
    await on('6.8', '1.4');
    const reg = engine.simulateRegistration('my_ops_mod');
    expect(reg?.outcome).toMatchObject({ ok: false, phase: 'build', check: 'BUILD-01' });
    expect(reg?.steps[0].findings[0].rule).toMatch(/kernel < 6\.9: .*since 6\.9/);
    const trace = engine.simulate(bpf);
    expect(trace?.steps[0].action).toMatch(/my_ops_mod not added: kernel 6\.8 < 6\.9/);
    expect(trace?.outcome).toMatchObject({ ok: false, phase: 'load', errno: Errno.ESRCH, check: 'LIB-09' });
  });

  it('6.9: the module registers (stubs looked up by name, the 6.9 rule) and the object loads', async () => {
    await on('6.9', '1.4');
    const reg = engine.simulateRegistration('my_ops_mod');
    expect(reg?.outcome.ok).toBe(true);
    expect(reg?.notes).toEqual(expect.arrayContaining(['kernel 6.9: dynamic registration (6.9+)', 'stubs are found by the name <T>__<member> (6.9 to ~6.14)']));
    expect(engine.simulate(bpf)?.outcome.ok).toBe(true);
  });
});

describe('libbpf 1.3 vs 1.4 on 6.9', () => {
  it('1.3: searches vmlinux only, the module type is not found (ENOENT)', async () => {
    await on('6.9', '1.3');
    const [err] = traceFindings(engine.simulate(bpf)!).filter((f) => f.severity === 'error');
    expect(err).toMatchObject({ check: 'LIB-09', errno: Errno.ENOENT, message: 'struct_ops init_kern: struct my_ops is not found in kernel BTF' });
    expect(err.rule).toBe('libbpf <= 1.3 searches vmlinux BTF only, with the literal type name');
  });

  it('1.4: found in the module BTF, the map is created with BPF_F_VTYPE_BTF_OBJ_FD and the module BTF fd', async () => {
    await on('6.9', '1.4');
    const trace = engine.simulate(bpf)!;
    expect(trace.outcome.ok).toBe(true);
    const create = trace.steps.find((s) => s.phase === 'map_create')?.action;
    expect(create).toContain("from my_ops_mod, BPF_F_VTYPE_BTF_OBJ_FD with my_ops_mod's BTF fd (map_flags 0xa000), value_type_btf_obj_fd since libbpf 1.4 and Linux 6.9");
    expect(create).toContain('lookup: libbpf 1.4-1.6 looks up T in vmlinux, then in each module BTF in load order (module BTFs since 1.4)');
  });
});

// The lint step (sim/lint.ts): LINT findings are warnings in a last `lint` step that says they are
// not kernel or libbpf rules, and never change an object's outcome.

import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { expect, it } from 'vitest';
import { StructOpsEngine } from '../../server/src/engine';
import { fixturesDir, hasLiveBtf, liveVmlinux, profilesDir, wasm } from '../helpers/paths';

const silent = { error: () => undefined, warn: () => undefined, info: () => undefined, debug: () => undefined };

it('reports LINT-01 in a lint step of its own; the object still loads and attaches', async () => {
  const engine = await StructOpsEngine.create({ wasm, profilesDir, logger: silent });
  await engine.configureProfile({ btf: [hasLiveBtf ? liveVmlinux : path.join(profilesDir, 'default-vmlinux.btf')], kernelVersion: '6.18', libbpfVersion: '1.7', registeredNames: {} });
  const file = path.join(fixturesDir, 'checks', 'LINT-01-prototype.bpf.c');
  engine.updateFile(file, readFileSync(file, 'utf8'));
  const trace = engine.simulate(file)!;
  expect(trace.outcome).toEqual({ ok: true });
  const last = trace.steps[trace.steps.length - 1];
  expect(last).toMatchObject({ phase: 'lint', outcome: 'ok', action: 'lint: not kernel or libbpf rules (LINT-01..04)' });
  expect(last.findings.map((f) => [f.check, f.severity, f.phase, f.rule])).toEqual(Array(3).fill(['LINT-01', 'warning', 'lint', 'lint: not a kernel or libbpf rule']));
  expect(trace.steps.slice(0, -1).some((s) => s.phase === 'lint')).toBe(false);
});

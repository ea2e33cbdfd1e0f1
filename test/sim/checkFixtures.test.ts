// One fixture per modelled check: each marks the offending line with
// `// expect: ID ERRNO | message` (ERRNO `-` when there is none; `\n` separates log lines). The simulation of the file must
// produce exactly those (ID, line, errno, message) tuples. A fixture may set its profile with
// `// profile: kernel=X libbpf=Y` (default: kernel 6.18, libbpf 1.7).

import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BtfKind } from '../../server/src/engine/btf';
import { errnoName, traceFindings, type StructOpsEngine } from '../../server/src/engine';
import { fixturesDir, hasLiveBtf } from '../helpers/paths';
import { expectations, fixtureEngine, profileOf, type Expected } from './expectMarkers';

const dir = path.join(fixturesDir, 'checks');
const fixtures = readdirSync(dir).filter((f) => f.endsWith('.c')).sort();

describe('check fixtures', () => {
  const engines = new Map<string, StructOpsEngine>();
  beforeAll(() => {
    if (!hasLiveBtf) console.warn('check fixtures: no /sys/kernel/btf/vmlinux, using the bundled profile');
  });

  async function engineFor(kernel: string, libbpf: string): Promise<StructOpsEngine> {
    const key = `${kernel}/${libbpf}`;
    const cached = engines.get(key);
    if (cached) return cached;
    const engine = await fixtureEngine(kernel, libbpf);
    engines.set(key, engine);
    return engine;
  }

  it('has fixtures', () => expect(fixtures.length).toBeGreaterThan(10));

  it.each(fixtures)('%s', async (name) => {
    const file = path.join(dir, name);
    const text = readFileSync(file, 'utf8');
    const { kernel, libbpf } = profileOf(text);
    const engine = await engineFor(kernel, libbpf);
    engine.updateFile(file, text);
    const trace = engine.simulate(file);
    engine.removeFile(file);
    const got = (trace ? traceFindings(trace) : [])
      .filter((f) => f.location.file === file)
      .map((f) => ({ check: f.check, line: f.location.range.start.line + 1, errno: f.errno === undefined ? '-' : errnoName(f.errno), message: f.message }));
    const vmlinux = engine.profile?.vmlinux?.spec;
    // `{id:T}` in a message stands for T's type id in the profile's vmlinux BTF.
    const want = expectations(text).map((e) => ({
      ...e,
      message: e.message.replace(/\{id:(\w+)\}/g, (_, name: string) => String(vmlinux?.findByNameKind(name, BtfKind.Struct) ?? '?')),
    }));
    expect(want.length, `${name} has no // expect: marker`).toBeGreaterThan(0);
    const key = (e: Expected) => `${e.line}:${e.check}`;
    expect([...got].sort((a, b) => key(a).localeCompare(key(b)))).toEqual([...want].sort((a, b) => key(a).localeCompare(key(b))));
  });
});

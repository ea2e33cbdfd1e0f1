// Ground-truth corpus checks: every case file is recorded in observed.json with the outcome its header
// expects, and (as root on a machine with BTF and the toolchain) a few cases reproduce live through
// test/helpers/live.ts. The simulator's differential test lives elsewhere and uses the same helpers.

import { describe, expect, it } from 'vitest';
import {
  buildLiveCase,
  cleanupLive,
  listLiveCases,
  liveEnvironment,
  readLiveCaseHeader,
  readObservedLive,
  runLiveCase,
} from '../helpers/live';

const env = liveEnvironment();
const observed = readObservedLive();

describe('live corpus', () => {
  it('has at least 45 cases, each with a case/checks/expect header', () => {
    const cases = listLiveCases();
    expect(cases.length).toBeGreaterThanOrEqual(45);
    for (const file of cases) {
      const h = readLiveCaseHeader(file);
      expect(h.case, file).not.toBe('');
      expect(h.checks.length, file).toBeGreaterThan(0);
      expect(h.expect, file).toMatch(/^(ok|crash|fail (open|load|map_create|prog_load|map_update|link_create)( \w+)?)$/);
    }
  });

  it('observed.json records every case with the outcome its header expects', () => {
    expect(observed, 'run `node test/live/run.mjs` as root').toBeDefined();
    const byFile = new Map(observed!.cases.map((c) => [c.file, c]));
    for (const file of listLiveCases()) {
      const o = byFile.get(`cases/${file}`);
      expect(o, file).toBeDefined();
      const want = readLiveCaseHeader(file).expect!.split(' ');
      const got = o!.crash ? ['crash'] : o!.outcome === 'ok' ? ['ok'] : ['fail', String(o!.phase), o!.errno_name];
      expect(got.slice(0, want.length), file).toEqual(want);
    }
  });
});

describe.skipIf(!env.ok)(`live kernel (${env.reason ?? 'available'})`, () => {
  it('a valid tcp cc registers and is gone afterwards', async () => {
    const run = await runLiveCase(await buildLiveCase('valid_minimal.bpf.c'));
    expect(run.outcome).toBe('ok');
    expect(run.tcp_cc_registered).toEqual(['sot_min']);
    expect(run.tcp_cc_left).toEqual([]);
    expect(run.leftovers.still).toEqual([]);
  });

  it('a name clash with cubic fails EEXIST at map_update and leaves nothing', async () => {
    const run = await runLiveCase(await buildLiveCase('tcp_name_clash_cubic.bpf.c'));
    expect([run.outcome, run.phase, run.errno_name]).toEqual(['fail', 'map_update', 'EEXIST']);
    expect(run.kmsg).toContain('TCP: cubic already registered or non-unique key');
    expect((await cleanupLive()).struct_ops).toEqual([]);
  });

  it('a verifier rejection is reported as prog_load with the verifier log', async () => {
    const run = await runLiveCase(await buildLiveCase('prg17_void_for_u32.bpf.c'));
    expect([run.phase, run.errno_name]).toEqual(['prog_load', 'EACCES']);
    expect(run.verifier_log).toContain('R0 !read_ok');
  });
});

// The log explainer on real libbpf/kernel output (test/live/observed.json, recorded on Linux 6.18
// with libbpf 1.1), bare errnos, and source locations found through workspace facts.

import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { extractFacts } from '../../../server/src/engine/c/extract';
import type { FileFacts } from '../../../server/src/engine/c/facts';
import type { CParser } from '../../../server/src/engine/c/parser';
import { explainLog, formatExplanation } from '../../../server/src/engine/explain';
import { checkCatalogue } from '../../../server/src/engine/sim/checks';
import { repoRoot } from '../../helpers/paths';
import { testParser } from '../c/helpers';

interface ObservedCase {
  readonly file: string;
  readonly checks: readonly string[];
  readonly warnings: readonly string[];
  readonly kmsg: readonly string[];
  readonly verifier_log: readonly string[];
}

const observed = JSON.parse(readFileSync(path.join(repoRoot, 'test', 'live', 'observed.json'), 'utf8')) as { cases: ObservedCase[] };
const withOutput = observed.cases.filter((c) => c.warnings.length + c.kmsg.length > 0);
const ids = (text: string) => [...new Set(explainLog(text).lines.flatMap((l) => l.checks.map((c) => c.id)))];

const lavdSource = `#include "vmlinux.h"
SEC("struct_ops/lavd_init")
s32 BPF_PROG(lavd_init) { return 0; }
SEC("struct_ops/cgroup_set_bandwidth")
void BPF_PROG(lavd_cgroup_set_bandwidth, struct cgroup *cgrp, u64 period_us, u64 quota_us, u64 burst_us) {}
SEC(".struct_ops.link")
struct sched_ext_ops lavd_ops = {
	.init = (void *)lavd_init,
	.cgroup_set_bandwidth = (void *)lavd_cgroup_set_bandwidth,
	.name = "lavd",
};
`;

let parser: CParser;
let lavd: FileFacts;
beforeAll(async () => {
  parser = await testParser();
  lavd = extractFacts(parser, '/w/scx_lavd/main.bpf.c', lavdSource, { useCompileFlags: false });
});

describe('explainLog on observed libbpf and kernel output', () => {
  it.each(withOutput.map((c) => [c.file, c] as const))('%s: names one of the case checks', (_file, c) => {
    const got = ids([...c.warnings, ...c.kmsg].join('\n'));
    expect(got.some((id) => c.checks.includes(id)), `got ${got.join(',')} want one of ${c.checks.join(',')}`).toBe(true);
  });

  it('covers at least 40 of the observed cases', () => {
    expect(withOutput.length).toBeGreaterThanOrEqual(40);
  });

  it('tells an unreferenced program (empty log, -524) from a refused member (PRG-11 vs PRG-12 by errno)', () => {
    const unreferenced = observed.cases.find((c) => c.file.includes('lib20_unreferenced_prog'))!;
    const load = explainLog(unreferenced.warnings.join('\n')).lines.find((l) => l.pattern === 'prog-load-failed')!;
    expect(load.checks.map((c) => c.id).slice(0, 2)).toEqual(['LIB-20', 'PRG-06']);
    expect(load.errno).toBe(524);
    const getInfo = observed.cases.find((c) => c.file.includes('prg11_get_info'))!;
    expect(ids(getInfo.warnings.join('\n'))).not.toContain('PRG-12');
    const sleepable = observed.cases.find((c) => c.file.includes('prg12_dummy_sleepable'))!;
    expect(ids(sleepable.warnings.join('\n'))).not.toContain('PRG-11');
  });

  it('ignores verifier noise and unrelated lines', () => {
    expect(explainLog('processed 0 insns (limit 1000000) max_states_per_insn 0\n0: (95) exit\nhello world').lines).toEqual([]);
  });

  it('only names IDs of the catalogue', () => {
    const known = new Set(checkCatalogue.map((c) => c.id as string));
    const all = withOutput.flatMap((c) => ids([...c.warnings, ...c.kmsg].join('\n')));
    for (const id of all) expect(known.has(id), id).toBe(true);
  });
});

describe('bare errnos', () => {
  it.each(['-524', 'errno 524', 'ENOTSUPP', 'Unknown error 524', 'error: -524'])('%s is ENOTSUPP', (text) => {
    const [line] = explainLog(text).lines;
    expect(line.errno).toBe(524);
    expect(line.checks.map((c) => c.id)).toEqual(expect.arrayContaining(['PRG-06', 'PRG-11', 'MAP-09']));
  });

  it.each(['-95', 'EOPNOTSUPP', 'errno = 95'])('%s is EOPNOTSUPP', (text) => {
    const [line] = explainLog(text).lines;
    expect(line.errno).toBe(95);
    expect(line.checks[0].id).toBe('LIB-12');
  });

  it('finds -524 inside a loader message', () => {
    const [line] = explainLog('Error: failed to attach struct_ops: -524').lines;
    expect(line.errno).toBe(524);
  });
});

describe('source locations from workspace facts', () => {
  it('points LIB-12 at the member initializer of the named map', () => {
    const text = 'libbpf: struct_ops init_kern lavd_ops: Cannot find member cgroup_set_bandwidth in kernel BTF';
    const [line] = explainLog(text, { facts: [lavd] }).lines;
    expect(line.checks.map((c) => c.id)).toEqual(['LIB-12']);
    expect(line.errno).toBe(95);
    expect(line.subject).toMatchObject({ map: 'lavd_ops', member: 'cgroup_set_bandwidth' });
    expect(line.locations).toHaveLength(1);
    expect(line.locations[0].what).toBe('lavd_ops.cgroup_set_bandwidth');
    expect(line.locations[0].location.range.start.line).toBe(8);
    const text2 = formatExplanation(explainLog(text, { facts: [lavd] }), (f) => path.relative('/w', f));
    expect(text2).toContain('LIB-12 Member not found in the kernel ops type [load]');
    expect(text2).toContain('source: scx_lavd/main.bpf.c:9:2 lavd_ops.cgroup_set_bandwidth');
    expect(text2).toContain('docs: docs/checks/LIB-12.md');
  });

  it('points a verifier error at the program, the member it fills and the line of the load log', () => {
    const log = [
      "libbpf: prog 'lavd_cgroup_set_bandwidth': BPF program load failed: Permission denied",
      "libbpf: prog 'lavd_cgroup_set_bandwidth': -- BEGIN PROG LOAD LOG --",
      '; void BPF_PROG(lavd_cgroup_set_bandwidth, struct cgroup *cgrp) @ main.bpf.c:5',
      "func 'cgroup_set_bandwidth' doesn't have 6-th argument",
      '-- END PROG LOAD LOG --',
    ].join('\n');
    const verifier = explainLog(log, { facts: [lavd] }).lines.find((l) => l.pattern === 'missing-arg')!;
    expect(verifier.checks.map((c) => c.id)).toEqual(['PRG-16']);
    expect(verifier.errno).toBe(13);
    expect(verifier.locations.map((h) => [h.what, h.location.range.start.line])).toEqual([
      ['line the verifier stopped at', 4],
      ['program lavd_cgroup_set_bandwidth', 4],
      ['lavd_ops.cgroup_set_bandwidth', 8],
    ]);
  });

  it('finds a tcp_congestion_ops map by its .name string', () => {
    const cc = extractFacts(parser, '/w/cc.bpf.c', 'SEC(".struct_ops")\nstruct tcp_congestion_ops my_cc = {\n\t.name = "sot_cf",\n};\n', { useCompileFlags: false });
    const [line] = explainLog('[ 12.345678] TCP: sot_cf does not implement required ops', { facts: [cc] }).lines;
    expect(line.checks.map((c) => c.id)).toEqual(['UPD-13', 'UPD-14']);
    expect(line.locations[0].what).toBe('my_cc.name = "sot_cf"');
  });
});

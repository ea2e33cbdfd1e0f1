// `check --format sarif`: valid against the SARIF 2.1.0 schema, rules from the check catalogue,
// results located as GitHub code scanning expects (%SRCROOT%-relative URIs, 1-based regions).

import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import type * as Sarif from 'sarif';
import { describe, expect, it } from 'vitest';
import { sarifLog } from '../../server/src/cli/sarif';
import { CheckId, checkInfo, ExtraCheckId, type Finding } from '../../server/src/engine';
import { repoRoot } from '../helpers/paths';
import { checkInProcess } from './inProcess';

// The SARIF 2.1.0 schema as Microsoft's SARIF SDK ships it (draft-04). Its language-tag pattern is
// not valid with the `u` flag, hence unicodeRegExp: false.
const schema = JSON.parse(readFileSync(path.join(repoRoot, 'node_modules', '@microsoft', 'jest-sarif', 'lib', 'schemas', 'sarif-2.1.0-rtm.5.json'), 'utf8'));
const ajv = new Ajv({ allErrors: true, unicodeRegExp: false });
addFormats(ajv);
const validate = ajv.compile(schema);

function expectValidSarif(log: unknown): void {
  const valid = validate(log);
  expect(validate.errors ?? [], 'schema errors').toEqual([]);
  expect(valid).toBe(true);
}

function lineOf(file: string, needle: string): number {
  const index = readFileSync(path.join(repoRoot, file), 'utf8').split('\n').findIndex((l) => l.includes(needle));
  if (index < 0) throw new Error(`${needle} not in ${file}`);
  return index + 1;
}

const profileFlags = ['--kernel', '6.18', '--libbpf', '1.7'];

async function sarifOf(args: string[]): Promise<{ status: number; log: Sarif.Log }> {
  const run = await checkInProcess(['--format', 'sarif', ...args], repoRoot);
  expect(run.stderr).toBe('');
  return { status: run.status, log: JSON.parse(run.stdout) as Sarif.Log };
}

describe('check --format sarif', () => {
  it('is a valid SARIF 2.1.0 log whose rules are the check catalogue', async () => {
    const { status, log } = await sarifOf(['examples', ...profileFlags]);
    expect(status).toBe(1);
    expectValidSarif(log);
    expect(log.version).toBe('2.1.0');
    expect(log.runs).toHaveLength(1);
    const [run] = log.runs;
    expect(run.automationDetails).toBeUndefined();
    const rules = run.tool.driver.rules ?? [];
    expect(rules.map((r) => r.id).sort()).toEqual([...Object.values(CheckId), ...Object.values(ExtraCheckId)].sort());
    const lib12 = rules.find((r) => r.id === 'LIB-12');
    expect(lib12?.shortDescription?.text).toBe(checkInfo(CheckId['LIB-12']).title);
    expect(lib12?.fullDescription?.text).toMatch(/^LIB-12 /);
    expect(lib12?.help?.markdown).toContain('# LIB-12: ');
    expect(lib12?.properties).toMatchObject({ phase: 'load' });
  });

  it('locates each result relative to %SRCROOT% with 1-based regions, its rule index, errno and phase', async () => {
    const { log } = await sarifOf(['examples', ...profileFlags]);
    const [run] = log.runs;
    const rules = run.tool.driver.rules ?? [];
    const results = run.results ?? [];
    expect(results.map((r) => `${r.ruleId} ${r.locations?.[0].physicalLocation?.artifactLocation?.uri}`)).toEqual([
      'LIB-12 examples/tcp_cc/broken_cc.bpf.c',
      'LIB-20 examples/tcp_cc/forgotten_prog.bpf.c',
      'LIB-07 examples/tcp_cc/probe_cc.bpf.c',
      'BUILD-01 examples/tcp_cc/typo_cc.bpf.c',
    ]);
    for (const result of results) {
      expect(rules[result.ruleIndex ?? -1]?.id).toBe(result.ruleId);
      expect(result.locations?.[0].physicalLocation?.artifactLocation?.uriBaseId).toBe('%SRCROOT%');
      expect(result.level).toBe('error');
    }
    const broken = results[0];
    const line = lineOf('examples/tcp_cc/broken_cc.bpf.c', '.cong_limit = ');
    const column = readFileSync(path.join(repoRoot, 'examples/tcp_cc/broken_cc.bpf.c'), 'utf8').split('\n')[line - 1].indexOf('.cong_limit') + 1;
    expect(broken.locations?.[0].physicalLocation?.region).toEqual({ startLine: line, startColumn: column, endLine: line, endColumn: column + '.cong_limit'.length });
    expect(broken.message.text).toMatch(/^struct_ops init_kern broken_cc: Cannot find member cong_limit in kernel BTF \[load: EOPNOTSUPP\]\n\n\S/);
    expect(broken.properties).toMatchObject({ phase: 'load', errno: 95, errnoName: 'EOPNOTSUPP', channel: 'libbpf' });
    const probe = results[2];
    expect(probe.relatedLocations).toEqual([
      {
        id: 0,
        physicalLocation: {
          artifactLocation: { uri: 'examples/tcp_cc/probe_cc.bpf.c', uriBaseId: '%SRCROOT%' },
          region: expect.objectContaining({ startLine: lineOf('examples/tcp_cc/probe_cc.bpf.c', 'SEC("tp_btf/tcp_probe")') }),
        },
        message: { text: '`on_probe` is in section "tp_btf/tcp_probe"' },
      },
    ]);
  });

  it('writes absolute file URIs with --absolute-paths', async () => {
    const { log } = await sarifOf(['examples/tcp_cc/broken_cc.bpf.c', '--absolute-paths', ...profileFlags]);
    expectValidSarif(log);
    const location = log.runs[0].results?.[0].locations?.[0].physicalLocation?.artifactLocation;
    expect(location).toEqual({ uri: pathToFileURL(path.join(repoRoot, 'examples/tcp_cc/broken_cc.bpf.c')).href });
  });

  it('gives each profile of a matrix its own run and category', async () => {
    const { log } = await sarifOf(['examples/tcp_cc/broken_cc.bpf.c', '--profile', 'kernel=6.18,libbpf=1.7', '--profile', 'kernel=6.18,libbpf=1.3']);
    expectValidSarif(log);
    expect(log.runs.map((r) => r.automationDetails?.id)).toEqual(['struct-ops/kernel=6.18,libbpf=1.7/', 'struct-ops/kernel=6.18,libbpf=1.3/']);
    expect(log.runs.map((r) => r.results?.map((x) => x.ruleId))).toEqual([['LIB-12'], ['LIB-10']]);
  });
});

describe('sarifLog', () => {
  const root = '/work/project';
  const finding = (over: Partial<Finding>): Finding => ({
    check: CheckId['LIB-12'],
    severity: 'warning',
    phase: 'load',
    message: 'member skipped',
    channel: 'libbpf',
    location: { file: '/work/project/src dir/a.bpf.c', range: { start: { line: 4, character: 1 }, end: { line: 4, character: 9 } } },
    related: [],
    explanation: 'why',
    ...over,
  });

  it('maps severities to levels, escapes URIs and leaves files outside the root absolute', () => {
    const log = sarifLog(
      [
        {
          profileDescription: 'kernel 6.18 / libbpf 1.7',
          findings: [
            finding({}),
            finding({ severity: 'information', check: ExtraCheckId['BUILD-01'], phase: 'build', location: { file: '/elsewhere/b.c', range: { start: { line: 0, character: 0 }, end: { line: 0, character: 3 } } } }),
          ],
        },
      ],
      { root, absolutePaths: false, spec: '' },
    );
    expectValidSarif(log);
    const results = log.runs[0].results ?? [];
    expect(results.map((r) => r.level)).toEqual(['warning', 'note']);
    expect(results[0].locations?.[0].physicalLocation?.artifactLocation).toEqual({ uri: 'src%20dir/a.bpf.c', uriBaseId: '%SRCROOT%' });
    expect(results[0].properties).toMatchObject({ errno: null, errnoName: null });
    expect(results[1].locations?.[0].physicalLocation?.artifactLocation).toEqual({ uri: 'file:///elsewhere/b.c' });
    expect(log.runs[0].properties).toEqual({ profile: { description: 'kernel 6.18 / libbpf 1.7' } });
  });
});

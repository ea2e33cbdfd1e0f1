// The built CLI on examples/: exit status, the text format and the versioned JSON document.

import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtCli, repoRoot } from '../helpers/paths';

const profileFlags = ['--kernel', '6.18', '--libbpf', '1.7'];

function run(args: string[]) {
  if (!existsSync(builtCli)) throw new Error(`${builtCli} is missing: run \`npm run build\` first (npm test does)`);
  return spawnSync(process.execPath, [builtCli, ...args], { cwd: repoRoot, encoding: 'utf8' });
}

function lineOf(file: string, needle: string): number {
  const lines = readFileSync(path.join(repoRoot, file), 'utf8').split('\n');
  const index = lines.findIndex((l) => l.includes(needle));
  if (index < 0) throw new Error(`${needle} not in ${file}`);
  return index + 1;
}

const expected = [
  { file: 'examples/tcp_cc/broken_cc.bpf.c', line: lineOf('examples/tcp_cc/broken_cc.bpf.c', '.cong_limit = '), check: 'LIB-12' },
  { file: 'examples/tcp_cc/forgotten_prog.bpf.c', line: lineOf('examples/tcp_cc/forgotten_prog.bpf.c', 'BPF_PROG(fp_cwnd_event'), check: 'LIB-20' },
  { file: 'examples/tcp_cc/probe_cc.bpf.c', line: lineOf('examples/tcp_cc/probe_cc.bpf.c', '.cong_avoid = (void *)on_probe'), check: 'LIB-07' },
  { file: 'examples/tcp_cc/typo_cc.bpf.c', line: lineOf('examples/tcp_cc/typo_cc.bpf.c', '.pkt_acked = '), check: 'BUILD-01' },
];

describe('struct-ops check', () => {
  it('prints file:line:col: severity ID message for examples/ and exits 1', () => {
    const result = run(['check', 'examples', ...profileFlags]);
    expect(result.status).toBe(1);
    const lines = result.stdout.trim().split('\n');
    const findings = lines.filter((l) => /^examples\//.test(l));
    const parsed = findings.map((l) => {
      const m = /^([^:]+):(\d+):(\d+): (error|warning|information) (\S+) (.*)$/.exec(l);
      if (!m) throw new Error(`unexpected line: ${l}`);
      return { file: m[1], line: Number(m[2]), check: m[5], severity: m[4], message: m[6] };
    });
    expect(parsed.filter((f) => f.severity === 'error').map(({ file, line, check }) => ({ file, line, check }))).toEqual(expected);
    expect(parsed.find((f) => f.check === 'LIB-12')?.message).toBe(
      'struct_ops init_kern broken_cc: Cannot find member cong_limit in kernel BTF [load: EOPNOTSUPP]',
    );
    expect(lines[lines.length - 1]).toMatch(/^5 object\(s\) checked against kernel 6\.18.* \/ libbpf 1\.7 .*: 4 error\(s\)/);
  });

  it('exits 0 on a clean object', () => {
    const result = run(['check', 'examples/tcp_cc/good_cc.bpf.c', ...profileFlags]);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('prints a versioned JSON document with per-object outcomes', () => {
    const result = run(['check', 'examples', '--format', 'json', ...profileFlags]);
    const document = JSON.parse(result.stdout);
    expect(document.version).toBe(1);
    const outcomes = Object.fromEntries(document.objects.map((o: { file: string; outcome: unknown }) => [o.file, o.outcome]));
    expect(outcomes['examples/tcp_cc/good_cc.bpf.c']).toMatchObject({ ok: true, phase: null });
    expect(outcomes['examples/tcp_cc/broken_cc.bpf.c']).toMatchObject({ ok: false, phase: 'load', errno: 95, errno_name: 'EOPNOTSUPP', check: 'LIB-12' });
    expect(outcomes['examples/tcp_cc/probe_cc.bpf.c']).toMatchObject({ ok: false, phase: 'open', errno: 22, check: 'LIB-07' });
    expect(outcomes['examples/tcp_cc/forgotten_prog.bpf.c']).toMatchObject({ ok: false, phase: 'prog_load', errno: 22, check: 'LIB-20' });
    expect(document.summary).toEqual({ objects: 5, errors: 4, warnings: 0, ignored: 0 });
  });

  it('rejects bad usage with exit 2 and names the problem', () => {
    const result = run(['check', '--format', 'xml']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("unknown format 'xml'");
    expect(run(['check', 'no/such/dir']).stderr).toContain('no such file or folder: no/such/dir');
    const failOn = run(['check', 'examples', '--fail-on', 'note']);
    expect(failOn.status).toBe(2);
    expect(failOn.stderr).toContain("unknown --fail-on level 'note' (error or warning)");
  });

  it('exits 1 on warnings only with --fail-on warning', () => {
    const warningOnly = ['check', 'test/fixtures/checks/LIB-12-missing-member-zero.bpf.c', ...profileFlags];
    const byDefault = run(warningOnly);
    expect(byDefault.stdout).toMatch(/0 error\(s\), 1 warning\(s\)/);
    expect(byDefault.status).toBe(0);
    expect(run([...warningOnly, '--fail-on', 'error']).status).toBe(0);
    expect(run([...warningOnly, '--fail-on', 'warning']).status).toBe(1);
    expect(run(['check', 'examples/tcp_cc/good_cc.bpf.c', '--fail-on', 'warning', ...profileFlags]).status).toBe(0);
  });

  it('exits 3 on an internal error: a bundle without its wasm files', () => {
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'struct-ops-broken-install-')), 'server', 'out');
    mkdirSync(path.join(out, 'cli'), { recursive: true });
    copyFileSync(builtCli, path.join(out, 'cli.js'));
    copyFileSync(path.join(path.dirname(builtCli), 'cli', 'commands.js'), path.join(out, 'cli', 'commands.js'));
    const result = spawnSync(process.execPath, [path.join(out, 'cli.js'), 'check', path.join(repoRoot, 'examples/tcp_cc/good_cc.bpf.c')], { cwd: repoRoot, encoding: 'utf8' });
    expect(result.status).toBe(3);
    expect(result.stderr).toMatch(/^struct-ops: internal error: .*web-tree-sitter\.wasm/m);
  });

  it('is executable as struct-ops with a usage text', () => {
    expect(execFileSync(process.execPath, [builtCli, '--help'], { encoding: 'utf8' })).toContain('usage: struct-ops');
  });

  it('stops quietly when the reader closes the pipe early (struct-ops check | head -1)', () => {
    const result = spawnSync('sh', ['-c', `"${process.execPath}" "${builtCli}" check examples --format sarif ${profileFlags.join(' ')} | head -1`], { cwd: repoRoot, encoding: 'utf8' });
    expect(result.stdout.trim()).toBe('{');
    expect(result.stderr).not.toMatch(/EPIPE|internal error|Unhandled/);
  });
});

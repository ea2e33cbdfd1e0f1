// `struct-ops simulate`: the versioned JSON (per-object outcome and every step) and the text trace.

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { builtCli, repoRoot } from '../helpers/paths';

function run(args: string[]) {
  if (!existsSync(builtCli)) throw new Error(`${builtCli} is missing: run \`npm run build\` first (npm test does)`);
  return spawnSync(process.execPath, [builtCli, 'simulate', ...args], { cwd: repoRoot, encoding: 'utf8' });
}

describe('struct-ops simulate', () => {
  it('prints each object outcome and its steps as versioned JSON', () => {
    const result = run(['examples/tcp_cc/broken_cc.bpf.c', 'examples/tcp_cc/good_cc.bpf.c', '--kernel', '6.18', '--libbpf', '1.5', '--format', 'json']);
    expect(result.status).toBe(1);
    const document = JSON.parse(result.stdout);
    expect(document.version).toBe(1);
    expect(document.profile).toMatchObject({ kernel: '6.18', libbpf: '1.5' });
    const [broken, good] = document.objects;
    expect(broken.outcome).toEqual({
      ok: false, phase: 'load', errno: 95, errno_name: 'EOPNOTSUPP', check: 'LIB-12',
      message: 'struct_ops init_kern broken_cc: Cannot find member cong_limit in kernel BTF', crash: false,
    });
    expect(broken.steps.map((s: { phase: string; outcome: string }) => `${s.phase}:${s.outcome}`)).toContain('load:failed');
    expect(good.outcome.ok).toBe(true);
    expect(good.steps.map((s: { phase: string }) => s.phase)).toEqual(expect.arrayContaining(['open', 'load', 'map_create', 'prog_load', 'map_update']));
  });

  it('applies the libbpf version: a ___flavor type is not found before 1.4', () => {
    const result = run(['examples/tcp_cc/broken_cc.bpf.c', '--kernel', '6.18', '--libbpf', '1.3', '--format', 'json']);
    expect(JSON.parse(result.stdout).objects[0].outcome).toMatchObject({ phase: 'load', errno_name: 'ENOENT', check: 'LIB-10' });
  });

  it('prints the trace as text with the verdict', () => {
    const result = run(['examples/tcp_cc/good_cc.bpf.c', '--kernel', '6.18', '--libbpf', '1.7']);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('outcome: loads and attaches');
  });

  it('needs a source', () => {
    const result = run([]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('no BPF source given');
  });
});

// `struct-ops simulate`: the versioned JSON (per-object outcome and every step) and the text trace;
// `--module DIR` (a module's insmod trace) and `--unload MODULE` (its rmmod) on test/fixtures/modules.

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

  describe('kernel modules', () => {
    const myOps = 'test/fixtures/modules/my_ops';

    it('--module DIR: the module registers its type on 6.12.117 and the BPF object finds it (JSON)', () => {
      const result = run(['--module', myOps, '--kernel', '6.12.117', '--libbpf', '1.5', '--format', 'json']);
      const document = JSON.parse(result.stdout);
      expect(document.modules).toHaveLength(1);
      const [mod] = document.modules;
      expect(mod).toMatchObject({ module: 'my_ops_mod', outcome: { ok: true }, registered: [{ type: 'my_ops', btf: 'my_ops_mod', descriptor: 'bpf_my_ops' }] });
      expect(mod.steps[0]).toMatchObject({ phase: 'register', outcome: 'ok' });
      expect(mod.steps[0].action).toContain('register_bpf_struct_ops(&bpf_my_ops, my_ops)');
      const implemented = document.objects.find((o: { file: string }) => o.file.endsWith('my_ops.bpf.c'));
      expect(implemented.outcome.ok).toBe(true);
      expect(document.unload).toBeNull();
    });

    it('--module DIR on 6.8: module struct_ops are impossible, the trace says which rule and since when', () => {
      const result = run(['--module', myOps, '--kernel', '6.8', '--libbpf', '1.5']);
      expect(result.status).toBe(1);
      expect(result.stdout).toContain('module my_ops_mod (insmod) — kernel 6.8 / libbpf 1.5');
      expect(result.stdout).toContain("clang: implicit declaration of function 'register_bpf_struct_ops'");
      expect(result.stdout).toContain('rule: kernel < 6.9: no register_bpf_struct_ops, only the static BPF_STRUCT_OPS_TYPE list (dynamic registration, module struct_ops types, since 6.9)');
      expect(result.stdout).toContain('outcome: the module does not build (BUILD-01)');
    });

    it('--unload MODULE: rmmod fails with EAGAIN while the loaders hold the maps (text)', () => {
      const result = run([myOps, '--unload', 'my_ops_mod', '--kernel', '6.12.117', '--libbpf', '1.5']);
      expect(result.status).toBe(1);
      expect(result.stdout).toContain('module my_ops_mod (rmmod) — kernel 6.12.117 / libbpf 1.5');
      expect(result.stdout).toContain('MOD-01 error -EAGAIN (11)');
      expect(result.stdout).toContain('rmmod: ERROR: Module my_ops_mod is in use');
      expect(result.stdout).toContain('outcome: rmmod fails: -EAGAIN (11) MOD-01');
    });

    it('--unload MODULE --loader exited: rmmod succeeds, stale BTF fds are reported (JSON)', () => {
      const result = run([myOps, '--unload', 'my_ops_mod', '--loader', 'exited', '--kernel', '6.12.117', '--libbpf', '1.5', '--format', 'json']);
      const { unload } = JSON.parse(result.stdout);
      expect(unload.module).toBe('my_ops_mod');
      expect(unload.outcome.ok).toBe(true);
      expect(unload.steps.flatMap((s: { findings: { check: string }[] }) => s.findings.map((f) => f.check))).toContain('MOD-04');
      expect(unload.notes[0]).toMatch(/loaders have exited/);
    });

    it('--unload of a module whose sources were not given is a usage error naming the known ones', () => {
      const result = run([myOps, '--unload', 'no_such_mod', '--kernel', '6.12.117']);
      expect(result.status).toBe(2);
      expect(result.stderr).toContain("'no_such_mod' is not a kernel module whose sources were given (modules: my_ops_mod)");
    });

    it('--loader needs --unload', () => {
      const result = run([myOps, '--loader', 'exited']);
      expect(result.status).toBe(2);
      expect(result.stderr).toContain('--loader applies to --unload');
    });
  });
});

// `check` with a project config: include paths, defines, the default profile and ignore globs
// take effect; an invalid config is exit 2 with the file, position and problem.

import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/paths';
import { checkInProcess } from './inProcess';

let dir: string;

function write(relative: string, text: string): string {
  const file = path.join(dir, relative);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
  return file;
}

/** good_cc with a member the kernel lacks, compiled in only when `macro` is defined. */
function writeGuardedSource(relative: string, prelude: string, macro: string): void {
  const good = readFileSync(path.join(repoRoot, 'examples/tcp_cc/good_cc.bpf.c'), 'utf8');
  const guarded = good.replace('\t.name = "good_cc",', `#ifdef ${macro}\n\t.cong_limit = (void *)good_init,\n#endif\n\t.name = "good_cc",`);
  if (guarded === good) throw new Error('good_cc.bpf.c changed: no .name line to guard');
  write(relative, `${prelude}${guarded}`);
}

async function checkJson(args: string[], cwd = dir) {
  const run = await checkInProcess([...args, '--format', 'json'], cwd);
  return { ...run, document: run.status <= 1 ? JSON.parse(run.stdout) : undefined };
}

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'struct-ops-cli-config-'));
});

describe('check with a project config', () => {
  it('applies defines from -D and from .struct-ops.json', async () => {
    writeGuardedSource('src/cc.bpf.c', '', 'WITH_LIMIT');
    const clean = await checkJson(['src']);
    expect(clean.status).toBe(0);
    expect((await checkJson(['src', '-D', 'WITH_LIMIT'])).status).toBe(1);
    write('.struct-ops.json', JSON.stringify({ defines: ['WITH_LIMIT'] }));
    const defined = await checkJson(['src']);
    expect(defined.status).toBe(1);
    expect(defined.document.findings.map((f: { file: string; check: string }) => `${f.file} ${f.check}`)).toEqual(['src/cc.bpf.c BUILD-01']);
  });

  it('finds headers through includePaths relative to the config file', async () => {
    write('proj/include/features.h', '#define WITH_LIMIT 1\n');
    writeGuardedSource('proj/src/cc.bpf.c', '#include <features.h>\n', 'WITH_LIMIT');
    expect((await checkJson(['proj/src'])).status).toBe(0);
    write('proj/package.json', JSON.stringify({ name: 'cc', structOps: { includePaths: ['include'] } }));
    const run = await checkJson(['proj/src']);
    expect(run.status).toBe(1);
    expect(run.document.findings[0]).toMatchObject({ file: 'proj/src/cc.bpf.c', check: 'BUILD-01' });
  });

  it('uses the default profile, which the command-line flags override', async () => {
    copyFileSync(path.join(repoRoot, 'examples/tcp_cc/broken_cc.bpf.c'), path.join(dir, 'broken_cc.bpf.c'));
    write('.struct-ops.json', JSON.stringify({ profile: 'old', profiles: { old: { kernel: '6.6', libbpf: '1.3' } } }));
    const byConfig = await checkJson(['.']);
    expect(byConfig.document.profile.description).toBe('kernel 6.6 / libbpf 1.3');
    expect(byConfig.document.objects[0].outcome.check).toBe('LIB-10');
    const byFlags = await checkJson(['.', '--kernel', '6.18', '--libbpf', '1.7']);
    expect(byFlags.document.profile.description).toBe('kernel 6.18 / libbpf 1.7');
    expect(byFlags.document.objects[0].outcome.check).toBe('LIB-12');
  });

  it('hides ignored checks under their globs, counts them, and exits 0 when nothing else is left', async () => {
    for (const sub of ['legacy', 'src']) {
      mkdirSync(path.join(dir, sub));
      copyFileSync(path.join(repoRoot, 'examples/tcp_cc/forgotten_prog.bpf.c'), path.join(dir, sub, 'forgotten.bpf.c'));
    }
    write('.struct-ops.json', JSON.stringify({ ignore: { 'legacy/**': ['LIB-20'] } }));
    const both = await checkJson(['.', '--kernel', '6.18', '--libbpf', '1.7']);
    expect(both.status).toBe(1);
    expect(both.document.findings.map((f: { file: string; check: string }) => `${f.file} ${f.check}`)).toEqual(['src/forgotten.bpf.c LIB-20']);
    expect(both.document.summary).toMatchObject({ errors: 1, ignored: 1 });
    const legacyOnly = await checkInProcess(['legacy', '--kernel', '6.18', '--libbpf', '1.7'], dir);
    expect(legacyOnly.status).toBe(0);
    expect(legacyOnly.stdout).toContain('0 error(s), 0 warning(s), 1 ignored by the project config');
  });

  it('finds the config in an ancestor of the checked path', async () => {
    writeGuardedSource('a/b/c/cc.bpf.c', '', 'WITH_LIMIT');
    write('a/.struct-ops.json', JSON.stringify({ defines: ['WITH_LIMIT=1'] }));
    expect((await checkJson(['a/b/c'])).status).toBe(1);
    expect((await checkJson(['.'], path.join(dir, 'a', 'b', 'c'))).status).toBe(1);
  });

  it('exits 2 naming the file, position and problem of an invalid config', async () => {
    writeGuardedSource('src/cc.bpf.c', '', 'WITH_LIMIT');
    const cases: [string, string][] = [
      ['{\n  "defines": ["A",]\n}', '.struct-ops.json:2:19: invalid JSON: ValueExpected'],
      ['{"includePaths": "include"}', '.struct-ops.json:1:18: includePaths must be an array of strings'],
      ['{"ignore": {"**": ["LIB-12", "NOPE-1"]}}', ".struct-ops.json:1:30: ignore['**']: unknown check ID 'NOPE-1'"],
      ['{"profiles": {"ci": {"btf": ["btf/vmlinux"]}}}', '.struct-ops.json:1:30: profiles.ci.btf: no such file or folder: btf/vmlinux'],
      ['{"profile": "ci"}', ".struct-ops.json:1:13: profile 'ci' is not defined in profiles"],
    ];
    for (const [text, message] of cases) {
      write('.struct-ops.json', text);
      const run = await checkInProcess(['src'], dir);
      expect(run.status, text).toBe(2);
      expect(run.stderr, text).toContain('struct-ops check: invalid project config:');
      expect(run.stderr, text).toContain(message);
      expect(run.stdout, text).toBe('');
    }
  });

  it('reads the config given with --config, and rejects a package.json without the key', async () => {
    writeGuardedSource('src/cc.bpf.c', '', 'WITH_LIMIT');
    write('configs/ci.json', JSON.stringify({ defines: ['WITH_LIMIT'] }));
    expect((await checkJson(['src', '--config', 'configs/ci.json'])).status).toBe(1);
    write('configs/package.json', '{"name": "x"}');
    const run = await checkInProcess(['src', '--config', 'configs/package.json'], dir);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("configs/package.json:1:1: no 'structOps' key in this package.json");
  });
});

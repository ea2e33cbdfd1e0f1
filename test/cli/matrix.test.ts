// `check --profile A --profile B ...`: which objects load on which kernel/libbpf profile, as a
// text table and as the matrix JSON document; bad profile specs are usage errors (exit 2).

import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/paths';
import { checkInProcess } from './inProcess';

const broken = 'examples/tcp_cc/broken_cc.bpf.c';
const good = 'examples/tcp_cc/good_cc.bpf.c';
const zeroMember = 'test/fixtures/checks/LIB-12-missing-member-zero.bpf.c';
const newer = 'kernel=6.18,libbpf=1.7';
const older = 'kernel=6.18,libbpf=1.3';

describe('check with several --profile', () => {
  it('prints an object × profile table with ok or phase, errno and check', async () => {
    const run = await checkInProcess([broken, good, zeroMember, '--profile', newer, '--profile', older], repoRoot);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(1);
    const lines = run.stdout.trimEnd().split('\n');
    const cells = lines.slice(0, 4).map((l) => l.split(/ {2,}/));
    expect(cells).toEqual([
      ['object', newer, older],
      [broken, 'load EOPNOTSUPP LIB-12', 'load ENOENT LIB-10'],
      [good, 'ok', 'ok'],
      [zeroMember, 'ok', 'load ENOENT LIB-10'],
    ]);
    expect(lines.slice(4)).toEqual([
      `${newer}: kernel 6.18 / libbpf 1.7 (${lines[4].match(/\((\w+) BTF\)/)?.[1]} BTF): 2/3 object(s) load, 1 error(s), 1 warning(s)`,
      `${older}: kernel 6.18 / libbpf 1.3 (${lines[5].match(/\((\w+) BTF\)/)?.[1]} BTF): 1/3 object(s) load, 2 error(s), 0 warning(s)`,
    ]);
  });

  it('prints the matrix JSON: per profile its objects, outcomes and findings', async () => {
    const run = await checkInProcess([broken, good, '--profile', newer, '--profile', older, '--format', 'json'], repoRoot);
    const document = JSON.parse(run.stdout);
    expect(document.version).toBe(1);
    expect(document.profile).toBeUndefined();
    expect(document.profiles.map((p: { name: string; profile: { description: string } }) => [p.name, p.profile.description])).toEqual([
      [newer, 'kernel 6.18 / libbpf 1.7'],
      [older, 'kernel 6.18 / libbpf 1.3'],
    ]);
    const [first, second] = document.profiles;
    expect(first.objects.map((o: { file: string }) => o.file)).toEqual([broken, good]);
    expect(first.objects[0].outcome).toMatchObject({ ok: false, phase: 'load', errno_name: 'EOPNOTSUPP', check: 'LIB-12' });
    expect(second.objects[0].outcome).toMatchObject({ ok: false, phase: 'load', errno_name: 'ENOENT', check: 'LIB-10' });
    expect(second.objects[1].outcome.ok).toBe(true);
    expect(second.findings.map((f: { check: string; file: string }) => `${f.check} ${f.file}`)).toEqual([`LIB-10 ${broken}`]);
    expect(second.summary).toEqual({ objects: 2, errors: 1, warnings: 0, ignored: 0 });
  });

  it('takes profiles by name from the project config, and live', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'struct-ops-matrix-'));
    copyFileSync(path.join(repoRoot, broken), path.join(dir, 'broken_cc.bpf.c'));
    writeFileSync(
      path.join(dir, '.struct-ops.json'),
      JSON.stringify({ profiles: { lts: { description: 'oldest supported', kernel: '6.6', libbpf: '1.3' }, latest: { kernel: '6.18', libbpf: '1.7' } } }),
    );
    const run = await checkInProcess(['.', '--profile', 'lts', '--profile', 'latest', '--profile', 'live', '--format', 'json'], dir);
    expect(run.stderr).toBe('');
    const document = JSON.parse(run.stdout);
    expect(document.profiles.map((p: { name: string; description: string | null }) => [p.name, p.description])).toEqual([
      ['lts', 'oldest supported'],
      ['latest', null],
      ['live', null],
    ]);
    expect(document.profiles[0].profile.description).toBe('kernel 6.6 / libbpf 1.3');
    expect(document.profiles[0].objects).toEqual([{ file: 'broken_cc.bpf.c', outcome: expect.objectContaining({ check: 'LIB-10' }) }]);
  });

  it('rejects bad profile choices with exit 2 and the reason', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'struct-ops-matrix-'));
    mkdirSync(path.join(dir, 'src'));
    const cases: [string[], string][] = [
      [['--profile', newer, '--kernel', '6.1'], '--profile cannot be combined with --btf, --kernel or --libbpf'],
      [['--profile', 'nightly'], "unknown profile 'nightly' (no project config; known: live;"],
      [['--profile', 'kernel=6.1,arch=arm64'], "bad profile 'kernel=6.1,arch=arm64': expected kernel=VALUE, libbpf=VALUE, btf=VALUE"],
      [['--profile', newer, '--profile', newer], `profile '${newer}' given twice`],
      [['--profile', newer, '--profile', 'libbpf=one'], `profile 'libbpf=one': invalid libbpf version "one"`],
    ];
    for (const [args, message] of cases) {
      const run = await checkInProcess(['src', ...args], dir);
      expect(run.status, args.join(' ')).toBe(2);
      expect(run.stderr, args.join(' ')).toContain(message);
      expect(run.stdout).toBe('');
    }
  });
});

// The built CLI's `explain`: a log from a file or stdin, source locations from PATHs, exit status
// (0 recognised, 1 nothing recognised, 2 usage) and the versioned JSON document.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtCli, repoRoot } from '../helpers/paths';

function run(args: string[], input?: string) {
  if (!existsSync(builtCli)) throw new Error(`${builtCli} is missing: run \`npm run build\` first (npm test does)`);
  return spawnSync(process.execPath, [builtCli, 'explain', ...args], { cwd: repoRoot, encoding: 'utf8', input });
}

const lib12 = 'libbpf: struct_ops init_kern broken_cc: Cannot find member cong_limit in kernel BTF\nlibbpf: failed to load object \'broken_cc.bpf.o\'\n';

describe('struct-ops explain', () => {
  it('reads stdin, names the check and finds the member in the given sources', () => {
    const result = run(['-', 'examples/tcp_cc'], lib12);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('line 1: libbpf: struct_ops init_kern broken_cc: Cannot find member cong_limit in kernel BTF');
    expect(result.stdout).toContain('  LIB-12 Member not found in the kernel ops type [load]');
    expect(result.stdout).toMatch(/ {2}source: examples\/tcp_cc\/broken_cc\.bpf\.c:\d+:\d+ broken_cc\.cong_limit/);
    expect(result.stdout).toContain('line 2: libbpf: failed to load object');
  });

  it('reads a log file and prints versioned JSON', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'explain-'));
    const log = path.join(dir, 'load.log');
    writeFileSync(log, "libbpf: prog 'x': BPF program load failed: ERROR: strerror_r(524)=22\nlibbpf: prog 'x': -- BEGIN PROG LOAD LOG --\nprocessed 0 insns\n-- END PROG LOAD LOG --\n");
    const result = run([log, '--format', 'json']);
    expect(result.status).toBe(0);
    const doc = JSON.parse(result.stdout);
    expect(doc.version).toBe(1);
    expect(doc.lines[0]).toMatchObject({ line: 1, pattern: 'prog-load-failed', errno: 524, errno_name: 'ENOTSUPP' });
    expect(doc.lines[0].checks.map((c: { id: string }) => c.id).slice(0, 2)).toEqual(['LIB-20', 'PRG-06']);
  });

  it('exits 1 when nothing is recognised and 2 on a bad option', () => {
    const none = run(['-'], 'all good\n');
    expect(none.status).toBe(1);
    expect(none.stdout).toBe('No struct_ops message or errno recognised.\n');
    expect(run(['--bogus']).status).toBe(2);
    expect(run(['/nonexistent/log']).status).toBe(2);
  });
});

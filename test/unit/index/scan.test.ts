// Discovery: .gitignore subset inside git work trees, exclude globs, prefilter, and the reasons
// files are skipped (binary, invalid UTF-8, too large, vanished).

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { globToRegex, parseGitignore, passesPrefilter, readCandidate, relevance, scanFolders } from '../../../server/src/engine/index/scan';
import { writeTree } from '../../helpers/fileTree';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'scan-test-'));
  const files: Record<string, string | Buffer> = {
    'repo/.git/HEAD': 'ref: refs/heads/main\n',
    'repo/.gitignore': 'build/\n*.gen.c\n!keep.gen.c\n/top_only.c\n',
    'repo/src/a.bpf.c': 'SEC("struct_ops/x") int x(void) { return 0; }\n',
    'repo/src/plain.c': 'int main(void) { return 0; }\n',
    'repo/src/skip.gen.c': 'SEC("x")',
    'repo/src/keep.gen.c': 'SEC("x")',
    'repo/top_only.c': 'SEC("x")',
    'repo/src/top_only.c': 'SEC("x")',
    'repo/build/out.c': 'SEC("x")',
    'repo/sub/.gitignore': '*.h\n',
    'repo/sub/t.h': 'struct_ops',
    'repo/sub/Kbuild': 'obj-m += t.o\n',
    'repo/vendor/v.c': 'SEC("x")',
    'loose/.gitignore': '*\n',
    'loose/in_tarball.c': 'SEC("x")',
  };
  writeTree(dir, files);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('scanFolders', () => {
  it('honours .gitignore in a git work tree, and exclude globs', async () => {
    const r = await scanFolders([path.join(dir, 'repo')], { exclude: ['vendor/**'] });
    expect(r.files.map((f) => [path.relative(path.join(dir, 'repo'), f.file), f.kind])).toEqual([
      ['src/a.bpf.c', 'c'],
      ['src/keep.gen.c', 'c'],
      ['src/plain.c', 'c'],
      ['src/top_only.c', 'c'],
      ['sub/Kbuild', 'kbuild'],
    ]);
  });

  it('lists a file once when roots overlap, and hands candidates to onFile instead of `files`', async () => {
    const repo = path.join(dir, 'repo');
    const overlapping = await scanFolders([repo, path.join(repo, 'src'), path.join(repo, 'src/a.bpf.c')], { exclude: ['vendor/**'] });
    // src/ walked as a root of its own does not see repo/.gitignore, so it adds skip.gen.c.
    expect(overlapping.files.map((f) => path.relative(repo, f.file)).sort()).toEqual(['src/a.bpf.c', 'src/keep.gen.c', 'src/plain.c', 'src/skip.gen.c', 'src/top_only.c', 'sub/Kbuild']);
    expect(overlapping.count).toBe(6);
    const streamed: string[] = [];
    const r = await scanFolders([repo], { exclude: ['vendor/**'], onFile: (file) => streamed.push(path.relative(repo, file)) });
    expect(r.files).toEqual([]);
    expect(r.count).toBe(5);
    expect(streamed).toEqual(['src/a.bpf.c', 'src/keep.gen.c', 'src/plain.c', 'src/top_only.c', 'sub/Kbuild']);
  });

  it('ignores .gitignore outside git work trees (an unpacked tarball)', async () => {
    expect((await scanFolders([path.join(dir, 'loose')])).files.map((f) => path.basename(f.file))).toEqual(['in_tarball.c']);
  });

  it('lets other work run while it walks a large tree, depth first in name order, and stops when cancelled', async () => {
    const big = path.join(dir, 'big');
    for (let a = 0; a < 40; a++) {
      for (let b = 0; b < 50; b++) {
        const sub = path.join(big, `a${String(a).padStart(2, '0')}`, `b${String(b).padStart(2, '0')}`);
        mkdirSync(sub, { recursive: true });
        writeFileSync(path.join(sub, 'f.c'), '');
      }
    }
    let turns = 0;
    let walking = true;
    const turn = (): void => {
      turns++;
      if (walking) setImmediate(turn);
    };
    setImmediate(turn);
    // Slices of no time: the walk yields after every entry.
    const r = await scanFolders([big], { sliceMs: 0 });
    walking = false;
    const names = r.files.map((f) => path.relative(big, f.file));
    expect(names).toHaveLength(2000);
    expect(names).toEqual([...names].sort());
    expect(turns).toBeGreaterThan(1000);
    const stopped = await scanFolders([big], { sliceMs: 0, isCancelled: () => true });
    expect(stopped.cancelled).toBe(true);
    expect(stopped.count).toBeLessThan(2000);
  });
});

describe('gitignore and globs', () => {
  it('anchors patterns with a slash and matches others at any depth', () => {
    const [group] = parseGitignore('/a.c\nb/c.c\n*.o\n');
    expect(['a.c', 'x/a.c', 'b/c.c', 'x/b/c.c', 'y/z.o'].map((p) => group.regex.test(p))).toEqual([true, false, true, false, true]);
  });

  it('translates ** and character classes', () => {
    const re = new RegExp(`^${globToRegex('**/out/[ab]*.c')}$`);
    expect(['out/a1.c', 'x/y/out/b.c', 'out/c.c', 'outx/a.c'].map((p) => re.test(p))).toEqual([true, true, false, false]);
  });
});

describe('readCandidate', () => {
  it('skips binary, invalid UTF-8, too large and vanished files with a reason', () => {
    const bin = path.join(dir, 'bin.c');
    writeFileSync(bin, Buffer.from('SEC("x")\0\0'));
    const latin1 = path.join(dir, 'latin1.c');
    writeFileSync(latin1, Buffer.from([0x53, 0x45, 0x43, 0x28, 0x22, 0xe9, 0x22]));
    const big = path.join(dir, 'big.c');
    writeFileSync(big, 'SEC("x")' + ' '.repeat(2000));
    expect(readCandidate(bin, 'c')).toEqual({ kind: 'skipped', reason: 'binary (contains NUL bytes)' });
    expect(readCandidate(latin1, 'c')).toEqual({ kind: 'skipped', reason: 'not valid UTF-8' });
    expect(readCandidate(big, 'c', 1000)).toEqual({ kind: 'skipped', reason: 'larger than 1000 bytes' });
    expect(readCandidate(path.join(dir, 'gone.c'), 'c')).toEqual({ kind: 'skipped', reason: 'vanished before it was read' });
    expect(readCandidate(path.join(dir, 'repo/src/plain.c'), 'c')).toEqual({ kind: 'filtered' });
  });

  it('prefilters on the literals struct_ops facts need', () => {
    const yes = ['SEC("license")', 'int BPF_STRUCT_OPS(x)', 'BPF_STRUCT_OPS_TYPE(tcp_congestion_ops)', 'struct bpf_struct_ops d;', 'register_bpf_struct_ops(&d, t)'];
    // Literals are found from a short prefix, then checked whole: near misses before a real hit, at the very end.
    yes.push('bpf_stat(); bpf_struct_ops', 'BPF_STAT BPF_STRUCT_OPS', 'bpf_struct_ops', 'x BPF_STRUCT_OPS');
    const no = ['int main(void);', 'USEC(1)', 'EC("x")', 'SEC ("x")', '"SEC"("x")', 'struct ops x;', 'case BPF_PROG_TYPE_STRUCT_OPS:'];
    no.push('bpf_struct_op', 'x bpf_struct_opx', 'BPF_STRUCT_OP', 'bpf_stat bpf_stx', 'BPF_STRUCT_ops bpf_STRUCT_OPS');
    expect(yes.map((t) => passesPrefilter('c', Buffer.from(t)))).toEqual(yes.map(() => true));
    expect(no.map((t) => passesPrefilter('c', Buffer.from(t)))).toEqual(no.map(() => false));
  });

  it('then keeps only code that uses them, not mentions, and tells struct_ops code from other BPF code', () => {
    const structOps = [
      'SEC("struct_ops/x")\nint x(void) {}',
      'SEC(".struct_ops.link")\nstruct tcp_congestion_ops cc = {};',
      'x SEC("?.struct_ops") y;',
      'struct bpf_struct_ops bpf_my = {',
      'return register_bpf_struct_ops(&d, t);',
      'BPF_STRUCT_OPS_TYPE(tcp_congestion_ops)',
      'void BPF_STRUCT_OPS(x_init, struct sock *sk)',
    ];
    const bpf = ['char _license[] SEC("license") = "GPL";', 'SEC("tc")\nint x(void) {}', 'struct { } m SEC(".maps");', 'SEC("license") /* struct_ops/x */'];
    const none = ['/* like SEC("abc") but */', 'BTF_STR_SEC("")', 'const struct bpf_struct_ops *st_ops;', 'verbose(env, "bpf_struct_ops map");', 'x SEC("struct_ops/x") y;'];
    expect(structOps.map(relevance)).toEqual(structOps.map(() => 'structOps'));
    expect(bpf.map(relevance)).toEqual(bpf.map(() => 'bpf'));
    expect(none.map(relevance)).toEqual(none.map(() => undefined));
  });

  it('defers BPF-only files when asked for struct_ops files first, and reads anything without a prefilter', () => {
    const bpfOnly = path.join(dir, 'prog.bpf.c');
    const plain = path.join(dir, 'plain.c');
    writeFileSync(bpfOnly, 'char _license[] SEC("license") = "GPL";\n');
    writeFileSync(plain, 'int main(void) { return 0; }\n');
    expect(readCandidate(bpfOnly, 'c', undefined, 'structOps')).toEqual({ kind: 'deferred' });
    expect(readCandidate(bpfOnly, 'c', undefined, 'relevant')).toMatchObject({ kind: 'text' });
    expect(readCandidate(plain, 'c', undefined, 'structOps')).toEqual({ kind: 'filtered' });
    expect(readCandidate(plain, 'c', undefined, 'off')).toMatchObject({ kind: 'text' });
  });
});

// The index's folder listing through ripgrep: it must list exactly the candidates that the walk
// (scanFolders) lists and whose bytes pass the literal prefilter, so the facts do not depend on
// whether rg is installed. Compared on a fixture tree with every rule the walk has, and on the
// repository's own fixtures through the whole index. Skips where rg is not installed.

import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listWithRipgrep, ripgrepArgs, ripgrepOnPath } from '../../../server/src/engine/index/ripgrep';
import { passesPrefilter, scanFolders, type CandidateKind } from '../../../server/src/engine/index/scan';
import { WorkspaceIndex } from '../../../server/src/engine/index/workspace';
import { repoRoot } from '../c/helpers';
import { bundledWorker, wasm } from './helpers';
import { writeTree } from '../../helpers/fileTree';

const rg = ripgrepOnPath();
if (!rg) console.log('ripgrep.test: skipped, rg is not on PATH (apt-get install ripgrep)');

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'ripgrep-test-'));
  const files: Record<string, string | Buffer> = {
    'repo/.git/HEAD': 'ref: refs/heads/main\n',
    'repo/.git/hooks/x.c': 'SEC("x")',
    'repo/.gitignore': 'build/\n*.gen.c\n!keep.gen.c\n/top_only.c\n',
    'repo/src/a.bpf.c': 'SEC("struct_ops/x") int x(void) { return 0; }\n',
    'repo/src/desc.c': 'static struct bpf_struct_ops d = {};\n',
    'repo/src/types.h': 'BPF_STRUCT_OPS_TYPE(tcp_congestion_ops)\n',
    'repo/src/mention.c': '/* BPF_PROG_TYPE_STRUCT_OPS and struct_ops, no literal */\n',
    'repo/src/plain.c': 'int main(void) { return 0; }\n',
    'repo/src/skip.gen.c': 'SEC("x")',
    'repo/src/keep.gen.c': 'SEC("x")',
    'repo/src/notes.txt': 'SEC("x")',
    'repo/src/binary.c': Buffer.concat([Buffer.from('SEC("x")'), Buffer.from([0, 1, 2])]),
    'repo/src/utf16.c': Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('SEC("x")', 'utf16le')]),
    'repo/src/Makefile': 'all:\n\tcc x.c\n',
    'repo/src/Kbuild': 'obj-m += a.o\n',
    'repo/src/mod.kbuild': 'obj-y += b.o\n',
    'repo/top_only.c': 'SEC("x")',
    'repo/src/top_only.c': 'SEC("x")',
    'repo/build/out.c': 'SEC("x")',
    'repo/.hidden/h.c': 'SEC("x")',
    'repo/sub/.gitignore': '*.h\n',
    'repo/sub/t.h': 'bpf_struct_ops',
    'repo/sub/t.c': 'bpf_struct_ops',
    'repo/vendor/v.c': 'SEC("x")',
    'repo/deep/vendor/v.c': 'SEC("x")',
    'repo/skip.top.c': 'SEC("x")',
    'repo/deep/skip.top.c': 'SEC("x")',
    'loose/.gitignore': '*\n',
    'loose/in_tarball.c': 'SEC("x")',
    'loose/.ignore': 'in_tarball.c\n',
  };
  writeTree(dir, files);
  symlinkSync(path.join(dir, 'repo/src/a.bpf.c'), path.join(dir, 'repo/src/link.c'));
  symlinkSync(path.join(dir, 'repo/src'), path.join(dir, 'repo/linked_dir'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What the walk lists and the literal prefilter keeps, relative to the root. */
async function walkedAndFiltered(root: string, exclude: string[] = []): Promise<string[]> {
  const scan = await scanFolders([root], { exclude });
  return scan.files.filter((f) => passesPrefilter(f.kind, readFileSync(f.file))).map((f) => path.relative(root, f.file)).sort();
}

async function listed(root: string, exclude: string[] = []): Promise<{ files: [string, CandidateKind][]; searched: number; listed: number }> {
  const files: [string, CandidateKind][] = [];
  const listing = await listWithRipgrep(rg!, root, { exclude, onFile: (file, kind) => files.push([path.relative(root, file), kind]) });
  if (!listing) throw new Error('rg did not start');
  return { files: files.sort((a, b) => (a[0] < b[0] ? -1 : 1)), searched: listing.searched, listed: listing.listed };
}

describe.skipIf(!rg)('listWithRipgrep', () => {
  it('lists what the walk lists and the prefilter keeps: .gitignore, hidden files, .git, links, file types, literals', async () => {
    const root = path.join(dir, 'repo');
    const walked = await walkedAndFiltered(root, ['vendor/**', 'skip.top.c']);
    const r = await listed(root, ['vendor/**', 'skip.top.c']);
    expect(r.files.map(([file]) => file)).toEqual(walked);
    expect(walked).toEqual([
      '.hidden/h.c',
      'deep/skip.top.c',
      'deep/vendor/v.c',
      'src/Kbuild',
      'src/a.bpf.c',
      'src/binary.c',
      'src/desc.c',
      'src/keep.gen.c',
      'src/mod.kbuild',
      'src/top_only.c',
      'src/types.h',
      'sub/t.c',
    ]);
    expect(Object.fromEntries(r.files)).toMatchObject({ 'src/Kbuild': 'kbuild', 'src/mod.kbuild': 'kbuild', 'src/a.bpf.c': 'c' });
    // Every candidate the walk finds was searched; the listed ones are those with a literal.
    expect(r.searched).toBe((await scanFolders([root], { exclude: ['vendor/**', 'skip.top.c'] })).count);
    expect(r.listed).toBe(walked.length);
  });

  it('anchors exclude globs at the folder unless they start with **, as the walk does', async () => {
    const root = path.join(dir, 'repo');
    for (const exclude of [['**/vendor/**'], ['**/skip.top.c'], ['deep'], ['./src/*.c']]) {
      expect((await listed(root, exclude)).files.map(([file]) => file), exclude.join()).toEqual(await walkedAndFiltered(root, exclude));
    }
    expect(ripgrepArgs('/r', ['vendor/**', '**/build', './x.c'])).toEqual(expect.arrayContaining(['!/vendor/**', '!**/build', '!/x.c']));
  });

  it('reads .gitignore files only inside a git work tree, and none of rg\'s own ignore files', async () => {
    const root = path.join(dir, 'loose');
    expect((await listed(root)).files).toEqual([['in_tarball.c', 'c']]);
    expect(await walkedAndFiltered(root)).toEqual(['in_tarball.c']);
  });

  it('applies .gitignore files of the folder and below, not of its parents', async () => {
    const root = path.join(dir, 'repo/src');
    const r = await listed(root);
    expect(r.files.map(([file]) => file)).toEqual(await walkedAndFiltered(root));
    // The repository's `*.gen.c` and `/top_only.c` are not applied inside src/.
    expect(r.files.map(([file]) => file)).toEqual(expect.arrayContaining(['skip.gen.c', 'top_only.c']));
  });

  it('stops when cancelled', async () => {
    const listing = await listWithRipgrep(rg!, path.join(dir, 'repo'), { isCancelled: () => true, onFile: () => undefined });
    expect(listing?.cancelled).toBe(true);
  });

  it('resolves to undefined when rg cannot be started, and names the problem in the log', async () => {
    const debug: string[] = [];
    const logger = { error: () => undefined, warn: () => undefined, info: () => undefined, debug: (m: string) => debug.push(m) };
    const missing = path.join(dir, 'no-such-rg');
    expect(await listWithRipgrep(missing, path.join(dir, 'repo'), { logger, onFile: () => undefined })).toBeUndefined();
    expect(debug.join('\n')).toContain(`ripgrep (${missing}) could not be started (ENOENT)`);
  });

  it('rejects when rg fails after starting: the listing would be incomplete', async () => {
    const failing = path.join(dir, 'failing-rg');
    writeFileSync(failing, '#!/bin/sh\necho "rg: broken" >&2\nexit 3\n');
    chmodSync(failing, 0o755);
    await expect(listWithRipgrep(failing, path.join(dir, 'repo'), { onFile: () => undefined })).rejects.toThrow(/failed while listing .*exit status 3: rg: broken/);
  });
});

describe('ripgrepOnPath', () => {
  it('finds an executable rg on PATH, skipping directories and files that cannot run', () => {
    const bins = mkdtempSync(path.join(os.tmpdir(), 'rg-path-'));
    try {
      for (const d of ['a', 'b', 'c']) mkdirSync(path.join(bins, d));
      mkdirSync(path.join(bins, 'a', 'rg'));
      writeFileSync(path.join(bins, 'b', 'rg'), '');
      chmodSync(path.join(bins, 'b', 'rg'), 0o644);
      writeFileSync(path.join(bins, 'c', 'rg'), '#!/bin/sh\n');
      chmodSync(path.join(bins, 'c', 'rg'), 0o755);
      const PATH = ['a', 'b', 'c'].map((d) => path.join(bins, d)).join(path.delimiter);
      expect(ripgrepOnPath({ PATH })).toBe(path.join(bins, 'c', 'rg'));
      expect(ripgrepOnPath({ PATH: path.join(bins, 'a') })).toBeUndefined();
      // Relative entries never count: they name the working directory's files.
      expect(ripgrepOnPath({ PATH: ['', '.', path.relative(process.cwd(), path.join(bins, 'c'))].join(path.delimiter) })).toBeUndefined();
    } finally {
      rmSync(bins, { recursive: true, force: true });
    }
  });
});

describe.skipIf(!rg)('WorkspaceIndex with ripgrep', () => {
  const roots = ['test/fixtures/c', 'test/fixtures/modules', 'examples'].map((d) => path.join(repoRoot, d));

  it('has the same facts and counts as when it walks the folders itself', async () => {
    const workerScript = await bundledWorker();
    const indexes = [await WorkspaceIndex.create({ wasm, workers: 1, workerScript, ripgrep: rg }), await WorkspaceIndex.create({ wasm, workers: 1, workerScript })];
    const [withRg, walking] = await Promise.all(indexes.map((index) => index.indexFolders(roots)));
    expect(withRg.indexed).toBeGreaterThan(10);
    expect({ ...withRg, durationMs: 0 }).toEqual({ ...walking, durationMs: 0 });
    expect(indexes[0].allFacts()).toEqual(indexes[1].allFacts());
    expect(indexes[0].kbuild()).toEqual(indexes[1].kbuild());
  });

  it('walks the folders itself, with a warning, when its ripgrep fails part-way', async () => {
    const failing = path.join(dir, 'half-rg');
    // Lists one real file, then fails: the walk must not index it twice.
    const first = path.join(repoRoot, 'examples');
    writeFileSync(failing, `#!/bin/sh\nprintf '%s\\0' "$(ls -d ${first}/*/*.c | head -1)"\necho "rg: disk on fire" >&2\nexit 3\n`);
    chmodSync(failing, 0o755);
    const warnings: string[] = [];
    const logger = { error: () => undefined, warn: (m: string) => warnings.push(m), info: () => undefined, debug: () => undefined };
    const index = await WorkspaceIndex.create({ wasm, workers: 0, ripgrep: failing, logger });
    const reference = await WorkspaceIndex.create({ wasm, workers: 0 });
    const summary = await index.indexFolders(roots);
    expect({ ...summary, durationMs: 0 }).toEqual({ ...(await reference.indexFolders(roots)), durationMs: 0 });
    expect(index.allFacts()).toEqual(reference.allFacts());
    expect(warnings.join('\n')).toMatch(/half-rg\) failed while listing .*exit status 3: rg: disk on fire; walking/);
  });

  it('walks the folders itself when its ripgrep cannot be started', async () => {
    const debug: string[] = [];
    const logger = { error: () => undefined, warn: () => undefined, info: () => undefined, debug: (m: string) => debug.push(m) };
    const index = await WorkspaceIndex.create({ wasm, workers: 0, ripgrep: path.join(dir, 'no-such-rg'), logger });
    const reference = await WorkspaceIndex.create({ wasm, workers: 0 });
    const summary = await index.indexFolders(roots);
    expect({ ...summary, durationMs: 0 }).toEqual({ ...(await reference.indexFolders(roots)), durationMs: 0 });
    expect(index.allFacts()).toEqual(reference.allFacts());
    expect(debug.join('\n')).toContain('could not be started (ENOENT); walking');
  });
});

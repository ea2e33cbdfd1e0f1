// Compile flags as clangd finds them: compile_commands.json (arguments or command), compile_flags.txt
// and .clangd, nearest first, with relative directories resolved where the flags say.

import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CompileFlagsFinder, parseFlags, shellSplit } from '../../../server/src/engine/c/compileFlags';
import { nodeFs } from '../../../server/src/engine/c/preprocessor';
import { writeTree } from '../../helpers/fileTree';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'flags-test-'));
  const files: Record<string, string> = {
    'db/compile_commands.json': JSON.stringify([
      { directory: path.join(dir, 'db'), file: 'src/a.bpf.c', arguments: ['clang', '-Iinclude', '-D', 'A=1', '-c', 'src/a.bpf.c'] },
      { directory: path.join(dir, 'db'), file: 'src/b.c', command: 'cc "-DMSG=\\"hi there\\"" -isystem /sys/inc -c src/b.c' },
    ]),
    'db/src/a.bpf.c': '',
    'db/src/b.c': '',
    'db/src/c.h': '',
    'txt/compile_flags.txt': '-I\n../shared\n-DLSP\n',
    'txt/deep/x.c': '',
    'yaml/.clangd': 'CompileFlags:\n  Add: [-I../vmlinux, "-DFOO=2"]\n  Remove: -W*\nDiagnostics:\n  Suppress: x\n',
    'yaml/y.c': '',
  };
  writeTree(dir, files);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('CompileFlagsFinder', () => {
  const finder = (): CompileFlagsFinder => new CompileFlagsFinder(nodeFs);

  it('reads compile_commands.json entries, by file, with arguments or a command line', () => {
    const f = finder();
    expect(f.flagsFor(path.join(dir, 'db/src/a.bpf.c'))).toMatchObject({ includeDirs: [path.join(dir, 'db/include')], defines: [['A', '1']] });
    expect(f.flagsFor(path.join(dir, 'db/src/b.c'))).toMatchObject({ systemDirs: ['/sys/inc'], defines: [['MSG', '"hi there"']] });
    // A header is not in the database: it borrows a sibling's flags, as clangd does.
    expect(f.flagsFor(path.join(dir, 'db/src/c.h')).includeDirs).toEqual([path.join(dir, 'db/include')]);
  });

  it('reads compile_flags.txt found above the file and .clangd Add lists', () => {
    const f = finder();
    expect(f.flagsFor(path.join(dir, 'txt/deep/x.c'))).toMatchObject({ includeDirs: [path.join(dir, 'shared')], defines: [['LSP', '1']] });
    expect(f.flagsFor(path.join(dir, 'yaml/y.c'))).toMatchObject({ includeDirs: [path.join(dir, 'vmlinux')], defines: [['FOO', '2']] });
    expect(f.flagsFor(path.join(os.tmpdir(), 'nowhere', 'z.c')).source).toBeUndefined();
  });
});

describe('flag parsing', () => {
  it('splits shell command lines and reads -I/-D/-U forms', () => {
    expect(shellSplit(`cc -I'a b' "-DX=\\"y\\"" c\\ d`)).toEqual(['cc', '-Ia b', '-DX="y"', 'c d']);
    expect(parseFlags(['-I', 'inc', '-iquote', 'q', '-UOLD', '-DNEW'], '/w')).toEqual({
      includeDirs: ['/w/inc'],
      quoteDirs: ['/w/q'],
      systemDirs: [],
      defines: [['NEW', '1']],
      undefines: ['OLD'],
    });
  });
});

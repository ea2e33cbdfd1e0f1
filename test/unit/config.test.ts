// The project config reader (engine/config): finding `.struct-ops.json` or package.json
// `structOps`, resolving paths against the file, and problems that name the file, key and place.

import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { findProjectConfig, formatConfigProblem, ignoreMatcher, parseProjectConfig, readProjectConfig } from '../../server/src/engine/config/projectConfig';

let root: string;

function write(relative: string, text: string): string {
  const file = path.join(root, relative);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
  return file;
}

beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), 'struct-ops-config-'));
});

describe('parseProjectConfig', () => {
  it('reads profiles, include paths, defines and ignores with paths relative to the file', () => {
    write('proj/btf/vmlinux', '');
    const file = path.join(root, 'proj', '.struct-ops.json');
    const result = parseProjectConfig(
      file,
      JSON.stringify({
        profile: 'old',
        profiles: {
          old: { description: 'LTS', btf: ['btf/vmlinux'], kernel: '6.1', libbpf: '1.1' },
          new: { kernel: '6.12' },
        },
        includePaths: ['include', '../shared'],
        defines: ['DEBUG', 'NR=4'],
        ignore: { 'legacy/**': ['LIB-20', 'BUILD-01'] },
      }),
    );
    expect(result?.problems).toEqual([]);
    expect(result?.config).toEqual({
      file,
      dir: path.join(root, 'proj'),
      defaultProfile: 'old',
      profiles: [
        { name: 'new', btf: [], kernelVersion: '6.12' },
        { name: 'old', description: 'LTS', btf: [path.join(root, 'proj', 'btf', 'vmlinux')], kernelVersion: '6.1', libbpfVersion: '1.1' },
      ],
      includeDirs: [path.join(root, 'proj', 'include'), path.join(root, 'shared')],
      defines: [
        ['DEBUG', '1'],
        ['NR', '4'],
      ],
      ignore: [{ pattern: 'legacy/**', checks: ['LIB-20', 'BUILD-01'] }],
    });
  });

  it('reports bad JSON at its position', () => {
    const text = '{\n  "profiles": {,\n}';
    const result = parseProjectConfig('/p/.struct-ops.json', text);
    expect(result?.config).toBeUndefined();
    const comma = text.split('\n')[1].indexOf(',');
    expect(result?.problems[0]).toMatchObject({ file: '/p/.struct-ops.json', range: { start: { line: 1, character: comma } } });
    expect(result?.problems[0].message).toMatch(/^invalid JSON: /);
  });

  it('names the key of each wrong type, unknown key, unknown check ID and missing BTF path', () => {
    const text = JSON.stringify(
      {
        profiles: { a: { btf: ['missing.btf'], kernel: 6 }, live: {} },
        includePaths: 'include',
        defines: ['1BAD'],
        ignore: { '**': ['LIB-99'] },
        profle: 'a',
      },
      null,
      2,
    );
    const result = parseProjectConfig(path.join(root, '.struct-ops.json'), text);
    expect(result?.config).toBeUndefined();
    const messages = result?.problems.map((p) => p.message) ?? [];
    expect(messages).toEqual([
      `unknown key 'profle' in the configuration (expected $schema, profile, profiles, includePaths, defines, ignore)`,
      `profiles.a.btf: no such file or folder: missing.btf (resolved against ${root})`,
      'profiles.a.kernel must be a string',
      "profile name 'live' is reserved for the running kernel",
      'includePaths must be an array of strings',
      "defines: '1BAD' is not a macro name (NAME or NAME=VALUE)",
      "ignore['**']: unknown check ID 'LIB-99'",
    ]);
    const unknownCheck = result!.problems[6];
    expect(text.split('\n')[unknownCheck.range.start.line]).toContain('"LIB-99"');
  });

  it('rejects a default profile that is not defined', () => {
    const result = parseProjectConfig('/p/.struct-ops.json', '{"profile": "ci"}');
    expect(result?.problems.map((p) => p.message)).toEqual(["profile 'ci' is not defined in profiles"]);
  });

  it('reads the structOps key of package.json and ignores a package.json without one', () => {
    const file = path.join(root, 'package.json');
    expect(parseProjectConfig(file, '{"name": "x"}')).toBeUndefined();
    const result = parseProjectConfig(file, '{"name": "x", "structOps": {"defines": ["A=2"]}}');
    expect(result?.config?.defines).toEqual([['A', '2']]);
    expect(parseProjectConfig(file, '{"structOps": []}')?.problems.map((p) => p.message)).toEqual(['the configuration must be an object']);
  });
});

describe('findProjectConfig', () => {
  it('finds the nearest config upwards, .struct-ops.json before package.json', () => {
    const top = write('.struct-ops.json', '{}');
    const pkg = write('a/package.json', '{"structOps": {}}');
    write('a/b/package.json', '{"name": "no config here"}');
    write('a/b/c/x.bpf.c', '');
    expect(findProjectConfig(path.join(root, 'a', 'b', 'c', 'x.bpf.c'))).toBe(pkg);
    expect(findProjectConfig(path.join(root, 'a', 'b', 'c'))).toBe(pkg);
    expect(findProjectConfig(root)).toBe(top);
    const both = write('a/.struct-ops.json', '{}');
    expect(findProjectConfig(path.join(root, 'a', 'b'))).toBe(both);
  });

  it('stops at the given root', () => {
    write('.struct-ops.json', '{}');
    write('ws/src/x.bpf.c', '');
    expect(findProjectConfig(path.join(root, 'ws', 'src'), path.join(root, 'ws'))).toBeUndefined();
    expect(findProjectConfig(path.join(root, 'ws', 'src'))).toBe(path.join(root, '.struct-ops.json'));
  });
});

describe('readProjectConfig', () => {
  it('turns an unreadable file into a problem naming it', () => {
    const missing = path.join(root, '.struct-ops.json');
    const result = readProjectConfig(missing);
    expect(result?.config).toBeUndefined();
    expect(formatConfigProblem(result!.problems[0])).toMatch(new RegExp(`^${missing.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:1:1: cannot read: `));
  });
});

describe('ignoreMatcher', () => {
  it('ignores a check only under its glob, relative to the config folder', () => {
    const file = write('proj/.struct-ops.json', JSON.stringify({ ignore: { 'legacy/**/*.bpf.c': ['LIB-20'], '**/gen_*.c': ['BUILD-01'] } }));
    const config = readProjectConfig(file)!.config!;
    const ignored = ignoreMatcher(config);
    expect(ignored(path.join(root, 'proj', 'legacy', 'old', 'a.bpf.c'), 'LIB-20')).toBe(true);
    expect(ignored(path.join(root, 'proj', 'legacy', 'old', 'a.bpf.c'), 'LIB-12')).toBe(false);
    expect(ignored(path.join(root, 'proj', 'src', 'a.bpf.c'), 'LIB-20')).toBe(false);
    expect(ignored(path.join(root, 'proj', 'src', 'gen_ops.c'), 'BUILD-01')).toBe(true);
    expect(ignored(path.join(root, 'other', 'legacy', 'a.bpf.c'), 'LIB-20')).toBe(false);
  });
});

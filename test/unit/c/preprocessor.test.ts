// The preprocessor on its own: C11's expansion examples, GNU variadic forms, conditionals,
// includes through an in-memory file system, and the origin map back to written offsets.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Logger } from '../../../server/src/engine/common/logger';
import { includeClosure, nodeFs, preprocess, PreprocessorCache, type PreprocessOptions } from '../../../server/src/engine/c/preprocessor';

function memoryCache(files: Record<string, string>): PreprocessorCache {
  return new PreprocessorCache({ readFile: (f) => files[f] });
}

function run(text: string, options: PreprocessOptions = {}, files: Record<string, string> = {}): string {
  return preprocess('/src/main.c', text, { useCompileFlags: false, cache: memoryCache(files), ...options }).text;
}

const squash = (s: string): string => s.replace(/\s+/g, '');

function bufferLogger(): Logger & { debugs: string[] } {
  const debugs: string[] = [];
  return { debugs, error: () => undefined, warn: () => undefined, info: () => undefined, debug: (m) => debugs.push(m) };
}

describe('macro expansion', () => {
  it('follows C11 6.10.3.5 example 3 (rescanning, hiding, nesting)', () => {
    const text = [
      '#define x 3',
      '#define f(a) f(x * (a))',
      '#undef x',
      '#define x 2',
      '#define g f',
      '#define z z[0]',
      '#define h g(~',
      '#define m(a) a(w)',
      '#define w 0,1',
      '#define t(a) a',
      '#define p() int',
      '#define q(x) x',
      '#define r(x,y) x ## y',
      '#define str(x) # x',
      'f(y+1) + f(f(z)) % t(t(g)(0) + t)(1);',
      'g(x+(3,4)-w) | h 5) & m',
      '(f)^m(m);',
      'p() i[q()] = { q(1), r(2,3), r(4,), r(,5), r(,) };',
      'char c[2][6] = { str(hello), str() };',
    ].join('\n');
    expect(squash(run(text))).toBe(
      squash(
        'f(2 * (y+1)) + f(2 * (f(2 * (z[0])))) % f(2 * (0)) + t(1);' +
          'f(2 * (2+(3,4)-0,1)) | f(2 * (~ 5)) & f(2 * (0,1))^m(0,1);' +
          'int i[] = { 1, 23, 4, 5, };' +
          'char c[2][6] = { "hello", "" };',
      ),
    );
  });

  it('stringifies and pastes like C11 example 4', () => {
    const text = [
      '#define str(s) # s',
      '#define xstr(s) str(s)',
      '#define INCFILE(n) vers ## n',
      '#define glue(a, b) a ## b',
      '#define xglue(a, b) glue(a, b)',
      '#define HIGHLOW "hello"',
      '#define LOW LOW ", world"',
      'xstr(INCFILE(2).h) glue(HIGH, LOW); xglue(HIGH, LOW)',
    ].join('\n');
    expect(squash(run(text))).toBe(squash('"vers2.h" "hello"; "hello" ", world"'));
  });

  it('handles __VA_ARGS__, named variadics and the GNU comma paste', () => {
    const text = [
      '#define V(fmt, ...) f(fmt, ##__VA_ARGS__)',
      '#define N(name, args...) g(name, ##args)',
      '#define A(...) h(__VA_ARGS__)',
      'V(1); V(1, 2, 3); N(x); N(x, int a, int b); A(); A(.a = 1, .b = 2);',
    ].join('\n');
    expect(squash(run(text))).toBe(squash('f(1); f(1, 2, 3); g(x); g(x, int a, int b); h(); h(.a = 1, .b = 2);'));
  });

  it('does not re-expand a self-referencing macro', () => {
    expect(squash(run('#define foo foo + 1\n#define a b\n#define b a\nfoo; a; b;'))).toBe(squash('foo + 1; a; b;'));
  });

  it('keeps the macros the extractor reads by name', () => {
    const text = '#define BPF_PROG(name, args...) name(unsigned long long *ctx)\n#define module_init(f) x\nint BPF_PROG(p, int a) {}\nmodule_init(f);';
    expect(squash(run(text))).toBe(squash('int BPF_PROG(p, int a) {} module_init(f);'));
  });

  it('keeps the line structure of text without macros', () => {
    const text = '#define X 1\nint a; /* comment */\n\nint b = 2;\n';
    const out = run(text);
    expect(out).toHaveLength(text.length);
    expect(out.split('\n')).toHaveLength(text.split('\n').length);
    expect(out.indexOf('int b')).toBe(text.indexOf('int b'));
  });
});

describe('conditionals', () => {
  it('evaluates #if arithmetic, defined and #elif chains', () => {
    const text = [
      '#define V 3',
      '#if V * 2 == 6 && defined(V) && !defined UNDEF',
      'yes1;',
      '#else',
      'no1;',
      '#endif',
      '#if V > 5',
      'no2;',
      '#elif (V << 1) == 6 ? 1 : 0',
      'yes2;',
      '#elif 1',
      'no3;',
      '#endif',
      '#ifndef V',
      'no4;',
      '#elifdef V',
      'yes3;',
      '#endif',
      '#if 0',
      '#if 1',
      'no5;',
      '#endif',
      '#else',
      'yes4;',
      '#endif',
    ].join('\n');
    expect(squash(run(text))).toBe('yes1;yes2;yes3;yes4;');
  });

  it('treats unknown identifiers as 0 and says so at debug level', () => {
    const logger = bufferLogger();
    expect(squash(run('#if UNKNOWN_THING\nno;\n#else\nyes;\n#endif', { logger }))).toBe('yes;');
    expect(logger.debugs.some((m) => m.includes('UNKNOWN_THING'))).toBe(true);
  });

  it('applies -D defines and reports unterminated conditionals', () => {
    const r = preprocess('/src/main.c', '#ifdef LSP\nlsp;\n#endif\n#if 1\nopen;', { defines: [['LSP', '1']], useCompileFlags: false, cache: memoryCache({}) });
    expect(squash(r.text)).toBe('lsp;open;');
    expect(r.problems.map((p) => p.message)).toEqual(['unterminated conditional directive']);
  });

  it('reports #error in active code only', () => {
    const r = preprocess('/src/main.c', '#if 0\n#error no\n#endif\n#error "yes"\n', { useCompileFlags: false, cache: memoryCache({}) });
    expect(r.problems.map((p) => [p.message, p.location.range.start.line])).toEqual([['#error "yes"', 3]]);
  });
});

describe('includes', () => {
  const files = {
    '/src/defs.h': '#pragma once\n#define FROM_HEADER 42\nstruct in_header { int a; };\n#include "defs.h"\n',
    '/src/loop_a.h': '#include "loop_b.h"\n#define A 1\n',
    '/src/loop_b.h': '#include "loop_a.h"\n#define B 2\n',
    '/inc/sys.h': '#define SYS 7\n',
    '/src/part.c': 'int from_part = FROM_HEADER;\n',
  };

  it('takes macros from headers but not their code, and inlines included sources', () => {
    const r = preprocess('/src/main.c', '#include "defs.h"\n#include "part.c"\nint x = FROM_HEADER;\n', { useCompileFlags: false, cache: memoryCache(files) });
    expect(squash(r.text)).toBe('intfrom_part=42;intx=42;');
    expect(r.dependencies).toEqual(['/src/defs.h', '/src/part.c']);
    const at = r.text.indexOf('from_part');
    expect(r.origin.locate(at, at + 'from_part'.length)).toEqual({ file: '/src/part.c', range: { start: { line: 0, character: 4 }, end: { line: 0, character: 13 } } });
  });

  it('guards include cycles and uses -I directories for <...>', () => {
    const r = preprocess('/src/main.c', '#include "loop_a.h"\n#include <sys.h>\nA B SYS', { includeDirs: ['/inc'], useCompileFlags: false, cache: memoryCache(files) });
    expect(squash(r.text)).toBe('127');
    expect(r.includes.map((i) => [i.path, i.system, i.resolved])).toEqual([
      ['loop_a.h', false, '/src/loop_a.h'],
      ['sys.h', true, '/inc/sys.h'],
    ]);
  });

  it('records a missing vmlinux.h instead of failing, and enforces the depth limit', () => {
    const deep = { '/src/d.h': '#include "d2.h"\n', '/src/d2.h': '#include "d3.h"\n', '/src/d3.h': '#define DEEP 1\n' };
    const r = preprocess('/src/main.c', '#include "vmlinux.h"\n#include "d.h"\n', { maxIncludeDepth: 2, useCompileFlags: false, cache: memoryCache(deep) });
    expect(r.includes[0]).toMatchObject({ path: 'vmlinux.h', vmlinux: true });
    expect(r.includes[0].resolved).toBeUndefined();
    expect(r.problems.map((p) => p.message)).toEqual(['#include nested too deeply (limit 2)']);
  });
});

describe('includeClosure (every file an #include could read)', () => {
  const files: Record<string, string> = {
    '/src/on.h': '#include "shared.h"\n',
    '/src/off.h': '#include <sys.h>\n',
    '/src/shared.h': '#include "on.h"\n#include "gone.h"\n',
    '/inc/sys.h': '#include_next <sys.h>\n',
    '/sys/sys.h': '#define SYS 1\n',
  };
  const options = { useCompileFlags: false, includeDirs: ['/inc'], systemDirs: ['/sys'] };

  it('follows both branches of every conditional, include_next and cycles, without the main file', () => {
    const text = '#ifdef NEVER\n#include "off.h"\n#else\n#include "on.h"\n#endif\n#include "main.c"\n';
    const closure = includeClosure('/src/main.c', text, { ...options, cache: memoryCache({ ...files, '/src/main.c': text }) });
    expect(closure?.sort()).toEqual(['/inc/sys.h', '/src/off.h', '/src/on.h', '/src/shared.h', '/sys/sys.h']);
    const dependencies = preprocess('/src/main.c', text, { ...options, cache: memoryCache(files) }).dependencies;
    expect(dependencies.every((d) => closure?.includes(d))).toBe(true);
  });

  it('gives up on an include named through a macro', () => {
    expect(includeClosure('/src/main.c', '#define H "on.h"\n#include H\n', { ...options, cache: memoryCache(files) })).toBeUndefined();
  });

  it('finds a header created after a lookup failed once the cache forgets what it read', () => {
    const disk: Record<string, string> = {};
    const cache = new PreprocessorCache({ readFile: (f) => disk[f] });
    expect(includeClosure('/src/main.c', '#include "late.h"\n', { ...options, cache })).toEqual([]);
    disk['/src/late.h'] = '';
    cache.invalidate('/src/late.h');
    expect(includeClosure('/src/main.c', '#include "late.h"\n', { ...options, cache })).toEqual(['/src/late.h']);
  });
});

describe('includes clang would not find', () => {
  it('marks what neither the given paths nor clang\'s default directories have, not vmlinux.h or clang\'s own headers', () => {
    const text = '#include "vmlinux.h"\n#include <scx/common.bpf.h>\n#include "local.h"\n#include <stdbool.h>\n#include "/no/such/abs.h"\n#include "found.h"\n';
    const r = preprocess('/src/main.c', text, { useCompileFlags: false, cache: memoryCache({ '/src/found.h': '' }) });
    expect(r.includes.map((i) => [i.path, i.missing ?? false])).toEqual([
      ['vmlinux.h', false],
      ['scx/common.bpf.h', true],
      ['local.h', true],
      ['stdbool.h', false],
      ['/no/such/abs.h', true],
      ['found.h', false],
    ]);
  });
});

describe('origin map', () => {
  it('maps argument text to the argument and macro text to the invocation', () => {
    const text = '#define DEF(name, ...) struct ops name = { __VA_ARGS__ };\nDEF(my_ops,\n    .enqueue = (void *)x);\n';
    const r = preprocess('/src/main.c', text, { useCompileFlags: false, cache: memoryCache({}) });
    const at = (s: string): number => r.text.indexOf(s);
    const loc = (s: string) => r.origin.locate(at(s), at(s) + s.length).range;
    expect(loc('.enqueue')).toEqual({ start: { line: 2, character: 4 }, end: { line: 2, character: 12 } });
    expect(loc('my_ops')).toEqual({ start: { line: 1, character: 4 }, end: { line: 1, character: 10 } });
    // `struct` comes from the macro body: it stands for the whole invocation.
    expect(loc('struct')).toEqual({ start: { line: 1, character: 0 }, end: { line: 2, character: 25 } });
    expect(r.origin.macroAt(at('struct'))).toBe('DEF');
    expect(r.origin.macroAt(at('.enqueue'))).toBe('DEF');
  });
});

describe('includes clang would not find, in headers', () => {
  it('records them with the main file\'s include that led there', () => {
    const files = { '/src/found.h': '#include <nowhere/x.h>\n#include "also_found.h"\n', '/src/also_found.h': '' };
    const r = preprocess('/src/main.c', '#include "found.h"\n', { useCompileFlags: false, cache: memoryCache(files) });
    expect(r.includes.map((i) => [i.path, i.location.file, i.missing ?? false, i.includedFrom?.file, i.includedFrom?.range.start.line])).toEqual([
      ['found.h', '/src/main.c', false, undefined, undefined],
      ['nowhere/x.h', '/src/found.h', true, '/src/main.c', 0],
    ]);
  });
});

describe('reading headers from disk', () => {
  it('gives the text as UTF-8 decodes it, ASCII (read as Latin-1) or not, lone CRs made LF', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pp-read-'));
    const texts = { 'ascii.h': '#define A 1\r#define B 2\n', 'utf8.h': '/* é — ✓ */\n#define C 3\n', 'latin1.h': Buffer.from([0x2f, 0x2a, 0xe9, 0x2a, 0x2f, 0x0a]) };
    for (const [name, content] of Object.entries(texts)) writeFileSync(path.join(dir, name), content);
    expect(nodeFs.readFile(path.join(dir, 'ascii.h'))).toBe('#define A 1\n#define B 2\n');
    expect(nodeFs.readFile(path.join(dir, 'utf8.h'))).toBe('/* é — ✓ */\n#define C 3\n');
    // Not UTF-8: replacement characters, as before.
    expect(nodeFs.readFile(path.join(dir, 'latin1.h'))).toBe('/*\ufffd*/\n');
    rmSync(dir, { recursive: true, force: true });
  });
});

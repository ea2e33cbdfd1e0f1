// sanitizeForParse keeps every offset: what it blanks becomes spaces, and whitespace-only lines
// between top-level items become same-length comments (tree-sitter reuses those on a reparse).

import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sanitizeForParse } from '../../../server/src/engine/c/sanitize';
import { applyEdit, fixturesDir, randomEdit, repoRoot } from './helpers';

const lines = (text: string) => text.split('\n');

describe('sanitizeForParse', () => {
  it('writes a blanked SEC line before a program as a comment of the same length', () => {
    const text = 'SEC("struct_ops/my_init")\nint BPF_PROG(my_init)\n{\n\treturn 0;\n}\n';
    const out = sanitizeForParse(text);
    expect(out.text.length).toBe(text.length);
    expect(lines(out.text)[0]).toBe(`/*${' '.repeat('SEC("struct_ops/my_init")'.length - 4)}*/`);
    expect(lines(out.text).slice(1)).toEqual(lines(text).slice(1));
    expect(out.sections).toEqual([{ value: 'struct_ops/my_init', start: 0, end: 25, valueStart: 4, valueEnd: 24 }]);
  });

  it('writes a blanked SEC line below a comment as a comment too', () => {
    const text = '// the first program\nSEC("struct_ops/my_init")\nint BPF_PROG(my_init)\n{\n\treturn 0;\n}\n';
    expect(lines(sanitizeForParse(text).text).slice(0, 2)).toEqual(['// the first program', `/*${' '.repeat(21)}*/`]);
  });

  it('writes the preprocessor\'s long blank lines at top level as comments, short ones as spaces', () => {
    const gap = ' '.repeat(30);
    const text = `${gap}\n   \nint x;\n`;
    expect(lines(sanitizeForParse(text).text)).toEqual([`/*${' '.repeat(26)}*/`, '   ', 'int x;', '']);
  });

  it('leaves whitespace inside braces and parentheses, and lines with code or comments, as they are', () => {
    const sec = 'SEC(".struct_ops.link")';
    const text = [
      'struct tcp_congestion_ops cc = {',
      `\t${' '.repeat(24)}`,
      '\t.name = "cc",',
      '};',
      'int f(int a,',
      `      __always_inline${' '.repeat(10)}`,
      '      int b);',
      `/* a comment that is long enough */ ${' '.repeat(20)}`,
      `${sec} struct tcp_congestion_ops cc2 = {};`,
      '',
    ].join('\n');
    const out = lines(sanitizeForParse(text).text);
    expect(out[1]).toBe(`\t${' '.repeat(24)}`);
    expect(out[5]).toBe(' '.repeat(31));
    expect(out[7]).toBe(lines(text)[7]);
    expect(out[8]).toBe(`${' '.repeat(sec.length)} struct tcp_congestion_ops cc2 = {};`);
  });

  it('leaves whitespace in a multi-line block comment and the lines of a multi-line blank alone', () => {
    const text = `/* start\n${' '.repeat(20)}\nend */\nSEC(\n"x"${' '.repeat(20)})\nint y;\n`;
    const out = sanitizeForParse(text).text;
    expect(out.length).toBe(text.length);
    expect(lines(out).slice(0, 3)).toEqual(lines(text).slice(0, 3));
    expect(lines(out)[4]).toBe(' '.repeat(24));
  });
});

/** Blanked lines long enough to become comments, multi-line calls, attributes, notes, braces and directives. */
const synthetic = [
  `${' '.repeat(40)}`,
  'SEC("struct_ops/a")',
  'int BPF_PROG(a, struct sock *sk) __attribute__((aligned(8)))',
  '{',
  `\t${' '.repeat(30)}`,
  '\treturn sk->x ? 1 : 2; /* } */',
  '}',
  'SEC(',
  '  "struct_ops/" "b")',
  'struct t { int x; } __packed ____cacheline_aligned;',
  '#define X(a) { a }',
  'module_init(my_init);',
  'MODULE_LICENSE("GPL");',
  "char c = '\\'', *s = \"a\\\"b(\";",
  `${' '.repeat(20)}`,
  '_Static_assert(sizeof(int) == 4, "int");',
  '__unknown(first,',
  '  second(x),',
  '  third;',
  'int g(void) { return __attr(1,',
  '  2); }',
  'int f(int a,',
  '      __always_inline int b);',
  '',
].join('\n');

const texts: [string, string][] = [
  ['synthetic', synthetic],
  ['scx_simple.bpf.c', readFileSync(path.join(fixturesDir, 'scx', 'scx_simple.bpf.c'), 'utf8')],
  ['my_ops_main.c', readFileSync(path.join(fixturesDir, 'module', 'my_ops_main.c'), 'utf8')],
  ['broken_cc.bpf.c', readFileSync(path.join(repoRoot, 'examples', 'tcp_cc', 'broken_cc.bpf.c'), 'utf8')],
];

const snippets = ['x', '\n', ' '.repeat(20), '{', '}', '(', ')', '/*', '*/', '//', '"', "'", '\\', '#', 'SEC("s")', 'SEC(', '__attribute__((packed))', 'module_init(', '__always_inline'];
const edit = randomEdit(snippets, 30);

describe('sanitizeForParse after an edit', () => {
  it.each(texts)('equals sanitizing from scratch after random edits: %s', (_name, original) => {
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 5 }), (edits) => {
        let text = original;
        let previous = sanitizeForParse(text);
        for (const e of edits) {
          text = applyEdit(text, e);
          const resumed = sanitizeForParse(text, previous);
          expect(resumed).toEqual(sanitizeForParse(text));
          previous = resumed;
        }
      }),
      { numRuns: 100, seed: 20261128 },
    );
  });

  it('scans only the changed lines and reuses the notes after them', () => {
    const programs = Array.from({ length: 50 }, (_, i) => `SEC("struct_ops/p${i}")\nint BPF_PROG(p${i})\n{\n\treturn ${i};\n}\n`).join('');
    const previous = sanitizeForParse(programs);
    const edited = programs.replace('return 7;', 'return 77;');
    const resumed = sanitizeForParse(edited, previous);
    expect(resumed).toEqual(sanitizeForParse(edited));
    // Notes before the change are the previous run's own objects; after it, moved copies.
    expect(resumed.sections[3]).toBe(previous.sections[3]);
    expect(resumed.sections[40]).not.toBe(previous.sections[40]);
    expect(resumed.sections[40].start).toBe(previous.sections[40].start + 1);
  });
});

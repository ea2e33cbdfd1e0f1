// sanitizeForParse keeps every offset: what it blanks becomes spaces, and whitespace-only lines
// between top-level items become same-length comments (tree-sitter reuses those on a reparse).

import { describe, expect, it } from 'vitest';
import { sanitizeForParse } from '../../../server/src/engine/c/sanitize';

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

// Cutting one struct/union definition out of a header's text (large headers are not parsed whole).

import { describe, expect, it } from 'vitest';
import { findRecordDefinition } from '../../../server/src/engine/c/recordText';

const cut = (text: string, tag: string): string | undefined => {
  const span = findRecordDefinition(text, tag);
  return span && text.slice(span.start, span.end);
};

describe('findRecordDefinition', () => {
  it('takes the definition from its line start through its semicolon, past nested braces, comments and literals', () => {
    const text = [
      'struct ops;',
      'struct other { int x; };',
      '\tstruct ops {',
      '\tstruct { int a; } inner; /* } */',
      '\t// }',
      "\tchar c['}'];",
      '\tconst char *s; /* "}" */',
      '} __attribute__((aligned(8)));',
      'struct after { int y; };',
    ].join('\n');
    expect(cut(text, 'ops')).toBe(text.slice(text.indexOf('\tstruct ops {'), text.indexOf('struct after') - 1));
  });

  it('finds unions and typedefs of a tagged struct, and nothing for declarations, longer tags or bad tags', () => {
    expect(cut('typedef struct t { int a; } t_t;\n', 't')).toBe('typedef struct t { int a; } t_t;');
    expect(cut('union u\n{\n\tint a;\n};\n', 'u')).toBe('union u\n{\n\tint a;\n};');
    expect(cut('struct ops;\nstruct ops_x { int a; };\nvoid f(struct ops *o);\n', 'ops')).toBeUndefined();
    expect(cut('struct ops { int a; }\n', 'ops')).toBeUndefined();
    expect(cut('struct a.b { int a; };', 'a.b')).toBeUndefined();
  });
});

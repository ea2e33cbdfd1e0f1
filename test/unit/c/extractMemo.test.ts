// The per-function memo of extractFacts: after any edit, facts extracted with the previous
// extraction's memo must equal a fresh extraction's, and unchanged functions must be reused.

import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { extractFacts, forgetFunctionMemos, type ExtractOptions } from '../../../server/src/engine/c/extract';
import type { CParser } from '../../../server/src/engine/c/parser';
import { PreprocessorCache } from '../../../server/src/engine/c/preprocessor';
import { applyEdit, fixturesDir, randomEdit, repoRoot, testParser } from './helpers';

let parser: CParser;
beforeAll(async () => {
  parser = await testParser();
});

const sources = [
  path.join(fixturesDir, 'scx', 'scx_simple.bpf.c'),
  path.join(fixturesDir, 'stage1', 'tcp_cc_mistakes.bpf.c'),
  path.join(fixturesDir, 'body', 'nullable.bpf.c'),
  path.join(fixturesDir, 'module', 'my_ops_main.c'),
  path.join(repoRoot, 'examples', 'tcp_cc', 'broken_cc.bpf.c'),
];

function options(file: string): ExtractOptions {
  return file.includes('/scx/') ? { includeDirs: [path.join(fixturesDir, 'scx', 'include')] } : {};
}

function fresh(file: string, text: string, extractOptions = options(file)) {
  forgetFunctionMemos();
  return extractFacts(parser, file, text, extractOptions);
}

/** Insertions that move lines, open comments, redefine macros and constants, or break syntax. */
const snippets = ['x', '\n', ' ', '}', '{', '/*', '*/', '(', ';', '#define SEC(n)\n', 'enum { ZERO = 7 };\n', '#if 0\n', '#endif\n', '1', 'é'];

const edit = randomEdit(snippets, 12);

describe('extractFacts function memo', () => {
  it.each(sources.map((f) => [path.relative(repoRoot, f), f]))('equals a fresh extraction after random edits: %s', (_name, file) => {
    const original = readFileSync(file, 'utf8');
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 4 }), (edits) => {
        forgetFunctionMemos();
        let text = original;
        // As the editor's text is extracted: its parse tree and preprocessor run are kept for the
        // next edit (one cache, as the workspace index has, lets that run be resumed).
        const editor = { ...options(file), cache: new PreprocessorCache() };
        extractFacts(parser, file, text, { ...editor, editing: true });
        for (const e of edits) {
          text = applyEdit(text, e);
          const withMemo = extractFacts(parser, file, text, editor);
          expect(withMemo).toEqual(fresh(file, text));
          extractFacts(parser, file, text, editor);
        }
      }),
      { numRuns: 25, seed: 20261127 },
    );
  });

  it('reuses the facts of functions an edit did not touch', () => {
    const file = path.join(fixturesDir, 'memo', 'three.bpf.c');
    const program = (name: string, body: string) => `SEC("struct_ops/${name}")\nint BPF_PROG(${name}, struct sock *sk)\n{\n${body}\n}\n`;
    const text = (middle: string) => [program('first', '\treturn sk != 0;'), program('second', middle), program('third', '\treturn 2;')].join('\n');
    forgetFunctionMemos();
    const before = extractFacts(parser, file, text('\treturn 1;'), { preprocess: false });
    const after = extractFacts(parser, file, text('\treturn 1 + sk->sk_mark;'), { preprocess: false });
    expect(after.programs.map((p) => p.name)).toEqual(['first', 'second', 'third']);
    expect(after.programs[0]).toBe(before.programs[0]);
    expect(after.programs[1]).not.toBe(before.programs[1]);
    expect(after.programs[2]).toBe(before.programs[2]);
    expect(after).toEqual(fresh(file, text('\treturn 1 + sk->sk_mark;'), { preprocess: false }));
  });

  it('moves the facts of functions below a line break typed above them instead of walking them again', () => {
    const file = path.join(fixturesDir, 'memo', 'moved.bpf.c');
    const program = (name: string) => `SEC("struct_ops/${name}")\nint BPF_PROG(${name}, struct sock *sk)\n{\n\treturn sk != 0;\n}\n`;
    const before = ['// first', program('first'), program('second')].join('\n');
    const typed = before.replace('// first', '// first\n\n');
    const options = { cache: new PreprocessorCache() };
    forgetFunctionMemos();
    const old = extractFacts(parser, file, before, { ...options, editing: true });
    const moved = extractFacts(parser, file, typed, options);
    expect(moved).toEqual(fresh(file, typed));
    expect(moved.programs.map((p) => p.nameLocation.range.start.line)).toEqual(old.programs.map((p) => p.nameLocation.range.start.line + 2));
    // Moved, not walked again: the parts without a location are the earlier extraction's own.
    expect(moved.programs[1]).not.toBe(old.programs[1]);
    expect(moved.programs[1].params).toBe(old.programs[1].params);
    expect(moved.programs[1].returnType).toBe(old.programs[1].returnType);
  });
});

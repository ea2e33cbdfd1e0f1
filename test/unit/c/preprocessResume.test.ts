// A preprocessor run resumed from the previous run over an earlier text (PreprocessOptions.previous)
// must give what a run from scratch gives: the same text, origin answers, includes, problems and
// checkpoints, after any edit. And it must be taken where it can be: below the last directive.

import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { preprocess, PreprocessorCache, type Preprocessed, type PreprocessOptions } from '../../../server/src/engine/c/preprocessor';
import { applyEdit, fixturesDir, randomEdit, repoRoot } from './helpers';

const headers: Record<string, string> = {
  '/src/helpers.h': ['#pragma once', '#define SEC(name) __attribute__((section(name), used))', '#define ADD(a, b) ((a) + (b))', '#define TWICE(x) ADD(x, x)', '#define ANSWER 42', '#define CALL(f, ...) f(__VA_ARGS__)', '#define PASTE(a, b) a ## b', '#define STR(x) #x', '#define NOTHING'].join('\n'),
};

/** Expansions across lines, comments spanning lines, conditionals and definitions between functions. */
const synthetic = [
  '#include "helpers.h"',
  '#define LOCAL(x) TWICE(x) + ANSWER',
  '',
  'SEC("struct_ops/first")',
  'int first(int a)',
  '{',
  '\treturn ADD(a,',
  '\t\t   ANSWER) + LOCAL(a);',
  '}',
  '/* a comment',
  '   over lines with ANSWER in it */',
  'int second = TWICE',
  '(3);',
  'const char *s = STR(  spaced   out ) "ANSWER";',
  'int PASTE(thi, rd) = CALL(ADD, 1, 2);',
  '#if ANSWER > 40',
  'int shown = ANSWER;',
  '#else',
  'int hidden = ANSWER;',
  '#endif',
  'int line = ADD(1, \\',
  '  2);',
  '#define LATE 7',
  'int late = LATE + ANSWER;',
  '// ANSWER in a line comment',
  'int last = NOTHING ANSWER;',
  '',
].join('\n');

/** The same constructs below every directive, where every edit can be preprocessed from a checkpoint. */
const constructs = ['#include "helpers.h"', '#define LOCAL(x) TWICE(x) + ANSWER', '#define LATE 7', ...synthetic.split('\n').filter((line) => !line.startsWith('#'))].join('\n');

/** Below every directive: each edit here is preprocessed from a checkpoint, not from scratch. */
const tail = [
  '#include "helpers.h"',
  '#define LOCAL(x) TWICE(x) + ANSWER',
  ...Array.from({ length: 30 }, (_, i) => [`SEC("struct_ops/p${i}")`, `int p${i}(int a)`, '{', `\treturn ADD(a, ${i}) + LOCAL(a);`, '}'].join('\n')),
  '',
].join('\n');

const program = (i: number): string => [`SEC("struct_ops/p${i}")`, `int p${i}(int a)`, '{', `\treturn ADD(a, ${i}) + TWICE(a);`, '}'].join('\n');

/** Conditionals open across edits, opened after them, and left open at the end (problems to move). */
const guarded = ['#include "helpers.h"', '#if ANSWER', program(0), program(1), '#ifdef SEC', program(2), program(3), '#endif', program(4), '#if 1', program(5), ''].join('\n');

const fixtures: [string, string, string][] = [
  ['open conditionals', '/src/guarded.bpf.c', guarded],
  ['synthetic', '/src/main.bpf.c', synthetic],
  ['synthetic, below its directives', '/src/constructs.bpf.c', constructs],
  ['below the last directive', '/src/tail.bpf.c', tail],
  ['scx_simple.bpf.c', '/src/scx_simple.bpf.c', readFileSync(path.join(fixturesDir, 'scx', 'scx_simple.bpf.c'), 'utf8')],
  ['my_ops_main.c', '/src/my_ops_main.c', readFileSync(path.join(fixturesDir, 'module', 'my_ops_main.c'), 'utf8')],
  ['broken_cc.bpf.c', '/src/broken_cc.bpf.c', readFileSync(path.join(repoRoot, 'examples', 'tcp_cc', 'broken_cc.bpf.c'), 'utf8')],
];

/** Insertions that move lines, open and close comments, strings and calls, or add directives. */
const snippets = ['x', '\n', ' ', '(', ')', ',', '/*', '*/', '//', '"', '\\\n', '#', '#define ANSWER 1\n', '#endif\n', 'ANSWER', 'TWICE(', 'ADD', 'LOCAL(1)\n', '}', 'é'];

const edit = randomEdit(snippets, 12);

function optionsWith(cache: PreprocessorCache): PreprocessOptions {
  return { useCompileFlags: false, cache, resumable: true };
}

/** Everything a caller can observe of a run, and the checkpoints the next resumed run starts from. */
function observed(run: Preprocessed) {
  const n = run.text.length;
  const locations = [];
  for (let offset = 0; offset <= n; offset++) locations.push(run.origin.locate(offset, Math.min(n, offset + 1)), run.origin.macroAt(offset));
  const keys = [];
  for (let start = 0; start < n; start += 37) keys.push(run.origin.spanKey(start, Math.min(n, start + 120)));
  return {
    text: run.text,
    locations,
    wide: run.origin.locate(0, n),
    keys,
    includes: run.includes,
    dependencies: run.dependencies,
    problems: run.problems,
    checkpoints: run.resume?.checkpoints,
    output: run.resume?.output,
  };
}

describe('preprocess resumed after an edit', () => {
  it.each(fixtures)('equals a run from scratch after random edits: %s', (_name, file, original) => {
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 5 }), (edits) => {
        const cache = new PreprocessorCache({ readFile: (f) => headers[f] });
        let text = original;
        let previous = preprocess(file, text, optionsWith(cache));
        for (const e of edits) {
          text = applyEdit(text, e);
          const resumed = preprocess(file, text, { ...optionsWith(cache), previous });
          const scratch = preprocess(file, text, optionsWith(new PreprocessorCache({ readFile: (f) => headers[f] })));
          expect(observed(resumed)).toEqual(observed(scratch));
          previous = resumed;
        }
      }),
      { numRuns: 40, seed: 20261128 },
    );
  });

  it('starts from a checkpoint for an edit below the last directive, and keeps the rest of the previous run', () => {
    const cache = new PreprocessorCache({ readFile: (f) => headers[f] });
    const file = '/src/tail.bpf.c';
    const previous = preprocess(file, tail, optionsWith(cache));
    const edited = tail.replace('ADD(a, 7)', 'ADD(a, 77)\n\t\t+ TWICE(a)');
    const resumed = preprocess(file, edited, { ...optionsWith(cache), previous });
    // The table at the end of the previous run is the one the window ran with: no run from scratch.
    expect(resumed.resume?.macros).toBe(previous.resume?.macros);
    expect(resumed.text.replace(/ /g, '')).toContain('((a)+(77))\n\t\t+((a)+(a))');
    const after = edited.indexOf('p8(int a)');
    const location = resumed.origin.locate(resumed.text.indexOf('p8(int a)'), resumed.text.indexOf('p8(int a)') + 2);
    expect(location.range.start.line).toBe(edited.slice(0, after).split('\n').length - 1);
  });

  it('keeps no earlier run alive: each run leaves only its own state for the next', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const cache = new PreprocessorCache({ readFile: (f) => headers[f] });
    const file = '/src/tail.bpf.c';
    let previous = preprocess(file, tail, optionsWith(cache));
    const first = new WeakRef(previous);
    for (let i = 0; i < 4; i++) {
      const resumed = preprocess(file, tail.replace('ADD(a, 7)', `ADD(a, 7${'7'.repeat(i + 1)})`), { ...optionsWith(cache), previous });
      expect(resumed.resume?.macros).toBe(previous.resume?.macros);
      previous = resumed;
    }
    // A WeakRef's target stays alive until the current job ends.
    await new Promise((resolve) => setImmediate(resolve));
    gc();
    expect(first.deref()).toBeUndefined();
    expect(previous.text).toContain('7777');
  });

  it('runs from scratch when the edit adds a directive, when a header changed, and for other options', () => {
    const files = { ...headers };
    const cache = new PreprocessorCache({ readFile: (f) => files[f] });
    const file = '/src/tail.bpf.c';
    const previous = preprocess(file, tail, optionsWith(cache));
    const withDefine = tail.replace('int p9(int a)', '#define ANSWER 43\nint p9(int a)');
    expect(preprocess(file, withDefine, { ...optionsWith(cache), previous }).resume?.macros).not.toBe(previous.resume?.macros);
    const edited = tail.replace('ADD(a, 9)', 'ADD(a, 99)');
    expect(preprocess(file, edited, { ...optionsWith(cache), previous, defines: [['EXTRA', '1']] }).resume?.macros).not.toBe(previous.resume?.macros);
    files['/src/helpers.h'] = files['/src/helpers.h'].replace('#define ANSWER 42', '#define ANSWER 41');
    cache.invalidate('/src/helpers.h');
    const afterHeader = preprocess(file, edited, { ...optionsWith(cache), previous });
    expect(afterHeader.resume?.macros).not.toBe(previous.resume?.macros);
    expect(afterHeader.text).toContain('+ 41');
  });
});

// Hostile C for the indexer and the language server: hand-built adversarial sources (unbalanced
// braces, a 10 MB line, exponential and recursive macros, include cycles, NUL bytes, invalid
// UTF-8, deep nesting) and seeded mutations of the repository's real struct_ops sources.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { Rng } from './btfMutate';

export interface CCase {
  readonly name: string;
  /** File name inside the workspace; headers of a case are written next to it. */
  readonly file: string;
  readonly text: string;
  /** Other files the case needs on disk (include cycles), by name. */
  readonly extra?: Readonly<Record<string, string>>;
}

/** Every .c/.h under the given folders, sorted (fixtures are found by listing, not by a list). */
export function realSources(roots: readonly string[]): { file: string; text: string }[] {
  const out: { file: string; text: string }[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const abs = path.join(dir, name);
      if (statSync(abs).isDirectory()) walk(abs);
      else if (/\.[ch]$/.test(name)) out.push({ file: abs, text: readFileSync(abs, 'utf8') });
    }
  };
  for (const r of roots) walk(r);
  return out;
}

const MAP_HEAD = 'SEC(".struct_ops.link")\nstruct tcp_congestion_ops hostile_cc = {\n';

/** The hand-built adversarial cases; `big` scales the long lines and the nesting depths. */
export function adversarialCases(seedText: string, big = 1): CCase[] {
  const chain = (n: number, body: (i: number) => string) => Array.from({ length: n }, (_, i) => body(i)).join('\n');
  return [
    { name: 'unbalanced open braces', file: 'open_braces.bpf.c', text: `${MAP_HEAD}${'{'.repeat(20_000)}\n.ssthresh = (void *)x,\n` },
    { name: 'unbalanced close braces', file: 'close_braces.bpf.c', text: `${'}'.repeat(20_000)}\n${seedText}` },
    { name: 'a 10 MB single line', file: 'long_line.bpf.c', text: `${MAP_HEAD}.name = "${'x'.repeat(10 * 2 ** 20 * big)}",};` },
    { name: 'a 10 MB single line of tokens', file: 'long_tokens.bpf.c', text: `int v = ${'1+'.repeat(5 * 2 ** 20 * big)}1;${seedText}` },
    // Just under the index's 2 MiB limit, so these are extracted (the 10 MB ones are only kept for includers).
    { name: 'a 1.9 MB single line', file: 'long_line_extracted.bpf.c', text: `${MAP_HEAD}.name = "${'x'.repeat(1.9 * 2 ** 20 * big)}",};` },
    { name: 'a 1.9 MB single line of tokens', file: 'long_tokens_extracted.bpf.c', text: `int v = ${'1+'.repeat(0.95 * 2 ** 20 * big)}1;${seedText}` },
    { name: 'deeply nested parentheses', file: 'parens.bpf.c', text: `${MAP_HEAD}.ssthresh = (void *)${'('.repeat(50_000 * big)}x${')'.repeat(50_000 * big)},\n};` },
    { name: 'deeply nested initializer braces', file: 'init_braces.bpf.c', text: `${MAP_HEAD}.name = ${'{'.repeat(50_000 * big)}0${'}'.repeat(50_000 * big)},\n};` },
    { name: 'deeply nested #if', file: 'nested_if.bpf.c', text: `${'#if 1\n'.repeat(20_000)}${seedText}${'#endif\n'.repeat(20_000)}` },
    {
      // Each macro doubles the previous: a full expansion of M60 would be 2^60 tokens.
      name: 'exponential macro expansion',
      file: 'macro_bomb.bpf.c',
      text: `#define M0 1\n${chain(60, (i) => `#define M${i + 1} (M${i} + M${i})`)}\n#if M60 > 0\nint bomb = M60;\n#endif\n${MAP_HEAD}.ssthresh = (void *)M60,\n};\n`,
    },
    {
      name: 'recursive macro definitions',
      file: 'macro_loop.bpf.c',
      text: `#define A B + 1\n#define B A + 1\n#define SELF SELF\n#define F(x) F(F(x))\n#if A > 0 || SELF || F(1)\nint a = A;\n#endif\n#define SEC(x) SEC(x)\n${seedText}`,
    },
    {
      name: 'function-like macro with unterminated arguments',
      file: 'macro_args.bpf.c',
      text: `#define F(a, b) a##b\n#if F(1, \nint x;\n#endif\nint y = F(F(F(1,2),3),\n${seedText}`,
    },
    {
      name: 'include cycle',
      file: 'cycle.bpf.c',
      text: `#include "cycle_a.h"\n${seedText}`,
      extra: { 'cycle_a.h': '#include "cycle_b.h"\nstruct a { int x; };\n', 'cycle_b.h': '#include "cycle_a.h"\n#include "cycle.bpf.c"\nstruct b { int y; };\n' },
    },
    {
      // Two includes of itself per level: without a visited set, 2^depth-limit files.
      name: 'include fan-out cycle',
      file: 'fanout.bpf.c',
      text: `#include "fanout.h"\n${seedText}`,
      extra: { 'fanout.h': '#include "fanout.h"\n#include "fanout.h"\n#include "fanout.h"\nstruct f { int x; };\n' },
    },
    { name: 'NUL bytes', file: 'nul.bpf.c', text: seedText.replace(/;/g, ';\0').replace(/\{/, '{\0\0\0') },
    { name: 'lone surrogates and replacement characters', file: 'utf16.bpf.c', text: seedText.replace(/ssthresh/g, 'ss\ud800th\udfffresh').replace(/"/, '"\ufffd\ufffe') },
    { name: 'control characters and CR-only lines', file: 'ctrl.bpf.c', text: seedText.replace(/\n/g, '\r').replace(/ /g, '\x0b\x0c') },
    { name: 'unterminated comment and string', file: 'unterminated.bpf.c', text: `${seedText}\n/* never closed\n"also never closed` },
    { name: 'line continuations everywhere', file: 'splices.bpf.c', text: seedText.replace(/(.)/g, '$1\\\n') },
    { name: 'empty file', file: 'empty.bpf.c', text: '' },
    { name: 'only a section macro', file: 'only_sec.bpf.c', text: 'SEC(".struct_ops.link")' },
    { name: '20k struct_ops maps', file: 'many_maps.bpf.c', text: chain(20_000 * big, (i) => `SEC(".struct_ops.link") struct tcp_congestion_ops m${i} = { .name = "m${i}" };`) },
  ];
}

/** Invalid UTF-8 bytes for disk files (an editor cannot send these; the indexer reads them). */
export function invalidUtf8(text: string): Buffer {
  const bytes = Buffer.from(text, 'utf8');
  return Buffer.concat([bytes.subarray(0, bytes.length >> 1), Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0xe2, 0x82]), bytes.subarray(bytes.length >> 1)]);
}

const TOKENS = ['{', '}', '(', ')', ';', ',', '"', "'", '/*', '*/', '//', '#', '#define X(', '#include "', '#if', '#endif', '\\', '\n', 'SEC(', '.struct_ops', 'struct ', '= {', '.ssthresh = ', '(void *)', 'BPF_PROG(', '\0'];

/** One seeded mutation of a real source: truncation, token insertion/deletion, line shuffle or splice. */
export function mutateC(text: string, other: string, rng: Rng): { text: string; op: string } {
  const at = () => rng.int(text.length + 1);
  switch (rng.int(6)) {
    case 0:
      return { text: text.slice(0, at()), op: 'truncate' };
    case 1: {
      let out = text;
      for (let n = 1 + rng.int(8); n > 0; n--) {
        const p = rng.int(out.length + 1);
        out = out.slice(0, p) + rng.pick(TOKENS) + out.slice(p);
      }
      return { text: out, op: 'insert tokens' };
    }
    case 2: {
      let out = text;
      for (let n = 1 + rng.int(8); n > 0; n--) {
        const p = rng.int(out.length + 1);
        out = out.slice(0, p) + out.slice(p + 1 + rng.int(16));
      }
      return { text: out, op: 'delete spans' };
    }
    case 3: {
      const lines = text.split('\n');
      for (let n = 1 + rng.int(lines.length); n > 0; n--) {
        const i = rng.int(lines.length);
        const j = rng.int(lines.length);
        [lines[i], lines[j]] = [lines[j], lines[i]];
      }
      return { text: lines.join('\n'), op: 'shuffle lines' };
    }
    case 4: {
      const p = at();
      const q = rng.int(other.length + 1);
      return { text: text.slice(0, p) + other.slice(q, q + rng.int(2000)) + text.slice(p), op: 'splice' };
    }
    default: {
      const p = at();
      return { text: text.slice(0, p) + text.slice(p, p + rng.int(400)).repeat(2 + rng.int(50)) + text.slice(p), op: 'repeat span' };
    }
  }
}

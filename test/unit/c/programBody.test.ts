// ProgramBody extraction on the fixtures in test/fixtures/c/body: each line marks the facts the
// extractor must record there with `// body: read SLOT; write SLOT STRUCT PATH +EXTRA SIZE EMIT;
// deref SLOT GUARD` ('-' for none); any fact on an unmarked line, or a missing one, fails.

import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { extractFacts } from '../../../server/src/engine/c/extract';
import type { FileFacts } from '../../../server/src/engine/c/facts';
import type { CParser } from '../../../server/src/engine/c/parser';
import { extractProgramBody, scalarSize } from '../../../server/src/engine/c/programBody';
import { fixturesDir, testParser } from './helpers';

const dir = path.join(fixturesDir, 'body');
const fixtures = readdirSync(dir).filter((f) => f.endsWith('.c')).sort();

let parser: CParser;
beforeAll(async () => {
  parser = await testParser();
});

/** `line: fact` strings the markers ask for. */
function expected(text: string): string[] {
  const out: string[] = [];
  text.split('\n').forEach((line, index) => {
    const m = /\/\/ body: (.*?)(?:\s*\/\/|$)/.exec(line);
    if (!m) return;
    for (const fact of m[1].split(';')) out.push(`${index + 1}: ${fact.trim()}`);
  });
  return out.sort();
}

/** The same strings from the extracted facts. */
function actual(facts: FileFacts): string[] {
  const out: string[] = [];
  for (const program of facts.programs) {
    const body = program.body;
    if (!body) continue;
    const line = (l: { range: { start: { line: number } } }) => l.range.start.line + 1;
    for (const r of body.ctxReads) out.push(`${line(r.location)}: read ${r.slot}`);
    for (const w of body.fieldWrites) {
      out.push(`${line(w.location)}: write ${w.slot} ${w.struct ?? '-'} ${w.path.length ? w.path.join('.') : '-'} +${w.extraOffset} ${w.size ?? '-'} ${w.emit}`);
    }
    for (const d of body.derefs) out.push(`${line(d.location)}: deref ${d.slot} ${d.guard}`);
  }
  return out.sort();
}

describe('program body facts', () => {
  it('has fixtures', () => expect(fixtures.length).toBeGreaterThanOrEqual(3));

  it.each(fixtures)('%s', (name) => {
    const file = path.join(dir, name);
    const text = readFileSync(file, 'utf8');
    const facts = extractFacts(parser, file, text, { useCompileFlags: false });
    expect(facts.problems).toEqual([]);
    expect(actual(facts)).toEqual(expected(text));
  });

  it('analyses BPF_PROG and `unsigned long long *ctx` programs only', () => {
    const file = path.join(dir, 'inline.bpf.c');
    const text = [
      'SEC("struct_ops/a") int a(struct sock *sk) { return sk->sk_mark; }',
      'SEC("struct_ops/b") int b(__u64 *ctx) { return ctx[1]; }',
      'SEC("struct_ops/c") int BPF_PROG2(c, struct sock *, sk, struct bpf_dummy_ops_state, st, int, n) { return n; }',
      'SEC(".struct_ops") struct bpf_dummy_ops ops = { .test_1 = (void *)a, .test_2 = (void *)b, .test_sleepable = (void *)c };',
    ].join('\n');
    const facts = extractFacts(parser, file, text, { preprocess: false });
    const byName = new Map(facts.programs.map((p) => [p.name, p.body]));
    expect(byName.get('a')).toBeUndefined();
    expect(byName.get('b')?.ctxReads.map((r) => r.slot)).toEqual([1]);
    // A struct passed by value to BPF_PROG2 takes an unknown number of slots: `n` gets none.
    expect(byName.get('c')?.ctxReads).toEqual([]);
  });

  it('analyses only the programs a struct_ops map member is wired to, in a fresh and in an incremental extraction', () => {
    const file = path.join(dir, 'wiring.bpf.c');
    const programs = ['SEC("struct_ops/a") int BPF_PROG(a, struct sock *sk) { return sk->sk_mark; }', 'SEC("struct_ops/b") int BPF_PROG(b, struct sock *sk) { return sk->sk_mark; }'];
    const analysed = (map: string) => extractFacts(parser, file, [...programs, map].join('\n'), { preprocess: false }).programs.filter((p) => p.body).map((p) => p.name);
    expect(analysed('SEC(".struct_ops") struct bpf_dummy_ops ops = { .test_1 = (void *)a };')).toEqual(['a']);
    expect(analysed('SEC(".struct_ops") struct bpf_dummy_ops ops = { .test_1 = (void *)b };')).toEqual(['b']);
    expect(analysed('SEC(".struct_ops") struct bpf_dummy_ops ops = { .test_1 = (void *)a, .test_2 = (void *)b };')).toEqual(['a', 'b']);
    expect(analysed('SEC(".struct_ops") struct bpf_dummy_ops ops = { .test_2 = (void *)b };')).toEqual(['b']);
  });

  it('sizes the scalar types casts use on the BPF target', () => {
    expect(scalarSize({ kind: 'named', name: '__u64' })).toBe(8);
    expect(scalarSize({ kind: 'named', name: 'unsigned short' })).toBe(2);
    expect(scalarSize({ kind: 'pointer', to: { kind: 'named', name: 'void' } })).toBe(8);
    expect(scalarSize({ kind: 'named', name: 'my_typedef_t' })).toBeUndefined();
    expect(scalarSize({ kind: 'struct', tag: 'sock' })).toBeUndefined();
  });

  it('gives no facts without a body', () => {
    expect(extractProgramBody(null, { declaredWith: 'macro', params: [], locate: () => ({ file: '', range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } }), lookup: () => undefined, localFunctions: new Set() })).toBeUndefined();
  });
});

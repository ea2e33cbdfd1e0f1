// Stage-1 extraction on the fixtures in test/fixtures/c/stage1: names, members, wired programs
// and exact ranges for a correct BPF program, one with mistakes, and a module.

import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { extractFacts } from '../../../server/src/engine/c/extract';
import type { FileFacts } from '../../../server/src/engine/c/facts';
import type { CParser } from '../../../server/src/engine/c/parser';
import { fixturesDir, span, testParser } from './helpers';

let parser: CParser;
beforeAll(async () => {
  parser = await testParser();
});

// Every case runs on preprocessed text (the default) and on the text as written (`preprocess: false`).
let preprocessMode = true;
function facts(name: string): FileFacts {
  const file = path.join(fixturesDir, 'stage1', name);
  return extractFacts(parser, file, readFileSync(file, 'utf8'), { preprocess: preprocessMode, useCompileFlags: false });
}

describe.each([true, false])('preprocess: %s', (mode) => {
  beforeAll(() => {
    preprocessMode = mode;
  });

  describe('tcp_cc_ok.bpf.c', () => {
    it('finds the map, its members and the wired programs', () => {
      const f = facts('tcp_cc_ok.bpf.c');
      expect(f.problems).toEqual([]);
      expect(f.maps).toHaveLength(1);
      const map = f.maps[0];
      expect(map).toMatchObject({ name: 'cc_ok', typeName: 'tcp_congestion_ops', section: '.struct_ops.link', hasInitializer: true, isStatic: false });
      expect(span(map.nameLocation)).toBe('31:26-31:31');
      expect(span(map.typeLocation)).toBe('31:7-31:25');
      expect(span(map.sectionLocation)).toBe('30:4-30:22');
      expect(span(map.location)).toBe('30:0-37:2');
      expect(map.members.map((m) => [m.name, m.value])).toEqual([
        ['init', { kind: 'function', name: 'cc_init' }],
        ['ssthresh', { kind: 'function', name: 'cc_ssthresh' }],
        ['cong_avoid', { kind: 'function', name: 'cc_cong_avoid' }],
        ['undo_cwnd', { kind: 'function', name: 'cc_undo_cwnd' }],
        ['name', { kind: 'string', value: 'bpf_cc_ok' }],
      ]);
      expect(span(map.members[0].location)).toBe('32:1-32:6');
      expect(span(map.members[0].valueLocation)).toBe('32:10-32:25');
      const wired = new Set(map.members.flatMap((m) => (m.value.kind === 'function' ? [m.value.name] : [])));
      expect(f.programs.map((p) => p.name).filter((n) => wired.has(n))).toHaveLength(4);
    });

    it('reads BPF_PROG and BPF_PROG2 programs', () => {
      const f = facts('tcp_cc_ok.bpf.c');
      expect(f.programs.map((p) => [p.name, p.section, p.declaredWith, p.returnsValue])).toEqual([
        ['cc_init', 'struct_ops/cc_init', 'BPF_PROG', false],
        ['cc_ssthresh', 'struct_ops/cc_ssthresh', 'BPF_PROG', true],
        ['cc_cong_avoid', 'struct_ops/cc_cong_avoid', 'BPF_PROG', false],
        ['cc_undo_cwnd', 'struct_ops/cc_undo_cwnd', 'BPF_PROG2', true],
      ]);
      const avoid = f.programs[2];
      expect(avoid.params.map((p) => p.text)).toEqual(['struct sock *sk', '__u32 ack', '__u32 acked']);
      expect(avoid.returnType).toEqual({ kind: 'named', name: 'void' });
      expect(f.programs[3].params).toEqual([{ name: 'sk', type: { kind: 'pointer', to: { kind: 'struct', tag: 'sock' } }, text: 'struct sock *sk' }]);
      expect(span(f.programs[0].nameLocation)).toBe('8:14-8:21');
      expect(span(f.programs[0].location)).toBe('7:0-11:1');
      // With libbpf's headers found, bpf_printk expands to bpf_trace_printk at the macro's place.
      expect(f.programs[0].calls.map((c) => [c.name, span(c.location)])).toEqual([[preprocessMode ? 'bpf_trace_printk' : 'bpf_printk', preprocessMode ? '10:1-10:19' : '10:1-10:11']]);
    });

    it('reads the license and includes', () => {
      const f = facts('tcp_cc_ok.bpf.c');
      expect(f.license?.value).toBe('GPL');
      expect(span(f.license!.location)).toBe('5:33-5:38');
      expect(f.includes.map((i) => [i.path, i.system, span(i.location)])).toEqual([
        ['vmlinux.h', false, '1:0-1:20'],
        ['bpf/bpf_helpers.h', true, '2:0-2:28'],
        ['bpf/bpf_tracing.h', true, '3:0-3:28'],
      ]);
    });
  });

  describe('tcp_cc_mistakes.bpf.c', () => {
    it('classifies every kind of member value', () => {
      const f = facts('tcp_cc_mistakes.bpf.c');
      const broken = f.maps.find((m) => m.name === 'broken')!;
      expect(broken).toMatchObject({ typeName: 'tcp_congestion_ops___v2', section: '?.struct_ops' });
      expect(Object.fromEntries(broken.members.map((m) => [m.name, m.value]))).toEqual({
        ssthresh: { kind: 'function', name: 'my_ssthresh' },
        cong_avoid: { kind: 'function', name: 'my_cong_avoid' },
        undo_cwnd: { kind: 'null' },
        cwnd_event: { kind: 'null' },
        flags: { kind: 'integer', value: -1n, pointerCast: false },
        pkts_acked: { kind: 'integer', value: 1n, pointerCast: true },
        key: { kind: 'integer', value: 31n, pointerCast: false },
        name: { kind: 'string', value: 'toolong' },
        owner: { kind: 'list', zero: false },
        sndbuf_expand: { kind: 'expression', text: 'some_expr + 1' },
      });
    });

    it('finds maps without initializer and with a section attribute', () => {
      const f = facts('tcp_cc_mistakes.bpf.c');
      const noInit = f.maps.find((m) => m.name === 'no_init')!;
      expect(noInit).toMatchObject({ hasInitializer: false, section: '.struct_ops', members: [] });
      expect(span(noInit.sectionLocation)).toBe('35:38-35:51');
      const attr = f.maps.find((m) => m.name === 'attr_map')!;
      expect(attr.section).toBe('.struct_ops.link');
      expect(span(attr.nameLocation)).toBe('37:71-37:79');
    });

    it('keeps plain SEC programs and leaves helpers as functions', () => {
      const f = facts('tcp_cc_mistakes.bpf.c');
      expect(f.programs.map((p) => [p.name, p.section, p.declaredWith, p.returnsValue])).toEqual([
        ['my_ssthresh', 'struct_ops/ssthresh', 'plain', true],
        ['my_cong_avoid', 'struct_ops.s/cong_avoid', 'plain', false],
      ]);
      expect(f.functions.map((fn) => [fn.name, fn.isStatic])).toEqual([['helper', true]]);
      expect(f.license?.value).toBe('GPL');
    });
  });

  describe('my_ops_mod.c', () => {
    it('finds the descriptor, stubs and registrations', () => {
      const f = facts('my_ops_mod.c');
      expect(f.problems).toEqual([]);
      expect(f.descriptors).toHaveLength(1);
      const d = f.descriptors[0];
      expect(d.varName).toBe('bpf_my_ops');
      expect(span(d.nameLocation)).toBe('37:29-37:39');
      expect(Object.fromEntries(d.fields.map((m) => [m.name, m.value]))).toMatchObject({
        verifier_ops: { kind: 'addressOf', name: 'my_verifier_ops' },
        init_member: { kind: 'function', name: 'my_ops_init_member' },
        cfi_stubs: { kind: 'addressOf', name: '__bpf_my_ops_stubs' },
        name: { kind: 'string', value: 'my_ops' },
        owner: { kind: 'expression', text: 'THIS_MODULE' },
      });
      expect(f.structVariables).toEqual([
        expect.objectContaining({ varName: '__bpf_my_ops_stubs', typeName: 'my_ops', isStatic: true }),
      ]);
      expect(f.structVariables[0].members.map((m) => m.value.kind)).toEqual(['function', 'null']);
      expect(f.registrations.map((r) => [r.descriptorName, r.typeName, r.resultUse, r.enclosingFunction, span(r.location)])).toEqual([
        ['bpf_my_ops', 'my_ops', 'checked', 'my_ops_mod_init', '51:7-51:51'],
        ['bpf_my_ops', 'my_ops', 'ignored', 'my_ops_mod_init', '54:1-54:45'],
        ['bpf_my_ops', 'my_ops', 'returned', 'my_ops_mod_init', '55:8-55:52'],
      ]);
      expect(f.module).toEqual({ initFunction: 'my_ops_mod_init', license: { value: 'GPL', location: expect.anything() } });
    });

    it('reads init_member cases and returned constants', () => {
      const f = facts('my_ops_mod.c');
      const init = f.functions.find((fn) => fn.name === 'my_ops_init_member')!;
      expect(init.offsetofCases.map((c) => [c.typeName, c.member])).toEqual([
        ['my_ops', 'flags'],
        ['my_ops', 'name'],
      ]);
      expect(init.returnConstants).toEqual([1n, -22n, 0n]);
      expect(init.params.map((p) => p.name)).toEqual(['t', 'member', 'kdata', 'udata']);
    });

    it('structures the type definition', () => {
      const f = facts('my_ops_mod.c');
      const t = f.typeDefinitions.find((d) => d.name === 'my_ops')!;
      expect(t.packed).toBe(true);
      expect(t.members.map((m) => [m.name, m.bitfieldWidth])).toEqual([
        ['test_1', undefined],
        ['test_2', undefined],
        ['flags', 4],
        ['kind', 4],
        ['name', undefined],
        ['', undefined],
      ]);
      expect(t.members[0].type).toEqual({
        kind: 'pointer',
        to: { kind: 'function', returns: { kind: 'named', name: 'int' }, params: [{ name: 'a', type: { kind: 'named', name: 'int' }, text: 'int a' }], variadic: false },
      });
      expect(t.members[4].type).toEqual({ kind: 'array', of: { kind: 'named', name: 'char' }, length: 16 });
      expect(t.members[5].inline?.members.map((m) => m.name)).toEqual(['inner']);
    });
  });

});

describe('robustness', () => {
  it('turns garbage into problems, not exceptions', () => {
    const f = extractFacts(parser, '/x.c', 'struct { int a;; SEC(".struct_ops") struct q = {.a = };\n\0\uFFFF))}}');
    expect(f.problems.length).toBeGreaterThan(0);
  });
});

describe('static assertions', () => {
  it('inside an anonymous struct of an initializer (HID-BPF report descriptor macros) do not hide the next program', () => {
    // What hid_report_helpers.h's i8() expands to, in a report descriptor array (6.12 drivers/hid/bpf/progs).
    const text = [
      'static const __u8 rdesc[] = {',
      '  0x09, ((__u8)(1) + (0 * (int)sizeof(struct { _Static_assert((1) >= -0x80 && (1) <= 0xff, "not a i8/u8"); int ISO_C_forbids_a_struct_with_no_members; }))),',
      '};',
      '_Static_assert(sizeof(rdesc) == 2, "two bytes");',
      'SEC("struct_ops/hid_rdesc_fixup")',
      'int BPF_PROG(fix_rdesc, struct hid_bpf_ctx *hctx)',
      '{',
      '  return 0;',
      '}',
      '',
    ].join('\n');
    const f = extractFacts(parser, '/hid.bpf.c', text, { useCompileFlags: false });
    expect(f.problems).toEqual([]);
    expect(f.programs.map((p) => [p.name, p.section, span(p.nameLocation)])).toEqual([['fix_rdesc', 'struct_ops/hid_rdesc_fixup', '5:13-5:22']]);
  });
});

describe('text as written (preprocess: false)', () => {
  it('keeps every item of an #if, #ifdef and #else block, the first one included', () => {
    const text = [
      '#if X > 1',
      'int first(void) { return 0; }',
      'int second(void) { return 1; }',
      '#elif Y',
      'int third(void) { return 2; }',
      '#else',
      'int fourth(void) { return 3; }',
      '#endif',
      '#ifdef Z',
      'int fifth(void) { return 4; }',
      '#endif',
      '',
    ].join('\n');
    const f = extractFacts(parser, '/if.c', text, { preprocess: false });
    expect(f.functions.map((fn) => fn.name)).toEqual(['first', 'second', 'third', 'fourth', 'fifth']);
  });
});

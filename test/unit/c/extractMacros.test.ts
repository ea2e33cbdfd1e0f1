// Extraction through real macro expansion: sched_ext's SCX_OPS_DEFINE/BPF_STRUCT_OPS, HID_BPF_OPS,
// a .bpf.c including another, the `#ifdef LSP` vmlinux.h shim, and a module whose names come from headers.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractFacts, type ExtractOptions } from '../../../server/src/engine/c/extract';
import type { FileFacts } from '../../../server/src/engine/c/facts';
import type { CParser } from '../../../server/src/engine/c/parser';
import { fixturesDir, span, testParser } from './helpers';

let parser: CParser;
beforeAll(async () => {
  parser = await testParser();
});

function facts(name: string, options: ExtractOptions = {}): FileFacts {
  const file = path.join(fixturesDir, name);
  return extractFacts(parser, file, readFileSync(file, 'utf8'), options);
}

describe('sched_ext (scx_simple)', () => {
  it('finds the SCX_OPS_DEFINE map with member locations inside the macro arguments', () => {
    const f = facts('scx/scx_simple.bpf.c');
    expect(f.problems).toEqual([]);
    expect(f.maps).toHaveLength(1);
    const map = f.maps[0];
    expect(map).toMatchObject({ name: 'simple_ops', typeName: 'sched_ext_ops', section: '.struct_ops.link', hasInitializer: true });
    expect(span(map.nameLocation)).toBe('41:15-41:25');
    expect(map.members.map((m) => [m.name, m.value, span(m.location), span(m.valueLocation)])).toEqual([
      ['select_cpu', { kind: 'function', name: 'simple_select_cpu' }, '42:8-42:19', '42:23-42:48'],
      ['enqueue', { kind: 'function', name: 'simple_enqueue' }, '43:8-43:16', '43:21-43:43'],
      ['init', { kind: 'function', name: 'simple_init' }, '44:8-44:13', '44:18-44:37'],
      ['exit', { kind: 'function', name: 'simple_exit' }, '45:8-45:13', '45:18-45:37'],
      ['name', { kind: 'string', value: 'simple' }, '46:8-46:13', '46:18-46:26'],
    ]);
  });

  it('reads BPF_STRUCT_OPS programs by expansion and names the user macro', () => {
    const f = facts('scx/scx_simple.bpf.c');
    expect(f.programs.map((p) => [p.name, p.section, p.declaredWith, span(p.nameLocation), p.params.map((x) => x.text)])).toEqual([
      ['simple_select_cpu', 'struct_ops/simple_select_cpu', 'BPF_STRUCT_OPS', '16:19-16:36', ['struct task_struct *p', 's32 prev_cpu', 'u64 wake_flags']],
      ['simple_enqueue', 'struct_ops/simple_enqueue', 'BPF_STRUCT_OPS', '21:20-21:34', ['struct task_struct *p', 'u64 enq_flags']],
      ['simple_init', 'struct_ops.s/simple_init', 'BPF_STRUCT_OPS_SLEEPABLE', '31:29-31:40', []],
      ['simple_exit', 'struct_ops/simple_exit', 'BPF_STRUCT_OPS', '36:20-36:31', ['struct scx_exit_info *ei']],
    ]);
    // compile_flags.txt defines SCX_FIXTURE, so the #ifdef branch is the one compiled.
    expect(f.programs[1].calls.map((c) => c.name)).toEqual(['stat_inc', 'scx_bpf_dsq_insert']);
    expect(f.programs[2].returnType).toEqual({ kind: 'named', name: 's32' });
    expect(f.license?.value).toBe('GPL');
  });

  it('resolves the header through compile_flags.txt and flags the vmlinux.h it could not find', () => {
    const f = facts('scx/scx_simple.bpf.c');
    expect(f.includes.map((i) => [i.path, i.resolved !== undefined, i.vmlinux ?? false, path.basename(i.location.file)])).toEqual([
      ['scx/common.bpf.h', true, false, 'scx_simple.bpf.c'],
      ['vmlinux.h', false, true, 'common.bpf.h'],
    ]);
    expect(f.dependencies?.map((d) => path.basename(d))).toContain('bpf_helpers.h');
  });
});

describe('BPF_STRUCT_OPS without its header', () => {
  it('falls back to the known section shape', () => {
    const text = '#include "bpf_tcp_helpers.h"\nvoid BPF_STRUCT_OPS(cc_cong_avoid, struct sock *sk, __u32 ack)\n{\n}\n__u32 BPF_STRUCT_OPS_SLEEPABLE(cc_init)\n{\n\treturn 0;\n}\n';
    const f = extractFacts(parser, '/nowhere/progs/cc.c', text, { useCompileFlags: false });
    expect(f.programs.map((p) => [p.name, p.section, p.declaredWith, span(p.nameLocation), p.params.map((x) => x.text)])).toEqual([
      ['cc_cong_avoid', 'struct_ops/cc_cong_avoid', 'BPF_STRUCT_OPS', '1:20-1:33', ['struct sock *sk', '__u32 ack']],
      ['cc_init', 'struct_ops.s/cc_init', 'BPF_STRUCT_OPS_SLEEPABLE', '4:31-4:38', []],
    ]);
  });
});

describe('a .bpf.c that includes another', () => {
  it('owns the included programs, located in their own file', () => {
    const f = facts('multi/main.bpf.c');
    expect(f.maps.map((m) => [m.name, m.members.map((x) => x.value)])).toEqual([
      ['dummy', [{ kind: 'function', name: 'test_1' }, { kind: 'function', name: 'test_2' }]],
    ]);
    expect(f.programs.map((p) => [p.name, path.basename(p.location.file), span(p.nameLocation)])).toEqual([
      ['test_1', 'impl.bpf.c', '4:13-4:19'],
      ['test_2', 'impl.bpf.c', '10:13-10:19'],
    ]);
    expect(f.programs[1].params.map((p) => p.text)).toEqual(['struct bpf_dummy_ops_state *state', 'int a1', 'unsigned short a2']);
    expect(f.dependencies?.map((d) => path.basename(d))).toContain('impl.bpf.c');
  });
});

describe('the #ifdef LSP shim', () => {
  it('without LSP: vmlinux.h is missing and recorded for BTF', () => {
    const f = facts('shim/src/shim.bpf.c');
    expect(f.includes[0]).toMatchObject({ path: 'vmlinux.h', vmlinux: true });
    expect(f.maps.map((m) => m.name)).toEqual(['without_vmlinux']);
  });

  it('with -DLSP: ../vmlinux.h is read and its macros count', () => {
    const f = facts('shim/src/shim.bpf.c', { defines: [['LSP', '1']] });
    expect(f.includes[0]).toMatchObject({ path: '../vmlinux.h', resolved: path.join(fixturesDir, 'shim', 'vmlinux.h') });
    expect(f.maps.map((m) => [m.name, m.members.map((x) => x.name)])).toEqual([['with_vmlinux', ['dummy']]]);
  });
});

describe('HID_BPF_OPS', () => {
  it('finds the map the macro declares and the program in a macro-named section', () => {
    const f = facts('hid/hid_dev.bpf.c');
    expect(f.maps.map((m) => [m.name, m.typeName, m.section, span(m.nameLocation)])).toEqual([['my_device', 'hid_bpf_ops', '.struct_ops.link', '14:12-14:21']]);
    expect(f.maps[0].members.map((m) => [m.name, m.value])).toEqual([['hid_device_event', { kind: 'function', name: 'fix_event' }]]);
    expect(f.programs.map((p) => [p.name, p.section])).toEqual([['fix_event', 'struct_ops/hid_device_event']]);
  });
});

describe('a module', () => {
  it('reads the descriptor with header macros, init_member and module_init registration', () => {
    const f = facts('module/my_ops_main.c');
    expect(f.problems).toEqual([]);
    expect(f.descriptors.map((d) => d.varName)).toEqual(['bpf_my_ops']);
    expect(Object.fromEntries(f.descriptors[0].fields.map((x) => [x.name, x.value]))).toEqual({
      init_member: { kind: 'function', name: 'my_ops_init_member' },
      cfi_stubs: { kind: 'addressOf', name: '__bpf_my_ops_stubs' },
      name: { kind: 'string', value: 'my_ops' },
      owner: { kind: 'expression', text: 'THIS_MODULE' },
    });
    const init = f.functions.find((x) => x.name === 'my_ops_init_member')!;
    expect(init.returnConstants).toEqual([1n, -95n, 0n]);
    expect(f.registrations).toEqual([expect.objectContaining({ descriptorName: 'bpf_my_ops', typeName: 'my_ops', resultUse: 'returned', enclosingFunction: 'my_ops_init' })]);
    expect(f.module).toMatchObject({ initFunction: 'my_ops_init', exitFunction: 'my_ops_exit', license: { value: 'GPL' } });
  });

  it('finds stub objects with NULL members', () => {
    const f = facts('module/my_ops_stubs.c');
    expect(f.structVariables.map((v) => [v.varName, v.typeName, v.isStatic, v.members.map((m) => m.value.kind)])).toEqual([
      ['__bpf_my_ops_stubs', 'my_ops', false, ['function', 'null']],
    ]);
  });
});

describe('structOpsOnly (the index second phase)', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'struct-ops-only-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, text: string): string => {
    writeFileSync(path.join(dir, name), text);
    return path.join(dir, name);
  };
  const both = (file: string) => {
    const text = readFileSync(file, 'utf8');
    return { only: extractFacts(parser, file, text, { structOpsOnly: true }), full: extractFacts(parser, file, text) };
  };
  write('ops.h', '#define OPS(n) SEC(".struct_ops.link") struct tcp_congestion_ops n = { .flags = 0 };\n');
  write('impl.bpf.c', 'SEC("struct_ops/cc_init")\nvoid cc_init(void *sk) {}\n');
  write('trace.h', '#define ON(n) SEC("tp/sched/sched_switch") int n(void *ctx) { return 0; }\n');

  it('parses a program whose map comes from a header macro, with the facts of a full extraction', () => {
    const { only, full } = both(write('macro.bpf.c', '#include "ops.h"\nOPS(macro_cc)\n'));
    expect(only.maps.map((m) => m.name)).toEqual(['macro_cc']);
    expect(only).toEqual(full);
  });

  it('parses a program that includes a source with struct_ops programs', () => {
    const { only, full } = both(write('main.bpf.c', '#include "impl.bpf.c"\nchar _license[] SEC("license") = "GPL";\n'));
    expect(only.programs.map((p) => p.name)).toEqual(['cc_init']);
    expect(only).toEqual(full);
  });

  it('keeps only the dependencies of a program that nothing it could include names struct_ops in', () => {
    const { only, full } = both(write('trace.bpf.c', '#include "trace.h"\n#include "missing.h"\n#if 1\nON(on_switch)\n#else\n'));
    expect(full.programs.map((p) => p.name)).toEqual(['on_switch']);
    expect(only).toMatchObject({ programs: [], maps: [], includes: [], problems: [] });
    expect(only.dependencies).toEqual([path.join(dir, 'trace.h')]);
  });

  it('runs the directives when a header that names struct_ops is included only under a false condition', () => {
    const { only, full } = both(write('off.bpf.c', '#include "trace.h"\n#if 0\n#include "ops.h"\n#endif\nON(on_switch)\n'));
    expect(only.maps).toEqual([]);
    expect(only.includes).toEqual(full.includes);
    expect(only.dependencies).toEqual([path.join(dir, 'trace.h')]);
  });

  it('expands a program whose header comes through a computed include', () => {
    const { only, full } = both(write('computed.bpf.c', '#define OPS_HEADER "ops.h"\n#include OPS_HEADER\nOPS(computed_cc)\n'));
    expect(only.maps.map((m) => m.name)).toEqual(['computed_cc']);
    expect(only).toEqual(full);
  });
});

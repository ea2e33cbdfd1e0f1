// The Maps & Programs model: maps grouped by BPF object file with type, section and outcome,
// members wired to programs, an empty tree (the view's welcome explains), and reveal from the editor.

import { describe, expect, it } from 'vitest';
import { explorerRoots, nodeAt, parentIndex } from '../../../client/src/explorer/model';
import type { ExplorerData } from '../../../server/src/protocol';

const range = (line: number, from = 0, to = 5) => ({ start: { line, character: from }, end: { line, character: to } });

const data: ExplorerData = {
  profile: 'kernel 6.18 / libbpf 1.7',
  maps: [
    {
      name: 'z_cc', uri: 'file:///w/b.bpf.c', range: range(30), typeName: 'tcp_congestion_ops', section: '.struct_ops',
      outcome: { ok: false, phase: 'load', check: 'LIB-12', errno: 95, errnoName: 'EOPNOTSUPP', message: 'struct_ops init_kern z_cc: Cannot find member x in kernel BTF' },
      members: [{ name: 'x', range: range(31, 1, 20), program: 'p', programUri: 'file:///w/b.bpf.c', programRange: range(10) }],
    },
    {
      name: 'y_cc', uri: 'file:///w/b.bpf.c', range: range(40), typeName: 'tcp_congestion_ops', section: '.struct_ops',
      outcome: { ok: true },
      members: [],
    },
    {
      name: 'a_cc', uri: 'file:///w/a%20b.bpf.c', range: range(3), typeName: 'tcp_congestion_ops', section: '.struct_ops.link',
      outcome: { ok: true },
      members: [{ name: 'name', range: range(4), value: '"a_cc"' }],
    },
  ],
};

describe('Maps & Programs model', () => {
  it('groups maps by BPF object file, sorted, with the first failure on the file', () => {
    const roots = explorerRoots(data);
    expect(roots.map((r) => [r.label, r.description, r.contextValue])).toEqual([
      ['a b.bpf.c', '1 map · loads', 'object'],
      ['b.bpf.c', '2 maps · fails at load -EOPNOTSUPP (LIB-12)', 'object'],
    ]);
    expect(roots[1].color).toBe('testing.iconFailed');
    expect(roots[1].children.map((m) => m.label)).toEqual(['y_cc', 'z_cc']);
  });

  it('shows type, section and simulated outcome on maps, with the message in the tooltip', () => {
    const [a, b] = explorerRoots(data);
    expect(a.children[0].description).toBe('struct tcp_congestion_ops · .struct_ops.link · loads');
    expect(a.children[0].icon).toBe('pass');
    const z = b.children[1];
    expect(z.description).toBe('struct tcp_congestion_ops · .struct_ops · fails at load -EOPNOTSUPP (LIB-12)');
    expect(z.icon).toBe('error');
    expect(z.contextValue).toBe('map');
    expect(z.map).toBe('z_cc');
    expect(z.tooltip).toContain('errno 95');
    expect(z.tooltip).toContain('Cannot find member x in kernel BTF');
  });

  it('lists members with the wired program and reveals the program on click', () => {
    const member = explorerRoots(data)[1].children[1].children[0];
    expect(member.label).toBe('.x');
    expect(member.description).toBe('→ p');
    expect(member.reveal).toEqual({ uri: 'file:///w/b.bpf.c', range: range(10) });
    expect(member.anchor).toEqual({ uri: 'file:///w/b.bpf.c', range: range(31, 1, 20) });
    const literal = explorerRoots(data)[0].children[0].children[0];
    expect(literal.description).toBe('"a_cc"');
    expect(literal.icon).toBe('symbol-field');
  });

  it('is empty without data or maps, so the view shows its welcome content', () => {
    expect(explorerRoots(undefined)).toEqual([]);
    expect(explorerRoots({ profile: 'p', maps: [] })).toEqual([]);
  });

  it('finds the node to reveal for a cursor position: member, else the map above, else the file', () => {
    const roots = explorerRoots(data);
    expect(nodeAt(roots, 'file:///w/b.bpf.c', 31, 4)?.label).toBe('.x');
    expect(nodeAt(roots, 'file:///w/b.bpf.c', 31, 0)?.label).toBe('.x'); // in the indentation
    expect(nodeAt(roots, 'file:///w/b.bpf.c', 35, 0)?.label).toBe('z_cc');
    expect(nodeAt(roots, 'file:///w/b.bpf.c', 45, 0)?.label).toBe('y_cc');
    expect(nodeAt(roots, 'file:///w/b.bpf.c', 2, 0)?.label).toBe('b.bpf.c');
    expect(nodeAt(roots, 'file:///w/other.c', 2, 0)).toBeUndefined();
  });

  it('indexes parents for TreeView.reveal', () => {
    const roots = explorerRoots(data);
    const parents = parentIndex(roots);
    const member = roots[1].children[1].children[0];
    expect(parents.get(member.id)?.label).toBe('z_cc');
    expect(parents.get(roots[1].children[1].id)?.label).toBe('b.bpf.c');
    expect(parents.get(roots[1].id)).toBeUndefined();
  });
});

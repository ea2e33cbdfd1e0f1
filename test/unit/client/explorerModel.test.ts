// The explorer model: maps become nodes with status and members, wired members reveal the program.

import { describe, expect, it } from 'vitest';
import { explorerRoots } from '../../../client/src/explorer/model';
import type { ExplorerData } from '../../../server/src/protocol';

const range = (line: number) => ({ start: { line, character: 0 }, end: { line, character: 5 } });

const data: ExplorerData = {
  profile: 'kernel 6.18 / libbpf 1.7',
  maps: [
    {
      name: 'z_cc', uri: 'file:///w/b.bpf.c', range: range(30), typeName: 'tcp_congestion_ops', section: '.struct_ops',
      outcome: { ok: false, phase: 'load', check: 'LIB-12', errno: 95, errnoName: 'EOPNOTSUPP', message: 'struct_ops init_kern z_cc: Cannot find member x in kernel BTF' },
      members: [{ name: 'x', range: range(31), program: 'p', programUri: 'file:///w/b.bpf.c', programRange: range(10) }],
    },
    {
      name: 'a_cc', uri: 'file:///w/a.bpf.c', range: range(3), typeName: 'tcp_congestion_ops', section: '.struct_ops.link',
      outcome: { ok: true },
      members: [{ name: 'name', range: range(4), value: '"a_cc"' }],
    },
  ],
};

describe('explorer model', () => {
  it('sorts maps by file and shows type, section and outcome', () => {
    const roots = explorerRoots(data);
    expect(roots.map((r) => r.label)).toEqual(['a_cc', 'z_cc']);
    expect(roots[0].description).toBe('struct tcp_congestion_ops · .struct_ops.link · loads');
    expect(roots[0].icon).toBe('pass');
    expect(roots[1].description).toBe('struct tcp_congestion_ops · .struct_ops · fails at load -EOPNOTSUPP (LIB-12)');
    expect(roots[1].icon).toBe('error');
  });

  it('lists members with the wired program and reveals the program on click', () => {
    const member = explorerRoots(data)[1].children[0];
    expect(member.label).toBe('.x');
    expect(member.description).toBe('→ p');
    expect(member.reveal).toEqual({ uri: 'file:///w/b.bpf.c', range: range(10) });
  });

  it('explains an empty workspace and a starting server', () => {
    expect(explorerRoots({ profile: 'p', maps: [] })[0].label).toBe('No struct_ops maps in this workspace');
    expect(explorerRoots(undefined)[0].contextValue).toBe('message');
  });
});

// The Types model: groups per BTF object and workspace module sources, types with op counts, and
// members with prototypes and the knowledge base's required / unsupported / sleepable marks.

import { describe, expect, it } from 'vitest';
import { allModules, memberMarks, typeRoots, workspaceModules } from '../../../client/src/explorer/typesModel';
import type { TypesData } from '../../../server/src/protocol';

const r = (line: number) => ({ start: { line, character: 0 }, end: { line, character: 3 } });

const data: TypesData = {
  profile: 'kernel 6.18 / libbpf 1.7',
  groups: [
    {
      name: 'vmlinux', origin: 'vmlinux', source: '/sys/kernel/btf/vmlinux',
      types: [{
        name: 'tcp_congestion_ops', registered: true, size: 256,
        members: [
          { name: 'ssthresh', index: 1, prototype: 'u32 (*ssthresh)(struct sock *sk)', isFunctionPointer: true, required: true, sleepableAllowed: false },
          { name: 'get_info', index: 14, prototype: 'size_t (*get_info)(struct sock *sk, u32 ext, int *attr, union tcp_cc_info *info)', isFunctionPointer: true, required: false, unsupported: 'PRG-11' },
          { name: 'name', index: 16, prototype: 'char name[16]', isFunctionPointer: false, required: false },
        ],
      }],
    },
    { name: 'nf_tables', origin: 'module', source: '/sys/kernel/btf/nf_tables', types: [] },
    { name: 'bpf_testmod', origin: 'module', source: '/sys/kernel/btf/bpf_testmod', types: [{ name: 'bpf_testmod_ops', registered: true, members: [] }] },
    {
      name: 'my_mod', origin: 'workspace', source: '/w/my_mod.c',
      types: [{ name: 'my_ops', registered: false, uri: 'file:///w/my_mod.c', range: r(3), members: [{ name: 'op', index: 0, prototype: 'int (*op)(int x)', isFunctionPointer: true, required: false, uri: 'file:///w/my_mod.c', range: r(4) }] }],
    },
  ],
};

describe('Types model', () => {
  it('groups by BTF object in profile order, then workspace sources; skips objects without struct_ops types', () => {
    const roots = typeRoots(data);
    expect(roots.map((g) => [g.label, g.icon, g.contextValue])).toEqual([
      ['vmlinux', 'server', 'btfObject'],
      ['bpf_testmod', 'package', 'btfModule'],
      ['my_mod', 'file-code', 'module'],
    ]);
    expect(roots[0].description).toBe('kernel BTF · 1 type');
    expect(roots[2].description).toBe('module source in the workspace · 1 type');
    expect(roots[2].module).toBe('my_mod');
    expect(typeRoots(undefined)).toEqual([]);
  });

  it('describes a type by registration, op count, required ops and size', () => {
    const tcp = typeRoots(data)[0].children[0];
    expect(tcp.label).toBe('struct tcp_congestion_ops');
    expect(tcp.description).toBe('2 ops · 1 required · 256 B');
    const mine = typeRoots(data)[2].children[0];
    expect(mine.description).toBe('not registered · 1 op');
    expect(mine.reveal).toEqual({ uri: 'file:///w/my_mod.c', range: r(3) });
  });

  it('marks members required, unsupported and sleepable with the prototype', () => {
    const [ssthresh, getInfo, name] = typeRoots(data)[0].children[0].children;
    expect(ssthresh.description).toBe('required · u32 (*ssthresh)(struct sock *sk)');
    expect(ssthresh.tooltip).toContain('A sleepable (struct_ops.s) program is refused here (PRG-12).');
    expect(ssthresh.tooltip).toContain('Required: the subsystem refuses a map without it.');
    expect(getInfo.icon).toBe('circle-slash');
    expect(getInfo.description).toMatch(/^unsupported \(PRG-11\) · size_t/);
    expect(name.icon).toBe('symbol-field');
    expect(name.description).toBe('char name[16]');
    expect(memberMarks({ name: 'x', index: 0, prototype: '', isFunctionPointer: true, required: false, sleepableAllowed: true })).toEqual(['sleepable']);
    expect(memberMarks({ name: 'x', index: 0, prototype: '', isFunctionPointer: true, required: false, sleepableAllowed: true }, false)).toEqual([]);
  });

  it('marks sleepable members only where the type mixes sleepable and non-sleepable ops', () => {
    const mixed: TypesData = { profile: 'p', groups: [{ name: 'vmlinux', origin: 'vmlinux', source: 's', types: [{ name: 'sched_ext_ops', registered: true, members: [
      { name: 'init', index: 0, prototype: 's32 (*init)(void)', isFunctionPointer: true, required: false, sleepableAllowed: true },
      { name: 'enqueue', index: 1, prototype: 'void (*enqueue)(struct task_struct *p, u64 f)', isFunctionPointer: true, required: false, sleepableAllowed: false },
    ] }] }] };
    expect(typeRoots(mixed)[0].children[0].children.map((m) => m.description)).toEqual([
      'sleepable · s32 (*init)(void)',
      'not sleepable · void (*enqueue)(struct task_struct *p, u64 f)',
    ]);
  });

  it('lists modules for the registration and unload pickers', () => {
    expect(workspaceModules(data)).toEqual(['my_mod']);
    expect(allModules(data)).toEqual(['my_mod', 'nf_tables', 'bpf_testmod']);
    const kbuild = { ...data, modules: ['my_module'] };
    expect(workspaceModules(kbuild)).toEqual(['my_module']);
    expect(allModules(kbuild)).toEqual(['my_module', 'nf_tables', 'bpf_testmod', 'my_mod']);
  });
});

// Engine queries for editor features: kernel member info (bundled profile and a split module BTF),
// required ops by probing the knowledge base, C views, program stubs, did-you-mean, positions.

import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../server/src/engine/common/logger';
import { LineIndex } from '../../../server/src/engine/common/location';
import type { FileFacts, MemberInit } from '../../../server/src/engine/c/facts';
import { loadKernelProfile, type KernelProfile, type ProfileError } from '../../../server/src/engine/kernel/profile';
import {
  closestName,
  editDistance,
  freshName,
  kernelOpsInfo,
  kernelTypeCView,
  missingRequiredOps,
  programStub,
  symbolAt,
  wiredNameRange,
  wiringLine,
  type KernelOpsInfo,
} from '../../../server/src/engine/query';
import { fixturesDir, hasLiveBtf, liveVmlinux, profilesDir } from '../../helpers/paths';

function ok(p: KernelProfile | ProfileError): KernelProfile {
  if (!('objects' in p)) throw new Error(p.message);
  return p;
}

const bundledBtf = path.join(profilesDir, 'default-vmlinux.btf');

describe('kernelOpsInfo on the bundled profile (kernel 6.18)', () => {
  let profile: KernelProfile;
  let tcp: KernelOpsInfo;
  beforeAll(async () => {
    profile = ok(await loadKernelProfile({ btf: [bundledBtf], kernelVersion: '6.18', libbpfVersion: '1.7', bundledDir: profilesDir, logger: silentLogger }));
    tcp = kernelOpsInfo(profile, 'tcp_congestion_ops___flavor') as KernelOpsInfo;
  });

  it('finds the type in vmlinux, registered, with members in BTF order', () => {
    expect(tcp.typeName).toBe('tcp_congestion_ops');
    expect(tcp.object.name).toBe('vmlinux');
    expect(tcp.registered).toBe(true);
    expect(tcp.valueId).toBeGreaterThan(0);
    expect(tcp.size).toBeGreaterThan(0);
    expect(tcp.members[0]).toMatchObject({ name: 'ssthresh', index: 0, byteOffset: 0, isFunctionPointer: true, returnType: 'u32', required: true });
    expect(tcp.profile).toBe('kernel 6.18 / libbpf 1.7');
  });

  it('prints prototypes; without cfi stubs in BTF (minimised profile) parameter names are guessed', () => {
    const byName = new Map(tcp.members.map((m) => [m.name, m]));
    expect(byName.get('ssthresh')?.prototype).toBe('u32 (*ssthresh)(struct sock *sk)');
    expect(byName.get('cong_avoid')?.prototype).toBe('void (*cong_avoid)(struct sock *sk, u32 arg1, u32 arg2)');
    expect(byName.get('name')?.prototype).toBe('char name[16]');
    expect(byName.get('name')?.isFunctionPointer).toBe(false);
  });

  it('marks required, unsupported and sleepable members from the knowledge base', () => {
    const byName = new Map(tcp.members.map((m) => [m.name, m]));
    expect(tcp.members.filter((m) => m.required).map((m) => m.name)).toEqual(['ssthresh', 'undo_cwnd']);
    expect(byName.get('get_info')?.unsupported).toBe('PRG-11');
    expect(byName.get('ssthresh')?.sleepableAllowed).toBe(true);
    const dummy = kernelOpsInfo(profile, 'bpf_dummy_ops') as KernelOpsInfo;
    expect(dummy.members.find((m) => m.name === 'test_1')?.sleepableAllowed).toBe(false);
    expect(dummy.members.find((m) => m.name === 'test_sleepable')?.sleepableAllowed).toBe(true);
  });

  it('lists the ops to add so the required-ops rule passes, one of an either/or pair included', () => {
    expect(missingRequiredOps(tcp, new Set(), profile.kernelVersion).map((m) => m.name)).toEqual(['ssthresh', 'cong_avoid', 'undo_cwnd']);
    expect(missingRequiredOps(tcp, new Set(['ssthresh', 'cong_control']), profile.kernelVersion).map((m) => m.name)).toEqual(['undo_cwnd']);
    expect(missingRequiredOps(tcp, new Set(['ssthresh', 'cong_avoid', 'undo_cwnd']), profile.kernelVersion)).toEqual([]);
  });

  it('is undefined for a type no BTF object defines', () => {
    expect(kernelOpsInfo(profile, 'no_such_ops')).toBeUndefined();
  });

  it('prints a C view with member positions', () => {
    const view = kernelTypeCView(tcp.object.spec, tcp.typeId, 'vmlinux')!;
    const lines = view.text.split('\n');
    expect(lines[2]).toBe('struct tcp_congestion_ops {');
    expect(view.typeName).toEqual({ line: 2, character: 7 });
    const at = view.members.get('undo_cwnd')!;
    expect(lines[at.line].slice(at.character, at.character + 'undo_cwnd'.length)).toBe('undo_cwnd');
    expect(lines[view.members.get('name')!.line]).toMatch(/^\tchar name\[16\]; \/\* #\d+, offset \d+ \*\/$/);
    expect(lines.at(-2)).toBe('};');
  });

  it('builds typed BPF_PROG stubs from member prototypes', () => {
    const byName = new Map(tcp.members.map((m) => [m.name, m]));
    expect(programStub(byName.get('ssthresh')!, 'my_ssthresh')).toBe('SEC("struct_ops/ssthresh")\n__u32 BPF_PROG(my_ssthresh, struct sock *sk)\n{\n\treturn 0;\n}\n');
    expect(programStub(byName.get('cong_avoid')!, 'ca', '    ')).toBe('SEC("struct_ops/cong_avoid")\nvoid BPF_PROG(ca, struct sock *sk, __u32 arg1, __u32 arg2)\n{\n}\n');
    expect(programStub(byName.get('undo_cwnd')!, 'u', '    ')).toBe('SEC("struct_ops/undo_cwnd")\n__u32 BPF_PROG(u, struct sock *sk)\n{\n    return 0;\n}\n');
    expect(programStub(byName.get('name')!, 'x')).toBeUndefined();
    expect(wiringLine('ssthresh', 'my_ssthresh')).toBe('.ssthresh = (void *)my_ssthresh,');
  });
});

describe.skipIf(!hasLiveBtf)('kernelOpsInfo on the running kernel (needs /sys/kernel/btf/vmlinux)', () => {
  it('takes parameter names from the cfi stub functions in BTF', async () => {
    const profile = ok(await loadKernelProfile({ btf: [liveVmlinux], kernelVersion: '6.18', bundledDir: profilesDir, logger: silentLogger }));
    const tcp = kernelOpsInfo(profile, 'tcp_congestion_ops') as KernelOpsInfo;
    expect(tcp.members.find((m) => m.name === 'cong_avoid')?.prototype).toBe('void (*cong_avoid)(struct sock *sk, u32 ack, u32 acked)');
    const dummy = kernelOpsInfo(profile, 'bpf_dummy_ops') as KernelOpsInfo;
    expect(dummy.members.find((m) => m.name === 'test_sleepable')?.prototype).toBe('int (*test_sleepable)(struct bpf_dummy_ops_state *cb)');
  });
});

describe('kernelOpsInfo on a module', () => {
  it('reports the module as the origin and a member without cfi stub names as argN', async () => {
    const btfDir = path.join(fixturesDir, 'btf');
    const profile = ok(await loadKernelProfile({ btf: [path.join(btfDir, 'testmod.base.btf'), path.join(btfDir, 'testmod.btf')], kernelVersion: '6.12', bundledDir: profilesDir, logger: silentLogger }));
    const info = kernelOpsInfo(profile, 'testmod_ops') as KernelOpsInfo;
    expect(info.object).toMatchObject({ name: 'testmod', isModule: true });
    expect(info.registered).toBe(true);
    expect(info.knowledge).toBeUndefined();
    const onSock = info.members.find((m) => m.name === 'on_sock')!;
    expect(onSock.prototype).toBe('void (*on_sock)(struct sock *sk, u32 arg1)');
    expect(onSock.sleepableAllowed).toBeUndefined();
    expect(info.members.find((m) => m.name === 'init')!.prototype).toBe('int (*init)(void)');
  });
});

describe('did you mean', () => {
  it('measures edit distance', () => {
    expect(editDistance('cong_avoi', 'cong_avoid')).toBe(1);
    expect(editDistance('undo_cwdn', 'undo_cwnd')).toBe(2);
    expect(editDistance('', 'abc')).toBe(3);
  });

  it('picks the closest name within a third of the length, never the name itself', () => {
    expect(closestName('cong_avoi', ['cong_control', 'cong_avoid', 'ssthresh'])).toBe('cong_avoid');
    expect(closestName('xyz', ['ssthresh', 'undo_cwnd'])).toBeUndefined();
    expect(closestName('name', ['name'])).toBeUndefined();
  });

  it('makes fresh names', () => {
    expect(freshName('ssthresh', new Set())).toBe('ssthresh');
    expect(freshName('ssthresh', new Set(['ssthresh', 'ssthresh_2']))).toBe('ssthresh_3');
  });
});

describe('symbolAt', () => {
  const file = '/w/x.bpf.c';
  const text = 'SEC(".struct_ops")\nstruct tcp_congestion_ops m = {\n\t.ssthresh = (void *) ss ,\n};\n';
  const index = new LineIndex(text);
  const loc = (start: number, end: number) => ({ file, range: index.rangeOf(start, end) });
  const at = (needle: string) => text.indexOf(needle);
  const member: MemberInit = {
    name: 'ssthresh',
    location: loc(at('.ssthresh'), at('.ssthresh') + 9),
    value: { kind: 'function', name: 'ss' },
    valueLocation: loc(at('(void'), at(' ,')),
  };
  const facts = {
    file,
    typeDefinitions: [], includes: [], programs: [], descriptors: [], registrations: [], legacyTypes: [], structVariables: [], functions: [], problems: [],
    maps: [{
      name: 'm', nameLocation: loc(at(' m ') + 1, at(' m ') + 2), location: loc(0, at('};') + 2), typeName: 'tcp_congestion_ops',
      declaredType: { kind: 'struct', tag: 'tcp_congestion_ops' }, typeLocation: loc(at('tcp_'), at(' m ')),
      section: '.struct_ops', sectionLocation: loc(4, 17), hasInitializer: true, members: [member], isStatic: false,
    }],
  } as unknown as FileFacts;

  it('finds the designator, the wired name, the type and the section', () => {
    expect(symbolAt(facts, file, index.positionAt(at('ssthresh')), index)?.kind).toBe('member');
    const wired = symbolAt(facts, file, index.positionAt(at(' ss ') + 2), index);
    expect(wired?.kind).toBe('wiredProgram');
    expect(wired?.range).toEqual(index.rangeOf(at(' ss ') + 1, at(' ss ') + 3));
    expect(symbolAt(facts, file, index.positionAt(at('(void') + 1), index)).toBeUndefined();
    expect(symbolAt(facts, file, index.positionAt(at('congestion')), index)?.kind).toBe('mapType');
    expect(symbolAt(facts, file, index.positionAt(6), index)?.kind).toBe('mapSection');
    expect(symbolAt(facts, '/w/other.c', index.positionAt(at('ssthresh')), index)).toBeUndefined();
  });

  it('locates the wired name without text from the end of the value', () => {
    const tight = { ...member, valueLocation: loc(at('(void'), at(' ss ') + 3) };
    expect(wiredNameRange(tight, 'ss')).toEqual(index.rangeOf(at(' ss ') + 1, at(' ss ') + 3));
  });
});

// Register phase on the fixtures in test/fixtures/modules/reg: each file is one module (named after
// its stem) whose offending lines carry `// expect: REG-xx`; (ID, line) sets of errors and warnings
// are compared, then the first error's errno and exact dmesg message. Profile: the running kernel's
// vmlinux BTF (or the bundled one) as Linux 6.12.117 with libbpf 1.5 (the §11 observations).

import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BtfBuilder, BtfKind, BtfSpec, parseBtf } from '../../../server/src/engine/btf';
import { extractFacts } from '../../../server/src/engine/c/extract';
import type { CParser } from '../../../server/src/engine/c/parser';
import { Errno } from '../../../server/src/engine/common/errno';
import { loadKernelProfile, type KernelProfile } from '../../../server/src/engine/kernel/profile';
import { buildModuleObject, collectWorkspaceModules, extendProfileWithModules, type ModuleAssumptions } from '../../../server/src/engine/kernel/workspaceModules';
import { ModuleRegistry, registrationRules, simulateLegacyRegistration, type ModuleTrace } from '../../../server/src/engine/sim/register';
import type { Finding } from '../../../server/src/engine/sim/trace';
import { repoRoot, testParser } from '../c/helpers';

const regDir = path.join(repoRoot, 'test', 'fixtures', 'modules', 'reg');
const logger = { debug() {}, info() {}, warn() {}, error() {} };
let parser: CParser;
const profiles = new Map<string, KernelProfile>();

async function profileFor(kernel: string, libbpf = '1.5'): Promise<KernelProfile> {
  const key = `${kernel}/${libbpf}`;
  let p = profiles.get(key);
  if (!p) {
    const r = await loadKernelProfile({ kernelVersion: kernel, libbpfVersion: libbpf, bundledDir: path.join(repoRoot, 'resources', 'profiles'), logger });
    if (!('objects' in r)) throw new Error(r.message);
    p = r;
    profiles.set(key, p);
  }
  return p;
}

function moduleFrom(file: string, text = readFileSync(file, 'utf8')) {
  const facts = extractFacts(parser, file, text, { useCompileFlags: false });
  const [module] = collectWorkspaceModules([facts], []);
  return module;
}

async function registerFile(name: string, kernel = '6.12.117', assumptions: ModuleAssumptions = {}, text?: string): Promise<ModuleTrace> {
  const module = moduleFrom(path.join(regDir, name), text);
  const registry = ModuleRegistry.build(await profileFor(kernel), [module], () => assumptions);
  return registry.trace(module.name) as ModuleTrace;
}

const findings = (t: ModuleTrace): Finding[] => t.steps.flatMap((s) => s.findings);
const reported = (t: ModuleTrace) => new Set(findings(t).filter((f) => f.severity !== 'information').map((f) => `${f.check}:${f.location.range.start.line + 1}`));

function expected(file: string): Set<string> {
  const out = new Set<string>();
  readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
    for (const m of line.matchAll(/\/\/ expect: ([A-Z]+-[A-Z0-9]+)/g)) out.add(`${m[1]}:${i + 1}`);
  });
  return out;
}

beforeAll(async () => {
  parser = await testParser();
});

/** The first error each fixture produces: errno (undefined = an oops) and the exact message. */
const firstError: Record<string, { errno: number | undefined; message: string }> = {
  'reg04_name_too_long.c': { errno: Errno.EINVAL, message: `struct_ops name ${'a'.repeat(113)} is too long` },
  'reg05_no_cfi_stubs.c': { errno: Errno.EINVAL, message: 'struct_ops for my_ops has no cfi_stubs' },
  'reg06_wrong_name.c': { errno: Errno.EINVAL, message: 'Cannot find struct my_opz in reg06_wrong_name' },
  'reg07_too_many_members.c': { errno: Errno.EINVAL, message: 'Cannot support #65 members in struct my_ops' },
  'reg08_no_value_type.c': { errno: Errno.EINVAL, message: 'Cannot find struct bpf_struct_ops_my_ops in reg08_no_value_type' },
  'reg09_value_three_members.c': { errno: Errno.EINVAL, message: "The number of bpf_struct_ops_my_ops's members should be 2, but we get 3" },
  'reg10_wrong_common.c': { errno: Errno.EINVAL, message: 'The first member of bpf_struct_ops_my_ops should be bpf_struct_ops_common_value' },
  'reg11_wrong_data.c': { errno: Errno.EINVAL, message: 'The second member of bpf_struct_ops_my_ops should be my_ops' },
  'reg12_anon_member.c': { errno: Errno.EOPNOTSUPP, message: 'anon member in struct my_ops is not supported' },
  'reg13_bitfield.c': { errno: Errno.EOPNOTSUPP, message: 'bit field member f in struct my_ops is not supported' },
  'reg17_13_args.c': { errno: Errno.EINVAL, message: 'BPF: The function op13 has 13 arguments. Too many.\nError in parsing func ptr op13 in struct my_ops' },
  'reg17_struct_arg.c': { errno: Errno.EINVAL, message: 'BPF: The function take arg0 type STRUCT is unsupported.\nError in parsing func ptr take in struct my_ops' },
  'reg18_int128_return.c': { errno: Errno.EOPNOTSUPP, message: 'func ptr wide in struct my_ops has a >8 byte return value, which is not supported' },
  'reg19_stub_arg_count.c': { errno: Errno.EINVAL, message: 'the number of arguments of the stub function my_ops__test_1 does not match the number of arguments of the member test_1 of struct my_ops' },
  'reg19_nullable_int.c': { errno: Errno.EINVAL, message: 'stub function my_ops__test_1 has __nullable tagging to an unsupported type' },
  'reg20_init_fails.c': { errno: Errno.EINVAL, message: 'Error in init bpf_struct_ops my_ops' },
  'reg21_twice.c': { errno: Errno.EEXIST, message: '' },
  'reg22_null_callbacks.c': { errno: undefined, message: 'kernel NULL pointer dereference: struct bpf_struct_ops bpf_my_ops.unreg is NULL; the kernel would oops at detach (map delete or link release)' },
  'reg23_no_owner.c': { errno: Errno.EINVAL, message: 'Cannot find struct my_ops in vmlinux' },
  'reg24_partial.c': { errno: Errno.EINVAL, message: 'struct_ops for my_ops2 has no cfi_stubs' },
};

describe('register fixtures (6.12.117)', () => {
  const files = readdirSync(regDir).filter((f) => f.endsWith('.c')).sort();
  it('has a fixture per modelled REG check', () => {
    const ids = new Set(files.flatMap((f) => [...expected(path.join(regDir, f))].map((e) => e.split(':')[0])));
    for (const id of ['REG-04', 'REG-05', 'REG-06', 'REG-07', 'REG-08', 'REG-09', 'REG-10', 'REG-11', 'REG-12', 'REG-13', 'REG-17', 'REG-18', 'REG-19', 'REG-20', 'REG-21', 'REG-22', 'REG-23', 'REG-24', 'REG-25']) expect(ids, id).toContain(id);
  });
  it.each(files)('%s', async (name) => {
    const trace = await registerFile(name);
    expect(reported(trace)).toEqual(expected(path.join(regDir, name)));
    const want = firstError[name];
    const first = findings(trace).find((f) => f.severity === 'error');
    if (want) {
      expect(first?.errno).toBe(want.errno);
      expect(first?.message).toBe(want.message);
    }
  });
});

describe('insmod outcome', () => {
  it('a returned registration error fails insmod with that errno', async () => {
    expect((await registerFile('reg17_13_args.c')).outcome).toMatchObject({ ok: false, errno: Errno.EINVAL, check: 'REG-17' });
    expect((await registerFile('reg18_int128_return.c')).outcome).toMatchObject({ ok: false, errno: Errno.EOPNOTSUPP });
    expect((await registerFile('reg21_twice.c')).outcome).toMatchObject({ ok: false, errno: Errno.EEXIST, check: 'REG-21' });
  });
  it('an ignored result leaves insmod successful with the first type registered (REG-24)', async () => {
    const t = await registerFile('reg24_partial.c');
    expect(t.outcome.ok).toBe(true);
    expect(t.registered.map((r) => r.typeName)).toEqual(['my_ops']);
  });
  it('NULL init oopses during registration', async () => {
    const text = readFileSync(path.join(regDir, 'reg05_no_cfi_stubs.c'), 'utf8').replace('\t.init = my_ops_init,\n', '').replace('{ // expect: REG-05', '{');
    const t = await registerFile('reg05_no_cfi_stubs.c', '6.12.117', {}, text.replace('\t.name = "my_ops",', '\t.cfi_stubs = &__bpf_my_ops,\n\t.name = "my_ops",'));
    expect(t.outcome).toMatchObject({ ok: false, check: 'REG-22', crash: true });
    expect(t.outcome.errno).toBeUndefined();
  });
});

describe('version rules', () => {
  it('REG-15: a NULL-stub member is skipped on 6.12.117 and distilled on 6.12.0', async () => {
    const skipped = await registerFile('reg15_null_stub_undistillable.c', '6.12.117');
    expect(skipped.outcome.ok).toBe(true);
    expect(findings(skipped).map((f) => f.check)).toContain('REG-15');
    const old = await registerFile('reg15_null_stub_undistillable.c', '6.12');
    const err = findings(old).find((f) => f.severity === 'error');
    expect(err).toMatchObject({ check: 'REG-17', errno: Errno.EINVAL, message: 'BPF: The function op13 has 13 arguments. Too many.\nError in parsing func ptr op13 in struct my_ops' });
    expect(err?.rule).toMatch(/every function pointer member is distilled/);
  });
  it('REG-16: a char * return is rejected from ~6.15, not on 6.12.117', async () => {
    expect((await registerFile('reg16_char_pointer_return.c', '6.12.117')).outcome.ok).toBe(true);
    const t = await registerFile('reg16_char_pointer_return.c', '6.15');
    expect(t.outcome).toMatchObject({ ok: false, errno: Errno.EOPNOTSUPP, message: 'func ptr get_name in struct my_ops returns non-struct pointer, which is not supported' });
  });
  it('REG-18 is not checked on 6.12.0; REG-19 uses the <T>__<member> name on 6.9', async () => {
    expect((await registerFile('reg18_int128_return.c', '6.12')).outcome.ok).toBe(true);
    const t = await registerFile('reg19_nullable_int.c', '6.9');
    expect(t.outcome).toMatchObject({ errno: Errno.EINVAL, message: 'stub function my_ops__test_1 has __nullable tagging to an unsupported type' });
    expect(registrationRules({ major: 6, minor: 9, patch: 0, text: '6.9' }).stubLookup).toBe('name');
    expect(registrationRules({ major: 6, minor: 12, patch: 117, text: '6.12.117' })).toMatchObject({ stubLookup: 'kallsyms', nullStubSkip: true, returnOver8: true, nonStructPointerReturn: false });
  });
  it('kernel < 6.9: a module cannot call register_bpf_struct_ops at all', async () => {
    const t = await registerFile('reg20_init_fails.c', '6.8');
    expect(findings(t).map((f) => [f.check, f.message])).toEqual([['BUILD-01', "implicit declaration of function 'register_bpf_struct_ops' [-Werror=implicit-function-declaration]"]]);
    expect(t.outcome.ok).toBe(false);
  });
  it('REG-01: a module without BTF registers nothing, with or without the warning', async () => {
    const missing = await registerFile('reg20_init_fails.c', '6.12.117', { btf: 'missing' });
    expect(findings(missing).map((f) => [f.check, f.severity, f.message])).toEqual([['REG-01', 'warning', 'missing module BTF, cannot register struct_ops']]);
    expect(missing.outcome.ok).toBe(true);
    const none = await registerFile('reg20_init_fails.c', '6.12.117', { btf: 'no-config' });
    expect(findings(none).map((f) => [f.check, f.message, f.channel])).toEqual([['REG-01', '', 'none']]);
  });
});

describe('module BTF', () => {
  it('adds the macro value type: common from vmlinux, data cacheline aligned at offset 64', async () => {
    const profile = await profileFor('6.12.117');
    const module = moduleFrom(path.join(regDir, 'reg20_init_fails.c'));
    const object = buildModuleObject(module, profile.vmlinux!.spec, 9);
    if (typeof object === 'string') throw new Error(object);
    expect(object.macroValueTypes).toEqual(['bpf_struct_ops_my_ops']);
    const spec = object.spec;
    const v = spec.typeById(spec.findByNameKind('bpf_struct_ops_my_ops', BtfKind.Struct, { ownOnly: true })!);
    if (v?.kind !== BtfKind.Struct) throw new Error('value type missing');
    expect(v.members.map((m) => [m.name, m.bitOffset])).toEqual([['common', 0], ['data', 512]]);
    expect(v.members[0].type).toBe(profile.vmlinux!.spec.findByNameKind('bpf_struct_ops_common_value', BtfKind.Struct));
    expect(v.size).toBe(128);
    expect(spec.structOpsValueTypes().map((t) => t.typeName)).toEqual(['my_ops']);
    expect(spec.findByNameKind('my_ops__test_1', BtfKind.Func)).toBeDefined();
  });
  it('extends a profile after its modules; on 6.8 nothing is added and the notes say why', async () => {
    const module = moduleFrom(path.join(regDir, 'reg20_init_fails.c'));
    const p = await profileFor('6.12.117');
    const ext = extendProfileWithModules(p, [module]);
    expect(ext.profile.objects.at(-1)?.name).toBe('reg20_init_fails');
    expect(ext.profile.objects.length).toBe(p.objects.length + 1);
    const old = extendProfileWithModules(await profileFor('6.8'), [module]);
    expect(old.added).toEqual([]);
    expect(old.notes.join()).toMatch(/< 6\.9: modules cannot define struct_ops types/);
  });
  it('REG-14: a struct module * member without vmlinux struct module (6.14+)', async () => {
    const b = new BtfBuilder();
    const int = b.add({ kind: BtfKind.Int, name: 'int', size: 4, signed: true, char: false, bool: false, bits: 32, bitOffset: 0 });
    b.add({ kind: BtfKind.Struct, name: 'bpf_struct_ops_common_value', size: 8, members: [{ name: 'refcnt', type: int, bitOffset: 0, bitfieldSize: 0 }, { name: 'state', type: int, bitOffset: 32, bitfieldSize: 0 }] });
    const base = parseBtf(b.build(), { name: 'vmlinux' });
    if (!(base instanceof BtfSpec)) throw base;
    const real = await profileFor('6.14');
    const vmlinux = { name: 'vmlinux', objectId: 1, isModule: false, spec: base, source: 'test' };
    const profile: KernelProfile = { ...real, objects: [vmlinux], vmlinux };
    const text = readFileSync(path.join(regDir, 'reg20_init_fails.c'), 'utf8')
      .replace('\tunsigned long data;', '\tstruct module *owner;')
      .replace('// expect: REG-20\n{\n\treturn -ENOMEM;', '\n{\n\treturn 0;');
    const module = moduleFrom(path.join(regDir, 'reg14_inline.c'), text);
    const t = ModuleRegistry.build(profile, [module]).trace(module.name) as ModuleTrace;
    expect(t.outcome).toMatchObject({ ok: false, errno: Errno.EOPNOTSUPP, check: 'REG-14', message: "'struct module' btf id not found. Is CONFIG_MODULES enabled? bpf_struct_ops 'my_ops' needs module support." });
    const older = ModuleRegistry.build({ ...profile, kernelVersion: { major: 6, minor: 12, patch: 0, text: '6.12' } }, [module]).trace(module.name) as ModuleTrace;
    expect(older.outcome.ok).toBe(true);
  });
});

describe('legacy static list (< 6.9)', () => {
  const text = '#include "bpf_struct_ops_types.h"\nBPF_STRUCT_OPS_TYPE(tcp_congestion_ops)\nBPF_STRUCT_OPS_TYPE(my_legacy_ops)\n';
  it('REG-L3: a listed type without its value type in vmlinux BTF is skipped', async () => {
    const facts = extractFacts(parser, path.join(regDir, 'legacy_types.h'), text, { useCompileFlags: false });
    expect(facts.legacyTypes.map((t) => t.name)).toEqual(['tcp_congestion_ops', 'my_legacy_ops']);
    const legacy = simulateLegacyRegistration([facts], await profileFor('6.8'));
    const all = (legacy?.steps ?? []).flatMap((s) => s.findings);
    expect(all.map((f) => [f.check, f.message])).toEqual([['REG-L3', 'Cannot find struct bpf_struct_ops_my_legacy_ops in btf_vmlinux']]);
    expect(legacy?.registered.map((r) => r.typeName)).toEqual(['tcp_congestion_ops']);
    expect(simulateLegacyRegistration([facts], await profileFor('6.12'))).toBeUndefined();
  });
});

// Phase `register`: what `register_bpf_struct_ops(&desc, T)` does in a workspace module's init on
// the profile's kernel — __register_bpf_struct_ops → btf_get_module_btf(owner) → btf_add_struct_ops
// → bpf_struct_ops_desc_init (kernel/bpf/btf.c, kernel/bpf/bpf_struct_ops.c, 6.9 and 6.12.117),
// REG-01..25 — and the legacy static list before 6.9 (REG-L1..L6). Also the registry the BPF-side
// phases consult for workspace module types (MAP-09 at map create, PRG-11 at prog load).

import { BtfKind, kindName, type BtfSpec } from '../btf';
import type { CFunction, CMember, CTypeDefinition, FileFacts, MemberInit, OpsDescriptor, Registration, StructVariable } from '../c/facts';
import { Errno } from '../common/errno';
import type { Location } from '../common/location';
import type { KernelProfile } from '../kernel/profile';
import type { KbuildFacts } from '../c/kbuild';
import {
  COMMON_VALUE, VALUE_PREFIX, collectWorkspaceModules, extendProfileWithModules, kbuildNear, isWorkspaceObject, kernelHasModuleStructOps,
  type ExtendedProfile, type Located, type ModuleAssumptions, type WorkspaceBtfObject, type WorkspaceModule,
} from '../kernel/workspaceModules';
import { CheckId } from './checks';
import type { LoadedMap } from './load';
import { describeProfile } from './simulate';
import { simulateUnload, type UnloadObject, type UnloadScenario, type UnloadTrace } from './unload';
import { ExtraCheckId, type Finding, type RelatedInformation, type SimulationOutcome, type Step } from './trace';
import { atLeast, formatVersion } from './versions';

/** include/linux/bpf.h BPF_STRUCT_OPS_MAX_NR_MEMBERS. */
export const MAX_MEMBERS = 64;
/** include/linux/bpf.h MAX_BPF_FUNC_ARGS (btf_distill_func_proto). */
export const MAX_FUNC_ARGS = 12;
/** strlen("bpf_struct_ops_"); value_name is char[128] in bpf_struct_ops_desc_init. */
const VALUE_PREFIX_LEN = VALUE_PREFIX.length;
const VALUE_NAME_SIZE = 128;
const NULLABLE = '__nullable';
const REF = '__ref';

// --- version rules ------------------------------------------------------------------------------

/** Which registration rules a kernel has; each with the sentence a trace shows. */
export interface RegistrationRules {
  /** REG-15: members whose cfi stub is NULL are skipped (no distill, no arg info). */
  readonly nullStubSkip: boolean;
  /** REG-19: stub found by kallsyms of the stub address, or by the name `<T>__<member>` (6.9). */
  readonly stubLookup: 'kallsyms' | 'name';
  /** REG-14: `struct module *` members need vmlinux's `struct module`. */
  readonly moduleMemberCheck: boolean;
  /** REG-18: > 8 byte return values rejected. */
  readonly returnOver8: boolean;
  /** REG-16: pointer-to-non-struct return values rejected. */
  readonly nonStructPointerReturn: boolean;
  /** REG-19: `__ref` stub arguments. */
  readonly refTag: boolean;
  /** One line per rule: which rule applied and why (version, or the observed stable release). */
  readonly why: readonly string[];
}

const cmp = (v: KernelProfile['kernelVersion'], major: number, minor: number) => atLeast(v, major, minor);

/**
 * The rules of `kernel`. Decided by version (the BTF cannot show code changes): mainline releases
 * as struct-ops-semantics.md dates them, plus Debian's 6.12.117 stable kernel, observed to behave
 * like ~6.15 for REG-14/15/18 and the kallsyms stub lookup (§11) — 6.12.y from .117 is treated so.
 */
export function registrationRules(kernel: KernelProfile['kernelVersion']): RegistrationRules {
  const stable612 = kernel.major === 6 && kernel.minor === 12 && kernel.patch >= 117;
  const s = stable612 ? `; 6.12.${kernel.patch} as observed on Debian 6.12.117, §11` : '';
  const nullStubSkip = cmp(kernel, 6, 15) || stable612;
  const stubLookup = cmp(kernel, 6, 14) || stable612 ? 'kallsyms' : 'name';
  const moduleMemberCheck = cmp(kernel, 6, 14) || stable612;
  const returnOver8 = cmp(kernel, 6, 19) || stable612;
  const nonStructPointerReturn = cmp(kernel, 6, 15);
  const refTag = cmp(kernel, 6, 15);
  return {
    nullStubSkip, stubLookup, moduleMemberCheck, returnOver8, nonStructPointerReturn, refTag,
    why: [
      nullStubSkip ? `NULL-stub members are skipped at registration (~6.15+${s})` : 'every function pointer member is distilled, NULL stub or not (before ~6.15)',
      stubLookup === 'kallsyms' ? `stubs are found through kallsyms of the stub address (~6.15, 6.14.y${s})` : 'stubs are found by the name <T>__<member> (6.9 to ~6.14)',
      moduleMemberCheck ? `'struct module *' members need vmlinux's struct module (~6.14+${s})` : "'struct module *' members are not checked (before ~6.14)",
      returnOver8 ? `> 8 byte return values are rejected (${stable612 ? `6.12.${kernel.patch}, observed` : '6.19+, UNVERIFIED release'})` : '> 8 byte return values are not checked',
    ],
  };
}

// --- results -------------------------------------------------------------------------------------

/** Whether a func-ptr member has a cfi stub: from the stubs variable's initializer. */
export type StubState = { readonly kind: 'function'; readonly name: string; readonly location: Location } | { readonly kind: 'null'; readonly location?: Location } | { readonly kind: 'unknown' };

/** One registered struct_ops type (a desc in a BTF object's struct_ops_tab). */
export interface RegisteredType {
  readonly typeName: string;
  /** BTF object the desc went into: the module name or "vmlinux". */
  readonly btf: string;
  readonly descriptor: string;
  readonly typeId: number;
  readonly valueId: number;
  /** Stub state per member name (func-ptr members only). */
  readonly stubs: ReadonlyMap<string, StubState>;
}

export interface ModuleTrace {
  readonly module: string;
  readonly profile: string;
  readonly steps: readonly Step[];
  /** insmod's result: the errno module init returns, or a crash. */
  readonly outcome: SimulationOutcome;
  readonly registered: readonly RegisteredType[];
  /** What was assumed, one line each. */
  readonly notes: readonly string[];
}

// --- helpers -------------------------------------------------------------------------------------

const stepOf = (action: string, findings: Finding[], outcome?: Step['outcome']): Step => ({
  phase: 'register',
  action,
  outcome: outcome ?? (findings.some((f) => f.severity === 'error') ? 'failed' : 'ok'),
  findings,
});

/** __get_type_size (kernel/bpf/btf.c): size after modifiers and typedefs; ptr 8; -EINVAL otherwise. */
function kernelTypeSize(spec: BtfSpec, id: number): { size: number; kind: BtfKind } {
  if (id === 0) return { size: 0, kind: BtfKind.Unknown };
  const t = spec.typeById(spec.skipModsAndTypedefs(id));
  if (!t) return { size: -Errno.EINVAL, kind: BtfKind.Unknown };
  switch (t.kind) {
    case BtfKind.Ptr:
      return { size: 8, kind: t.kind };
    case BtfKind.Int: case BtfKind.Enum: case BtfKind.Enum64: case BtfKind.Struct: case BtfKind.Union:
      return { size: t.size, kind: t.kind };
    default:
      return { size: -Errno.EINVAL, kind: t.kind };
  }
}

/** btf_type_resolve_func_ptr: member type → PTR → FUNC_PROTO (modifiers and typedefs skipped). */
function funcProtoOf(spec: BtfSpec, typeId: number) {
  const ptr = spec.typeById(spec.skipModsAndTypedefs(typeId));
  if (ptr?.kind !== BtfKind.Ptr) return undefined;
  const proto = spec.typeById(spec.skipModsAndTypedefs(ptr.type));
  return proto?.kind === BtfKind.FuncProto ? proto : undefined;
}

/** btf_type_resolve_ptr then the pointee, for is_module_member and the __nullable check. */
function pointee(spec: BtfSpec, typeId: number) {
  const ptr = spec.typeById(spec.skipModsAndTypedefs(typeId));
  if (ptr?.kind !== BtfKind.Ptr) return undefined;
  return spec.typeById(spec.skipModsAndTypedefs(ptr.type));
}

function field(desc: OpsDescriptor, name: string): MemberInit | undefined {
  return desc.fields.find((f) => f.name === name);
}

function isNullValue(init: MemberInit | undefined): boolean {
  if (!init) return true;
  const v = init.value;
  return v.kind === 'null' || (v.kind === 'integer' && v.value === 0n);
}

function definitionOf(module: WorkspaceModule, tag: string): CTypeDefinition | undefined {
  return [...module.headers, ...module.sources].flatMap((f) => f.typeDefinitions).find((d) => d.kind === 'struct' && d.name === tag && d.members.length > 0);
}

function memberLocation(def: CTypeDefinition | undefined, name: string): Location | undefined {
  return def?.members.find((m: CMember) => m.name === name)?.location;
}

// --- the simulation ------------------------------------------------------------------------------

interface RegContext {
  readonly module: WorkspaceModule;
  readonly profile: KernelProfile;
  readonly object: WorkspaceBtfObject | undefined;
  readonly rules: RegistrationRules;
  readonly assumptions: ModuleAssumptions;
}

class Registrar {
  readonly steps: Step[] = [];
  readonly registered: RegisteredType[] = [];
  /** Descriptors in each BTF object's struct_ops_tab (btf_add_struct_ops compares the pointer). */
  private readonly tables = new Map<string, Set<string>>();
  private insmodFailed = false;
  /** What makes module init (hence insmod) fail: a returned/checked registration error, or an oops. */
  insmodFailure: Finding | undefined;

  constructor(private readonly ctx: RegContext) {}

  run(): void {
    const { module } = this.ctx;
    const checked = new Set<string>();
    for (const reg of module.registrations) {
      const desc = module.descriptors.find((d) => d.item.varName === reg.item.descriptorName);
      if (desc && !checked.has(desc.item.varName)) {
        checked.add(desc.item.varName);
        this.nullCallbacks(desc);
      }
      this.register(reg, desc);
    }
  }

  private finding(check: Finding['check'], severity: Finding['severity'], errno: number | undefined, message: string, location: Location, explanation: string, extra: Partial<Finding> = {}): Finding {
    return { check, severity, phase: 'register', errno, message, channel: 'dmesg', location, related: [], explanation, ...extra };
  }

  /** REG-22: callbacks the kernel calls without a NULL check. */
  private nullCallbacks(desc: Located<OpsDescriptor>): void {
    const when: Record<string, string> = {
      verifier_ops: 'at program load (check_struct_ops_btf_id uses st_ops->verifier_ops as env->ops)',
      init: 'at registration (bpf_struct_ops_desc_init calls st_ops->init(btf))',
      init_member: 'at the first map update (bpf_struct_ops_map_update_elem calls st_ops->init_member for every member)',
      reg: 'at attach (map update of a non-link map, or BPF_LINK_CREATE)',
      unreg: 'at detach (map delete or link release)',
    };
    const findings: Finding[] = [];
    // NULL init is reported by bpf_struct_ops_desc_init's simulation, where it oopses.
    for (const name of ['verifier_ops', 'init_member', 'reg', 'unreg']) {
      const init = field(desc.item, name);
      if (!isNullValue(init)) continue;
      findings.push(this.finding(CheckId['REG-22'], 'error', undefined,
        `kernel NULL pointer dereference: struct bpf_struct_ops ${desc.item.varName}.${name} is NULL; the kernel would oops ${when[name]}`,
        init?.location ?? desc.item.nameLocation,
        `The kernel never checks \`.${name}\` for NULL: it is called ${when[name]}, which dereferences NULL and oopses. Provide a callback (it may just return 0).`,
        { channel: 'none' }));
    }
    // These oops later (load, update, attach, detach), not during registration.
    if (findings.length > 0) this.steps.push(stepOf(`struct bpf_struct_ops ${desc.item.varName}: callbacks the kernel calls unconditionally`, findings, 'ok'));
  }

  private register(reg: Located<Registration>, desc: Located<OpsDescriptor> | undefined): void {
    const { module, profile } = this.ctx;
    const r = reg.item;
    const call = r.callee === 'register_bpf_struct_ops' ? `register_bpf_struct_ops(&${r.descriptorName}, ${r.typeName ?? '?'})` : `__register_bpf_struct_ops(&${r.descriptorName})`;
    const findings: Finding[] = [];
    const related: RelatedInformation[] = desc ? [{ location: desc.item.nameLocation, message: `descriptor \`${desc.item.varName}\`` }] : [];
    if (!kernelHasModuleStructOps(profile)) {
      findings.push({
        check: ExtraCheckId['BUILD-01'], severity: 'error', phase: 'build', message: `implicit declaration of function '${r.callee}' [-Werror=implicit-function-declaration]`,
        channel: 'clang', location: r.location, related,
        explanation: `Linux ${profile.kernelVersion.text} predates dynamic struct_ops registration (6.9): modules cannot define struct_ops types; only the static BPF_STRUCT_OPS_TYPE list in kernel/bpf/bpf_struct_ops_types.h exists, and struct bpf_struct_ops has no .owner.`,
        rule: 'kernel < 6.9: no register_bpf_struct_ops, only the static BPF_STRUCT_OPS_TYPE list (dynamic registration, module struct_ops types, since 6.9)',
      });
      this.insmodFailure ??= findings[0];
      this.steps.push(stepOf(`${call} in ${module.name}`, findings));
      return;
    }
    if (!desc) {
      this.steps.push(stepOf(`${call} in ${module.name}: descriptor ${r.descriptorName} not found in the module's sources`, [], 'skipped'));
      return;
    }
    const d = desc.item;
    const owner = field(d, 'owner');
    const ownerIsModule = owner !== undefined && !isNullValue(owner);
    // btf_get_module_btf(st_ops->owner)
    let btf: BtfSpec | undefined;
    let btfName: string;
    if (!ownerIsModule) {
      findings.push(this.finding(CheckId['REG-23'], 'warning', undefined, `${d.varName} has no .owner: registered against vmlinux BTF`, owner?.location ?? d.nameLocation,
        `Without \`.owner = THIS_MODULE\`, btf_get_module_btf(NULL) picks vmlinux BTF: a type defined only in this module is not found there (REG-06), and no map ever takes a reference on the module, so it can be unloaded while maps still call into it (MOD-07).`,
        { related: [{ location: r.location, message: 'registered here' }] }));
      btf = profile.vmlinux?.spec;
      btfName = 'vmlinux';
    } else if (!this.ctx.object) {
      const how = this.ctx.assumptions.btf ?? 'present';
      findings.push(this.finding(CheckId['REG-01'], 'warning', undefined, how === 'no-config' ? '' : 'missing module BTF, cannot register struct_ops', r.location,
        `The module has no BTF object (${how === 'no-config' ? 'CONFIG_DEBUG_INFO_BTF_MODULES=n: nothing is printed' : 'its .BTF is missing or was rejected'}), so __register_bpf_struct_ops returns 0 and registers nothing; BPF objects then fail to find the type (LIB-09).`,
        { channel: how === 'no-config' ? 'none' : 'dmesg', related }));
      this.steps.push(stepOf(`${call}: btf_get_module_btf(THIS_MODULE) → no BTF for ${module.name}`, findings));
      return;
    } else {
      btf = this.ctx.object.spec;
      btfName = module.name;
    }
    if (!btf) {
      this.steps.push(stepOf(`${call}: no vmlinux BTF in the profile`, findings, 'skipped'));
      return;
    }
    const action = `${call}: btf_get_module_btf(${ownerIsModule ? 'THIS_MODULE' : 'NULL'}) → ${btfName} BTF; btf_add_struct_ops; bpf_struct_ops_desc_init`;
    // btf_add_struct_ops: the same desc object already in this BTF's table.
    const table = this.tables.get(btfName) ?? new Set<string>();
    this.tables.set(btfName, table);
    if (table.has(d.varName)) {
      findings.push(this.finding(CheckId['REG-21'], 'error', Errno.EEXIST, '', r.location,
        `\`${d.varName}\` is already in ${btfName}'s struct_ops table: btf_add_struct_ops returns -EEXIST without a message. Register each descriptor once.`,
        { channel: 'none', related }));
      this.finish(reg, action, findings);
      return;
    }
    const failure = this.descInit(reg, desc, btf, btfName, findings);
    if (!failure) table.add(d.varName);
    this.finish(reg, action, findings);
  }

  private finish(reg: Located<Registration>, action: string, findings: Finding[]): void {
    const failed = findings.some((f) => f.severity === 'error');
    // REG-24 matters when the module still loads: a failing registration whose result is ignored.
    if (failed && this.registered.length > 0 && !this.insmodFailed && reg.item.resultUse === 'ignored') {
      const kept = this.registered.map((t) => t.typeName).join(', ');
      const location = reg.item.location;
      findings.push(this.finding(CheckId['REG-24'], 'warning', undefined, '', location,
        `This registration fails but ${kept} registered earlier stay in the module's struct_ops table, and the module loads (the result is ignored) with only part of its types.`,
        { channel: 'none' }));
    }
    const crash = findings.find((f) => f.crash);
    if (failed && (reg.item.resultUse !== 'ignored' || crash)) {
      this.insmodFailed = true;
      this.insmodFailure ??= crash ?? findings.find((f) => f.severity === 'error');
    }
    if (!failed) this.blockingAfter(reg, findings);
    this.steps.push(stepOf(action, findings));
  }

  /** REG-25: module init blocks after registering; the type stays unusable until init returns (module COMING). */
  private blockingAfter(reg: Located<Registration>, findings: Finding[]): void {
    const init = this.ctx.module.initFunction;
    if (!init || reg.item.enclosingFunction !== init) return;
    const fn = this.ctx.module.functions.find((f) => f.item.name === init && f.file === reg.file)?.item;
    const after = (l: Location) => l.range.start.line > reg.item.location.range.start.line || (l.range.start.line === reg.item.location.range.start.line && l.range.start.character > reg.item.location.range.start.character);
    const call = fn?.calls.find((c) => after(c.location) && /^(msleep|ssleep|msleep_interruptible|usleep_range|schedule_timeout\w*|schedule|wait_for_completion\w*|wait_event\w*|request_firmware|flush_workqueue)$/.test(c.name));
    if (!call) return;
    findings.push(this.finding(CheckId['REG-25'], 'warning', undefined, '', call.location,
      `\`${call.name}\` runs inside module init after the type is registered: until init returns the module is COMING, not LIVE, so BPF_MAP_CREATE with its BTF fails with EINVAL (MAP-07) and BPF_PROG_LOAD with ENOTSUPP \`struct_ops module ${this.ctx.module.name} is not found\` (PRG-07, MOD-05).`,
      { channel: 'none', related: [{ location: reg.item.location, message: 'registered here' }] }));
  }

  /** bpf_struct_ops_desc_init (6.12 order). Returns true when the desc is not registered. */
  private descInit(reg: Located<Registration>, desc: Located<OpsDescriptor>, btf: BtfSpec, btfName: string, findings: Finding[]): boolean {
    const { module, profile, rules } = this.ctx;
    const d = desc.item;
    const related: RelatedInformation[] = [{ location: reg.item.location, message: `registered by ${reg.item.callee}` }];
    const nameField = field(d, 'name');
    const fail = (check: CheckId, errno: number | undefined, message: string, location: Location, explanation: string, extra: Partial<Finding> = {}) => {
      findings.push(this.finding(check, 'error', errno, message, location, explanation, { related, ...extra }));
      return true;
    };
    if (!nameField || nameField.value.kind !== 'string') {
      if (isNullValue(nameField)) {
        return fail(CheckId['REG-22'], undefined, `kernel NULL pointer dereference: ${d.varName}.name is NULL; the kernel would oops at registration (strlen(st_ops->name))`,
          nameField?.location ?? d.nameLocation, 'bpf_struct_ops_desc_init starts with strlen(st_ops->name). Set `.name` to the ops struct\'s name.', { channel: 'none', crash: true });
      }
      findings.push(this.finding(CheckId['REG-06'], 'information', undefined, '', (nameField as MemberInit).location, `\`.name\` could not be evaluated here; the registration is simulated with the type argument \`${reg.item.typeName ?? '?'}\`.`, { channel: 'none' }));
    }
    const name = nameField?.value.kind === 'string' ? nameField.value.value : reg.item.typeName ?? '';
    const nameLoc = nameField?.valueLocation ?? d.nameLocation;
    // REG-04
    if (name.length + VALUE_PREFIX_LEN >= VALUE_NAME_SIZE) {
      return fail(CheckId['REG-04'], Errno.EINVAL, `struct_ops name ${name} is too long`, nameLoc,
        `\`bpf_struct_ops_${name.slice(0, 8)}...\` must fit in 128 bytes: the name may have at most ${VALUE_NAME_SIZE - VALUE_PREFIX_LEN - 1} characters.`);
    }
    // REG-05
    const cfi = field(d, 'cfi_stubs');
    if (isNullValue(cfi)) {
      return fail(CheckId['REG-05'], Errno.EINVAL, `struct_ops for ${name} has no cfi_stubs`, cfi?.location ?? d.nameLocation,
        'Since 6.9 every struct_ops descriptor needs `.cfi_stubs`: a `struct T` variable whose members are stub functions with the ops\' prototypes (NULL for ops BPF may not implement).');
    }
    // REG-06
    const typeId = btf.findByNameKind(name, BtfKind.Struct);
    if (typeId === undefined) {
      const defined = reg.item.typeName && reg.item.typeName !== name ? ` The registration's type argument is \`${reg.item.typeName}\`.` : '';
      return fail(CheckId['REG-06'], Errno.EINVAL, `Cannot find struct ${name} in ${btfName}`, nameLoc,
        btfName === 'vmlinux' && this.ctx.object?.spec.findByNameKind(name, BtfKind.Struct, { ownOnly: true }) !== undefined
          ? `\`struct ${name}\` is defined in ${module.name}, but without \`.owner = THIS_MODULE\` the kernel looks for it in vmlinux BTF. Set \`.owner = THIS_MODULE\`.`
          : `\`.name\` must be the name of the ops struct as it appears in ${btfName}'s BTF.${defined}`);
    }
    const t = btf.typeById(typeId);
    if (t?.kind !== BtfKind.Struct) return true;
    const def = definitionOf(module, name);
    const typeLoc = def?.nameLocation ?? nameLoc;
    // REG-07
    if (t.members.length > MAX_MEMBERS) {
      return fail(CheckId['REG-07'], Errno.EINVAL, `Cannot support #${t.members.length} members in struct ${name}`, typeLoc,
        `A struct_ops type may have at most ${MAX_MEMBERS} members (BPF_STRUCT_OPS_MAX_NR_MEMBERS); \`struct ${name}\` has ${t.members.length}.`);
    }
    // REG-08..11
    const valueName = VALUE_PREFIX + name;
    const valueId = btf.findByNameKind(valueName, BtfKind.Struct);
    if (valueId === undefined) {
      return fail(CheckId['REG-08'], Errno.EINVAL, `Cannot find struct ${valueName} in ${btfName}`, reg.item.location,
        reg.item.callee === '__register_bpf_struct_ops'
          ? `\`__register_bpf_struct_ops\` does not define \`struct ${valueName}\`; use the \`register_bpf_struct_ops(&${d.varName}, ${name})\` macro, which defines it and forces it into BTF.`
          : `Nothing emits \`struct ${valueName}\` into ${btfName}'s BTF (the macro's type argument is \`${reg.item.typeName}\`, \`.name\` is \`${name}\`).`);
    }
    const vt = btf.typeById(valueId);
    const valueDef = definitionOf(module, valueName);
    const valueLoc = valueDef?.nameLocation ?? reg.item.location;
    if (vt?.kind !== BtfKind.Struct) return true;
    if (vt.members.length !== 2) {
      return fail(CheckId['REG-09'], Errno.EINVAL, `The number of ${valueName}'s members should be 2, but we get ${vt.members.length}`, valueLoc,
        `The value type must be exactly \`{ struct ${COMMON_VALUE} common; struct ${name} data; }\`; let the register_bpf_struct_ops() macro define it.`);
    }
    const commonId = profile.vmlinux?.spec.findByNameKind(COMMON_VALUE, BtfKind.Struct);
    if (vt.members[0].type !== commonId) {
      return fail(CheckId['REG-10'], Errno.EINVAL, `The first member of ${valueName} should be bpf_struct_ops_common_value`, memberLocation(valueDef, vt.members[0].name) ?? valueLoc,
        `The first member must be vmlinux's own \`struct ${COMMON_VALUE}\` (the kernel compares the type pointer).`);
    }
    if (vt.members[1].type !== typeId) {
      return fail(CheckId['REG-11'], Errno.EINVAL, `The second member of ${valueName} should be ${name}`, memberLocation(valueDef, vt.members[1].name) ?? valueLoc,
        `The second member must be \`struct ${name}\` itself (same BTF type id, no typedef).`);
    }
    // The member loop.
    const stubs = this.stubStates(d, t.members.map((m) => m.name));
    const stubVar = this.stubVariable(d);
    for (const m of t.members) {
      const mLoc = memberLocation(def, m.name) ?? typeLoc;
      if (m.name === '') {
        return fail(CheckId['REG-12'], Errno.EOPNOTSUPP, `anon member in struct ${name} is not supported`, def?.members.find((x) => x.name === '')?.location ?? typeLoc,
          'Every member of a struct_ops type needs a name: give the anonymous struct/union member a name.');
      }
      if (m.bitfieldSize > 0) {
        return fail(CheckId['REG-13'], Errno.EOPNOTSUPP, `bit field member ${m.name} in struct ${name} is not supported`, mLoc,
          'struct_ops types cannot have bitfields: use a whole integer.');
      }
      if (rules.moduleMemberCheck && profile.vmlinux?.spec.findByNameKind('module', BtfKind.Struct) === undefined) {
        const p = pointee(btf, m.type);
        if (p && (p.kind === BtfKind.Struct || p.kind === BtfKind.Fwd) && p.name === 'module') {
          return fail(CheckId['REG-14'], Errno.EOPNOTSUPP, `'struct module' btf id not found. Is CONFIG_MODULES enabled? bpf_struct_ops '${name}' needs module support.`, mLoc,
            `The profile's vmlinux has no \`struct module\` (CONFIG_MODULES=n), and \`${m.name}\` points to one.`, { rule: rules.why[2] });
        }
      }
      const proto = funcProtoOf(btf, m.type);
      if (!proto) continue;
      const stub = stubs.get(m.name) ?? { kind: 'unknown' };
      if (stub.kind === 'null') {
        if (rules.nullStubSkip) {
          findings.push(this.finding(CheckId['REG-15'], 'information', undefined, '', stub.location ?? mLoc,
            `\`${m.name}\` has no cfi stub, so registration skips it (no func model, no argument info) and BPF programs cannot implement it (PRG-11 at program load).`,
            { rule: rules.why[0], channel: 'none' }));
          continue;
        }
      }
      // btf_distill_func_proto
      const distill = this.distill(btf, proto, m.name);
      if (distill.error) {
        return fail(CheckId['REG-17'], Errno.EINVAL, `BPF: ${distill.error}\nError in parsing func ptr ${m.name} in struct ${name}`, mLoc,
          `The BPF trampoline cannot model \`${m.name}\`'s prototype: at most ${MAX_FUNC_ARGS} arguments, each at most 16 bytes (structs included), no struct return, no varargs.${stub.kind === 'null' ? ' Its stub is NULL, but this kernel still distills every function pointer member.' : ''}`,
          { rule: stub.kind === 'null' ? rules.why[0] : undefined });
      }
      if (rules.returnOver8 && distill.retSize > 8) {
        return fail(CheckId['REG-18'], Errno.EOPNOTSUPP, `func ptr ${m.name} in struct ${name} has a >8 byte return value, which is not supported`, mLoc,
          'The struct_ops trampoline saves only 8 bytes of the return value: return at most 64 bits.', { rule: rules.why[3] });
      }
      if (rules.nonStructPointerReturn && proto.returnType !== 0) {
        const r = btf.typeById(btf.skipModsAndTypedefs(proto.returnType));
        const target = r?.kind === BtfKind.Ptr ? btf.typeById(btf.skipModsAndTypedefs(r.type)) : undefined;
        if (r?.kind === BtfKind.Ptr && target?.kind !== BtfKind.Struct) {
          return fail(CheckId['REG-16'], Errno.EOPNOTSUPP, `func ptr ${m.name} in struct ${name} returns non-struct pointer, which is not supported`, mLoc,
            'Since ~6.15 a struct_ops op may return only a pointer to a struct (a referenced kptr).', { rule: 'kernel >= ~6.15 (position in the member loop UNVERIFIED)' });
        }
      }
      const argFailure = this.prepareArgInfo(btf, name, m.name, proto, stub, stubVar, mLoc, findings, related);
      if (argFailure) return true;
    }
    // init(btf)
    const initField = field(d, 'init');
    if (isNullValue(initField)) {
      return fail(CheckId['REG-22'], undefined, `kernel NULL pointer dereference: ${d.varName}.init is NULL; the kernel would oops at registration`,
        initField?.location ?? d.nameLocation, 'bpf_struct_ops_desc_init ends with st_ops->init(btf), unconditionally: insmod oopses. Provide an init callback that returns 0.',
        { channel: 'none', crash: true });
    }
    const init = initField?.value.kind === 'function' ? this.fn(initField.value.name) : undefined;
    if (init && init.returnConstants.length > 0 && init.returnConstants.some((c) => c !== 0n)) {
      const always = init.returnConstants.every((c) => c !== 0n);
      findings.push(this.finding(CheckId['REG-20'], always ? 'error' : 'warning', always ? Errno.EINVAL : undefined, `Error in init bpf_struct_ops ${name}`, init.nameLocation,
        `\`${init.name}\` returns ${init.returnConstants.filter((c) => c !== 0n).join(', ')}${always ? '' : ' on some paths'}; any non-zero value fails the registration with -EINVAL (init's own errno is discarded).`,
        { related }));
      if (always) return true;
    }
    this.registered.push({ typeName: name, btf: btfName, descriptor: d.varName, typeId, valueId, stubs });
    return false;
  }

  private fn(name: string): CFunction | undefined {
    return this.ctx.module.functions.find((f) => f.item.name === name)?.item;
  }

  private stubVariable(d: OpsDescriptor): StructVariable | undefined {
    const cfi = field(d, 'cfi_stubs');
    if (!cfi || cfi.value.kind !== 'addressOf') return undefined;
    const name = cfi.value.name;
    return this.ctx.module.structVariables.find((v) => v.item.varName === name)?.item;
  }

  private stubStates(d: OpsDescriptor, members: readonly string[]): Map<string, StubState> {
    const v = this.stubVariable(d);
    const out = new Map<string, StubState>();
    for (const m of members) {
      if (!v) {
        out.set(m, { kind: 'unknown' });
        continue;
      }
      const init = v.members.find((x) => x.name === m);
      if (!init || isNullValue(init)) out.set(m, { kind: 'null', location: init?.location });
      else if (init.value.kind === 'function') out.set(m, { kind: 'function', name: init.value.name, location: init.valueLocation });
      else out.set(m, { kind: 'unknown' });
    }
    return out;
  }

  /** btf_distill_func_proto (kernel/bpf/btf.c): the `BPF:` log line on failure. */
  private distill(btf: BtfSpec, proto: { returnType: number; params: readonly { type: number }[]; variadic: boolean }, mname: string): { error?: string; retSize: number } {
    const nargs = proto.params.length + (proto.variadic ? 1 : 0);
    if (nargs > MAX_FUNC_ARGS) return { error: `The function ${mname} has ${nargs} arguments. Too many.`, retSize: 0 };
    const ret = kernelTypeSize(btf, proto.returnType);
    if (ret.size < 0 || ret.kind === BtfKind.Struct || ret.kind === BtfKind.Union) return { error: `The function ${mname} return type ${kindName(ret.kind)} is unsupported.`, retSize: 0 };
    for (let i = 0; i < nargs; i++) {
      if (i === nargs - 1 && proto.variadic) return { error: `The function ${mname} with variable args is unsupported.`, retSize: ret.size };
      const a = kernelTypeSize(btf, proto.params[i].type);
      if (a.size < 0 || a.size > 16) return { error: `The function ${mname} arg${i} type ${kindName(a.kind)} is unsupported.`, retSize: ret.size };
      if (a.size === 0) return { error: `The function ${mname} has malformed void argument.`, retSize: ret.size };
    }
    return { retSize: ret.size };
  }

  /** prepare_arg_info (kernel/bpf/bpf_struct_ops.c): stub lookup and __nullable/__ref tags. */
  private prepareArgInfo(btf: BtfSpec, tname: string, mname: string, proto: { params: readonly { name: string; type: number }[] }, stub: StubState, stubVar: StructVariable | undefined,
    mLoc: Location, findings: Finding[], related: RelatedInformation[]): boolean {
    const { rules } = this.ctx;
    const stubLoc = stub.kind !== 'unknown' ? stub.location ?? mLoc : mLoc;
    const fail = (message: string, explanation: string, location = stubLoc) => {
      findings.push(this.finding(CheckId['REG-19'], 'error', Errno.EINVAL, message, location, explanation, { related: [...related, { location: mLoc, message: `member \`${mname}\`` }], rule: rules.why[1] }));
      return true;
    };
    let stubName: string;
    if (rules.stubLookup === 'name') {
      stubName = `${tname}__${mname}`;
      if (stubName.length >= 128) {
        findings.push(this.finding(CheckId['REG-19'], 'warning', undefined, 'Stub function name too long', stubLoc, 'The stub name `<T>__<member>` is 128 characters or more: its argument tags are ignored.', { rule: rules.why[1] }));
        return false;
      }
      if (btf.findByNameKind(stubName, BtfKind.Func) === undefined) {
        if (stub.kind === 'function' && this.fn(stub.name)?.params.some((p) => p.name.endsWith(NULLABLE) || p.name.endsWith(REF))) {
          findings.push(this.finding(CheckId['REG-19'], 'warning', undefined, '', stub.location, `This kernel finds stubs by the name \`${stubName}\`, which does not exist: the argument tags of \`${stub.name}\` are ignored and every pointer argument is trusted non-NULL.`, { rule: rules.why[1], channel: 'none' }));
        }
        return false;
      }
    } else {
      if (stub.kind !== 'function') return false; // address unknown (or NULL on a kernel that distills it): nothing to check
      stubName = stub.name;
      if (btf.findByNameKind(stubName, BtfKind.Func) === undefined) {
        if (!this.fn(stubName)) return false; // defined outside the workspace: cannot tell
        findings.push(this.finding(CheckId['REG-19'], 'error', Errno.ENOENT, `Cannot find the stub function ${stubName} in btf`, stubLoc, `\`${stubName}\` has no BTF_KIND_FUNC in the module's BTF (inlined or not emitted).`, { rule: rules.why[1] }));
        return true;
      }
    }
    const funcId = btf.findByNameKind(stubName, BtfKind.Func) as number;
    const func = btf.typeById(funcId);
    const stubProto = func?.kind === BtfKind.Func ? btf.typeById(func.type) : undefined;
    if (stubProto?.kind !== BtfKind.FuncProto) return false;
    const fnFacts = this.fn(stubName);
    const at = fnFacts?.nameLocation ?? stubLoc;
    const shown = rules.stubLookup === 'name' ? `${tname}__${mname}` : stubName;
    if (stubProto.params.length !== proto.params.length) {
      return fail(`the number of arguments of the stub function ${shown} does not match the number of arguments of the member ${mname} of struct ${tname}`,
        `\`${stubName}\` takes ${stubProto.params.length} argument(s), \`${mname}\` ${proto.params.length}: a stub must have the member's exact prototype.`, at);
    }
    for (let i = 0; i < proto.params.length; i++) {
      const pname = stubProto.params[i].name;
      const suffix = pname.length > NULLABLE.length && pname.endsWith(NULLABLE) ? NULLABLE : rules.refTag && pname.length > REF.length && pname.endsWith(REF) ? REF : undefined;
      if (!suffix) continue;
      const target = pointee(btf, proto.params[i].type);
      if (!target || target.kind !== BtfKind.Struct) {
        return fail(`stub function ${shown} has ${suffix} tagging to an unsupported type`,
          `\`${pname}\` is tagged \`${suffix}\`, but argument #${i} of \`${mname}\` is not a pointer to a struct.`, at);
      }
      if (proto.params[i].type !== stubProto.params[i].type) {
        return fail(`arg#${i} type in stub function ${shown} does not match with its original func_proto`,
          `Argument #${i} of \`${stubName}\` must have exactly the member's type (same BTF id).`, at);
      }
    }
    void stubVar;
    return false;
  }
}

/**
 * Simulates loading one workspace module (insmod) on `profile` — which should already include the
 * workspace modules (extendProfileWithModules) — and running every registration it makes, in
 * source order. Never throws; a module without registrations gives an empty trace.
 */
export function simulateRegistration(module: WorkspaceModule, profile: KernelProfile, assumptions: ModuleAssumptions = {}): ModuleTrace {
  const object = profile.objects.find((o): o is WorkspaceBtfObject => isWorkspaceObject(o) && o.workspace.name === module.name);
  const rules = registrationRules(profile.kernelVersion);
  const registrar = new Registrar({ module, profile, object, rules, assumptions });
  registrar.run();
  const notes = [
    `kernel ${profile.kernelVersion.text}: ${kernelHasModuleStructOps(profile) ? 'dynamic registration (6.9+)' : 'static registration only (< 6.9)'}`,
    ...(kernelHasModuleStructOps(profile) ? rules.why : []),
    object ? `${module.name}: synthesized BTF (object #${object.objectId}), module assumed loaded and LIVE once init returns` : `${module.name}: no BTF object in the profile`,
  ];
  const f = registrar.insmodFailure;
  const outcome: SimulationOutcome = f ? { ok: false, phase: f.phase, errno: f.errno, check: f.check, message: f.message, crash: f.crash } : { ok: true };
  return { module: module.name, profile: describeProfile(profile), steps: registrar.steps, outcome, registered: registrar.registered, notes };
}

// --- legacy static list (< 6.9) --------------------------------------------------------------------

/** The BTF object name a legacy trace reports under: the static list is part of vmlinux. */
export const LEGACY_TRACE = 'vmlinux (BPF_STRUCT_OPS_TYPE list)';
const LEGACY_RULE = 'kernel < 6.9: bpf_struct_ops_init checks the static BPF_STRUCT_OPS_TYPE list once at boot (5.6-6.8); since 6.9 types register with register_bpf_struct_ops()';

/**
 * bpf_struct_ops_init (kernel/bpf/bpf_struct_ops.c, 5.6-6.8), run from btf_parse_vmlinux at boot:
 * every BPF_STRUCT_OPS_TYPE(name) of the workspace's static list checked against the profile's
 * vmlinux BTF. Failures are non-fatal pr_warns that skip the type (REG-L1..L6); `registered`
 * holds the types that pass. Undefined on 6.9+ (the list no longer exists) or without a list.
 */
export function simulateLegacyRegistration(files: readonly FileFacts[], profile: KernelProfile): ModuleTrace | undefined {
  const entries = files.flatMap((f) => f.legacyTypes.map((t) => ({ file: f, item: t })));
  if (entries.length === 0 || kernelHasModuleStructOps(profile)) return undefined;
  const steps: Step[] = [];
  const registered: RegisteredType[] = [];
  const warn = (check: CheckId, message: string, location: Location, explanation: string, related: RelatedInformation[] = []): Finding => ({
    check, severity: 'error', phase: 'register', message, channel: 'dmesg', location, related, explanation, rule: LEGACY_RULE,
  });
  const trace = (outcome: SimulationOutcome = { ok: true }): ModuleTrace => ({
    module: LEGACY_TRACE, profile: describeProfile(profile), steps, outcome, registered,
    notes: [`kernel ${profile.kernelVersion.text}: static registration only (< 6.9): the types of the workspace's BPF_STRUCT_OPS_TYPE list, checked against the profile's vmlinux BTF; a type that fails is skipped, so BPF_MAP_CREATE refuses its maps (MAP-09)`],
  });
  const spec = profile.vmlinux?.spec;
  if (!spec) {
    steps.push(stepOf('bpf_struct_ops_init: no vmlinux BTF', [], 'skipped'));
    return trace();
  }
  // Whole-init failure: bpf_struct_ops_init returns before the loop.
  if (spec.findByNameKind('module', BtfKind.Struct) === undefined) {
    steps.push(stepOf('bpf_struct_ops_init', [warn(CheckId['REG-L1'], 'Cannot find struct module in btf_vmlinux', entries[0].item.location, 'vmlinux BTF has no struct module (CONFIG_MODULES=n): bpf_struct_ops_init returns before registering any type.')]));
    return trace();
  }
  for (const { file, item } of entries) {
    const name = item.name;
    const findings: Finding[] = [];
    const fail = (check: CheckId, message: string, explanation: string, related: RelatedInformation[] = []) => findings.push(warn(check, message, item.location, explanation, related));
    const valueName = VALUE_PREFIX + name;
    const typeId = spec.findByNameKind(name, BtfKind.Struct);
    const valueId = spec.findByNameKind(valueName, BtfKind.Struct);
    const t = typeId === undefined ? undefined : spec.typeById(typeId);
    if (name.length + VALUE_PREFIX_LEN >= VALUE_NAME_SIZE) fail(CheckId['REG-L2'], `struct_ops name ${name} is too long`, 'The value type name `bpf_struct_ops_<name>` must fit in 128 bytes: the type is skipped.');
    else if (valueId === undefined) fail(CheckId['REG-L3'], `Cannot find struct ${valueName} in btf_vmlinux`, `The BPF_STRUCT_OPS_TYPE macro defines \`struct ${valueName}\` in bpf_struct_ops.c; this vmlinux BTF has none (the type does not exist in this kernel, or the list entry is misspelt), so the type is skipped.`);
    else if (t?.kind !== BtfKind.Struct) fail(CheckId['REG-L3'], `Cannot find struct ${name} in btf_vmlinux`, `vmlinux BTF has no \`struct ${name}\`: the type is skipped.`);
    else if (t.members.length > MAX_MEMBERS) fail(CheckId['REG-L4'], `Cannot support #${t.members.length} members in struct ${name}`, `At most ${MAX_MEMBERS} members (BPF_STRUCT_OPS_MAX_NR_MEMBERS): the type is skipped.`);
    else {
      for (const m of t.members) {
        if (m.name === '') { fail(CheckId['REG-L5'], `anon member in struct ${name} is not supported`, 'Anonymous members are not supported: the type is skipped.'); break; }
        if (m.bitfieldSize > 0) { fail(CheckId['REG-L5'], `bit field member ${m.name} in struct ${name} is not supported`, 'Bitfields are not supported: the type is skipped.'); break; }
      }
      // The legacy descriptor is `bpf_<name>` (BPF_STRUCT_OPS_TYPE pastes it), defined by its subsystem.
      const desc = files.flatMap((f) => f.descriptors).find((d) => d.varName === `bpf_${name}`);
      const init = desc && field(desc, 'init');
      const fn = init?.value.kind === 'function' ? files.flatMap((f) => f.functions).find((f) => f.name === (init.value as { name: string }).name) : undefined;
      if (findings.length === 0 && fn && fn.returnConstants.length > 0 && fn.returnConstants.every((c) => c !== 0n)) {
        fail(CheckId['REG-L6'], `Error in init bpf_struct_ops ${name}`, `\`${fn.name}\` never returns 0, so bpf_struct_ops_init skips \`${name}\`.`, [{ location: fn.nameLocation, message: `init of bpf_${name}` }]);
      }
    }
    if (findings.length === 0 && typeId !== undefined && valueId !== undefined) {
      registered.push({ typeName: name, btf: 'vmlinux', descriptor: `bpf_${name}`, typeId, valueId, stubs: new Map() });
    }
    steps.push(stepOf(`bpf_struct_ops_init: BPF_STRUCT_OPS_TYPE(${name}) (${file.file})`, findings));
  }
  return trace();
}

// --- the registry the BPF-side phases consult -------------------------------------------------------

/**
 * Workspace modules on one profile: the extended profile, each module's registration trace, and
 * the findings the BPF-side phases add for maps and programs of workspace module types.
 */
export class ModuleRegistry {
  private readonly traces = new Map<string, ModuleTrace>();

  private constructor(
    /** The profile the workspace modules were added to. */
    readonly base: KernelProfile,
    readonly extended: ExtendedProfile,
    readonly modules: readonly WorkspaceModule[],
    private readonly assumptions: (module: string) => ModuleAssumptions,
    /** Kernels < 6.9: the boot-time check of the workspace's static BPF_STRUCT_OPS_TYPE list. */
    readonly legacy: ModuleTrace | undefined,
  ) {}

  /** `files` holds the static list (BPF_STRUCT_OPS_TYPE) and its descriptors, for kernels < 6.9. */
  static build(profile: KernelProfile, modules: readonly WorkspaceModule[], assumptions: (module: string) => ModuleAssumptions = () => ({}), files: readonly FileFacts[] = []): ModuleRegistry {
    const legacy = simulateLegacyRegistration(files.filter((f) => f.legacyTypes.length > 0 || f.descriptors.length > 0), profile);
    return new ModuleRegistry(profile, extendProfileWithModules(profile, modules, assumptions), modules, assumptions, legacy);
  }

  get profile(): KernelProfile {
    return this.extended.profile;
  }

  module(name: string): WorkspaceModule | undefined {
    return this.modules.find((m) => m.name === name);
  }

  /** Every workspace module's registration trace, in name order, then the static list's (< 6.9). */
  allTraces(): ModuleTrace[] {
    return [...this.modules.map((m) => this.trace(m.name) as ModuleTrace), ...(this.legacy ? [this.legacy] : [])];
  }

  /** The registration trace of a module (memoized); undefined for an unknown module. */
  trace(name: string): ModuleTrace | undefined {
    const module = this.module(name);
    if (!module) return undefined;
    let t = this.traces.get(name);
    if (!t) {
      t = simulateRegistration(module, this.profile, this.assumptions(name));
      this.traces.set(name, t);
    }
    return t;
  }

  /** The trace step that says which workspace modules the BPF-side simulation sees. */
  noteStep(): Step | undefined {
    if (this.extended.notes.length === 0) return undefined;
    return { phase: 'register', action: this.extended.notes.join('; '), outcome: 'ok', findings: [] };
  }

  private registeredIn(map: LoadedMap): { object: WorkspaceBtfObject; type?: RegisteredType; trace: ModuleTrace } | undefined {
    const object = map.kernel.object;
    if (!isWorkspaceObject(object)) return undefined;
    const trace = this.trace(object.workspace.name);
    if (!trace) return undefined;
    const type = trace.registered.find((r) => r.btf === object.name && r.valueId === map.kernel.valueId);
    return { object, type, trace };
  }

  /**
   * BPF_MAP_CREATE of a map whose type libbpf found in a workspace module: the flags libbpf sets
   * (LIB-22: BPF_F_VTYPE_BTF_OBJ_FD, module BTF fd — MAP-07 passes, the module is LIVE) and MAP-09
   * when registration did not put the value type in the module's struct_ops table.
   */
  mapCreateFindings(map: LoadedMap): Finding[] {
    const legacy = this.legacyMapCreate(map);
    if (legacy) return [legacy];
    const found = this.registeredIn(map);
    if (!found || found.type) return [];
    const failed = found.trace.steps.flatMap((s) => s.findings).find((f) => f.severity === 'error');
    return [this.unregisteredValueType(map, failed ? [{ location: failed.location, message: `registration of ${map.kernel.typeName} in ${found.object.name} fails: ${failed.message || failed.check}` }] : [],
      `\`bpf_struct_ops_${map.kernel.typeName}\` exists in ${found.object.name}'s BTF, so libbpf finds it and creates the map with BPF_F_VTYPE_BTF_OBJ_FD and that module's BTF fd, but the module never registered the type (its registration ${failed ? `fails with ${failed.check}` : 'does not run'}), so the kernel refuses the value type id with ENOTSUPP (524).`,
      `libbpf ${formatVersion(this.profile.libbpfVersion)} message format`)];
  }

  /** MAP-09 on < 6.9 for a vmlinux type the workspace's static list names but bpf_struct_ops_init skipped. */
  private legacyMapCreate(map: LoadedMap): Finding | undefined {
    const legacy = this.legacy;
    if (!legacy || map.kernel.object.isModule || legacy.registered.some((r) => r.typeName === map.kernel.typeName)) return undefined;
    const step = legacy.steps.find((s) => s.action.startsWith(`bpf_struct_ops_init: BPF_STRUCT_OPS_TYPE(${map.kernel.typeName})`)) ?? (legacy.registered.length === 0 ? legacy.steps[0] : undefined);
    const failed = step?.findings.find((f) => f.severity === 'error');
    if (!failed) return undefined;
    return this.unregisteredValueType(map, [{ location: failed.location, message: `bpf_struct_ops_init skipped ${map.kernel.typeName}: ${failed.message}` }],
      `\`bpf_struct_ops_${map.kernel.typeName}\` is in vmlinux BTF, so libbpf creates the map, but bpf_struct_ops_init skipped the type at boot (${failed.check}), so the kernel's static table has no type with this value id and BPF_MAP_CREATE fails with ENOTSUPP (524).`,
      `${LEGACY_RULE}; libbpf ${formatVersion(this.profile.libbpfVersion)} message format`);
  }

  /** MAP-09 as libbpf prints it: `map '%s': failed to create: %s(%d)` (<= 1.5, strerror text) or `: %s` (1.6+, errstr). */
  private unregisteredValueType(map: LoadedMap, related: RelatedInformation[], explanation: string, rule: string): Finding {
    const message = atLeast(this.profile.libbpfVersion, 1, 6) ? `map '${map.map.name}': failed to create: -ENOTSUPP` : `map '${map.map.name}': failed to create: ERROR: strerror_r(-524)=22(-524)`;
    return { check: CheckId['MAP-09'], severity: 'error', phase: 'map_create', errno: Errno.ENOTSUPP, message, channel: 'libbpf', location: map.map.typeLocation, related, explanation, rule };
  }

  /**
   * UPD-08 for maps of workspace types. bpf_struct_ops_map_update_elem asks init_member first; the
   * generic check (no knowledge of the type) treats every non-zero non-function member as not
   * consumed. Here a member with a `case offsetof(struct T, member):` in the module's init_member
   * is consumed: its generic UPD-08 is dropped. Returns the findings to keep.
   */
  mapUpdateFindings(maps: readonly LoadedMap[], generic: readonly Finding[]): Finding[] {
    const drop = new Set<Finding>();
    for (const map of maps) {
      const found = this.registeredIn(map);
      if (!found?.type) continue;
      const module = found.object.workspace;
      const desc = module.descriptors.find((d) => d.item.varName === found.type?.descriptor)?.item;
      const initMember = desc && field(desc, 'init_member');
      const fn = initMember?.value.kind === 'function' ? module.functions.find((f) => f.item.name === (initMember.value as { name: string }).name)?.item : undefined;
      if (!fn) continue;
      const consumed = fn.offsetofCases.filter((c) => c.typeName === map.kernel.typeName).map((c) => c.member);
      const spots = map.map.members.filter((m) => consumed.includes(m.name)).flatMap((m) => [m.location, m.valueLocation]);
      for (const f of generic) {
        if (f.check !== CheckId['UPD-08']) continue;
        if (spots.some((l) => l.file === f.location.file && l.range.start.line === f.location.range.start.line && l.range.start.character === f.location.range.start.character)) drop.add(f);
      }
    }
    return generic.filter((f) => !drop.has(f));
  }

  /** PRG-11 for programs wired to a member of a workspace type whose cfi stub is NULL (6.12+). */
  progLoadFindings(maps: readonly LoadedMap[], programs: readonly { name: string; nameLocation: Location }[], already: readonly Finding[] = []): Finding[] {
    if (!atLeast(this.profile.kernelVersion, 6, 12)) return [];
    const out: Finding[] = [];
    const seen = new Set<string>();
    for (const map of maps) {
      const found = this.registeredIn(map);
      if (!found?.type) continue;
      for (const w of map.wired) {
        if (seen.has(w.program)) continue;
        seen.add(w.program);
        const stub = found.type.stubs.get(w.member);
        if (stub?.kind !== 'null') continue;
        const program = programs.find((p) => p.name === w.program);
        // The verifier stops at a program's first error: one the generic checks found wins.
        if (program && already.some((f) => f.severity === 'error' && f.location.file === program.nameLocation.file && f.location.range.start.line === program.nameLocation.range.start.line)) continue;
        out.push({
          check: CheckId['PRG-11'], severity: 'error', phase: 'prog_load', errno: Errno.ENOTSUPP,
          message: `attach to unsupported member ${w.member} of struct ${map.kernel.typeName}`, channel: 'verifier', location: program?.nameLocation ?? w.location,
          related: [{ location: w.location, message: `\`${w.program}\` fills ${map.map.name}.${w.member}` }, ...(stub.location ? [{ location: stub.location, message: `NULL cfi stub in ${found.object.name}` }] : [])],
          explanation: `${found.object.name}'s cfi stub for \`${map.kernel.typeName}.${w.member}\` is NULL: the module does not let BPF implement this op. Leave the member unset, or give it a stub in the module.`,
          rule: 'kernel >= 6.12: a NULL cfi stub marks an unsupported member',
        });
      }
    }
    return out;
  }
}

// --- engine glue ----------------------------------------------------------------------------------

const kernelSide = (f: FileFacts | undefined) => !!f && (f.descriptors.length > 0 || f.registrations.length > 0 || f.structVariables.length > 0 || f.module !== undefined);

/**
 * What the engine keeps for workspace modules: assumptions, and the registry for the active
 * profile, rebuilt when a kernel-side source, a header or a build file changes.
 */
export class WorkspaceModuleState {
  private registry: ModuleRegistry | undefined;
  /** Why the last build of workspace modules failed (an internal error), if it did. */
  failure: string | undefined;
  /** Per-module assumptions (module BTF present or not); default: present. */
  readonly assumptions = new Map<string, ModuleAssumptions>();

  /**
   * `readFacts` gives facts of headers the engine has not indexed (read from disk), or undefined;
   * `kbuildFacts` the build files the workspace index knows.
   */
  constructor(
    private readonly readFacts: (file: string) => FileFacts | undefined,
    private readonly kbuildFacts: () => readonly KbuildFacts[],
  ) {}

  /** A file's facts changed from `previous` to `next` (undefined = added, removed, or not C: a build file). */
  changed(file: string, previous: FileFacts | undefined, next: FileFacts | undefined): void {
    if (file.endsWith('.h') || !previous || !next || kernelSide(previous) || kernelSide(next)) this.registry = undefined;
  }

  /** Rebuilds the registry on next use: a folder index changed many files at once. */
  invalidate(): void {
    this.registry = undefined;
  }

  setAssumptions(module: string, assumptions: ModuleAssumptions): void {
    this.assumptions.set(module, assumptions);
    this.registry = undefined;
  }

  /** The registry for `profile` over `allFiles()` (every known file's facts, asked for only when the registry is rebuilt). */
  for(profile: KernelProfile, allFiles: () => readonly FileFacts[]): ModuleRegistry {
    if (this.registry?.base === profile) return this.registry;
    const files = allFiles();
    const kbuild = this.kbuildFacts();
    const known = new Map(files.map((f) => [f.file, f]));
    try {
      const modules = collectWorkspaceModules(files, [...kbuild, ...kbuildNear(files, kbuild)], (file) => known.get(file) ?? this.readFacts(file));
      this.registry = ModuleRegistry.build(profile, modules, (name) => this.assumptions.get(name) ?? {}, files);
      this.failure = undefined;
    } catch (error) {
      // A bug in module synthesis must not take BPF-side checking down: simulate without modules.
      this.failure = error instanceof Error ? (error.stack ?? error.message) : String(error);
      this.registry = ModuleRegistry.build(profile, [], () => ({}), files);
    }
    return this.registry;
  }

  /** rmmod of `module` given the workspace's BPF objects simulated on the registry's profile. */
  unload(profile: KernelProfile, allFiles: () => readonly FileFacts[], moduleName: string, objects: readonly UnloadObject[], scenario: UnloadScenario = {}): UnloadTrace | undefined {
    const registry = this.for(profile, allFiles);
    const module = registry.module(moduleName);
    return module && simulateUnload(module, registry.profile, registry.trace(moduleName), objects, scenario);
  }
}

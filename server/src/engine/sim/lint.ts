// LINT-01..04: mistakes that neither the kernel nor libbpf reports as such, found by comparing the
// BPF source with the kernel profile and the workspace's module sources. They are warnings, never
// part of a load outcome: a program whose prototype differs from its member, a SEC() suffix naming
// another member, a copied ops struct that drifted from its module, an ops type two modules define.

import { BtfKind, formatMember, formatType, type BtfSpec } from '../btf';
import type { BpfProgram, CMember, CType, CTypeDefinition, StructOpsMap } from '../c/facts';
import type { Location } from '../common/location';
import type { BtfObject, KernelProfile } from '../kernel/profile';
import { isWorkspaceObject, type WorkspaceModule } from '../kernel/workspaceModules';
import { essentialName, findKernelOpsType, isLookupError, STRUCT_OPS_VALUE_PREFIX, typeIdByName, type KernelOpsType } from './kernelTypes';
import { localSize } from './localTypes';
import { classifyMapSection, classifyProgramSection, findProgram, structOpsMaps, type BpfObjectInput } from './objectModel';
import { ExtraCheckId, type Finding } from './trace';
import { atLeast, formatVersion } from './versions';

const NOT_A_RULE = 'lint: not a kernel or libbpf rule';

function lint(check: ExtraCheckId, message: string, location: Location, explanation: string, related: Finding['related'] = []): Finding {
  return { check, severity: 'warning', phase: 'lint', message, channel: 'none', location, related, explanation, rule: NOT_A_RULE };
}

// --- type shapes ------------------------------------------------------------------------------------

/** What LINT-01 compares of a type: kind, size, signedness and the struct a pointer points to. */
interface Shape {
  readonly kind: 'void' | 'int' | 'ptr' | 'struct' | 'union' | 'float' | 'other';
  readonly size?: number;
  readonly signed?: boolean;
  /** Struct/union tag (by value) or the pointee's tag (pointers). */
  readonly tag?: string;
}

function kernelShape(spec: BtfSpec, id: number): Shape {
  const t = spec.typeById(spec.skipModsAndTypedefs(id));
  if (!t || t.kind === BtfKind.Unknown) return { kind: 'void' };
  switch (t.kind) {
    case BtfKind.Int:
      // char signedness is the compiler's choice: not compared.
      return { kind: 'int', size: t.size, signed: t.char ? undefined : t.signed };
    case BtfKind.Enum: case BtfKind.Enum64:
      return { kind: 'int', size: t.size };
    case BtfKind.Ptr: {
      const to = spec.typeById(spec.skipModsAndTypedefs(t.type));
      return { kind: 'ptr', tag: to && (to.kind === BtfKind.Struct || to.kind === BtfKind.Union) && to.name !== '' ? to.name : undefined };
    }
    case BtfKind.Struct: return { kind: 'struct', size: t.size, tag: t.name || undefined };
    case BtfKind.Union: return { kind: 'union', size: t.size, tag: t.name || undefined };
    case BtfKind.Float: return { kind: 'float', size: t.size };
    default: return { kind: 'other' };
  }
}

const unsignedName = /^(unsigned\b|u8|u16|u32|u64|__u8|__u16|__u32|__u64|uint\d+_t|size_t|bool|_Bool|__be\d+|__le\d+)$/;
const signedName = /^(int|long|long long|long int|long long int|short|short int|signed\b.*|s8|s16|s32|s64|__s8|__s16|__s32|__s64|int\d+_t|ssize_t)$/;

/** The shape of a BPF-side C type; typedef names vmlinux.h takes from the kernel resolve through `vmlinux`; undefined when unknown. */
function localShape(type: CType, vmlinux: BtfSpec | undefined): Shape | undefined {
  switch (type.kind) {
    case 'named': {
      if (type.name === 'void') return { kind: 'void' };
      const size = localSize(type);
      if (size !== undefined) return { kind: 'int', size, signed: unsignedName.test(type.name) ? false : signedName.test(type.name) ? true : undefined };
      const typedef = vmlinux && typeIdByName(vmlinux, type.name, BtfKind.Typedef);
      return typedef === undefined ? undefined : kernelShape(vmlinux as BtfSpec, typedef);
    }
    case 'pointer':
      return { kind: 'ptr', tag: (type.to.kind === 'struct' || type.to.kind === 'union') && type.to.tag !== '' ? type.to.tag : undefined };
    case 'struct': case 'union':
      return { kind: type.kind, tag: type.tag || undefined };
    case 'enum':
      return { kind: 'int', size: 4 };
    default:
      return { kind: 'other' };
  }
}

/** Whether two shapes certainly differ; anything unknown on either side counts as the same. */
function differs(local: Shape | undefined, kernel: Shape): boolean {
  if (!local || local.kind === 'other' || kernel.kind === 'other') return false;
  if (local.kind !== kernel.kind) return true;
  if (local.size !== undefined && kernel.size !== undefined && local.size !== kernel.size) return true;
  if (local.signed !== undefined && kernel.signed !== undefined && local.signed !== kernel.signed) return true;
  return local.tag !== undefined && kernel.tag !== undefined && local.tag !== kernel.tag;
}

/** A C type as written, for messages: `struct sock *`, `u32`, `char [16]`. */
export function cTypeText(type: CType): string {
  switch (type.kind) {
    case 'named': return type.name;
    case 'struct': case 'union': case 'enum': return `${type.kind} ${type.tag || '<anonymous>'}`;
    case 'pointer': return `${cTypeText(type.to)} *`;
    case 'array': return `${cTypeText(type.of)} [${type.length ?? ''}]`;
    case 'function': return `${cTypeText(type.returns)} (*)(${type.params.map((p) => cTypeText(p.type)).join(', ')})`;
  }
}

// --- wiring: which program fills which kernel member ------------------------------------------------

interface Filled {
  readonly map: StructOpsMap;
  readonly kernel: KernelOpsType;
  readonly member: string;
  readonly memberIndex: number;
  readonly program: BpfProgram;
  readonly location: Location;
}

interface MapLookup {
  readonly map: StructOpsMap;
  readonly kernel: KernelOpsType | undefined;
}

/**
 * Every struct_ops program placed in a kernel member by a map initializer libbpf would initialise
 * (any other program there is LIB-07's).
 */
function filledMembers(input: BpfObjectInput, lookups: readonly MapLookup[], libbpf: KernelProfile['libbpfVersion']): Filled[] {
  const out: Filled[] = [];
  for (const { map, kernel } of lookups) {
    if (!kernel) continue;
    const type = kernel.object.spec.typeById(kernel.typeId);
    if (type?.kind !== BtfKind.Struct) continue;
    for (const init of map.members) {
      if (init.value.kind !== 'function') continue;
      const program = findProgram(input.facts, init.value.name);
      const memberIndex = type.members.findIndex((m) => m.name === init.name);
      if (!program || memberIndex < 0 || !classifyProgramSection(program.section, libbpf).structOps) continue;
      out.push({ map, kernel, member: init.name, memberIndex, program, location: init.valueLocation });
    }
  }
  return out;
}

function memberProto(kernel: KernelOpsType, memberIndex: number) {
  const spec = kernel.object.spec;
  const type = spec.typeById(kernel.typeId);
  if (type?.kind !== BtfKind.Struct) return undefined;
  const pointer = spec.typeById(spec.skipModsAndTypedefs(type.members[memberIndex].type));
  if (pointer?.kind !== BtfKind.Ptr) return undefined;
  const proto = spec.typeById(spec.skipModsAndTypedefs(pointer.type));
  return proto?.kind === BtfKind.FuncProto ? proto : undefined;
}

// --- LINT-01 ---------------------------------------------------------------------------------------

/**
 * LINT-01: the program's declared arguments and return type against the member's func proto. A
 * declared extra argument the body reads is PRG-16's, and a `void` program for a value-returning
 * member that never sets R0 is PRG-17's: those differences are left to them.
 */
function prototypeMismatch(f: Filled, vmlinux: BtfSpec | undefined): Finding | undefined {
  const proto = memberProto(f.kernel, f.memberIndex);
  if (!proto) return undefined;
  const spec = f.kernel.object.spec;
  const { program } = f;
  const problems: string[] = [];
  // A plain function gets the ctx array itself, not the member's arguments: only its return type is comparable.
  if (program.declaredWith !== 'plain') {
    const nargs = proto.params.length;
    const readsExtra = (program.body?.ctxReads ?? []).some((r) => r.slot >= nargs);
    if (program.params.length !== nargs && !(program.params.length > nargs && readsExtra)) {
      problems.push(`declares ${program.params.length} argument${program.params.length === 1 ? '' : 's'}, the member takes ${nargs}`);
    }
    const common = Math.min(nargs, program.params.length);
    for (let i = 0; i < common; i++) {
      const kernel = kernelShape(spec, proto.params[i].type);
      if (differs(localShape(program.params[i].type, vmlinux), kernel)) {
        problems.push(`argument ${i + 1} is \`${cTypeText(program.params[i].type)}\`, the member's is \`${formatType(spec, proto.params[i].type)}\``);
      }
    }
  }
  const kernelReturn = kernelShape(spec, proto.returnType);
  const localReturn = localShape(program.returnType, vmlinux);
  const prg17 = kernelReturn.kind !== 'void' && localReturn?.kind === 'void' && !program.returnsValue;
  if (!prg17 && differs(localReturn, kernelReturn)) {
    problems.push(`returns \`${cTypeText(program.returnType)}\`, the member returns \`${formatType(spec, proto.returnType)}\``);
  }
  if (problems.length === 0) return undefined;
  const prototype = formatMember(spec, f.kernel.typeId, f.memberIndex);
  return lint(ExtraCheckId['LINT-01'], `${program.name} ${problems.join('; ')} (${f.kernel.typeName}.${f.member}: ${prototype})`, program.nameLocation,
    `\`${program.name}\` fills \`${f.kernel.typeName}.${f.member}\`, whose prototype in ${f.kernel.object.name} is \`${prototype}\`. The \`(void *)\` cast in the initializer hides the difference from clang, and the verifier checks only what the program does with its context (reading a missing argument, PRG-16; no return value, PRG-17): arguments are still passed and returned as the kernel's prototype says. Declare the program with the member's prototype.`,
    [{ location: f.location, message: `fills ${f.map.name}.${f.member}` }]);
}

// --- LINT-02 ---------------------------------------------------------------------------------------

/** LINT-02: `SEC("struct_ops/NAME")` where NAME is another member of the type than the one(s) filled. */
function sectionNamesOtherMember(program: BpfProgram, fills: readonly Filled[]): Finding | undefined {
  const suffix = /^\??struct_ops(?:\.s)?\/(.+)$/.exec(program.section)?.[1];
  if (!suffix || fills.some((f) => f.member === suffix)) return undefined;
  const first = fills[0];
  const type = first.kernel.object.spec.typeById(first.kernel.typeId);
  if (type?.kind !== BtfKind.Struct || !type.members.some((m) => m.name === suffix)) return undefined;
  const filled = [...new Set(fills.map((f) => `${f.map.name}.${f.member}`))].join(', ');
  return lint(ExtraCheckId['LINT-02'], `SEC("${program.section}") names member ${suffix}, but ${program.name} fills ${filled}`, program.sectionLocation,
    `libbpf ignores the text after \`struct_ops/\`: the map initializer alone decides which member a program implements, so \`${program.name}\` runs as \`${first.kernel.typeName}.${first.member}\`, not as \`${suffix}\`. Rename the section (or the initializer's member) so the two agree.`,
    fills.map((f) => ({ location: f.location, message: `fills ${f.map.name}.${f.member}` })));
}

// --- LINT-03 ---------------------------------------------------------------------------------------

function moduleDefinition(module: WorkspaceModule, tag: string): CTypeDefinition | undefined {
  for (const f of [...module.headers, ...module.sources]) {
    const def = f.typeDefinitions.find((d) => d.kind === 'struct' && d.name === tag && d.members.length > 0);
    if (def) return def;
  }
  return undefined;
}

function memberSize(m: CMember): number | undefined {
  return m.bitfieldWidth === undefined ? localSize(m.type) : undefined;
}

/** The differences between a copied struct and the module's: removed there, resized, reordered, added there. */
function drift(local: CTypeDefinition, upstream: CTypeDefinition): string[] {
  const upstreamBy = new Map(upstream.members.map((m) => [m.name, m]));
  const localNames = new Set(local.members.map((m) => m.name));
  const out: string[] = [];
  const removed = local.members.filter((m) => m.name !== '' && !upstreamBy.has(m.name)).map((m) => m.name);
  if (removed.length > 0) out.push(`no longer in the module: ${removed.join(', ')}`);
  for (const m of local.members) {
    const there = upstreamBy.get(m.name);
    if (!there || m.name === '') continue;
    const here = memberSize(m);
    const size = memberSize(there);
    if (here !== undefined && size !== undefined) {
      if (here !== size) out.push(`${m.name} is ${here} bytes here, ${size} in the module`);
    } else if (cTypeText(m.type) !== cTypeText(there.type) || m.bitfieldWidth !== there.bitfieldWidth) {
      out.push(`${m.name} is \`${m.text.trim()}\` here, \`${there.text.trim()}\` in the module`);
    }
  }
  const localOrder = local.members.map((m) => m.name).filter((n) => n !== '' && upstreamBy.has(n));
  const upstreamOrder = upstream.members.map((m) => m.name).filter((n) => localNames.has(n));
  const at = localOrder.findIndex((n, i) => n !== upstreamOrder[i]);
  if (at >= 0) out.push(`reordered: ${upstreamOrder[at]} comes before ${localOrder[at]} in the module`);
  const added = upstream.members.filter((m) => m.name !== '' && !localNames.has(m.name)).map((m) => m.name);
  if (added.length > 0) out.push(`missing here: ${added.join(', ')}`);
  return out;
}

/**
 * LINT-03: the BPF side defines the ops struct itself (copied from a module header) and the
 * workspace module libbpf would take it from defines it differently now. A BPF file that includes
 * the module's own header sees the same definition and is never reported.
 */
function copiedStructDrift(input: BpfObjectInput, lookup: MapLookup, profile: KernelProfile): Finding | undefined {
  const local = input.localType(lookup.map.typeName);
  if (!local) return undefined;
  const tag = essentialName(lookup.map.typeName);
  const modules = workspaceModulesOf(profile);
  // A definition from some module's own sources or headers is that module's, not a copy (LINT-04 covers a type two modules define).
  if (modules.some((m) => [...m.sources, ...m.headers].some((f) => f.file === local.location.file))) return undefined;
  const candidates = lookup.kernel && isWorkspaceObject(lookup.kernel.object) ? [lookup.kernel.object.workspace] : modules;
  for (const module of candidates) {
    const upstream = moduleDefinition(module, tag);
    if (!upstream) continue;
    const differences = drift(local, upstream);
    if (differences.length === 0) return undefined;
    return lint(ExtraCheckId['LINT-03'], `struct ${local.name} differs from module ${module.name}'s struct ${tag}: ${differences.join('; ')}`, local.nameLocation,
      `This BPF-side \`struct ${local.name}\` is a copy of the module's definition, and the module has changed since. libbpf matches members by name and copies them at the module's offsets, so a removed member fails the load when set (LIB-12), a resized one always (LIB-18), and a reordered or missing one silently stays as written. Include the module's header, or copy the definition again.`,
      [{ location: upstream.nameLocation, message: `${module.name}'s definition` }]);
  }
  return undefined;
}

function workspaceModulesOf(profile: KernelProfile): WorkspaceModule[] {
  return profile.objects.filter(isWorkspaceObject).map((o) => o.workspace);
}

// --- LINT-04 ---------------------------------------------------------------------------------------

/**
 * LINT-04: more than one module BTF defines the ops type libbpf looks up first (T on 1.4-1.6,
 * bpf_struct_ops_T on 1.7+; libbpf.c find_ksym_btf_id walks module BTF objects in id order and
 * takes the first hit). Before 1.4 libbpf never searches modules (LIB-09 instead).
 */
function typeInSeveralModules(lookup: MapLookup, profile: KernelProfile): Finding | undefined {
  const libbpf = profile.libbpfVersion;
  if (!atLeast(libbpf, 1, 4)) return undefined;
  const tag = essentialName(lookup.map.typeName);
  const searched = atLeast(libbpf, 1, 7) ? STRUCT_OPS_VALUE_PREFIX + tag : tag;
  const owners = profile.objects.filter((o) => o.isModule && o.spec.findByNameKind(searched, BtfKind.Struct, { ownOnly: true }) !== undefined);
  if (owners.length < 2) return undefined;
  const inVmlinux = profile.vmlinux?.spec.findByNameKind(searched, BtfKind.Struct) !== undefined;
  const assumed = owners.some(isWorkspaceObject) || profile.btfSource !== 'live';
  const order = owners.map((o) => `${o.name} (#${o.objectId})`).join(', ');
  const pick = inVmlinux ? 'vmlinux (searched before any module)' : owners[0].name;
  return lint(ExtraCheckId['LINT-04'], `struct ${searched} is defined by ${owners.length} modules: ${owners.map((o) => o.name).join(', ')}; libbpf ${formatVersion(libbpf)} takes ${pick}${assumed ? ' if they load in this order' : ''}`,
    lookup.map.typeLocation,
    `libbpf searches vmlinux, then every module's BTF in BTF object id order (load order: ${order}${assumed ? `; ${whyAssumed(owners)}` : ', as /sys/kernel/btf and /proc/modules show'}), and takes the first \`struct ${searched}\` it finds without trying the others. An object written for another module's layout then fails at load (LIB-12, LIB-18). Give each module's type its own name, or make sure only one of them is loaded.`,
    []);
}

function whyAssumed(owners: readonly BtfObject[]): string {
  return owners.some(isWorkspaceObject)
    ? 'workspace modules are assumed to load after the profile\'s modules, in name order'
    : 'the BTF files given stand in for the load order';
}

// --- entry -----------------------------------------------------------------------------------------

/** LINT-01..04 for one object on `profile` (workspace modules included). Never throws; warnings only. */
export function lintObject(input: BpfObjectInput, profile: KernelProfile): Finding[] {
  const libbpf = profile.libbpfVersion;
  const lookups: MapLookup[] = structOpsMaps(input.facts)
    .filter((map) => classifyMapSection(map.section, libbpf).known)
    .map((map) => {
      const kernel = findKernelOpsType(profile, map.typeName);
      return { map, kernel: isLookupError(kernel) ? undefined : kernel };
    });
  if (lookups.length === 0) return [];
  const findings: Finding[] = [];
  const fills = filledMembers(input, lookups, libbpf);
  const vmlinux = profile.vmlinux?.spec;
  const byProgram = new Map<BpfProgram, Filled[]>();
  for (const f of fills) byProgram.set(f.program, [...(byProgram.get(f.program) ?? []), f]);
  for (const [program, uses] of byProgram) {
    const mismatch = prototypeMismatch(uses[0], vmlinux);
    if (mismatch) findings.push(mismatch);
    const section = sectionNamesOtherMember(program, uses);
    if (section) findings.push(section);
  }
  const seenTypes = new Set<string>();
  for (const lookup of lookups) {
    if (seenTypes.has(lookup.map.typeName)) continue;
    seenTypes.add(lookup.map.typeName);
    const copied = copiedStructDrift(input, lookup, profile);
    if (copied) findings.push(copied);
    const several = typeInSeveralModules(lookup, profile);
    if (several) findings.push(several);
  }
  return findings;
}

// What the kernel profile says about one struct_ops type, for editor features: where the type
// lives (vmlinux or a module's BTF), whether it is registered (bpf_struct_ops_<T> exists), and per
// member its C prototype, index, offset and the knowledge base's required/unsupported/sleepable rules.

import { BtfKind, formatMember, formatType, type BtfFuncProto, type BtfSpec, type BtfStruct } from '../btf';
import type { BtfObject, KernelProfile } from '../kernel/profile';
import { essentialName, findKernelOpsType, isLookupError, STRUCT_OPS_VALUE_PREFIX } from '../sim/kernelTypes';
import { knowledgeFor, type KnowledgeContext, type OpsSnapshot, type SubsystemKnowledge } from '../sim/knowledge';
import { formatVersion } from '../sim/versions';

export interface KernelParam {
  readonly name: string;
  /** The parameter's C type, e.g. `struct sock *`. */
  readonly type: string;
}

export interface KernelMemberInfo {
  readonly name: string;
  readonly index: number;
  readonly byteOffset: number;
  readonly bitOffset: number;
  /** The member as C, e.g. `u32 (*ssthresh)(struct sock *sk)`. */
  readonly prototype: string;
  readonly isFunctionPointer: boolean;
  /** Function pointers only: the C return type (`void` for none) and the parameters. */
  readonly returnType?: string;
  readonly params?: readonly KernelParam[];
  /** Required by the subsystem's validate()/reg() on its own (knowledge base); false when unknown. */
  readonly required: boolean;
  /** The check that refuses a program for this member (PRG-11/PRG-12), when the op is unsupported. */
  readonly unsupported?: string;
  /** Whether a sleepable program may fill it; undefined when the knowledge base does not know the type. */
  readonly sleepableAllowed?: boolean;
}

export interface KernelOpsInfo {
  /** The kernel type name (without `___flavor`). */
  readonly typeName: string;
  readonly object: BtfObject;
  readonly typeId: number;
  /** The value type `bpf_struct_ops_<T>`, when present in the same BTF object. */
  readonly valueId?: number;
  readonly size: number;
  /** True when the value type exists, i.e. the type is registered as struct_ops. */
  readonly registered: boolean;
  readonly members: readonly KernelMemberInfo[];
  readonly knowledge?: SubsystemKnowledge;
  /** `kernel 6.18 / libbpf 1.7`. */
  readonly profile: string;
}

/** The struct T as libbpf would find it, else the first BTF object defining `struct T`. */
function locate(profile: KernelProfile, typeName: string): { object: BtfObject; typeId: number; valueId?: number } | undefined {
  const found = findKernelOpsType(profile, typeName);
  if (!isLookupError(found)) return { object: found.object, typeId: found.typeId, valueId: found.valueId };
  const name = essentialName(typeName);
  for (const object of profile.objects) {
    const typeId = object.spec.findByNameKind(name, BtfKind.Struct, { ownOnly: object.isModule });
    if (typeId === undefined) continue;
    return { object, typeId, valueId: object.spec.findByNameKind(STRUCT_OPS_VALUE_PREFIX + name, BtfKind.Struct) };
  }
  return undefined;
}

/** The function prototype behind a member's type, when it is a function pointer. */
function functionProto(spec: BtfSpec, typeId: number) {
  const pointer = spec.typeById(spec.skipModsAndTypedefs(typeId));
  if (!pointer || pointer.kind !== BtfKind.Ptr) return undefined;
  const proto = spec.typeById(spec.skipModsAndTypedefs(pointer.type));
  return proto && proto.kind === BtfKind.FuncProto ? proto : undefined;
}

/**
 * Where BTF keeps parameter names for a member: func protos of function pointers have none, but the
 * subsystem's cfi stubs (and default implementations) are BTF FUNCs whose protos do. Exact-name
 * lookups only: the conventions of the in-tree subsystems, then generic ones.
 */
const stubPrefixes: Readonly<Record<string, readonly string[]>> = {
  tcp_congestion_ops: ['bpf_tcp_ca_', 'tcp_reno_'],
  bpf_dummy_ops: ['bpf_dummy_'],
  sched_ext_ops: ['sched_ext_ops__'],
  Qdisc_ops: ['Qdisc_ops__', 'bpf_qdisc_'],
  hid_bpf_ops: ['hid_bpf_ops__', '__hid_bpf_'],
  bpf_testmod_ops: ['bpf_testmod_ops__', 'bpf_testmod_'],
};

function stubParamNames(spec: BtfSpec, typeName: string, member: string, proto: BtfFuncProto): string[] | undefined {
  const base = typeName.replace(/_ops$/, '');
  const prefixes = [...(stubPrefixes[typeName] ?? []), `${typeName}__`, `bpf_${typeName}_`, `bpf_${base}_`, `${base}_`, `__bpf_${base}_`];
  for (const prefix of prefixes) {
    for (const id of spec.findAllByNameKind(`${prefix}${member}`, BtfKind.Func)) {
      const fn = spec.typeById(id);
      const stub = fn && fn.kind === BtfKind.Func ? spec.typeById(fn.type) : undefined;
      if (!stub || stub.kind !== BtfKind.FuncProto || stub.params.length !== proto.params.length) continue;
      const same = stub.params.every((p, i) => spec.skipModsAndTypedefs(p.type) === spec.skipModsAndTypedefs(proto.params[i].type));
      if (same && stub.params.every((p) => p.name)) return stub.params.map((p) => p.name);
    }
  }
  return undefined;
}

/** A parameter name from its type when BTF has none: `struct sock *` → `sk`, else `argN`. */
function guessedName(type: string, index: number): string {
  if (/^struct sock \*$/.test(type)) return 'sk';
  return `arg${index}`;
}

/** `ret (*name)(type a, type b)` from the parts; a pointer type is joined without a space. */
function prototypeText(name: string, returnType: string, params: readonly KernelParam[]): string {
  const decl = (type: string, n: string) => (type.endsWith('*') ? `${type}${n}` : `${type} ${n}`);
  const list = params.length > 0 ? params.map((p) => (p.type.includes('(') ? p.type : decl(p.type, p.name))).join(', ') : 'void';
  return `${decl(returnType, `(*${name})`)}(${list})`;
}

/** Members that the subsystem's registration rules require each on their own (probing the rules). */
function requiredMembers(knowledge: SubsystemKnowledge, functionMembers: readonly string[], ctx: KnowledgeContext): Set<string> {
  const required = new Set<string>();
  const fires = (implemented: Set<string>) =>
    knowledge.required.some((rule) => rule.severity === 'error' && rule.evaluate(snapshot(implemented), ctx) !== undefined);
  if (fires(new Set(functionMembers))) return required;
  for (const member of functionMembers) {
    if (fires(new Set(functionMembers.filter((m) => m !== member)))) required.add(member);
  }
  return required;
}

function snapshot(implemented: ReadonlySet<string>, link = true): OpsSnapshot {
  return { implemented, values: new Map(), link };
}

/**
 * The kernel's view of a BPF-side struct_ops type name on the profile; undefined when no BTF
 * object of the profile defines the struct at all.
 */
export function kernelOpsInfo(profile: KernelProfile, bpfTypeName: string): KernelOpsInfo | undefined {
  const where = locate(profile, bpfTypeName);
  if (!where) return undefined;
  const spec = where.object.spec;
  const type = spec.typeById(where.typeId);
  if (!type || type.kind !== BtfKind.Struct) return undefined;
  const typeName = type.name;
  const knowledge = knowledgeFor(typeName, profile.kernelVersion);
  const functionMembers = type.members.filter((m) => functionProto(spec, m.type)).map((m) => m.name);
  const required = knowledge ? requiredMembers(knowledge, functionMembers, { kernel: profile.kernelVersion }) : new Set<string>();
  const members = type.members.map((m, index): KernelMemberInfo => {
    const proto = functionProto(spec, m.type);
    const names = proto ? stubParamNames(spec, typeName, m.name, proto) : undefined;
    const params = proto?.params.map((p, i) => {
      const type = formatType(spec, p.type);
      return { name: p.name || names?.[i] || guessedName(type, i), type };
    });
    const returnType = proto ? (proto.returnType === 0 ? 'void' : formatType(spec, proto.returnType)) : undefined;
    const sleepableAllowed = knowledge
      ? !knowledge.sleepable.some((rule) => rule.members !== 'all' && !rule.members.includes(m.name))
      : undefined;
    return {
      name: m.name,
      index,
      byteOffset: Math.floor(m.bitOffset / 8),
      bitOffset: m.bitOffset,
      prototype: params && returnType !== undefined ? prototypeText(m.name, returnType, params) : formatMember(spec, where.typeId, index),
      isFunctionPointer: proto !== undefined,
      returnType,
      params,
      required: required.has(m.name),
      unsupported: knowledge?.unsupportedMembers.find((u) => u.member === m.name)?.check,
      sleepableAllowed: proto ? sleepableAllowed : undefined,
    };
  });
  return {
    typeName,
    object: where.object,
    typeId: where.typeId,
    valueId: where.valueId,
    size: (type as BtfStruct).size,
    registered: where.valueId !== undefined,
    members,
    knowledge,
    profile: `kernel ${profile.kernelVersion.text} / libbpf ${formatVersion(profile.libbpfVersion)}`,
  };
}

/**
 * The function members to add so the subsystem's registration rules pass, given what a map
 * implements: each individually required member, then the first alternative (kernel order) that
 * satisfies an either/or rule. Empty when nothing is missing or the rules cannot be satisfied.
 */
export function missingRequiredOps(info: KernelOpsInfo, implemented: ReadonlySet<string>, kernel: KnowledgeContext['kernel']): KernelMemberInfo[] {
  const knowledge = info.knowledge;
  if (!knowledge) return [];
  const ctx: KnowledgeContext = { kernel };
  const fires = (set: ReadonlySet<string>) => knowledge.required.some((rule) => rule.severity === 'error' && rule.evaluate(snapshot(set), ctx) !== undefined);
  if (!fires(implemented)) return [];
  const candidates = info.members.filter((m) => m.isFunctionPointer && !m.unsupported && !implemented.has(m.name));
  const added = candidates.filter((m) => m.required);
  const current = new Set([...implemented, ...added.map((m) => m.name)]);
  if (fires(current)) {
    const extra = candidates.find((m) => !current.has(m.name) && !fires(new Set([...current, m.name])));
    if (!extra) return [];
    added.push(extra);
  }
  return added.sort((a, b) => a.index - b.index);
}

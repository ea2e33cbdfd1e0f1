// The verifier checks that need a program's body (PRG-16, PRG-19, PRG-20), from its ProgramBody
// facts and the kernel BTF: ctx loads past the member's arguments, stores the subsystem's
// btf_struct_access refuses, and __nullable arguments used before a NULL check. The verifier walks
// instructions in order and stops at the first error; source order stands in for instruction order.
// A message that spans several verifier log lines (PRG-16) holds them in log order, joined by '\n'.

import { BtfKind, type BtfSpec } from '../btf';
import type { BpfProgram, FieldWrite, PointerDeref } from '../c/facts';
import { Errno } from '../common/errno';
import type { Location } from '../common/location';
import type { KernelProfile } from '../kernel/profile';
import { CheckId } from './checks';
import { essentialName, typeIdByName } from './kernelTypes';
import type { SubsystemKnowledge, WritableStruct } from './knowledge';
import type { LoadedMap, WiredProgram } from './load';
import type { Finding } from './trace';

export interface BodyUse {
  readonly map: LoadedMap;
  readonly wired: WiredProgram;
}

/** MAX_BPF_FUNC_ARGS (include/linux/bpf.h): bpf_tracing_ctx_access refuses ctx offsets past 12 slots, silently. */
const MAX_BPF_FUNC_ARGS = 12;

/**
 * Argument types a subsystem's is_valid_access retypes: tcp turns `struct sock *` into `tcp_sock`
 * (net/ipv4/bpf_tcp_ca.c bpf_tcp_ca_is_valid_access, 5.6 through 6.18).
 */
const ARG_PROMOTIONS: Record<string, Record<string, string>> = { tcp_congestion_ops: { sock: 'tcp_sock' } };

/** The `func_proto` of the member a program fills: its parameter type ids and return type id. */
interface MemberProto {
  readonly spec: BtfSpec;
  readonly params: readonly number[];
  readonly returnType: number;
}

function memberProto(use: BodyUse): MemberProto | undefined {
  const spec = use.map.kernel.object.spec;
  const type = spec.typeById(use.map.kernel.typeId);
  if (!type || type.kind !== BtfKind.Struct) return undefined;
  const member = type.members[use.wired.memberIndex];
  const pointer = member && spec.typeById(spec.skipModsAndTypedefs(member.type));
  if (!pointer || pointer.kind !== BtfKind.Ptr) return undefined;
  const proto = spec.typeById(spec.skipModsAndTypedefs(pointer.type));
  if (!proto || proto.kind !== BtfKind.FuncProto) return undefined;
  return { spec, params: proto.params.map((p) => p.type), returnType: proto.returnType };
}

/** Bytes a ctx argument of this type takes: 8 for pointers, else its size rounded up to 8. */
function ctxBytes(spec: BtfSpec, typeId: number): number | undefined {
  const id = spec.skipModsAndTypedefs(typeId);
  if (id === 0) return 0;
  if (spec.kindOf(id) === BtfKind.Ptr) return 8;
  const size = spec.resolveSize(id);
  return typeof size === 'number' ? Math.ceil(size / 8) * 8 : undefined;
}

/**
 * kernel/bpf/btf.c get_ctx_arg_idx (6.12; btf_ctx_arg_idx from ~6.10): the argument an 8-byte ctx
 * offset falls in; nr_args for the return slot, nr_args + 1 past it. Undefined if a size is unknown.
 */
function ctxArgIndex(proto: MemberProto, off: number): number | undefined {
  let offset = 0;
  for (let i = 0; i < proto.params.length; i++) {
    const bytes = ctxBytes(proto.spec, proto.params[i]);
    if (bytes === undefined) return undefined;
    offset += bytes;
    if (off < offset) return i;
  }
  const ret = ctxBytes(proto.spec, proto.returnType);
  if (ret === undefined) return undefined;
  return off < offset + ret ? proto.params.length : proto.params.length + 1;
}

/** The argument a whole ctx slot belongs to, when every argument before it is known. */
function argOfSlot(proto: MemberProto, slot: number): number | undefined {
  const arg = ctxArgIndex(proto, slot * 8);
  return arg !== undefined && arg < proto.params.length ? arg : undefined;
}

/** The struct a pointer argument points to, as the verifier types it (after is_valid_access). */
function argStruct(proto: MemberProto, arg: number, kernelType: string): { name: string; id: number } | undefined {
  const { spec } = proto;
  const pointer = spec.typeById(spec.skipModsAndTypedefs(proto.params[arg]));
  if (!pointer || pointer.kind !== BtfKind.Ptr) return undefined;
  const target = spec.typeById(spec.skipModsAndTypedefs(pointer.type));
  if (!target || target.kind !== BtfKind.Struct || !target.name) return undefined;
  const promoted = ARG_PROMOTIONS[kernelType]?.[target.name];
  if (!promoted) return { name: target.name, id: target.id };
  const id = typeIdByName(spec, promoted, BtfKind.Struct);
  return id === undefined ? undefined : { name: promoted, id };
}

function composite(spec: BtfSpec, name: string): number | undefined {
  const base = essentialName(name);
  return typeIdByName(spec, base, BtfKind.Struct) ?? typeIdByName(spec, base, BtfKind.Union);
}

/** A member by name, looking into anonymous struct/union members as C does; bit offset from `typeId`. */
function member(spec: BtfSpec, typeId: number, name: string, depth = 0): { bitOffset: number; type: number; bitfieldSize: number } | undefined {
  const t = spec.typeById(spec.skipModsAndTypedefs(typeId));
  if (!t || (t.kind !== BtfKind.Struct && t.kind !== BtfKind.Union) || depth > 8) return undefined;
  for (const m of t.members) {
    if (m.name === name) return { bitOffset: m.bitOffset, type: m.type, bitfieldSize: m.bitfieldSize };
    if (m.name === '') {
      const inner = member(spec, m.type, name, depth + 1);
      if (inner) return { ...inner, bitOffset: inner.bitOffset + m.bitOffset };
    }
  }
  return undefined;
}

const SCALAR_KINDS = new Set([BtfKind.Int, BtfKind.Enum, BtfKind.Enum64, BtfKind.Ptr, BtfKind.Float]);

/**
 * Byte offset of `path` in `struct` (kernel BTF, as CO-RE relocates it), the size of the scalar it
 * ends at (undefined for an aggregate) and the struct's id; undefined for bitfields or unknown names.
 */
export function resolveFieldPath(spec: BtfSpec, struct: string, path: readonly (string | number)[]): { offset: number; size?: number; structId: number } | undefined {
  const structId = composite(spec, struct);
  if (structId === undefined) return undefined;
  let typeId = structId;
  let bits = 0;
  for (const step of path) {
    if (typeof step === 'string') {
      const m = member(spec, typeId, step);
      if (!m || m.bitfieldSize > 0) return undefined;
      bits += m.bitOffset;
      typeId = m.type;
    } else {
      const array = spec.typeById(spec.skipModsAndTypedefs(typeId));
      if (!array || array.kind !== BtfKind.Array || step >= array.nelems) return undefined;
      const elem = spec.resolveSize(array.elemType);
      if (typeof elem !== 'number') return undefined;
      bits += step * elem * 8;
      typeId = array.elemType;
    }
  }
  if (bits % 8 !== 0) return undefined;
  const final = spec.skipModsAndTypedefs(typeId);
  const kind = spec.kindOf(final);
  const size = kind !== undefined && SCALAR_KINDS.has(kind) ? spec.resolveSize(final) : undefined;
  return { offset: bits / 8, ...(typeof size === 'number' ? { size } : {}), structId };
}

/** Fills a kernel log format: `%s` the struct, then `%d`/`%u` offset and size, `%zu` the field end. */
function formatAccess(template: string, struct: string, off: number, size: number, end?: number): string {
  const numbers = [off, size];
  return template.replace(/%(zu|s|d|u)/g, (_, spec: string) => (spec === 's' ? struct : spec === 'zu' ? String(end) : String(numbers.shift())));
}

interface StoreVerdict {
  readonly errno: number;
  readonly message?: string;
}

/**
 * verifier_ops->btf_struct_access for one BPF store (net/ipv4/bpf_tcp_ca.c
 * bpf_tcp_ca_btf_struct_access, net/bpf/bpf_dummy_struct_ops.c, ...): null when it is allowed,
 * undefined when the knowledge cannot tell.
 */
function checkStore(spec: BtfSpec, rules: readonly WritableStruct[], struct: { name: string; id: number }, off: number, size: number): StoreVerdict | null | undefined {
  const rule = rules.find((r) => r.struct === struct.name);
  if (!rule) {
    const other = rules[0];
    return other ? { errno: other.errno, message: other.messages.otherStruct && formatAccess(other.messages.otherStruct, struct.name, off, size) } : undefined;
  }
  const structSize = spec.resolveSize(struct.id);
  if (typeof structSize !== 'number') return undefined;
  const beyond = (end: number): StoreVerdict => ({ errno: rule.errno, message: rule.messages.beyondEnd && formatAccess(rule.messages.beyondEnd, struct.name, off, size, end) });
  if (rule.scope === 'whole') return off + size > structSize ? beyond(structSize) : null;
  for (const field of rule.fields) {
    const range = resolveFieldPath(spec, field.container, field.field.split('.'));
    if (!range) return undefined;
    const fieldEnd = range.offset + (fieldBytes(spec, field.container, field.field) ?? NaN);
    if (Number.isNaN(fieldEnd)) return undefined;
    const hit = field.start === 'exact' ? off === range.offset : off >= range.offset && off < fieldEnd;
    if (!hit) continue;
    const end = fieldEnd - (field.readOnlyTail ?? 0);
    return off + size > end ? beyond(end) : null;
  }
  return { errno: rule.errno, message: rule.messages.notWritable && formatAccess(rule.messages.notWritable, struct.name, off, size) };
}

/** offsetofend - offsetof for a field given as `a.b` in `container`, arrays included. */
function fieldBytes(spec: BtfSpec, container: string, field: string): number | undefined {
  const id = composite(spec, container);
  if (id === undefined) return undefined;
  let typeId = id;
  for (const step of field.split('.')) {
    const m = member(spec, typeId, step);
    if (!m) return undefined;
    typeId = m.type;
  }
  const size = spec.resolveSize(typeId);
  return typeof size === 'number' ? size : undefined;
}

const lowBit = (n: number): number => (n === 0 ? Infinity : n & -n);

/** The BPF stores a C store becomes: clang splits a store wider than its known alignment (LLVM expandUnalignedStore). */
function storePieces(off: number, size: number, align: number): { off: number; size: number }[] {
  if (align >= size) return [{ off, size }];
  const pieces = [];
  // NOTE: clang 14 emitted the high half of a split 8-byte store first (observed 6.18,
  // prg19_split_store_snd_cwnd); the pieces are checked high to low.
  for (let at = off + size - align; at >= off; at -= align) pieces.push({ off: at, size: align });
  return pieces;
}

interface Candidate {
  readonly check: CheckId;
  readonly order: number;
  readonly finding: Finding;
}

/**
 * The first body error the verifier would report for this program, or undefined when the body
 * shows none the simulator can vouch for (also when facts, knowledge or BTF are missing).
 */
export function bodyFindings(program: BpfProgram, use: BodyUse, knowledge: SubsystemKnowledge | undefined, profile: KernelProfile): Finding | undefined {
  const body = program.body;
  const proto = memberProto(use);
  if (!body || !proto || !knowledge) return undefined;
  const kernelType = use.map.kernel.typeName;
  const memberName = use.wired.member;
  const related = [{ location: use.wired.location, message: `\`${program.name}\` fills ${use.map.map.name}.${memberName}` }];
  const base = { severity: 'error' as const, phase: 'prog_load' as const, channel: 'verifier' as const, related };
  const candidates: Candidate[] = [];
  const nr = proto.params.length;

  // PRG-16: a ctx load past the kernel prototype's arguments.
  for (const read of body.ctxReads) {
    const off = read.slot * 8;
    const arg = ctxArgIndex(proto, off);
    if (arg === undefined || arg < nr) continue;
    const lines = [
      ...(read.slot < MAX_BPF_FUNC_ARGS ? [`func '${memberName}' doesn't have ${arg + 1}-th argument`] : []),
      `invalid bpf_context access off=${off} size=${read.size}`,
    ];
    const what = read.via === 'parameter' ? `its parameter ${read.slot + 1}` : `\`ctx[${read.slot}]\``;
    candidates.push({
      check: CheckId['PRG-16'], order: read.order,
      finding: {
        ...base, check: CheckId['PRG-16'], errno: Errno.EACCES, message: lines.join('\n'), location: read.location,
        explanation: `The kernel's \`${kernelType}.${memberName}\` takes ${nr} argument${nr === 1 ? '' : 's'} (ctx slots 0..${nr - 1}), but \`${program.name}\` reads ${what}, ctx offset ${off}. The verifier checks ctx loads against the kernel's prototype, not the program's. ${read.via === 'parameter' ? 'Drop the extra parameter or stop using it.' : `Read only \`ctx[0]\`..\`ctx[${nr - 1}]\`.`}`,
        rule: `kernel/bpf/btf.c btf_ctx_access: argument ${arg + 1} of ${nr}${arg === nr ? ' is the return value slot' : ''}; the message is two verifier log lines`,
      },
    });
  }

  // PRG-20: a __nullable argument dereferenced before a NULL check.
  const nullable = new Set<number>();
  for (const tag of knowledge.nullableArgs) if (tag.member === memberName) nullable.add(tag.argIndex);
  const derefBySlot = new Map<number, PointerDeref>();
  for (const deref of body.derefs) derefBySlot.set(deref.slot, deref);
  for (const deref of body.derefs) {
    const arg = argOfSlot(proto, deref.slot);
    if (arg === undefined || !nullable.has(arg) || deref.guard !== 'unchecked') continue;
    const tag = knowledge.nullableArgs.find((t) => t.member === memberName && t.argIndex === arg);
    candidates.push({
      check: CheckId['PRG-20'], order: deref.order,
      finding: {
        ...base, check: CheckId['PRG-20'], errno: Errno.EACCES, message: `R1 invalid mem access 'trusted_ptr_or_null_'`, location: deref.location,
        explanation: `Argument ${arg + 1} of \`${kernelType}.${memberName}\` is tagged \`__nullable\` by the kernel's stub, so the verifier types it "trusted pointer or NULL" and refuses any access until the program tests it. Check it first: \`if (!ptr) return 0;\`.`,
        rule: `${tag?.source ?? 'the stub'}; NOTE: the register number is clang's choice (R1 when the pointer is loaded from ctx and used at once, as observed on 6.18 with clang 14)`,
      },
    });
  }

  // PRG-19: stores btf_struct_access refuses.
  for (const write of body.fieldWrites) {
    const verdict = storeFinding(write, proto, knowledge, kernelType, nullable, derefBySlot);
    if (!verdict) continue;
    const { off, size, struct, message, errno, field } = verdict;
    candidates.push({
      check: CheckId['PRG-19'], order: write.order,
      finding: {
        ...base, check: CheckId['PRG-19'], errno, channel: message ? 'verifier' : 'none',
        message: message ?? `BPF_PROG_LOAD: ${size}-byte store at ${struct} offset ${off} refused (the verifier logs no reason)`,
        location: write.location,
        explanation: `\`${kernelType}\` programs may write through this argument (typed \`${struct}\` by the verifier) only where its btf_struct_access allows${writableList(knowledge, struct)}. This ${size}-byte store${write.emit === 'asm' ? '' : ` to ${field}`} lands at offset ${off}. Keep the value in a local or in a map instead.`,
        rule: knowledge.writableFields.find((w) => w.struct === struct)?.source ?? knowledge.writableFields[0]?.source,
      },
    });
  }

  candidates.sort((a, b) => a.order - b.order);
  void profile;
  return candidates[0]?.finding;
}

function writableList(knowledge: SubsystemKnowledge, struct: string): string {
  const rule = knowledge.writableFields.find((w) => w.struct === struct);
  if (!rule) return `: it refuses every write to \`${struct}\``;
  if (rule.scope === 'whole') return ` (anywhere inside \`${struct}\`, nowhere past its end)`;
  return ` (${rule.fields.map((f) => f.field).join(', ')})`;
}

/** The first refused BPF store of one C write, or undefined when it is allowed or cannot be judged. */
function storeFinding(
  write: FieldWrite, proto: MemberProto, knowledge: SubsystemKnowledge, kernelType: string,
  nullable: ReadonlySet<number>, derefs: ReadonlyMap<number, PointerDeref>,
): { off: number; size: number; struct: string; field: string; errno: number; message?: string } | undefined {
  if (knowledge.writableFields.length === 0) return undefined;
  const arg = argOfSlot(proto, write.slot);
  if (arg === undefined) return undefined;
  // A nullable argument not known to be checked: PRG-20 (or nothing) decides, not the store.
  if (nullable.has(arg) && derefs.get(write.slot)?.guard !== 'checked') return undefined;
  const struct = argStruct(proto, arg, kernelType);
  if (!struct) return undefined;
  const { spec } = proto;
  let off = write.extraOffset;
  let fieldSize: number | undefined;
  let align = Infinity;
  if (write.path.length > 0) {
    if (!write.struct) return undefined;
    const resolved = resolveFieldPath(spec, write.struct, write.path);
    if (!resolved) return undefined;
    off += resolved.offset;
    fieldSize = resolved.size;
    if (write.emit === 'member') {
      const structAlign = spec.alignOf(resolved.structId);
      if (typeof structAlign !== 'number') return undefined;
      align = Math.min(structAlign, lowBit(off));
    }
  }
  const size = write.size ?? fieldSize;
  if (!size || ![1, 2, 4, 8].includes(size)) return undefined;
  // clang knows the member address is aligned to min(alignof(struct), lowbit(offset)); the struct's
  // alignment from BTF is a lower bound (vmlinux.h may raise it), so try every alignment it could be.
  const candidates = write.emit === 'member' ? alignments(align, Math.min(lowBit(off), size)) : [size];
  let agreed: { verdict: StoreVerdict | null; off: number } | undefined;
  for (const a of candidates) {
    const outcome = firstRefused(spec, knowledge.writableFields, struct, storePieces(off, size, a));
    if (outcome === undefined) return undefined;
    if (agreed && !sameVerdict(agreed, outcome)) return undefined;
    agreed = outcome;
  }
  if (!agreed?.verdict) return undefined;
  const field = write.path.length > 0 ? `\`${write.struct}.${write.path.join('.').replace(/\.(\d+)/g, '[$1]')}\`` : `offset ${off}`;
  return { off: agreed.off, size, struct: struct.name, field, ...agreed.verdict };
}

function alignments(low: number, high: number): number[] {
  const out: number[] = [];
  for (let a = Math.max(1, Math.min(low, high)); a <= high; a *= 2) out.push(a);
  return out.length > 0 ? out : [high];
}

/**
 * The first refused piece of a store. The order of more than two pieces was never observed: when
 * several of them are refused with different messages, the answer is undefined.
 */
function firstRefused(spec: BtfSpec, rules: readonly WritableStruct[], struct: { name: string; id: number }, pieces: { off: number; size: number }[]): { verdict: StoreVerdict | null; off: number } | undefined {
  let first: { verdict: StoreVerdict; off: number } | undefined;
  for (const piece of pieces) {
    const verdict = checkStore(spec, rules, struct, piece.off, piece.size);
    if (verdict === undefined) return undefined;
    if (!verdict) continue;
    if (!first) first = { verdict, off: piece.off };
    else if (pieces.length > 2 && !sameVerdict(first, { verdict })) return undefined;
  }
  return first ?? { verdict: null, off: pieces[0].off };
}

function sameVerdict(a: { verdict: StoreVerdict | null }, b: { verdict: StoreVerdict | null }): boolean {
  if (!a.verdict || !b.verdict) return a.verdict === b.verdict;
  return a.verdict.errno === b.verdict.errno && a.verdict.message === b.verdict.message;
}

/** Of two findings for one program, the one earlier in the source (the verifier stops at the first). */
export function earlierFinding(a: Finding | undefined, b: Finding): Finding {
  if (!a || a.location.file !== b.location.file) return a ?? b;
  return before(b.location, a.location) ? b : a;
}

function before(x: Location, y: Location): boolean {
  const p = x.range.start;
  const q = y.range.start;
  return p.line !== q.line ? p.line < q.line : p.character < q.character;
}

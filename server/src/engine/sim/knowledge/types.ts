// Types of the subsystem knowledge base: what each struct_ops subsystem (tcp, sched_ext, ...)
// does in its init_member, check_member, reg/validate/update and verifier_ops callbacks, per kernel
// version range. Data plus small pure predicates; nothing here reads BTF or the running kernel.

/** A kernel release as major.minor. */
export interface KernelVersion {
  readonly major: number;
  readonly minor: number;
}

/** Kernel releases an entry applies to: `since` inclusive, `until` exclusive; open when absent. */
export interface KernelVersionRange {
  readonly since?: readonly [number, number];
  readonly until?: readonly [number, number];
}

/** Common fields of every knowledge entry. */
export interface Versioned {
  readonly versions: KernelVersionRange;
  /** Kernel file, function and tree the entry was read from, e.g. `net/ipv4/bpf_tcp_ca.c bpf_tcp_ca_init_member (6.12)`. */
  readonly source: string;
  /** Present when the entry is not confirmed by a source tree read or an observation: says what it rests on. */
  readonly unverified?: string;
}

/** Value of a non-function member in the map initializer, as far as the caller could evaluate it. */
export type MemberValue =
  | { readonly kind: 'integer'; readonly value: bigint }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'zero' }
  | { readonly kind: 'other' };

/** Facts about the target kernel that the rules read besides the map value. */
export interface KnowledgeContext {
  readonly kernel: KernelVersion;
  /**
   * Names the subsystem already has registered on the target kernel (tcp_congestion_ops: congestion
   * control names such as `reno`, `cubic`; Qdisc_ops: qdisc ids). Absent = unknown: clash rules stay silent.
   */
  readonly registeredNames?: ReadonlySet<string>;
  /** sched_ext: a BPF scheduler is already enabled. Absent = unknown. */
  readonly schedExtEnabled?: boolean;
  /** sched_ext: the kernel was booted with `isolcpus=` domain isolation. Absent = unknown. */
  readonly isolcpus?: boolean;
}

/** A kernel failure reported by a subsystem callback. `message` absent = nothing is logged. */
export interface DmesgOutcome {
  readonly errno: number;
  readonly message?: string;
  readonly where: 'dmesg';
}

/** Checks of struct-ops-semantics.md that knowledge entries feed. */
export type KnowledgeCheck =
  | 'PRG-04'
  | 'PRG-11'
  | 'PRG-12'
  | 'PRG-18'
  | 'PRG-19'
  | 'PRG-20'
  | 'UPD-06'
  | 'UPD-07'
  | 'UPD-13'
  | 'UPD-14'
  | 'UPD-15'
  | 'UPD-16';

/** Phases (spec vocabulary) in which a subsystem callback can fail. */
export type KnowledgePhase = 'prog_load' | 'map_update' | 'link_create' | 'link_update';

/**
 * init_member's rule for one member it consumes (returns > 0). `validate` returns undefined when the
 * value is accepted, or the errno init_member returns (UPD-07). It also returns undefined for
 * `{ kind: 'other' }`, which cannot be judged.
 */
export interface InitMemberRule extends Versioned {
  readonly member: string;
  readonly validate: (value: MemberValue, ctx: KnowledgeContext) => DmesgOutcome | undefined;
}

/** init_member fails for every member, whatever its value (bpf_dummy_ops): the first member decides. */
export interface InitMemberRejectAll extends Versioned {
  readonly errno: number;
}

/** A member handled outside init_member's consume/reject answer. */
export interface SpecialMember extends Versioned {
  readonly member: string;
  /**
   * `module-owner`: a `struct module *` member; non-NULL in the value aborts the update (UPD-06).
   * `kernel-filled`: init_member stores a kernel value and returns 0, so the generic path follows.
   */
  readonly handling: 'module-owner' | 'kernel-filled';
}

/** An op a BPF program cannot implement: the verifier rejects the program at load. */
export interface UnsupportedMember extends Versioned {
  readonly member: string;
  /** PRG-11: the cfi stub is NULL (6.12+); PRG-12: the subsystem's check_member refuses. */
  readonly check: 'PRG-11' | 'PRG-12';
  readonly errno: number;
  /** Verifier log format; %s = member name, then struct name. */
  readonly message: string;
}

/** Which ops may be BPF_F_SLEEPABLE programs; a sleepable program on any other op fails at prog_load. */
export interface SleepableRule extends Versioned {
  readonly members: 'all' | readonly string[];
  readonly check: 'PRG-04' | 'PRG-12';
  readonly errno: number;
  /** Verifier log format (PRG-12: %s = member name, then struct name). */
  readonly message: string;
}

/** A stub argument the verifier types specially (PRG-20): `nullable` = may be NULL, `ref` = referenced. */
export interface ArgTag extends Versioned {
  readonly member: string;
  /** Zero-based argument index in the member's prototype. */
  readonly argIndex: number;
  /** Name of the stub's parameter, when the tag comes from a stub (`cb__nullable`). */
  readonly stubArgName?: string;
}

/** Function members with a program, and the evaluated non-function members, of one map value. */
export interface OpsSnapshot {
  readonly implemented: ReadonlySet<string>;
  readonly values: ReadonlyMap<string, MemberValue>;
  /** The map is a BPF_F_LINK map (`.struct_ops.link`). */
  readonly link: boolean;
}

/** A registration-time failure with the phase and check it is reported under. */
export interface RegistrationOutcome extends DmesgOutcome {
  readonly phase: KnowledgePhase;
  readonly check: KnowledgeCheck;
}

/**
 * A rule checked by the subsystem's validate() or reg() once every member is set. `severity`
 * `warning` = the kernel returns success (errno 0) but the subsystem disables itself and says why.
 */
export interface RegistrationRule extends Versioned {
  readonly id: string;
  readonly severity: 'error' | 'warning';
  readonly evaluate: (ops: OpsSnapshot, ctx: KnowledgeContext) => RegistrationOutcome | undefined;
}

/** Whether the type has a validate() callback, and which maps the kernel runs it for (UPD-13). */
export interface ValidateCallback extends Versioned {
  readonly present: boolean;
  readonly runsOn: 'all-maps' | 'link-maps';
}

/** BPF_LINK_UPDATE to a new map (UPD-16): the subsystem's update() answer. */
export interface LinkUpdateRule extends Versioned {
  /** The type has an update() callback (without one the kernel returns EOPNOTSUPP itself). */
  readonly callback: boolean;
  readonly evaluate: (next: OpsSnapshot, current: OpsSnapshot, ctx: KnowledgeContext) => DmesgOutcome | undefined;
}

export type HelperVerdict = 'allowed' | 'denied' | 'unknown';

/**
 * verifier_ops get_func_proto (PRG-18) as a predicate over (member, helper name with or without the
 * `bpf_` prefix). Kfunc names the entry knows are answered too; any other name is `unknown`.
 */
export interface HelperPolicy extends Versioned {
  readonly verdict: (member: string, helper: string) => HelperVerdict;
}

/** A field a program may write through a pointer argument (PRG-19). */
export interface WritableField {
  /** Struct that declares the field (offsets coincide with the pointee's: it is embedded first). */
  readonly container: string;
  /** Field path inside `container`, `.`-separated for nested members (`icsk_ack.pending`). */
  readonly field: string;
  /** `range`: a write may start anywhere inside the field (bpf_ctx_range); otherwise only at its start. */
  readonly start: 'exact' | 'range';
  /** Bytes at the end of the field that stay read-only (string fields keep their NUL). */
  readonly readOnlyTail?: number;
}

/** btf_struct_access for one pointee struct: what may be written, and the log lines for the rest. */
export interface WritableStruct extends Versioned {
  readonly struct: string;
  /** `whole`: any write inside the struct's size; otherwise only `fields`. */
  readonly scope: 'whole' | 'fields';
  readonly fields: readonly WritableField[];
  readonly errno: number;
  /** Verifier log formats, printf-style as in the kernel; absent = the kernel logs nothing. */
  readonly messages: {
    readonly notWritable?: string;
    readonly beyondEnd?: string;
    readonly otherStruct?: string;
  };
}

/** Everything known about one struct_ops type, every entry carrying its version range. */
export interface SubsystemDefinition {
  readonly typeName: string;
  /** Kernel file that registers the type. */
  readonly file: string;
  readonly versions: KernelVersionRange;
  readonly initMember: readonly InitMemberRule[];
  readonly initMemberRejectsAll: readonly InitMemberRejectAll[];
  readonly specialMembers: readonly SpecialMember[];
  readonly unsupportedMembers: readonly UnsupportedMember[];
  readonly sleepable: readonly SleepableRule[];
  readonly nullableArgs: readonly ArgTag[];
  readonly refArgs: readonly ArgTag[];
  readonly required: readonly RegistrationRule[];
  readonly validate: readonly ValidateCallback[];
  readonly update: readonly LinkUpdateRule[];
  readonly helpers: readonly HelperPolicy[];
  readonly writableFields: readonly WritableStruct[];
}

/** The definition filtered to one kernel: every list holds only the entries for that version. */
export interface SubsystemKnowledge extends Omit<SubsystemDefinition, 'helpers'> {
  readonly kernel: KernelVersion;
  /** The helper policy entries for this kernel (usually one; empty = nothing known). */
  readonly helperPolicies: readonly HelperPolicy[];
  /** PRG-18 predicate for this kernel; `unknown` when no policy covers it. */
  readonly helpers: (member: string, helper: string) => HelperVerdict;
}

function compare(version: KernelVersion, bound: readonly [number, number]): number {
  return version.major !== bound[0] ? version.major - bound[0] : version.minor - bound[1];
}

/** True when `version` lies in `range` (since inclusive, until exclusive). */
export function inRange(version: KernelVersion, range: KernelVersionRange): boolean {
  if (range.since !== undefined && compare(version, range.since) < 0) return false;
  if (range.until !== undefined && compare(version, range.until) >= 0) return false;
  return true;
}

// The facts the C indexer extracts from one file, on both sides of struct_ops: BPF programs
// and maps, and the kernel/module code that defines and registers ops types. Facts are plain
// data (no syntax trees), serialisable, and every location points into what the user wrote.

import type { Location } from '../common/location';

/** A C type as written in source, structured enough for layout and printing. */
export type CType =
  | { readonly kind: 'named'; readonly name: string } // int, unsigned long, u32, a typedef name, void
  | { readonly kind: 'struct' | 'union' | 'enum'; readonly tag: string } // tag '' for an anonymous inline body, see `inline`
  | { readonly kind: 'pointer'; readonly to: CType }
  | { readonly kind: 'array'; readonly of: CType; readonly length?: number } // length undefined: flexible or unknown
  | { readonly kind: 'function'; readonly returns: CType; readonly params: readonly CParam[]; readonly variadic: boolean };

export interface CParam {
  readonly name: string;
  readonly type: CType;
  /** The parameter as written, e.g. `struct sock *sk`. */
  readonly text: string;
}

export interface CMember {
  readonly name: string; // '' for an anonymous struct/union member
  readonly type: CType;
  readonly text: string;
  readonly location: Location;
  readonly bitfieldWidth?: number;
  /** Inline definition of an anonymous struct/union member's type. */
  readonly inline?: CTypeDefinition;
  /** Alignment from `__attribute__((aligned(N)))` or `____cacheline_aligned` on the member. */
  readonly alignAttribute?: number;
}

/**
 * Whether clang gives the member a BTF member: unnamed bit-fields (`int :0;`, or the `long: 64;`
 * padding bpftool writes into vmlinux.h) only shape the layout. libbpf walks BTF members, so
 * member indexes and "not found in kernel" checks must skip them too.
 */
export function isBtfMember(m: CMember): boolean {
  return !(m.bitfieldWidth !== undefined && m.name === '');
}

export interface CTypeDefinition {
  readonly kind: 'struct' | 'union' | 'enum' | 'typedef';
  readonly name: string;
  readonly location: Location;
  readonly nameLocation: Location;
  readonly members: readonly CMember[]; // struct/union only
  readonly enumerators: readonly { readonly name: string; readonly value?: bigint }[]; // enum only
  readonly aliased?: CType; // typedef only
  /** typedef only: the body of an anonymous struct/union/enum it names (`typedef struct { ... } t;`). */
  readonly aliasedInline?: CTypeDefinition;
  readonly packed: boolean;
  readonly alignAttribute?: number;
}

/** The value of one designated initializer in a struct_ops map or descriptor. */
export type InitValue =
  | { readonly kind: 'function'; readonly name: string } // prog, (void *)prog, &prog
  | { readonly kind: 'null' } // NULL or (void *)0
  | { readonly kind: 'integer'; readonly value: bigint; readonly pointerCast: boolean }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'addressOf'; readonly name: string } // &variable (descriptors: .cfi_stubs = &x)
  | { readonly kind: 'list'; readonly zero: boolean | undefined } // nested { ... }; zero undefined when not evaluable
  | { readonly kind: 'expression'; readonly text: string }; // anything not evaluated

export interface MemberInit {
  /** Designator name (first component of `.a.b`). */
  readonly name: string;
  /** Range of the designator, e.g. `.cong_avoid`. */
  readonly location: Location;
  readonly value: InitValue;
  readonly valueLocation: Location;
}

/** A variable placed in a struct_ops section: one libbpf map. */
export interface StructOpsMap {
  readonly name: string;
  readonly nameLocation: Location;
  /** The whole declaration. */
  readonly location: Location;
  /** The struct tag as written (may carry a `___flavor` suffix). */
  readonly typeName: string;
  /** The variable's type: a named struct, an anonymous one (tag ''), a union, an int, ... (LIB-04). */
  readonly declaredType: CType;
  readonly typeLocation: Location;
  /** The section as written: `.struct_ops`, `.struct_ops.link`, `?.struct_ops`, or any other `.struct_ops*`. */
  readonly section: string;
  readonly sectionLocation: Location;
  readonly hasInitializer: boolean;
  readonly members: readonly MemberInit[];
  readonly isStatic: boolean;
}

export interface BpfProgram {
  readonly name: string;
  readonly nameLocation: Location;
  readonly location: Location;
  /** The section as written, e.g. `struct_ops/ssthresh`, `?struct_ops.s/init`, `tp/sched/x`. */
  readonly section: string;
  readonly sectionLocation: Location;
  readonly isStatic: boolean;
  readonly returnType: CType;
  readonly params: readonly CParam[];
  /** How it was declared: `plain`, `BPF_PROG`, `BPF_PROG2`, or the user macro's name. */
  readonly declaredWith: string;
  /** Functions called in the body (helpers, kfuncs), with where. */
  readonly calls: readonly { readonly name: string; readonly location: Location }[];
  /** True when some `return expr;` exists; false for `return;` only or no return. */
  readonly returnsValue: boolean;
  /** What the body does with ctx slots and argument pointers (c/programBody.ts); absent when not analysed. */
  readonly body?: ProgramBody;
}

/**
 * A program body's use of its arguments, for the verifier checks that look inside (PRG-16, PRG-19,
 * PRG-20). `order` is a position in evaluation order, comparable only within one program: a store
 * counts after its right-hand side. Everything is conservative: a use clang -O2 would drop is left
 * out, and a shape the extractor does not understand is not recorded (or is `unknown`).
 */
export interface ProgramBody {
  /** ctx slots loaded: BPF_PROG parameters that are used, `ctx[N]`; the first live use of each slot. */
  readonly ctxReads: readonly CtxRead[];
  /** Stores into memory reached through an argument pointer. */
  readonly fieldWrites: readonly FieldWrite[];
  /** The first live dereference of each pointer argument, with its NULL-check state. */
  readonly derefs: readonly PointerDeref[];
}

export interface CtxRead {
  /** 8-byte ctx slot: the parameter's position for BPF_PROG, N for `ctx[N]`. */
  readonly slot: number;
  /** Bytes loaded (8: BPF_PROG's `ctx[i]` and a `u64 *ctx` element). */
  readonly size: number;
  readonly via: 'parameter' | 'ctx';
  readonly location: Location;
  readonly order: number;
}

export interface FieldWrite {
  /** ctx slot of the argument the pointer was loaded from. */
  readonly slot: number;
  /** Struct (or union) tag `path` starts in: the C type of the pointer at the write (`tcp_sock`). */
  readonly struct?: string;
  /** Members and constant array indices from `struct` to the written object: `['icsk_ack', 'pending']`. */
  readonly path: readonly (string | number)[];
  /** Bytes added after `path` (a scalar-pointer cast indexed: `((int *)p)[1]` adds 4). */
  readonly extraOffset: number;
  /** Store width in bytes when a cast, scalar pointer or asm template gives it; absent = the field's own size. */
  readonly size?: number;
  /**
   * `member`: a C store through the address of a member (`*(u64 *)&tp->f`), aligned only as the member is,
   * which clang splits when it is wider; `c`: a naturally aligned C store; `asm`: one BPF store as written.
   */
  readonly emit: 'member' | 'c' | 'asm';
  readonly location: Location;
  readonly order: number;
}

export interface PointerDeref {
  /** ctx slot of the pointer argument. */
  readonly slot: number;
  /** `checked`: a NULL test dominates it; `unchecked`: the body never tests the pointer before; `unknown`: cannot tell. */
  readonly guard: 'checked' | 'unchecked' | 'unknown';
  readonly location: Location;
  readonly order: number;
}

/** A C function definition on the kernel side (init_member, check_member, stubs, module init). */
export interface CFunction {
  readonly name: string;
  readonly location: Location;
  readonly nameLocation: Location;
  readonly isStatic: boolean;
  readonly returnType: CType;
  readonly params: readonly CParam[];
  /** `case offsetof(struct T, member):` labels in the body. */
  readonly offsetofCases: readonly { readonly typeName: string; readonly member: string; readonly location: Location }[];
  /** Integer constants returned (`return 0;`, `return -EINVAL;` as -22n when the macro is known). */
  readonly returnConstants: readonly bigint[];
  readonly calls: readonly { readonly name: string; readonly location: Location }[];
}

/** `struct bpf_struct_ops NAME = { ... }`. */
export interface OpsDescriptor {
  readonly varName: string;
  readonly location: Location;
  readonly nameLocation: Location;
  /** Fields by name: verifier_ops, init, init_member, check_member, reg, unreg, update, validate, cfi_stubs, owner, name. */
  readonly fields: readonly MemberInit[];
}

/** `register_bpf_struct_ops(&desc, T)` or `__register_bpf_struct_ops(&desc)`. */
export interface Registration {
  readonly callee: 'register_bpf_struct_ops' | '__register_bpf_struct_ops';
  readonly descriptorName: string;
  /** The type argument of the macro; undefined for the double-underscore form. */
  readonly typeName?: string;
  readonly location: Location;
  readonly enclosingFunction?: string;
  /** How the caller uses the return value. */
  readonly resultUse: 'returned' | 'checked' | 'ignored';
}

/** `BPF_STRUCT_OPS_TYPE(name)` in the legacy static list (kernels before 6.9). */
export interface LegacyStructOpsType {
  readonly name: string;
  readonly location: Location;
}

/** A variable of an ops type initialised with stub functions: `static struct T __bpf_T_stubs = { ... }`. */
export interface StructVariable {
  readonly varName: string;
  readonly typeName: string;
  readonly location: Location;
  readonly nameLocation: Location;
  readonly members: readonly MemberInit[];
  readonly isStatic: boolean;
}

export interface ModuleInfo {
  readonly license?: { readonly value: string; readonly location: Location };
  readonly initFunction?: string;
  readonly exitFunction?: string;
}

export interface Include {
  readonly path: string; // as written
  readonly system: boolean; // <...>
  readonly location: Location;
  readonly resolved?: string; // absolute path when found
  /** `vmlinux.h` that no include path has: kernel types come from BTF instead. */
  readonly vmlinux?: boolean;
  /**
   * Not found where clang would look either: the include paths given, then its default system
   * directories for --target=bpf (/usr/local/include, its own headers, /usr/include). A BPF
   * object does not build then (BUILD-01).
   */
  readonly missing?: boolean;
  /** For a missing include in a header: the main file's #include that led to that header. */
  readonly includedFrom?: Location;
}

export interface ParseProblem {
  readonly message: string;
  readonly location: Location;
}

export interface FileFacts {
  readonly file: string;
  readonly typeDefinitions: readonly CTypeDefinition[];
  /** Direct includes, plus any `vmlinux.h` left unresolved or include `missing` in an included header (located there). */
  readonly includes: readonly Include[];
  // BPF side
  readonly maps: readonly StructOpsMap[];
  readonly programs: readonly BpfProgram[];
  readonly license?: { readonly value: string; readonly location: Location };
  // kernel side
  readonly descriptors: readonly OpsDescriptor[];
  readonly registrations: readonly Registration[];
  readonly legacyTypes: readonly LegacyStructOpsType[];
  readonly structVariables: readonly StructVariable[];
  readonly functions: readonly CFunction[];
  readonly module?: ModuleInfo;
  readonly problems: readonly ParseProblem[];
  /** Other files this file's facts depend on (headers and sources it includes, transitively). */
  readonly dependencies?: readonly string[];
}

// BTF kinds and the wire-format constants of include/uapi/linux/btf.h, with the kernel release
// that introduced each kind (so profiles of older kernels can tell what they cannot contain).

/** BTF_KIND_* (include/uapi/linux/btf.h). Non-const so tests and tools can enumerate it. */
export enum BtfKind {
  /** BTF_KIND_UNKN: void, type id 0. */
  Unknown = 0,
  /** BTF_KIND_INT (4.18) */
  Int = 1,
  /** BTF_KIND_PTR (4.18) */
  Ptr = 2,
  /** BTF_KIND_ARRAY (4.18) */
  Array = 3,
  /** BTF_KIND_STRUCT (4.18) */
  Struct = 4,
  /** BTF_KIND_UNION (4.18) */
  Union = 5,
  /** BTF_KIND_ENUM (4.18) */
  Enum = 6,
  /** BTF_KIND_FWD (4.18) */
  Fwd = 7,
  /** BTF_KIND_TYPEDEF (4.18) */
  Typedef = 8,
  /** BTF_KIND_VOLATILE (4.18) */
  Volatile = 9,
  /** BTF_KIND_CONST (4.18) */
  Const = 10,
  /** BTF_KIND_RESTRICT (4.18) */
  Restrict = 11,
  /** BTF_KIND_FUNC (5.0) */
  Func = 12,
  /** BTF_KIND_FUNC_PROTO (5.0) */
  FuncProto = 13,
  /** BTF_KIND_VAR (5.2) */
  Var = 14,
  /** BTF_KIND_DATASEC (5.2) */
  Datasec = 15,
  /** BTF_KIND_FLOAT (5.13) */
  Float = 16,
  /** BTF_KIND_DECL_TAG (5.16) */
  DeclTag = 17,
  /** BTF_KIND_TYPE_TAG (5.17) */
  TypeTag = 18,
  /** BTF_KIND_ENUM64 (6.0) */
  Enum64 = 19,
}

/** The highest kind number this reader understands (NR_BTF_KINDS - 1). */
export const BTF_KIND_MAX = BtfKind.Enum64;

/** The first kernel release [major, minor] that accepts each kind. */
export const kindSince: Readonly<Record<BtfKind, readonly [number, number]>> = {
  [BtfKind.Unknown]: [4, 18],
  [BtfKind.Int]: [4, 18],
  [BtfKind.Ptr]: [4, 18],
  [BtfKind.Array]: [4, 18],
  [BtfKind.Struct]: [4, 18],
  [BtfKind.Union]: [4, 18],
  [BtfKind.Enum]: [4, 18],
  [BtfKind.Fwd]: [4, 18],
  [BtfKind.Typedef]: [4, 18],
  [BtfKind.Volatile]: [4, 18],
  [BtfKind.Const]: [4, 18],
  [BtfKind.Restrict]: [4, 18],
  [BtfKind.Func]: [5, 0],
  [BtfKind.FuncProto]: [5, 0],
  [BtfKind.Var]: [5, 2],
  [BtfKind.Datasec]: [5, 2],
  [BtfKind.Float]: [5, 13],
  [BtfKind.DeclTag]: [5, 16],
  [BtfKind.TypeTag]: [5, 17],
  [BtfKind.Enum64]: [6, 0],
};

/** Lower-case kernel spelling, as bpftool prints it: "STRUCT", "FUNC_PROTO". */
export function kindName(kind: number): string {
  const names = [
    'UNKNOWN', 'INT', 'PTR', 'ARRAY', 'STRUCT', 'UNION', 'ENUM', 'FWD', 'TYPEDEF', 'VOLATILE',
    'CONST', 'RESTRICT', 'FUNC', 'FUNC_PROTO', 'VAR', 'DATASEC', 'FLOAT', 'DECL_TAG', 'TYPE_TAG', 'ENUM64',
  ];
  return names[kind] ?? `KIND_${kind}`;
}

export const BTF_MAGIC = 0xeb9f;
export const BTF_VERSION = 1;
/** sizeof(struct btf_header) */
export const BTF_HEADER_SIZE = 24;
/** sizeof(struct btf_type) */
export const BTF_TYPE_SIZE = 12;
/** BTF_MAX_TYPE (kernel btf.h): type ids fit in 20 bits. */
export const BTF_MAX_TYPE = 0x000fffff;
/** BTF_MAX_NAME_OFFSET */
export const BTF_MAX_NAME_OFFSET = 0x00ffffff;
/** BTF_MAX_VLEN */
export const BTF_MAX_VLEN = 0xffff;

/** BTF_INT_ENCODING bits. */
export const BTF_INT_SIGNED = 1 << 0;
export const BTF_INT_CHAR = 1 << 1;
export const BTF_INT_BOOL = 1 << 2;

/** enum btf_func_linkage */
export enum BtfFuncLinkage {
  Static = 0,
  Global = 1,
  Extern = 2,
}

/** enum of struct btf_var.linkage */
export enum BtfVarLinkage {
  Static = 0,
  GlobalAllocated = 1,
  GlobalExtern = 2,
}

/**
 * u32 words of kind-specific data after struct btf_type (libbpf btf_type_size / 4), as
 * fixed words plus words per vlen entry, indexed by kind: INT/VAR/DECL_TAG 1, ARRAY 3;
 * STRUCT/UNION/DATASEC/ENUM64 3 per entry, ENUM/FUNC_PROTO 2 per entry.
 */
export const TRAILER_WORDS_FIXED: Readonly<Uint8Array> = new Uint8Array([0, 1, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0]);
export const TRAILER_WORDS_PER_VLEN: Readonly<Uint8Array> = new Uint8Array([0, 0, 0, 0, 3, 3, 2, 0, 0, 0, 0, 0, 0, 2, 0, 3, 0, 0, 0, 3]);

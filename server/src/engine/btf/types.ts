// The decoded form of one BTF type: a discriminated union on `kind`, mirroring struct btf_type
// plus its kind-specific trailer (include/uapi/linux/btf.h). Objects are created lazily by
// BtfSpec.typeById and are immutable.

import type { BtfKind } from './kinds';

interface Base<K extends BtfKind> {
  readonly id: number;
  readonly kind: K;
  readonly name: string;
}

export interface BtfVoid extends Base<BtfKind.Unknown> {}
export interface BtfInt extends Base<BtfKind.Int> {
  readonly size: number;
  readonly signed: boolean;
  readonly char: boolean;
  readonly bool: boolean;
  readonly bits: number;
  readonly bitOffset: number;
}
export interface BtfPtr extends Base<BtfKind.Ptr> {
  readonly type: number;
}
export interface BtfArray extends Base<BtfKind.Array> {
  readonly elemType: number;
  readonly indexType: number;
  readonly nelems: number;
}
export interface BtfMember {
  readonly name: string;
  readonly type: number;
  /** Bit offset of the member in its struct. */
  readonly bitOffset: number;
  /** Bitfield width; 0 for a plain member (only kflag structs encode it). */
  readonly bitfieldSize: number;
}
export interface BtfStruct extends Base<BtfKind.Struct> {
  readonly size: number;
  readonly members: readonly BtfMember[];
}
export interface BtfUnion extends Base<BtfKind.Union> {
  readonly size: number;
  readonly members: readonly BtfMember[];
}
export interface BtfEnumValue {
  readonly name: string;
  readonly value: bigint;
}
export interface BtfEnum extends Base<BtfKind.Enum> {
  readonly size: number;
  readonly signed: boolean;
  readonly values: readonly BtfEnumValue[];
}
export interface BtfEnum64 extends Base<BtfKind.Enum64> {
  readonly size: number;
  readonly signed: boolean;
  readonly values: readonly BtfEnumValue[];
}
export interface BtfFwd extends Base<BtfKind.Fwd> {
  readonly isUnion: boolean;
}
export interface BtfTypedef extends Base<BtfKind.Typedef> {
  readonly type: number;
}
export interface BtfVolatile extends Base<BtfKind.Volatile> {
  readonly type: number;
}
export interface BtfConst extends Base<BtfKind.Const> {
  readonly type: number;
}
export interface BtfRestrict extends Base<BtfKind.Restrict> {
  readonly type: number;
}
export interface BtfTypeTag extends Base<BtfKind.TypeTag> {
  readonly type: number;
}
export interface BtfFunc extends Base<BtfKind.Func> {
  /** The FUNC_PROTO. */
  readonly type: number;
  /** enum btf_func_linkage */
  readonly linkage: number;
}
export interface BtfParam {
  readonly name: string;
  readonly type: number;
}
export interface BtfFuncProto extends Base<BtfKind.FuncProto> {
  readonly returnType: number;
  /** Without the trailing `...` marker (type 0, no name), which sets `variadic`. */
  readonly params: readonly BtfParam[];
  readonly variadic: boolean;
}
export interface BtfVar extends Base<BtfKind.Var> {
  readonly type: number;
  readonly linkage: number;
}
export interface BtfVarSecinfo {
  readonly type: number;
  readonly offset: number;
  readonly size: number;
}
export interface BtfDatasec extends Base<BtfKind.Datasec> {
  readonly size: number;
  readonly vars: readonly BtfVarSecinfo[];
}
export interface BtfFloat extends Base<BtfKind.Float> {
  readonly size: number;
}
export interface BtfDeclTag extends Base<BtfKind.DeclTag> {
  readonly type: number;
  /** -1 for the type itself, else the member/parameter index. */
  readonly componentIdx: number;
}

export type BtfType =
  | BtfVoid
  | BtfInt
  | BtfPtr
  | BtfArray
  | BtfStruct
  | BtfUnion
  | BtfEnum
  | BtfEnum64
  | BtfFwd
  | BtfTypedef
  | BtfVolatile
  | BtfConst
  | BtfRestrict
  | BtfTypeTag
  | BtfFunc
  | BtfFuncProto
  | BtfVar
  | BtfDatasec
  | BtfFloat
  | BtfDeclTag;

/** Kinds whose `type` field points at the next type in a chain. */
export type BtfRefType = BtfPtr | BtfTypedef | BtfVolatile | BtfConst | BtfRestrict | BtfTypeTag;

/** A type as the builder takes it: no id (the builder assigns it). */
export type NewBtfType = BtfType extends infer T ? (T extends BtfType ? Omit<T, 'id'> : never) : never;

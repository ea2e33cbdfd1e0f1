// Cuts a BTF object down to chosen types and everything they reach, renumbered into one
// standalone BTF that the reader, bpftool and the kernel's BPF_BTF_LOAD accept. Structs and
// unions reached through more than `pointerDepth` pointers become FWD declarations, which
// keeps a struct_ops profile of vmlinux small while every ops signature stays exact.

import { BtfKind } from './kinds';
import { BtfBuilder, type BuilderOptions } from './writer';
import type { BtfSpec } from './spec';
import type { BtfType, NewBtfType } from './types';

export interface MinimizeOptions {
  /**
   * How many pointer hops to a struct/union still keep its full definition; beyond, it is a
   * FWD. Anonymous structs stay whole (a FWD needs a name). Default: keep everything.
   */
  readonly pointerDepth?: number;
  readonly bigEndian?: BuilderOptions['bigEndian'];
}

/** Which old ids to keep, and which of those are emitted as FWD only. */
export interface Closure {
  readonly keep: number[];
  readonly fwdOnly: Set<number>;
}

/** The types reachable from `roots` under the pointer-depth rule (ids of `spec` and its base). */
export function closureOf(spec: BtfSpec, roots: readonly number[], options: MinimizeOptions = {}): Closure {
  const maxDepth = options.pointerDepth ?? Number.POSITIVE_INFINITY;
  const expanded = new Set<number>(); // structs/unions kept whole
  const fwd = new Set<number>();
  const seen = new Set<number>(); // other types, keyed id*2 + (reached through a pointer)
  const others = new Set<number>();
  let level: number[] = roots.filter((id) => id !== 0);
  for (let depth = 0; level.length > 0; depth++) {
    const next: number[] = [];
    const stack: [number, boolean][] = level.map((id) => [id, false]);
    while (stack.length > 0) {
      const [id, viaPtr] = stack.pop() as [number, boolean];
      const t = spec.typeById(id);
      if (!t || id === 0) continue;
      if (t.kind === BtfKind.Struct || t.kind === BtfKind.Union) {
        if (expanded.has(id)) continue;
        if (viaPtr && t.name !== '') {
          if (depth + 1 > maxDepth) fwd.add(id);
          else next.push(id);
          continue;
        }
        expanded.add(id);
        for (const m of t.members) stack.push([m.type, false]);
        continue;
      }
      const key = id * 2 + (viaPtr ? 1 : 0);
      if (seen.has(key)) continue;
      seen.add(key);
      others.add(id);
      for (const [ref, ptr] of edges(t, viaPtr)) stack.push([ref, ptr]);
    }
    level = next;
  }
  const all = new Set<number>([...expanded, ...others, ...fwd]);
  const fwdOnly = new Set<number>([...fwd].filter((id) => !expanded.has(id)));
  return { keep: [...all].sort((a, b) => a - b), fwdOnly };
}

/** Outgoing references of a non-struct type; `true` marks an edge through a pointer. */
function edges(t: BtfType, viaPtr: boolean): [number, boolean][] {
  switch (t.kind) {
    case BtfKind.Ptr:
      return [[t.type, true]];
    case BtfKind.Typedef: case BtfKind.Volatile: case BtfKind.Const: case BtfKind.Restrict: case BtfKind.TypeTag:
      return [[t.type, viaPtr]];
    case BtfKind.Array:
      return [[t.elemType, viaPtr], [t.indexType, false]];
    case BtfKind.FuncProto:
      return [[t.returnType, false], ...t.params.map((p): [number, boolean] => [p.type, false])];
    case BtfKind.Func: case BtfKind.Var: case BtfKind.DeclTag:
      return [[t.type, false]];
    case BtfKind.Datasec:
      return t.vars.map((v): [number, boolean] => [v.type, false]);
    default:
      return [];
  }
}

/**
 * Standalone BTF holding `roots` and every type they reach (see MinimizeOptions), ids
 * renumbered in their original order. Ids that do not exist in `spec` are ignored.
 */
export function minimizeBtf(spec: BtfSpec, roots: readonly number[], options: MinimizeOptions = {}): Uint8Array {
  const { keep, fwdOnly } = closureOf(spec, roots, options);
  const newId = new Map<number, number>([[0, 0]]);
  keep.forEach((id, i) => newId.set(id, i + 1));
  const map = (id: number) => newId.get(id) ?? 0;
  const b = new BtfBuilder({ bigEndian: options.bigEndian });
  for (const id of keep) {
    const t = spec.typeById(id) as BtfType;
    if (fwdOnly.has(id)) b.add({ kind: BtfKind.Fwd, name: t.name, isUnion: t.kind === BtfKind.Union });
    else b.add(remap(t, map));
  }
  return b.build();
}

/** The same type with every referenced id passed through `map`. */
export function remap(t: BtfType, map: (id: number) => number): NewBtfType {
  switch (t.kind) {
    case BtfKind.Ptr: case BtfKind.Typedef: case BtfKind.Volatile: case BtfKind.Const: case BtfKind.Restrict:
    case BtfKind.TypeTag: case BtfKind.Func: case BtfKind.Var: case BtfKind.DeclTag:
      return { ...t, type: map(t.type) };
    case BtfKind.Array:
      return { ...t, elemType: map(t.elemType), indexType: map(t.indexType) };
    case BtfKind.Struct: case BtfKind.Union:
      return { ...t, members: t.members.map((m) => ({ ...m, type: map(m.type) })) };
    case BtfKind.FuncProto:
      return { ...t, returnType: map(t.returnType), params: t.params.map((p) => ({ ...p, type: map(p.type) })) };
    case BtfKind.Datasec:
      return { ...t, vars: t.vars.map((v) => ({ ...v, type: map(v.type) })) };
    default:
      return t;
  }
}

/**
 * Roots of the struct_ops part of a kernel's BTF: every value type bpf_struct_ops_<T>, its T,
 * the stub functions `<T>__<member>` where present (their parameter names carry `__nullable`,
 * kernel prepare_arg_info, 6.9+), and `struct module` (REG checks need to know it exists).
 */
export function structOpsRoots(spec: BtfSpec): number[] {
  const roots: number[] = [];
  for (const v of spec.structOpsValueTypes()) {
    roots.push(v.valueId, v.typeId);
    const t = spec.typeById(v.typeId);
    if (t?.kind !== BtfKind.Struct) continue;
    for (const m of t.members) {
      const stub = spec.findByNameKind(`${v.typeName}__${m.name}`, BtfKind.Func);
      if (stub !== undefined) roots.push(stub);
    }
  }
  const module = spec.findByNameKind('module', BtfKind.Struct);
  if (module !== undefined) roots.push(module);
  return roots;
}

/** minimizeBtf of structOpsRoots; structs behind more than `pointerDepth` (default 1) pointers become FWD. */
export function minimizeStructOps(spec: BtfSpec, options: MinimizeOptions = {}): Uint8Array {
  return minimizeBtf(spec, structOpsRoots(spec), { pointerDepth: 1, ...options });
}

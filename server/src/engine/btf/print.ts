// C text for BTF types, as in vmlinux.h: `struct sock *`, `u32 (*ssthresh)(struct sock *sk)`,
// `char name[16]`, whole struct definitions with anonymous members inline. Declarators are built
// inside out like bpftool's btf_dump_emit_type_chain; chains are bounded, so bad BTF cannot hang.

import { BtfKind } from './kinds';
import { MAX_RESOLVE_DEPTH, type BtfSpec } from './spec';
import type { BtfMember, BtfType } from './types';

/** A type as C, e.g. `struct sock *`, `const char *`, `u32 (*)(struct sock *)`. */
export function formatType(spec: BtfSpec, id: number): string {
  return declaration(spec, id, '', 0);
}

/** One member declaration, e.g. `u32 (*ssthresh)(struct sock *sk)`, `unsigned int flags: 1`. '' for a bad index. */
export function formatMember(spec: BtfSpec, structId: number, memberIndex: number): string {
  const t = spec.typeById(structId);
  if (!t || (t.kind !== BtfKind.Struct && t.kind !== BtfKind.Union)) return '';
  const m = t.members[memberIndex];
  return m ? memberText(spec, m, 0) : '';
}

/** A full definition: `struct tcp_congestion_ops {\n\tu32 (*ssthresh)(struct sock *);\n...};` */
export function formatStruct(spec: BtfSpec, id: number): string {
  const t = spec.typeById(id);
  if (!t) return `/* bad type id ${id} */`;
  switch (t.kind) {
    case BtfKind.Struct: case BtfKind.Union: case BtfKind.Enum: case BtfKind.Enum64:
      return `${body(spec, t, 0)};`;
    case BtfKind.Typedef:
      return `typedef ${declaration(spec, t.type, t.name, 0)};`;
    case BtfKind.Func:
      return `${declaration(spec, t.type, t.name, 0)};`;
    default:
      return `${formatType(spec, id)};`;
  }
}

function memberText(spec: BtfSpec, m: BtfMember, indent: number): string {
  const t = spec.typeById(m.type);
  // Anonymous struct/union/enum members are printed inline, as C requires.
  const inline = t && (t.kind === BtfKind.Struct || t.kind === BtfKind.Union || t.kind === BtfKind.Enum || t.kind === BtfKind.Enum64) && t.name === '';
  const text = inline ? `${body(spec, t, indent)}${m.name ? ` ${m.name}` : ''}` : declaration(spec, m.type, m.name, 0);
  return m.bitfieldSize ? `${text}: ${m.bitfieldSize}` : text;
}

function body(spec: BtfSpec, t: BtfType, indent: number): string {
  const pad = '\t'.repeat(indent + 1);
  const end = '\t'.repeat(indent);
  if (t.kind === BtfKind.Enum || t.kind === BtfKind.Enum64) {
    const head = t.name ? `enum ${t.name}` : 'enum';
    if (t.values.length === 0) return `${head} {}`;
    return `${head} {\n${t.values.map((v) => `${pad}${v.name} = ${v.value},`).join('\n')}\n${end}}`;
  }
  if (t.kind !== BtfKind.Struct && t.kind !== BtfKind.Union) return '';
  const head = `${t.kind === BtfKind.Struct ? 'struct' : 'union'}${t.name ? ` ${t.name}` : ''}`;
  if (indent > MAX_RESOLVE_DEPTH) return `${head} { /* nested too deep */ }`;
  const lines = t.members.map((m) => `${pad}${memberText(spec, m, indent + 1)};`);
  return lines.length ? `${head} {\n${lines.join('\n')}\n${end}}` : `${head} {}`;
}

/** Tag or typedef name of a type that ends a declarator chain. */
function baseName(t: BtfType): string {
  switch (t.kind) {
    case BtfKind.Unknown: return 'void';
    case BtfKind.Struct: return t.name ? `struct ${t.name}` : 'struct {...}';
    case BtfKind.Union: return t.name ? `union ${t.name}` : 'union {...}';
    case BtfKind.Enum: case BtfKind.Enum64: return t.name ? `enum ${t.name}` : 'enum {...}';
    case BtfKind.Fwd: return `${t.isUnion ? 'union' : 'struct'} ${t.name}`;
    default: return t.name;
  }
}

function join(base: string, declarator: string): string {
  if (declarator === '') return base;
  return declarator.startsWith('*') || base.endsWith('*') ? `${base} ${declarator}`.replace('* *', '**') : `${base} ${declarator}`;
}

/** `declarator` is the text so far around the name; each pointer/array/function wraps it. */
function declaration(spec: BtfSpec, id: number, declarator: string, depth: number): string {
  if (depth > MAX_RESOLVE_DEPTH) return join('/* type chain too long */ void', declarator);
  const t = spec.typeById(id);
  if (!t) return join(`/* bad type id ${id} */ void`, declarator);
  switch (t.kind) {
    case BtfKind.Ptr:
      return declaration(spec, t.type, `*${declarator}`, depth + 1);
    case BtfKind.Const: case BtfKind.Volatile: case BtfKind.Restrict: {
      const q = t.kind === BtfKind.Const ? 'const' : t.kind === BtfKind.Volatile ? 'volatile' : 'restrict';
      const target = spec.typeById(t.type);
      // `char *const p`: a qualified pointer puts the qualifier after its star.
      if (target?.kind === BtfKind.Ptr) return declaration(spec, t.type, declarator ? `${q} ${declarator}` : q, depth + 1);
      return `${q} ${declaration(spec, t.type, declarator, depth + 1)}`;
    }
    case BtfKind.TypeTag: case BtfKind.DeclTag: case BtfKind.Var:
      return declaration(spec, t.type, declarator, depth + 1);
    case BtfKind.Array: {
      const inner = declarator.startsWith('*') || declarator.startsWith('const ') ? `(${declarator})` : declarator;
      return declaration(spec, t.elemType, `${inner}[${t.nelems}]`, depth + 1);
    }
    case BtfKind.FuncProto: {
      const inner = declarator.startsWith('*') ? `(${declarator})` : declarator;
      const params = t.params.map((p) => declaration(spec, p.type, p.name, depth + 1));
      if (t.variadic) params.push('...');
      return declaration(spec, t.returnType, `${inner}(${params.length ? params.join(', ') : 'void'})`, depth + 1);
    }
    case BtfKind.Func:
      return declaration(spec, t.type, declarator || t.name, depth + 1);
    default:
      return join(baseName(t), declarator);
  }
}

// Small helpers over tree-sitter C nodes shared by the extractors: constant evaluation (with the
// kernel errno names a `return -EINVAL;` uses), C types from specifier + declarator, parameters.

import type { Node } from 'web-tree-sitter';
import { Errno } from '../common/errno';
import type { CParam, CType } from './facts';

/** errno names kernel struct_ops code returns beyond the shared table (asm-generic/errno*.h). */
const MORE_ERRNO: Record<string, number> = {
  ENXIO: 6, ENOEXEC: 8, ECHILD: 10, ENOTBLK: 15, EXDEV: 18, ENODEV: 19, ENOTDIR: 20, EISDIR: 21,
  ENFILE: 23, EMFILE: 24, ENOTTY: 25, EFBIG: 27, ENOSPC: 28, ESPIPE: 29, EROFS: 30, EMLINK: 31,
  EPIPE: 32, EDOM: 33, ERANGE: 34, EDEADLK: 35, ENAMETOOLONG: 36, ENOLCK: 37, ENOSYS: 38,
  ENOTEMPTY: 39, ELOOP: 40, ENOMSG: 42, EIDRM: 43, ENODATA: 61, ETIME: 62, EPROTO: 71,
  EBADMSG: 74, EOVERFLOW: 75, EILSEQ: 84, EUSERS: 87, ENOTSOCK: 88, EMSGSIZE: 90,
  EPROTONOSUPPORT: 93, EAFNOSUPPORT: 97, EADDRINUSE: 98, EADDRNOTAVAIL: 99, ENETDOWN: 100,
  ENETUNREACH: 101, ECONNRESET: 104, ENOBUFS: 105, EISCONN: 106, ENOTCONN: 107, ETIMEDOUT: 110,
  ECONNREFUSED: 111, EALREADY: 114, ESTALE: 116, EDQUOT: 122, ECANCELED: 125, EOWNERDEAD: 130,
  ENOTRECOVERABLE: 131, ERESTARTSYS: 512, ENOIOCTLCMD: 515, EBADTYPE: 527, ENOPARAM: 519,
  EOPNOTSUP: 95, EWOULDBLOCK: 11,
};

export function errnoValue(name: string): number | undefined {
  return (Errno as Record<string, number>)[name] ?? MORE_ERRNO[name];
}

export function parseIntegerLiteral(text: string): bigint | undefined {
  const negative = text.startsWith('-');
  const t = text.replace(/^[-+]\s*/, '').replace(/[uUlL]+$/, '').replace(/'/g, '');
  const value = parseUnsigned(t);
  return value !== undefined && negative ? -value : value;
}

function parseUnsigned(t: string): bigint | undefined {
  try {
    if (/^0[xX][0-9a-fA-F]+$/.test(t) || /^0[bB][01]+$/.test(t)) return BigInt(t);
    if (/^0[0-7]+$/.test(t)) return BigInt('0o' + t.slice(1));
    if (/^[0-9]+$/.test(t)) return BigInt(t);
  } catch {
    return undefined;
  }
  return undefined;
}

/** Names whose value is known: enumerators in the file, errno names. */
export type ConstantLookup = (name: string) => bigint | undefined;

/** Evaluates an integer constant expression; undefined when it is not one we can decide. */
export function evalConst(node: Node | null, lookup: ConstantLookup): bigint | undefined {
  if (!node) return undefined;
  switch (node.type) {
    case 'number_literal':
      return parseIntegerLiteral(node.text);
    case 'char_literal': {
      const body = node.text.slice(1, -1);
      if (body.length === 1) return BigInt(body.charCodeAt(0));
      return undefined;
    }
    case 'true':
      return 1n;
    case 'false':
      return 0n;
    case 'identifier': {
      const known = lookup(node.text);
      if (known !== undefined) return known;
      const errno = errnoValue(node.text);
      return errno === undefined ? undefined : BigInt(errno);
    }
    case 'parenthesized_expression':
      return evalConst(node.namedChild(0), lookup);
    case 'cast_expression':
      return evalConst(node.childForFieldName('value'), lookup);
    case 'unary_expression': {
      const v = evalConst(node.childForFieldName('argument'), lookup);
      if (v === undefined) return undefined;
      const op = node.childForFieldName('operator')?.text ?? node.child(0)?.text;
      if (op === '-') return -v;
      if (op === '+') return v;
      if (op === '~') return ~v;
      if (op === '!') return v === 0n ? 1n : 0n;
      return undefined;
    }
    case 'binary_expression': {
      const a = evalConst(node.childForFieldName('left'), lookup);
      const b = evalConst(node.childForFieldName('right'), lookup);
      if (a === undefined || b === undefined) return undefined;
      const op = node.childForFieldName('operator')?.text;
      switch (op) {
        case '+': return a + b;
        case '-': return a - b;
        case '*': return a * b;
        case '/': return b === 0n ? undefined : a / b;
        case '%': return b === 0n ? undefined : a % b;
        case '<<': return b < 0n || b > 128n ? undefined : a << b;
        case '>>': return b < 0n || b > 128n ? undefined : a >> b;
        case '|': return a | b;
        case '&': return a & b;
        case '^': return a ^ b;
        default: return undefined;
      }
    }
    default:
      return undefined;
  }
}

/** The type a specifier node names (`unsigned long`, `struct sock`, `u32`). */
export function typeOfSpecifier(node: Node | null): CType {
  if (!node) return { kind: 'named', name: 'int' };
  switch (node.type) {
    case 'struct_specifier':
    case 'union_specifier':
    case 'enum_specifier': {
      const kind = node.type === 'struct_specifier' ? 'struct' : node.type === 'union_specifier' ? 'union' : 'enum';
      return { kind, tag: node.childForFieldName('name')?.text ?? '' };
    }
    default:
      return { kind: 'named', name: node.text.replace(/\s+/g, ' ') };
  }
}

export interface Declared {
  readonly name: string;
  readonly nameNode?: Node;
  readonly type: CType;
}

/** Applies a declarator to a base type, C's inside-out rule: `*a[3]` is an array of pointers. */
export function applyDeclarator(base: CType, declarator: Node | null, lookup: ConstantLookup): Declared {
  let type = base;
  let d = declarator;
  while (d) {
    switch (d.type) {
      case 'identifier':
      case 'field_identifier':
      case 'type_identifier':
      case 'primitive_type':
        return { name: d.text, nameNode: d, type };
      case 'pointer_declarator':
      case 'abstract_pointer_declarator':
        type = { kind: 'pointer', to: type };
        d = d.childForFieldName('declarator');
        break;
      case 'array_declarator':
      case 'abstract_array_declarator': {
        const size = evalConst(d.childForFieldName('size'), lookup);
        type = size === undefined ? { kind: 'array', of: type } : { kind: 'array', of: type, length: Number(size) };
        d = d.childForFieldName('declarator');
        break;
      }
      case 'function_declarator':
      case 'abstract_function_declarator': {
        const { params, variadic } = parameters(d.childForFieldName('parameters'), lookup);
        type = { kind: 'function', returns: type, params, variadic };
        d = d.childForFieldName('declarator');
        break;
      }
      case 'init_declarator':
        d = d.childForFieldName('declarator');
        break;
      case 'parenthesized_declarator':
      case 'abstract_parenthesized_declarator':
      case 'attributed_declarator':
        d = d.namedChild(0);
        break;
      default:
        return { name: '', type };
    }
  }
  return { name: '', type };
}

export function paramOf(decl: Node, lookup: ConstantLookup): CParam {
  const declared = applyDeclarator(typeOfSpecifier(decl.childForFieldName('type')), decl.childForFieldName('declarator'), lookup);
  return { name: declared.name, type: declared.type, text: declarationText(decl.text) };
}

/** Declaration text in one canonical spacing (`struct sock *sk`), whether written or macro-expanded. */
export function declarationText(text: string): string {
  return text.replace(/\s+/g, ' ').replace(/\s*\*\s*/g, ' *').replace(/\* \*/g, '**').replace(/\s*([[\]])\s*/g, '$1').replace(/\s*,\s*/g, ', ').replace(/\(\s+/g, '(').replace(/\s+\)/g, ')').trim();
}

/** Parameters of a parameter_list; `(void)` is none. */
export function parameters(list: Node | null, lookup: ConstantLookup): { params: CParam[]; variadic: boolean } {
  const params: CParam[] = [];
  let variadic = false;
  if (!list) return { params, variadic };
  for (const child of list.namedChildren) {
    if (!child) continue;
    if (child.type === 'variadic_parameter') variadic = true;
    else if (child.type === 'parameter_declaration') params.push(paramOf(child, lookup));
  }
  if (params.length === 1 && params[0].name === '' && params[0].type.kind === 'named' && params[0].type.name === 'void') {
    params.length = 0;
  }
  return { params, variadic };
}

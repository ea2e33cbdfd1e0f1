// ProgramBody facts of one BPF program: which ctx slots its body loads, which stores it makes
// through argument pointers, and whether each pointer argument is NULL-checked before its first
// use (PRG-16, PRG-19, PRG-20). Syntax only, no types beyond what the C text says; every answer
// leans to "not recorded" / `unknown`, because the simulator turns what is recorded into errors.

import type { Node } from 'web-tree-sitter';
import type { Location } from '../common/location';
import { applyDeclarator, evalConst, typeOfSpecifier, type ConstantLookup } from './cexpr';
import type { CParam, CType, CtxRead, FieldWrite, PointerDeref, ProgramBody } from './facts';

export interface ProgramBodyOptions {
  /** `macro`: BPF_PROG/BPF_PROG2 (parameter i is ctx slot i, `ctx` is in scope); `plain`: a SEC function. */
  readonly declaredWith: 'macro' | 'macro2' | 'plain';
  readonly params: readonly CParam[];
  readonly locate: (node: Node) => Location;
  readonly lookup: ConstantLookup;
  /** Names of the functions the file defines with a body: calls to them may drop their arguments. */
  readonly localFunctions: ReadonlySet<string>;
}

/**
 * Body facts of a program; undefined when the program's arguments cannot be told apart (a plain
 * function that does not take `unsigned long long *ctx`) or there is no body.
 */
export function extractProgramBody(body: Node | null, options: ProgramBodyOptions): ProgramBody | undefined {
  if (!body) return undefined;
  const bindings = new Map<string, Binding>();
  if (options.declaredWith === 'plain') {
    const only = options.params[0];
    if (options.params.length !== 1 || !only.name || !isU64Pointer(only.type)) return undefined;
    bindings.set(only.name, { kind: 'ctx' });
  } else {
    bindings.set('ctx', { kind: 'ctx' });
    let slot: number | undefined = 0;
    for (const p of options.params) {
      if (!p.name) continue;
      bindings.set(p.name, { kind: 'param', slot, type: p.type });
      // BPF_PROG2 gives a struct passed by value as many slots as it has words; BPF_PROG one each.
      const byValue = p.type.kind === 'struct' || p.type.kind === 'union';
      slot = slot === undefined || (byValue && options.declaredWith === 'macro2') ? undefined : slot + 1;
    }
  }
  return new BodyWalker(body, bindings, options).run();
}

// ---- C scalar sizes on the BPF target (LP64) ----

const SCALAR_SIZES: Record<string, number> = {};
for (const [size, names] of [
  [1, 'char,signed char,unsigned char,_Bool,bool,__u8,__s8,u8,s8,int8_t,uint8_t'],
  [2, 'short,short int,signed short,unsigned short,unsigned short int,__u16,__s16,u16,s16,__be16,__le16,int16_t,uint16_t'],
  [4, 'int,signed,signed int,unsigned,unsigned int,__u32,__s32,u32,s32,__be32,__le32,__wsum,int32_t,uint32_t,float'],
  [8, 'long,long int,signed long,unsigned long,unsigned long int,long long,long long int,unsigned long long,unsigned long long int,__u64,__s64,u64,s64,__be64,__le64,int64_t,uint64_t,size_t,ssize_t,double'],
] as const) {
  for (const name of names.split(',')) SCALAR_SIZES[name] = size;
}

/** Size of a scalar C type as written; undefined for structs, typedefs we do not know, void. */
export function scalarSize(type: CType): number | undefined {
  if (type.kind === 'pointer') return 8;
  if (type.kind === 'enum') return 4;
  if (type.kind !== 'named') return undefined;
  return SCALAR_SIZES[type.name.replace(/\b(const|volatile)\b/g, '').replace(/\s+/g, ' ').trim()];
}

function isU64Pointer(type: CType): boolean {
  return type.kind === 'pointer' && type.to.kind === 'named' && scalarSize(type.to) === 8 && /\b(long long|u64|__u64)\b/.test(type.to.name);
}

/** Inline accessors from bpf_tracing_net.h / bpf_tcp_helpers.h that only cast their argument. */
const ACCESSORS: Record<string, string> = { tcp_sk: 'tcp_sock', inet_csk: 'inet_connection_sock', inet_sk: 'inet_sock' };

// ---- bindings and origins ----

type Binding =
  | { readonly kind: 'ctx' }
  | { readonly kind: 'param'; readonly slot: number | undefined; readonly type: CType }
  | { readonly kind: 'local'; readonly type: CType; readonly init: Node | null; readonly tracked: boolean };

/** A pointer value loaded from an argument: which slot, and what the C code says it points to. */
interface Origin {
  readonly slot: number;
  readonly pointee?: CType;
}

interface Target {
  readonly slot: number;
  readonly struct?: string;
  readonly path: (string | number)[];
  readonly extraOffset: number;
  readonly size?: number;
  readonly emit: FieldWrite['emit'];
}

const strip = (node: Node | null): Node | null => {
  let n = node;
  while (n && n.type === 'parenthesized_expression' && n.namedChildCount === 1) n = n.namedChild(0);
  return n;
};

const same = (a: Node | null | undefined, b: Node | null | undefined): boolean => !!a && !!b && a.id === b.id;

function isNullLiteral(node: Node | null): boolean {
  const n = strip(node);
  if (!n) return false;
  if (n.type === 'null' || (n.type === 'identifier' && n.text === 'NULL')) return true;
  if (n.type === 'number_literal') return /^0+[uUlL]*$/.test(n.text);
  if (n.type === 'cast_expression') return isNullLiteral(n.childForFieldName('value'));
  return false;
}

class BodyWalker {
  private readonly ctxReads = new Map<number, CtxRead>();
  private readonly fieldWrites: FieldWrite[] = [];
  private readonly identifiers: Node[] = [];
  private readonly liveLocals = new Map<string, boolean | 'pending'>();
  private readonly localOrigins = new Map<string, Origin | undefined>();
  private hasGoto = false;

  constructor(
    private readonly body: Node,
    private readonly bindings: Map<string, Binding>,
    private readonly options: ProgramBodyOptions,
  ) {}

  /** Positions relative to the body, so a program's facts do not change when text above it moves. */
  private orderOf(offset: number): number {
    return offset - this.body.startIndex;
  }

  run(): ProgramBody {
    this.collectLocals();
    this.walk(this.body);
    return {
      ctxReads: [...this.ctxReads.values()].sort((a, b) => a.order - b.order),
      fieldWrites: this.fieldWrites.sort((a, b) => a.order - b.order),
      derefs: this.derefs(),
    };
  }

  /** Locals: tracked only when declared once, never reassigned, and their address never taken. */
  private collectLocals(): void {
    const declared = new Map<string, number>();
    const reassigned = new Set<string>();
    const kinds = ['declaration', 'assignment_expression', 'update_expression', 'pointer_expression', 'goto_statement', 'labeled_statement'];
    for (const node of this.body.descendantsOfType(kinds)) {
      if (node.type === 'declaration') {
        const base = typeOfSpecifier(node.childForFieldName('type'));
        for (const d of node.childrenForFieldName('declarator')) {
          const declaredName = applyDeclarator(base, d, this.options.lookup);
          if (!declaredName.name) continue;
          declared.set(declaredName.name, (declared.get(declaredName.name) ?? 0) + 1);
          const init = d.type === 'init_declarator' ? d.childForFieldName('value') : null;
          const shadowing = this.bindings.get(declaredName.name);
          this.bindings.set(declaredName.name, {
            kind: 'local',
            type: declaredName.type,
            init,
            tracked: !shadowing || shadowing.kind === 'local',
          });
        }
      } else if (node.type === 'assignment_expression' || node.type === 'update_expression') {
        const target = strip(node.childForFieldName(node.type === 'assignment_expression' ? 'left' : 'argument'));
        if (target?.type === 'identifier') reassigned.add(target.text);
      } else if (node.type === 'pointer_expression' && node.childForFieldName('operator')?.text === '&') {
        const arg = strip(node.childForFieldName('argument'));
        if (arg?.type === 'identifier') reassigned.add(arg.text);
      } else if (node.type === 'goto_statement' || node.type === 'labeled_statement') {
        this.hasGoto = true;
      }
    }
    for (const [name, binding] of this.bindings) {
      if (binding.kind === 'local' && ((declared.get(name) ?? 0) > 1 || reassigned.has(name))) {
        this.bindings.set(name, { ...binding, tracked: false });
      } else if (binding.kind === 'param' && reassigned.has(name)) {
        this.bindings.set(name, { ...binding, slot: undefined });
      } else if (binding.kind === 'ctx' && reassigned.has(name)) {
        this.bindings.delete(name);
      }
    }
  }

  // ---- the walk: ctx reads and writes ----

  private walk(root: Node): void {
    // One query for the nodes that matter; unevaluated and dead regions are cut out by offset.
    const skipped: [number, number][] = [];
    for (const node of root.descendantsOfType(['if_statement', 'sizeof_expression', 'alignof_expression', 'offsetof_expression'])) {
      if (node.type !== 'if_statement') {
        skipped.push([node.startIndex, node.endIndex]);
        continue;
      }
      const cond = evalConst(strip(node.childForFieldName('condition')), this.options.lookup);
      if (cond === undefined) continue;
      const dead = cond === 0n ? node.childForFieldName('consequence') : node.childForFieldName('alternative');
      if (dead) skipped.push([dead.startIndex, dead.endIndex]);
    }
    const inSkipped = (n: Node) => skipped.some(([a, b]) => n.startIndex >= a && n.endIndex <= b);
    for (const node of root.descendantsOfType(['identifier', 'subscript_expression', 'assignment_expression', 'update_expression', 'gnu_asm_expression'])) {
      if (skipped.length > 0 && inSkipped(node)) continue;
      switch (node.type) {
        case 'identifier':
          this.identifiers.push(node);
          this.paramRead(node);
          break;
        case 'subscript_expression':
          this.ctxSubscript(node);
          break;
        case 'assignment_expression':
          this.write(node, node.childForFieldName('left'));
          break;
        case 'update_expression':
          this.write(node, node.childForFieldName('argument'));
          break;
        case 'gnu_asm_expression':
          this.asmStores(node);
          break;
        default:
          break;
      }
    }
  }

  private record(read: CtxRead): void {
    const known = this.ctxReads.get(read.slot);
    if (!known || read.order < known.order) this.ctxReads.set(read.slot, read);
  }

  private paramRead(node: Node): void {
    const binding = this.bindings.get(node.text);
    if (binding?.kind !== 'param' || binding.slot === undefined || !this.isUse(node) || !this.live(node)) return;
    this.record({ slot: binding.slot, size: 8, via: 'parameter', location: this.options.locate(node), order: this.orderOf(node.startIndex) });
  }

  private ctxSubscript(node: Node): void {
    const slot = this.ctxSlot(node);
    if (slot === undefined || !this.live(node)) return;
    this.record({ slot, size: 8, via: 'ctx', location: this.options.locate(node), order: this.orderOf(node.startIndex) });
  }

  /** N for `ctx[N]` with a constant N; undefined for anything else. */
  private ctxSlot(node: Node | null): number | undefined {
    const n = strip(node);
    if (n?.type !== 'subscript_expression') return undefined;
    const arg = strip(n.childForFieldName('argument'));
    if (arg?.type !== 'identifier' || this.bindings.get(arg.text)?.kind !== 'ctx') return undefined;
    const index = evalConst(n.childForFieldName('index'), this.options.lookup);
    return index === undefined || index < 0n || index > 64n ? undefined : Number(index);
  }

  /** An identifier that reads the variable (not a declarator name, a field name or an assignment target). */
  private isUse(node: Node): boolean {
    const parent = node.parent;
    if (!parent) return false;
    if (parent.type === 'init_declarator') return same(parent.childForFieldName('value'), node);
    if (parent.type.endsWith('declarator') || parent.type === 'parameter_declaration' || parent.type === 'declaration') return false;
    if (parent.type === 'assignment_expression' && same(parent.childForFieldName('left'), node) && parent.childForFieldName('operator')?.text === '=') return false;
    return true;
  }

  // ---- liveness: would clang -O2 keep the value? ----

  /** True only when the value of `node` reaches a store, a return, a call, asm or a branch. */
  private live(node: Node): boolean {
    let child = node;
    let parent = node.parent;
    while (parent && !same(child, this.body)) {
      switch (parent.type) {
        case 'return_statement':
        case 'gnu_asm_input_operand':
        case 'gnu_asm_output_operand':
        case 'case_statement':
          return true;
        case 'sizeof_expression':
        case 'alignof_expression':
        case 'offsetof_expression':
        case 'expression_statement':
        case 'compound_statement':
          return false;
        case 'argument_list': {
          const call = parent.parent;
          const callee = strip(call?.childForFieldName('function') ?? null);
          if (!call || callee?.type !== 'identifier') return false;
          if (callee.text in ACCESSORS) {
            child = call;
            parent = call.parent;
            continue;
          }
          return !this.options.localFunctions.has(callee.text);
        }
        case 'if_statement':
        case 'while_statement':
        case 'do_statement':
        case 'switch_statement':
          return same(child, parent.childForFieldName('condition')) && !emptyBodies(parent);
        case 'for_statement':
          return same(child, parent.childForFieldName('condition'));
        case 'comma_expression':
          if (same(child, parent.childForFieldName('left'))) return false;
          break;
        case 'assignment_expression':
        case 'update_expression': {
          const target = strip(parent.childForFieldName(parent.type === 'assignment_expression' ? 'left' : 'argument'));
          if (!target) return false;
          if (target.type === 'identifier') return this.localLive(target.text);
          const base = lvalueBase(target);
          return base?.type === 'identifier' && this.bindings.get(base.text)?.kind === 'local' && !isPointer(this.bindings.get(base.text))
            ? this.localLive(base.text)
            : true;
        }
        case 'init_declarator': {
          const name = applyDeclarator({ kind: 'named', name: 'int' }, parent.childForFieldName('declarator'), this.options.lookup).name;
          return same(child, parent.childForFieldName('value')) && !!name && this.localLive(name);
        }
        case 'pointer_expression':
        case 'field_expression':
        case 'subscript_expression':
        case 'binary_expression':
        case 'unary_expression':
        case 'cast_expression':
        case 'parenthesized_expression':
        case 'conditional_expression':
        case 'initializer_list':
        case 'initializer_pair':
        case 'compound_literal_expression':
          break;
        default:
          return false;
      }
      child = parent;
      parent = parent.parent;
    }
    return false;
  }

  /** A local whose value some live context uses (fixpoint; a cycle counts as dead). */
  private localLive(name: string): boolean {
    const binding = this.bindings.get(name);
    if (binding?.kind !== 'local') return false;
    const known = this.liveLocals.get(name);
    if (known !== undefined) return known === true;
    this.liveLocals.set(name, 'pending');
    let live = false;
    for (const use of this.occurrences(name)) {
      if (this.isUse(use) && this.live(use)) {
        live = true;
        break;
      }
    }
    this.liveLocals.set(name, live);
    return live;
  }

  private byName?: Map<string, Node[]>;

  private occurrences(name: string): Node[] {
    if (!this.byName) {
      this.byName = new Map();
      for (const id of this.body.descendantsOfType('identifier')) {
        const list = this.byName.get(id.text) ?? [];
        list.push(id);
        this.byName.set(id.text, list);
      }
    }
    return this.byName.get(name) ?? [];
  }

  // ---- origins: pointers loaded from an argument ----

  private origin(node: Node | null, depth = 0): Origin | undefined {
    const n = strip(node);
    if (!n || depth > 16) return undefined;
    switch (n.type) {
      case 'identifier': {
        const binding = this.bindings.get(n.text);
        if (binding?.kind === 'param') {
          return binding.slot !== undefined && binding.type.kind === 'pointer' ? { slot: binding.slot, pointee: binding.type.to } : undefined;
        }
        if (binding?.kind === 'local' && binding.tracked && binding.type.kind === 'pointer' && binding.init) {
          if (this.localOrigins.has(n.text)) return this.localOrigins.get(n.text);
          this.localOrigins.set(n.text, undefined);
          const from = this.origin(binding.init, depth + 1) ?? this.ctxOrigin(binding.init);
          const origin = from && { slot: from.slot, pointee: binding.type.to };
          this.localOrigins.set(n.text, origin);
          return origin;
        }
        return undefined;
      }
      case 'cast_expression': {
        const type = this.castType(n);
        if (type?.kind !== 'pointer') return undefined;
        const value = n.childForFieldName('value');
        const from = this.origin(value, depth + 1) ?? this.ctxOrigin(value);
        return from && { slot: from.slot, pointee: type.to };
      }
      case 'call_expression': {
        const callee = strip(n.childForFieldName('function'));
        const args = n.childForFieldName('arguments')?.namedChildren ?? [];
        if (callee?.type !== 'identifier' || !(callee.text in ACCESSORS) || args.length !== 1) return undefined;
        const from = this.origin(args[0], depth + 1);
        return from && { slot: from.slot, pointee: { kind: 'struct', tag: ACCESSORS[callee.text] } };
      }
      default:
        return undefined;
    }
  }

  /** `ctx[N]` as the value a pointer is made from (the pointee is whatever the cast or local says). */
  private ctxOrigin(node: Node | null): Origin | undefined {
    const slot = this.ctxSlot(node);
    return slot === undefined ? undefined : { slot };
  }

  private castType(cast: Node): CType | undefined {
    const descriptor = cast.childForFieldName('type');
    if (!descriptor) return undefined;
    return applyDeclarator(typeOfSpecifier(descriptor.childForFieldName('type')), descriptor.childForFieldName('declarator'), this.options.lookup).type;
  }

  // ---- stores ----

  private write(node: Node, lhs: Node | null): void {
    const target = this.target(lhs);
    if (!target || !lhs) return;
    this.fieldWrites.push({ ...target, location: this.options.locate(lhs), order: this.orderOf(node.endIndex) });
  }

  /** Where an lvalue stores, when it is memory reached from an argument pointer by constant steps. */
  private target(lhs: Node | null): Target | undefined {
    let node = strip(lhs);
    if (!node) return undefined;
    if (node.type === 'pointer_expression' && node.childForFieldName('operator')?.text === '*') return this.derefTarget(node);
    const path: (string | number)[] = [];
    for (let depth = 0; node && depth < 32; depth++) {
      if (node.type === 'field_expression') {
        const field = node.childForFieldName('field')?.text;
        if (!field) return undefined;
        path.unshift(field);
        const arg = node.childForFieldName('argument');
        if (node.childForFieldName('operator')?.text === '.') {
          node = strip(arg);
          continue;
        }
        const base = this.origin(arg);
        const tag = base?.pointee && structTag(base.pointee);
        return base && tag ? { slot: base.slot, struct: tag, path, extraOffset: 0, emit: 'c' } : undefined;
      }
      if (node.type === 'subscript_expression') {
        const index = evalConst(node.childForFieldName('index'), this.options.lookup);
        if (index === undefined || index < 0n) return undefined;
        const arg = node.childForFieldName('argument');
        const base = this.origin(arg);
        if (base) {
          // `((int *)p)[1]`: an element of what the pointer points to, from the argument's start.
          const size = base.pointee && scalarSize(base.pointee);
          return path.length === 0 && size ? { slot: base.slot, path: [], extraOffset: Number(index) * size, size, emit: 'c' } : undefined;
        }
        path.unshift(Number(index));
        node = strip(arg);
        continue;
      }
      return undefined;
    }
    return undefined;
  }

  /** `*(T *)&p->f = v` (a member address, maybe misaligned for T) or `*(T *)p = v`. */
  private derefTarget(node: Node): Target | undefined {
    const arg = strip(node.childForFieldName('argument'));
    if (!arg) return undefined;
    if (arg.type === 'cast_expression') {
      const type = this.castType(arg);
      const size = type?.kind === 'pointer' ? scalarSize(type.to) : undefined;
      if (!size) return undefined;
      const value = strip(arg.childForFieldName('value'));
      if (value?.type === 'pointer_expression' && value.childForFieldName('operator')?.text === '&') {
        const inner = this.target(value.childForFieldName('argument'));
        return inner && inner.size === undefined && inner.extraOffset === 0 ? { ...inner, size, emit: 'member' } : undefined;
      }
      const base = this.origin(value) ?? this.ctxOrigin(value);
      return base ? { slot: base.slot, path: [], extraOffset: 0, size, emit: 'c' } : undefined;
    }
    const base = this.origin(arg);
    const size = base?.pointee && scalarSize(base.pointee);
    return base && size ? { slot: base.slot, path: [], extraOffset: 0, size, emit: 'c' } : undefined;
  }

  /** BPF stores in an asm template: `*(u64 *)(%[p] + 8) = %[v]` with `[p] "r"(&tp->f)`. */
  private asmStores(node: Node): void {
    const code = node.childForFieldName('assembly_code');
    if (!code) return;
    const template = code.type === 'concatenated_string'
      ? code.namedChildren.filter((c) => c?.type === 'string_literal').map((c) => c!.text.slice(1, -1)).join('')
      : code.text.slice(1, -1);
    const operands: { name?: string; value: Node | null }[] = [];
    for (const list of [node.childForFieldName('output_operands'), node.childForFieldName('input_operands')]) {
      for (const op of list?.namedChildren ?? []) {
        if (op?.type !== 'gnu_asm_output_operand' && op?.type !== 'gnu_asm_input_operand') continue;
        operands.push({ name: op.childForFieldName('symbol')?.text, value: op.childForFieldName('value') });
      }
    }
    const store = /\*\(\s*(u8|u16|u32|u64)\s*\*\s*\)\s*\(\s*%(?:\[(\w+)\]|(\d+))\s*(?:([+-])\s*(\d+)\s*)?\)\s*=/g;
    for (const m of template.matchAll(store)) {
      const size = { u8: 1, u16: 2, u32: 4, u64: 8 }[m[1] as 'u8' | 'u16' | 'u32' | 'u64'];
      const operand = m[2] !== undefined ? operands.find((o) => o.name === m[2]) : operands[Number(m[3])];
      const disp = m[5] === undefined ? 0 : (m[4] === '-' ? -1 : 1) * Number(m[5]);
      const value = strip(operand?.value ?? null);
      if (!value || disp < 0) continue;
      let target: Target | undefined;
      if (value.type === 'pointer_expression' && value.childForFieldName('operator')?.text === '&') {
        const inner = this.target(value.childForFieldName('argument'));
        if (inner && inner.size === undefined) target = { ...inner, extraOffset: inner.extraOffset + disp, size, emit: 'asm' };
      } else {
        const base = this.origin(value);
        if (base) target = { slot: base.slot, path: [], extraOffset: disp, size, emit: 'asm' };
      }
      if (target) this.fieldWrites.push({ ...target, location: this.options.locate(node), order: this.orderOf(node.endIndex) });
    }
  }

  // ---- pointer arguments: first dereference and its NULL check ----

  private derefs(): PointerDeref[] {
    const bySlot = new Map<number, Node[]>();
    for (const id of this.identifiers) {
      const binding = this.bindings.get(id.text);
      if (!binding || binding.kind === 'ctx' || binding.type.kind !== 'pointer') continue;
      const origin = this.isUse(id) ? this.origin(id) : undefined;
      if (!origin) continue;
      const list = bySlot.get(origin.slot) ?? [];
      list.push(id);
      bySlot.set(origin.slot, list);
    }
    const out: PointerDeref[] = [];
    for (const [slot, uses] of bySlot) {
      uses.sort((a, b) => a.startIndex - b.startIndex);
      const deref = this.firstDeref(slot, uses);
      if (deref) out.push(deref);
    }
    return out.sort((a, b) => a.order - b.order);
  }

  /**
   * The first live use of the pointer that is not a NULL test or the making of an alias. A
   * dereference is classified; anything else first (a call argument, `&p->f`, arithmetic) ends
   * the search with `unknown`, since the verifier may reject that use with another message.
   */
  private firstDeref(slot: number, uses: Node[]): PointerDeref | undefined {
    let tested = false;
    for (const use of uses) {
      const expr = this.pointerExpression(use);
      if (this.isNullTest(expr, slot)) {
        tested = true;
        continue;
      }
      if (this.isAliasInit(expr)) continue;
      const access = this.derefAccess(expr);
      if (!access) {
        if (expr.parent?.type !== 'argument_list' && !this.live(expr)) continue;
        return { slot, guard: 'unknown', location: this.options.locate(use), order: this.orderOf(use.startIndex) };
      }
      const store = isStoreTarget(access);
      if (!store && !this.live(access)) continue;
      // A NULL test anywhere, even after the use, makes it unknown: clang sinks a load whose value
      // is needed only past the test below it (observed 6.18/clang 14: `v = p->x; if (!p) return 0;`).
      const testedAnywhere = tested || uses.some((u) => this.isNullTest(this.pointerExpression(u), slot));
      const guard = this.guarded(access, slot) ? 'checked' : testedAnywhere || this.hasGoto ? 'unknown' : 'unchecked';
      return { slot, guard, location: this.options.locate(access), order: this.orderOf(store ? access.parent!.endIndex : access.startIndex) };
    }
    return undefined;
  }

  /** The use climbed through casts, parentheses and accessor calls: the pointer-valued expression. */
  private pointerExpression(use: Node): Node {
    let node = use;
    for (;;) {
      const parent = node.parent;
      if (!parent) return node;
      if (parent.type === 'parenthesized_expression' || parent.type === 'cast_expression') {
        node = parent;
        continue;
      }
      if (parent.type === 'argument_list') {
        const call = parent.parent;
        const callee = strip(call?.childForFieldName('function') ?? null);
        if (call && callee?.type === 'identifier' && callee.text in ACCESSORS) {
          node = call;
          continue;
        }
      }
      return node;
    }
  }

  private isAliasInit(expr: Node): boolean {
    const parent = expr.parent;
    if (parent?.type !== 'init_declarator' || !same(parent.childForFieldName('value'), expr)) return false;
    const name = applyDeclarator({ kind: 'named', name: 'int' }, parent.childForFieldName('declarator'), this.options.lookup).name;
    const binding = this.bindings.get(name);
    return binding?.kind === 'local' && binding.tracked && binding.type.kind === 'pointer';
  }

  /** The memory access `p->a.b[2]`, `*p`, `p[1]` that `expr` is the base of; undefined if not one. */
  private derefAccess(expr: Node): Node | undefined {
    const parent = expr.parent;
    if (!parent) return undefined;
    let access: Node | undefined;
    if (parent.type === 'field_expression' && parent.childForFieldName('operator')?.text === '->') access = parent;
    else if (parent.type === 'pointer_expression' && parent.childForFieldName('operator')?.text === '*') access = parent;
    else if (parent.type === 'subscript_expression' && same(parent.childForFieldName('argument'), expr)) {
      if (evalConst(parent.childForFieldName('index'), this.options.lookup) === undefined) return undefined;
      access = parent;
    }
    if (!access) return undefined;
    // Constant steps further in (`.b`, `[2]`) are part of the same load; `&` makes it arithmetic.
    let whole: Node = access;
    for (;;) {
      const up: Node | null = whole.parent;
      if (!up) break;
      if (up.type === 'field_expression' && up.childForFieldName('operator')?.text === '.') whole = up;
      else if (up.type === 'subscript_expression' && same(up.childForFieldName('argument'), whole) && evalConst(up.childForFieldName('index'), this.options.lookup) !== undefined) whole = up;
      else if (up.type === 'parenthesized_expression') whole = up;
      else break;
    }
    const up = whole.parent;
    if (up?.type === 'pointer_expression' && up.childForFieldName('operator')?.text === '&') return undefined;
    return whole;
  }

  // ---- NULL tests ----

  /** `p`, `!p`, `p == NULL`, `p != 0`: the sense in which the expression tests the slot's pointer. */
  private nullTest(expr: Node | null, slot: number): 'nonnull' | 'null' | undefined {
    const n = strip(expr);
    if (!n) return undefined;
    if (n.type === 'unary_expression' && n.childForFieldName('operator')?.text === '!') {
      const inner = this.nullTest(n.childForFieldName('argument'), slot);
      return inner === 'nonnull' ? 'null' : inner === 'null' ? 'nonnull' : undefined;
    }
    if (n.type === 'binary_expression') {
      const op = n.childForFieldName('operator')?.text;
      if (op !== '==' && op !== '!=') return undefined;
      const left = n.childForFieldName('left');
      const right = n.childForFieldName('right');
      const pointer = isNullLiteral(right) ? left : isNullLiteral(left) ? right : null;
      if (!pointer || this.origin(pointer)?.slot !== slot) return undefined;
      return op === '==' ? 'null' : 'nonnull';
    }
    return this.origin(n)?.slot === slot ? 'nonnull' : undefined;
  }

  /** True when the use's pointer expression is (part of) a NULL test of the slot in a boolean context. */
  private isNullTest(expr: Node, slot: number): boolean {
    let node = expr;
    for (;;) {
      const parent = node.parent;
      if (!parent) return false;
      const test = this.nullTest(node, slot);
      if (test && isBooleanContext(node)) return true;
      if (parent.type === 'unary_expression' || parent.type === 'parenthesized_expression' || (parent.type === 'binary_expression' && ['==', '!='].includes(parent.childForFieldName('operator')?.text ?? ''))) {
        node = parent;
        continue;
      }
      return false;
    }
  }

  private impliesNonNullWhenTrue(cond: Node | null, slot: number): boolean {
    const n = strip(cond);
    if (!n) return false;
    if (n.type === 'binary_expression' && n.childForFieldName('operator')?.text === '&&') {
      return this.impliesNonNullWhenTrue(n.childForFieldName('left'), slot) || this.impliesNonNullWhenTrue(n.childForFieldName('right'), slot);
    }
    return this.nullTest(n, slot) === 'nonnull';
  }

  private impliesNonNullWhenFalse(cond: Node | null, slot: number): boolean {
    const n = strip(cond);
    if (!n) return false;
    if (n.type === 'binary_expression' && n.childForFieldName('operator')?.text === '||') {
      return this.impliesNonNullWhenFalse(n.childForFieldName('left'), slot) || this.impliesNonNullWhenFalse(n.childForFieldName('right'), slot);
    }
    return this.nullTest(n, slot) === 'null';
  }

  /** A NULL test of the slot that dominates `access`, in the shapes C code uses. */
  private guarded(access: Node, slot: number): boolean {
    let child = access;
    let parent = access.parent;
    while (parent && !same(child, this.body)) {
      if (parent.type === 'binary_expression') {
        const op = parent.childForFieldName('operator')?.text;
        if ((op === '&&' || op === '||') && same(child, parent.childForFieldName('right'))) {
          const left = parent.childForFieldName('left');
          if (op === '&&' ? this.impliesNonNullWhenTrue(left, slot) : this.impliesNonNullWhenFalse(left, slot)) return true;
        }
      }
      if (parent.type === 'conditional_expression' || parent.type === 'if_statement') {
        const cond = parent.childForFieldName('condition');
        if (same(child, parent.childForFieldName('consequence')) && this.impliesNonNullWhenTrue(cond, slot)) return true;
        if (same(child, parent.childForFieldName('alternative')) && this.impliesNonNullWhenFalse(cond, slot)) return true;
      }
      if (parent.type === 'while_statement' && same(child, parent.childForFieldName('body')) && this.impliesNonNullWhenTrue(parent.childForFieldName('condition'), slot)) return true;
      if (parent.type === 'compound_statement') {
        for (const before of parent.namedChildren) {
          if (!before || before.startIndex >= child.startIndex) break;
          if (before.type !== 'if_statement') continue;
          const cond = before.childForFieldName('condition');
          const elseClause = before.childForFieldName('alternative');
          if (this.impliesNonNullWhenFalse(cond, slot) && alwaysExits(before.childForFieldName('consequence'))) return true;
          if (elseClause && this.impliesNonNullWhenTrue(cond, slot) && alwaysExits(elseClause)) return true;
        }
      }
      child = parent;
      parent = parent.parent;
    }
    return false;
  }
}

function structTag(type: CType): string | undefined {
  return (type.kind === 'struct' || type.kind === 'union') && type.tag ? type.tag : undefined;
}

function isPointer(binding: Binding | undefined): boolean {
  return binding?.kind === 'local' && binding.type.kind === 'pointer';
}

/** The identifier an lvalue chain (`a.b[1]`, `p->x`) starts from. */
function lvalueBase(node: Node): Node | undefined {
  let n: Node | null = node;
  for (let depth = 0; n && depth < 32; depth++) {
    if (n.type === 'identifier') return n;
    if (n.type === 'field_expression' || n.type === 'subscript_expression' || n.type === 'pointer_expression') n = strip(n.childForFieldName('argument'));
    else if (n.type === 'parenthesized_expression') n = strip(n);
    else return undefined;
  }
  return undefined;
}

function isStoreTarget(access: Node): boolean {
  const parent = access.parent;
  if (parent?.type === 'assignment_expression') return same(parent.childForFieldName('left'), access);
  return parent?.type === 'update_expression';
}

/** Where C tests a value for truth: a condition, an operand of `&&`/`||`/`!`, a `?:` condition. */
function isBooleanContext(node: Node): boolean {
  const parent = node.parent;
  if (!parent) return false;
  switch (parent.type) {
    case 'if_statement':
    case 'while_statement':
    case 'do_statement':
    case 'for_statement':
    case 'conditional_expression':
      return same(parent.childForFieldName('condition'), node);
    case 'parenthesized_expression':
      return isBooleanContext(parent);
    case 'binary_expression': {
      const op = parent.childForFieldName('operator')?.text;
      return op === '&&' || op === '||';
    }
    case 'unary_expression':
      return parent.childForFieldName('operator')?.text === '!';
    default:
      return false;
  }
}

function alwaysExits(stmt: Node | null): boolean {
  if (!stmt) return false;
  switch (stmt.type) {
    case 'return_statement':
      return true;
    case 'else_clause':
      return alwaysExits(stmt.namedChild(0));
    case 'compound_statement': {
      const last = stmt.namedChildren.filter((c) => c && c.type !== 'comment').pop();
      return alwaysExits(last ?? null);
    }
    case 'if_statement':
      return alwaysExits(stmt.childForFieldName('consequence')) && alwaysExits(stmt.childForFieldName('alternative'));
    default:
      return false;
  }
}

/** `if (x) {}`: clang drops a branch whose arms are empty. */
function emptyBodies(statement: Node): boolean {
  const arms = [statement.childForFieldName('consequence'), statement.childForFieldName('alternative'), statement.childForFieldName('body')].filter((a) => a);
  return arms.length > 0 && arms.every((a) => a!.type === 'compound_statement' && a!.namedChildren.every((c) => c?.type === 'comment'));
}

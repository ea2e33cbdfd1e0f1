// Type synthesis: C type definitions and functions from source facts → BTF, laid out with the
// x86-64/BPF LP64 rules (layout.ts), as `clang -g` + `pahole -J` would produce for a module:
// split BTF on the profile's vmlinux, reusing base type ids for types vmlinux already has.

import { BtfBuilder, BtfError, BtfKind, parseBtf, type BtfSpec, type NewBtfType } from '../btf';
import { isBtfMember, type CFunction, type CMember, type CType, type CTypeDefinition } from '../c/facts';
import type { Location } from '../common/location';
import { KERNEL_TYPEDEFS, parseBaseType, type BaseType } from './builtins';
import { layoutRecord, type LayoutMember } from './layout';

export interface SynthesisInput {
  /** BTF object name: "vmlinux" or the module name. */
  readonly name: string;
  /** Base BTF (vmlinux) for split BTF; types it has are referenced, not copied (pahole dedup). */
  readonly base?: BtfSpec;
  /** struct/union/enum/typedef definitions; the first definition of a name wins. */
  readonly definitions: readonly CTypeDefinition[];
  /** Functions that get a BTF_KIND_FUNC (stubs, callbacks), as pahole emits for non-inlined functions. */
  readonly functions?: readonly CFunction[];
  /**
   * Keep parameter names in FUNC_PROTOs of function pointer types. clang and pahole leave them
   * empty (DWARF subroutine types carry no names); only FUNC prototypes have names. Default false.
   */
  readonly protoParamNames?: boolean;
}

export interface SynthesisProblem {
  readonly message: string;
  readonly location?: Location;
}

export interface SynthesizedBtf {
  readonly spec: BtfSpec;
  readonly bytes: Uint8Array;
  /** Ids by "struct tag", "union tag", "enum tag", "typedef name" (own or base). */
  readonly typeIds: ReadonlyMap<string, number>;
  /** FUNC ids by function name. */
  readonly functionIds: ReadonlyMap<string, number>;
  readonly problems: readonly SynthesisProblem[];
}

interface Ref {
  readonly id: number;
  /** Undefined for void, functions and incomplete types. */
  readonly size: number | undefined;
  readonly align: number;
}

const ARRAY_INDEX_NAME = '__ARRAY_SIZE_TYPE__';

class Synthesizer {
  private readonly startId: number;
  private readonly entries: (NewBtfType | undefined)[] = [];
  private readonly own = new Map<number, { size: number | undefined; align: number }>();
  private readonly cache = new Map<string, number>();
  /** Records being compared with vmlinux, shared with probes so mutually recursive types end. */
  private inProgress = new Set<string>();
  private readonly definitions = new Map<string, CTypeDefinition>();
  readonly typeIds = new Map<string, number>();
  readonly functionIds = new Map<string, number>();
  readonly problems: SynthesisProblem[] = [];

  constructor(private readonly input: SynthesisInput) {
    this.startId = input.base ? input.base.lastId + 1 : 1;
    for (const d of input.definitions) {
      const key = `${d.kind} ${d.name}`;
      if (d.name === '') continue;
      const previous = this.definitions.get(key);
      // A definition with a body wins over an empty forward-looking one.
      if (!previous || (previous.members.length === 0 && previous.enumerators.length === 0 && (d.members.length > 0 || d.enumerators.length > 0))) this.definitions.set(key, d);
    }
  }

  run(): void {
    for (const d of this.definitions.values()) {
      if (d.kind === 'typedef') this.typedefRef(d.name, d.location);
      else if (d.kind === 'enum') this.enumRef(d.name);
      else this.recordRef(d.kind, d.name, d.location);
    }
    for (const f of this.input.functions ?? []) this.func(f);
  }

  build(): { bytes: Uint8Array } {
    const builder = new BtfBuilder({ base: this.input.base });
    for (const e of this.entries) builder.add(e ?? { kind: BtfKind.Int, name: 'int', size: 4, signed: true, char: false, bool: false, bits: 32, bitOffset: 0 });
    return { bytes: builder.build() };
  }

  // --- id bookkeeping -------------------------------------------------------------------------

  private reserve(size: number | undefined, align: number): number {
    const id = this.startId + this.entries.length;
    this.entries.push(undefined);
    this.own.set(id, { size, align });
    return id;
  }

  private emit(t: NewBtfType, size: number | undefined, align: number): number {
    const id = this.reserve(size, align);
    this.entries[id - this.startId] = t;
    return id;
  }

  private ref(id: number): Ref {
    if (id === 0) return { id, size: undefined, align: 1 };
    const own = this.own.get(id);
    if (own) return { id, size: own.size, align: own.align };
    const base = this.input.base;
    if (!base) return { id, size: undefined, align: 1 };
    const size = base.resolveSize(id);
    const align = base.alignOf(id);
    return { id, size: typeof size === 'number' ? size : undefined, align: typeof align === 'number' ? align : 1 };
  }

  private cached(key: string, make: () => number): number {
    const hit = this.cache.get(key);
    if (hit !== undefined) return hit;
    const id = make();
    this.cache.set(key, id);
    return id;
  }

  private problem(message: string, location?: Location): void {
    this.problems.push({ message, location });
  }

  // --- C types -> ids -------------------------------------------------------------------------

  typeOf(t: CType, where?: Location, inline?: CTypeDefinition): Ref {
    switch (t.kind) {
      case 'named':
        return this.namedRef(t.name, where);
      case 'struct':
      case 'union':
        if (t.tag === '') {
          if (inline) return this.ref(this.anonymousRecord(inline));
          this.problem(`anonymous ${t.kind} without a body`, where);
          return this.ref(this.intId(parseBaseType('int') as BaseType));
        }
        return this.ref(this.recordRef(t.kind, t.tag, where));
      case 'enum':
        return this.ref(this.enumRef(t.tag, inline));
      case 'pointer': {
        const to = t.to.kind === 'function' ? this.protoId(t.to, where, this.input.protoParamNames ?? false) : this.typeOf(t.to, where).id;
        return this.ref(this.cached(`ptr ${to}`, () => this.emit({ kind: BtfKind.Ptr, name: '', type: to }, 8, 8)));
      }
      case 'array': {
        const elem = this.typeOf(t.of, where);
        const n = t.length ?? 0;
        const index = this.arrayIndexId();
        const id = this.cached(`array ${elem.id} ${n}`, () =>
          this.emit({ kind: BtfKind.Array, name: '', elemType: elem.id, indexType: index, nelems: n }, elem.size === undefined ? undefined : elem.size * n, elem.align));
        return this.ref(id);
      }
      case 'function':
        return { id: this.protoId(t, where, true), size: undefined, align: 1 };
    }
  }

  private namedRef(name: string, where?: Location): Ref {
    const base = parseBaseType(name);
    if (base) return base.kind === 'void' ? { id: 0, size: undefined, align: 1 } : this.ref(this.intId(base));
    return this.ref(this.typedefRef(name, where));
  }

  private intId(t: BaseType): number {
    const kind = t.kind === 'float' ? BtfKind.Float : BtfKind.Int;
    return this.cached(`base ${t.clangName}`, () => {
      const base = this.input.base;
      if (base) {
        for (const name of [t.gccName, t.clangName]) {
          const id = base.findByNameKind(name, kind);
          if (id !== undefined && this.ref(id).size === t.size) return id;
        }
      }
      const align = Math.min(t.size, 16);
      if (t.kind === 'float') return this.emit({ kind: BtfKind.Float, name: t.clangName, size: t.size }, t.size, align);
      return this.emit({ kind: BtfKind.Int, name: t.clangName, size: t.size, signed: t.signed, char: t.char, bool: t.bool, bits: t.size * 8, bitOffset: 0 }, t.size, align);
    });
  }

  private arrayIndexId(): number {
    return this.cached('array-index', () => {
      const id = this.input.base?.findByNameKind(ARRAY_INDEX_NAME, BtfKind.Int);
      if (id !== undefined) return id;
      return this.emit({ kind: BtfKind.Int, name: ARRAY_INDEX_NAME, size: 4, signed: false, char: false, bool: false, bits: 32, bitOffset: 0 }, 4, 4);
    });
  }

  typedefRef(name: string, where?: Location): number {
    const key = `typedef ${name}`;
    const hit = this.cache.get(key);
    if (hit !== undefined) return hit;
    const base = this.input.base;
    const baseId = base?.findByNameKind(name, BtfKind.Typedef);
    const local = this.definitions.get(key);
    if (local) {
      const aliased = local.aliasedInline ? this.ref(this.anonymousRecordOrEnum(local.aliasedInline)) : local.aliased ? this.typeOf(local.aliased, local.location) : undefined;
      if (!aliased) {
        this.problem(`typedef ${name} has no type`, local.location);
        return this.intId(parseBaseType('int') as BaseType);
      }
      // pahole dedup: an identical typedef in vmlinux is referenced instead of copied.
      if (baseId !== undefined && this.ref(baseId).size === aliased.size && !this.own.has(aliased.id)) {
        this.cache.set(key, baseId);
        this.typeIds.set(key, baseId);
        return baseId;
      }
      const id = this.emit({ kind: BtfKind.Typedef, name, type: aliased.id }, aliased.size, aliased.align);
      this.cache.set(key, id);
      this.typeIds.set(key, id);
      return id;
    }
    if (baseId !== undefined) {
      this.cache.set(key, baseId);
      this.typeIds.set(key, baseId);
      return baseId;
    }
    const known = KERNEL_TYPEDEFS[name];
    if (known !== undefined) {
      const aliased = this.namedRef(known, where);
      const id = this.emit({ kind: BtfKind.Typedef, name, type: aliased.id }, aliased.size, aliased.align);
      this.cache.set(key, id);
      this.typeIds.set(key, id);
      return id;
    }
    this.problem(`unknown type name '${name}': assumed int`, where);
    const id = this.intId(parseBaseType('int') as BaseType);
    this.cache.set(key, id);
    return id;
  }

  private enumRef(tag: string, inline?: CTypeDefinition): number {
    const key = `enum ${tag}`;
    const hit = tag === '' ? undefined : this.cache.get(key);
    if (hit !== undefined) return hit;
    const local = tag === '' ? inline : this.definitions.get(key) ?? inline;
    if (!local || local.enumerators.length === 0) {
      const baseId = tag === '' ? undefined : this.input.base?.findByNameKind(tag, BtfKind.Enum) ?? this.input.base?.findByNameKind(tag, BtfKind.Enum64);
      const id = baseId ?? this.emit({ kind: BtfKind.Enum, name: tag, size: 4, signed: false, values: [] }, 4, 4);
      if (tag !== '') {
        this.cache.set(key, id);
        this.typeIds.set(key, id);
      }
      return id;
    }
    let next = 0n;
    const values = local.enumerators.map((e) => {
      const value = e.value ?? next;
      next = value + 1n;
      return { name: e.name, value };
    });
    const signed = values.some((v) => v.value < 0n);
    const wide = values.some((v) => v.value > 0xffffffffn || v.value < -0x80000000n || (signed && v.value > 0x7fffffffn));
    const id = wide
      ? this.emit({ kind: BtfKind.Enum64, name: tag, size: 8, signed, values }, 8, 8)
      : this.emit({ kind: BtfKind.Enum, name: tag, size: 4, signed, values }, 4, 4);
    if (tag !== '') {
      this.cache.set(key, id);
      this.typeIds.set(key, id);
    }
    return id;
  }

  recordRef(kind: 'struct' | 'union', tag: string, _where?: Location): number {
    const key = `${kind} ${tag}`;
    const hit = this.cache.get(key);
    if (hit !== undefined) return hit;
    const btfKind = kind === 'struct' ? BtfKind.Struct : BtfKind.Union;
    const base = this.input.base;
    const baseId = base?.findByNameKind(tag, btfKind);
    const local = this.definitions.get(key);
    if (local && !(baseId !== undefined && this.sameAsBase(local, baseId))) {
      const id = this.reserve(undefined, 1);
      this.cache.set(key, id);
      this.typeIds.set(key, id);
      this.fillRecord(id, local);
      return id;
    }
    if (baseId !== undefined) {
      this.cache.set(key, baseId);
      this.typeIds.set(key, baseId);
      return baseId;
    }
    const id = this.emit({ kind: BtfKind.Fwd, name: tag, isUnion: kind === 'union' }, undefined, 1);
    this.cache.set(key, id);
    return id;
  }

  /** pahole dedup approximated: same name, size and member names as the vmlinux type. */
  private sameAsBase(local: CTypeDefinition, baseId: number): boolean {
    const t = this.input.base?.typeById(baseId);
    if (!t || (t.kind !== BtfKind.Struct && t.kind !== BtfKind.Union)) return false;
    if (t.members.length !== local.members.length || local.members.length === 0) return false;
    if (!t.members.every((m, i) => m.name === local.members[i].name)) return false;
    const key = `${local.kind} ${local.name}`;
    if (this.inProgress.has(key)) return false;
    this.inProgress.add(key);
    const probe = new Synthesizer({ ...this.input, definitions: this.input.definitions, functions: [] });
    probe.inProgress = this.inProgress;
    const id = probe.reserve(undefined, 1);
    probe.fillRecord(id, local);
    this.inProgress.delete(key);
    return probe.ref(id).size === t.size;
  }

  private anonymousRecordOrEnum(def: CTypeDefinition): number {
    return def.kind === 'enum' ? this.enumRef('', def) : this.anonymousRecord(def);
  }

  private anonymousRecord(def: CTypeDefinition): number {
    const id = this.reserve(undefined, 1);
    this.fillRecord(id, { ...def, name: '' });
    return id;
  }

  private fillRecord(id: number, def: CTypeDefinition): void {
    const union = def.kind === 'union';
    const refs = def.members.map((m) => this.memberRef(m));
    const layoutMembers: LayoutMember[] = def.members.map((m, i) => ({
      size: refs[i].size ?? 0,
      align: refs[i].align,
      bitfieldWidth: m.bitfieldWidth,
      alignAttribute: m.alignAttribute,
      unnamed: m.name === '',
    }));
    def.members.forEach((m, i) => {
      if (refs[i].size === undefined && !(m.type.kind === 'array' && m.type.length === undefined)) {
        this.problem(`member '${m.name}' of ${def.kind} ${def.name || '(anon)'} has incomplete type`, m.location);
      }
    });
    const layout = layoutRecord(layoutMembers, { union, packed: def.packed, alignAttribute: def.alignAttribute });
    // Unnamed bitfields are layout directives only: no BTF member (clang and pahole drop them).
    const members = def.members.flatMap((m, i) =>
      isBtfMember(m) ? [{ name: m.name, type: refs[i].id, bitOffset: layout.members[i].bitOffset, bitfieldSize: layout.members[i].bitfieldSize }] : [],
    );
    this.entries[id - this.startId] = { kind: union ? BtfKind.Union : BtfKind.Struct, name: def.name, size: layout.size, members };
    this.own.set(id, { size: layout.size, align: layout.align });
  }

  private memberRef(m: CMember): Ref {
    return this.typeOf(m.type, m.location, m.inline);
  }

  private protoId(t: Extract<CType, { kind: 'function' }>, where: Location | undefined, names: boolean): number {
    const ret = this.typeOf(t.returns, where).id;
    // `(void)` is no parameters.
    const params = t.params.length === 1 && t.params[0].type.kind === 'named' && t.params[0].type.name === 'void' && t.params[0].name === '' ? [] : t.params;
    const ps = params.map((p) => ({ name: names ? p.name : '', type: this.typeOf(p.type, where).id }));
    const key = `proto ${ret} ${t.variadic} ${ps.map((p) => `${p.name}:${p.type}`).join(',')}`;
    return this.cached(key, () => this.emit({ kind: BtfKind.FuncProto, name: '', returnType: ret, params: ps, variadic: t.variadic }, undefined, 1));
  }

  private func(f: CFunction): void {
    if (this.functionIds.has(f.name)) return;
    const proto = this.protoId({ kind: 'function', returns: f.returnType, params: f.params, variadic: false }, f.location, true);
    this.functionIds.set(f.name, this.emit({ kind: BtfKind.Func, name: f.name, type: proto, linkage: f.isStatic ? 0 : 1 }, undefined, 1));
  }
}

/**
 * Builds BTF for the given definitions and functions, split on `input.base` when given, and
 * parses it back with the project's reader. Returns a BtfError only if the produced bytes do
 * not parse (a bug); C the synthesizer cannot type becomes `problems` (unknown names → int).
 */
export function synthesizeBtf(input: SynthesisInput): SynthesizedBtf | BtfError {
  const s = new Synthesizer(input);
  s.run();
  const { bytes } = s.build();
  const spec = parseBtf(bytes, { base: input.base, name: input.name });
  if (spec instanceof BtfError) return spec;
  return { spec, bytes, typeIds: s.typeIds, functionIds: s.functionIds, problems: s.problems };
}

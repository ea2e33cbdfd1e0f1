// Extracts FileFacts from one C file: sanitises attribute macros (offsets kept), parses with
// tree-sitter, walks the top level once for names and once for facts, and frees the tree. Every
// location is produced by a TextOrigin, so preprocessed text still points into what the user wrote.

import { Edit, type Node, type Tree } from 'web-tree-sitter';
import { LineIndex, linesBefore, movedLines, type Location } from '../common/location';
import { silentLogger, type Logger } from '../common/logger';
import { changedSpan } from '../common/textDiff';
import { applyDeclarator, declarationText, evalConst, paramOf, typeOfSpecifier, type ConstantLookup } from './cexpr';
import type {
  BpfProgram,
  CFunction,
  CMember,
  CType,
  CTypeDefinition,
  FileFacts,
  Include,
  InitValue,
  LegacyStructOpsType,
  MemberInit,
  ModuleInfo,
  OpsDescriptor,
  ParseProblem,
  ProgramBody,
  Registration,
  StructOpsMap,
  StructVariable,
} from './facts';
import type { CParser } from './parser';
import { includeClosure, lineBreaksAsLf, preprocess, preprocessDirectives, PreprocessorCache, type Preprocessed, type PreprocessOptions, type SpanKey } from './preprocessor';
import { extractProgramBody, type ProgramBodyOptions } from './programBody';
import { sanitizeForParse, unescapeC, type AttributeNote, type MacroCallNote, type Sanitized, type SectionNote } from './sanitize';

export interface ExtractOptions extends PreprocessOptions {
  readonly logger?: Logger;
  /** Run the preprocessor first (default true); false parses the text as written, macros blanked only. */
  readonly preprocess?: boolean;
  /**
   * Keep this extraction's memo for the file's next one (default true). False for a one-off
   * extraction, e.g. of a definition cut out of a large header: it neither uses nor replaces the
   * memo of the file being edited.
   */
  readonly remember?: boolean;
  /**
   * The text is an editor's: keep this extraction's parse tree for the file's next change from the
   * first extraction on, not only once it is extracted again.
   */
  readonly editing?: boolean;
  /**
   * Parse only when the macro expansion names struct_ops (in any case): a section, a type, a
   * descriptor or a program macro all do. Otherwise the facts hold what preprocessing found
   * (includes, dependencies, problems) and nothing else. For BPF programs that have struct_ops,
   * if at all, only through their headers' macros: most have none, and their parse is skipped.
   */
  readonly structOpsOnly?: boolean;
}

/** Maps a range of the text that was parsed back to where the user wrote it. */
export interface TextOrigin {
  locate(start: number, end: number): Location;
  /** The macro whose expansion produced this offset, when the text was preprocessed. */
  macroAt?(offset: number): string | undefined;
  /** For two spans of the same text, equal keys when they map to the same places, main-file lines counted from `line` (see OriginMap.spanKey). */
  spanKey(start: number, end: number): SpanKey;
}

/** Parse text == file text: offsets map through a LineIndex. */
export function identityOrigin(file: string, text: string): TextOrigin {
  const lines = new LineIndex(text);
  return {
    locate: (start, end) => ({ file, range: lines.rangeOf(start, end) }),
    spanKey: (start) => {
      const p = lines.positionAt(start);
      return { key: `${p.character}`, line: p.line };
    },
  };
}

/** Macros whose first argument names the program and whose other arguments are its parameters. */
const PROG_MACROS = new Set(['BPF_PROG', 'BPF_PROG2', 'BPF_STRUCT_OPS', 'BPF_STRUCT_OPS_SLEEPABLE']);

/**
 * Sections of the struct_ops program macros when no header defined them (e.g. selftests' progs/
 * built with -I.. that we were not given): libbpf's and sched_ext's definitions are
 * `SEC("struct_ops/"#name) BPF_PROG(name, args...)`, and `struct_ops.s/` for the sleepable one.
 * When the header is found, expansion produces the same facts and this fallback is not used.
 */
const FALLBACK_SECTIONS: Record<string, string> = { BPF_STRUCT_OPS: 'struct_ops/', BPF_STRUCT_OPS_SLEEPABLE: 'struct_ops.s/' };

const MAX_PROBLEMS = 20;

const BODY_NODE_TYPES = ['call_expression', 'return_statement', 'case_statement'];

/** What one function definition contributes to a file's facts. */
interface FunctionContribution {
  /** Without body facts: those are added for wired programs only (FactsBuilder.analyseWiredBodies). */
  readonly programs: readonly BpfProgram[];
  /** For each program, how it declares its arguments, which its body facts depend on. */
  readonly bodyDeclarations: readonly BodyDeclaration[];
  readonly functions: readonly CFunction[];
  readonly registrations: readonly Registration[];
}

type BodyDeclaration = ProgramBodyOptions['declaredWith'];

/**
 * What the last extraction of a recently extracted file leaves for the next one: its function
 * contributions keyed by everything they depend on (the file-wide `context` and each function's
 * own key, see FactsBuilder.functionKey), and, for a file the editor is changing (extracted again,
 * or an editor's text: ExtractOptions.editing), its parse tree for an incremental reparse. Typing in
 * one function of a big file then reparses a little and re-walks only that function. The names
 * each function's signature declares are kept by the signature's text, which is all they depend on.
 */
interface FileMemo {
  readonly context: string;
  readonly functions: ReadonlyMap<string, Placed<FunctionContribution>>;
  /** Body facts of wired programs, by function key and the program's place in its contribution. */
  readonly bodies: ReadonlyMap<string, Placed<ProgramBody | undefined>>;
  readonly signatures: ReadonlyMap<string, DeclaredNames>;
  readonly parsed?: { readonly text: string; readonly tree: Tree };
  /** The resumable preprocessor run and the sanitized text behind `parsed`, for the next edit. */
  readonly preprocessed?: Preprocessed;
  readonly sanitized?: Sanitized;
}

/** Facts memoised by a function's key, with the main-file line its key counts from (SpanKey): moved to where the function is now. */
interface Placed<T> {
  readonly value: T;
  readonly line: number;
}

function placedAt<T>(placed: Placed<T>, line: number, file: string): T {
  return placed.line === line ? placed.value : movedLines(placed.value, file, line - placed.line);
}

/** The functions a declaration or definition declares: defined here, and referable by name in an initializer. */
interface DeclaredNames {
  readonly defined: readonly string[];
  readonly referable: readonly string[];
}

const fileMemos = new Map<string, FileMemo>();
const MEMO_FILES = 8;

/** Drops every file's memo: the next extraction of each file starts from scratch. */
export function forgetFunctionMemos(): void {
  for (const memo of fileMemos.values()) memo.parsed?.tree.delete();
  fileMemos.clear();
}

function remember(file: string, memo: FileMemo): void {
  const previous = fileMemos.get(file);
  if (previous?.parsed && previous.parsed.tree !== memo.parsed?.tree) previous.parsed.tree.delete();
  fileMemos.delete(file);
  fileMemos.set(file, memo);
  if (fileMemos.size > MEMO_FILES) {
    const oldest = fileMemos.keys().next().value as string;
    fileMemos.get(oldest)?.parsed?.tree.delete();
    fileMemos.delete(oldest);
  }
}

/** Parses `text`, reusing `previous` (consumed: edited, then deleted) for the span that changed. */
function parseAfterEdit(parser: CParser, text: string, previous: { readonly text: string; readonly tree: Tree } | undefined): Tree | undefined {
  if (!previous) return parser.parse(text);
  const old = previous.text;
  const change = changedSpan(old, text);
  previous.tree.edit(
    new Edit({
      startIndex: change.start,
      oldEndIndex: change.oldEnd,
      newEndIndex: change.newEnd,
      startPosition: pointAt(old, change.start),
      oldEndPosition: pointAt(old, change.oldEnd),
      newEndPosition: pointAt(text, change.newEnd),
    }),
  );
  const tree = parser.parse(text, previous.tree);
  previous.tree.delete();
  return tree;
}

/** Tree-sitter's row/column of a UTF-16 offset (web-tree-sitter counts columns in code units). */
function pointAt(text: string, offset: number): { row: number; column: number } {
  const lineStart = offset > 0 ? text.lastIndexOf('\n', offset - 1) + 1 : 0;
  return { row: linesBefore(text, offset), column: offset - lineStart };
}

/**
 * Facts of one file. Never throws for bad input: syntax errors become `problems`, and an internal
 * failure is logged and yields the facts gathered so far.
 */
export function extractFacts(parser: CParser, file: string, source: string, options: ExtractOptions = {}): FileFacts {
  const text = lineBreaksAsLf(source);
  if (options.preprocess === false) return extractFromText(parser, file, text, identityOrigin(file, text), options);
  if (options.structOpsOnly && !STRUCT_OPS_WORD.test(text)) {
    // Expansion writes only what the file and the files it reads spell: when none of them names
    // struct_ops, neither does the expansion (token pasting aside), and its directives say the rest.
    // Every file it could include is found from directive lines alone, several times faster than a
    // directives run: most BPF programs stop there, their dependencies that superset.
    const cache = options.cache ?? new PreprocessorCache(undefined, options.logger);
    const closure = includeClosure(file, text, { ...options, cache });
    if (closure && !closure.some((d) => cache.matches(d, STRUCT_OPS_WORD))) return { ...noFacts(file), dependencies: closure };
    const directives = preprocessDirectives(file, text, { ...options, cache });
    if (!directives.dependencies.some((d) => cache.matches(d, STRUCT_OPS_WORD))) return { ...noFacts(file), ...directives };
  }
  const memo = options.remember === false ? undefined : fileMemos.get(file);
  const editing = options.remember !== false && (memo !== undefined || options.editing === true);
  const pp = preprocess(file, text, editing ? { ...options, resumable: true, previous: memo?.preprocessed } : options);
  const facts = extractFromText(parser, file, pp.text, pp.origin, options, editing ? pp : undefined);
  return {
    ...facts,
    includes: pp.includes,
    problems: [...pp.problems, ...facts.problems],
    dependencies: pp.dependencies,
  };
}

const STRUCT_OPS_WORD = /struct_ops/i;

function noFacts(file: string): FileFacts {
  return { file, typeDefinitions: [], includes: [], maps: [], programs: [], descriptors: [], registrations: [], legacyTypes: [], structVariables: [], functions: [], problems: [] };
}

/** Like extractFacts, for text whose offsets `origin` maps (e.g. preprocessor output `preprocessed`). */
export function extractFromText(parser: CParser, file: string, text: string, origin: TextOrigin, options: ExtractOptions = {}, preprocessed?: Preprocessed): FileFacts {
  const logger = options.logger ?? silentLogger;
  const memo = options.remember === false ? undefined : fileMemos.get(file);
  const sanitized = sanitizeForParse(text, memo?.sanitized);
  // A file extracted again soon after is being edited: keep its tree for the next change.
  const editing = memo !== undefined || options.editing === true;
  const tree = parseAfterEdit(parser, sanitized.text, memo?.parsed);
  const facts = new FactsBuilder(file, origin, sanitized.text, sanitized.sections, sanitized.attributes, memo);
  if (!tree) {
    fileMemos.delete(file);
    logger.warn(`${file}: tree-sitter gave no tree`);
    facts.problems.push({ message: 'could not parse this file', location: origin.locate(0, 0) });
    return facts.result(sanitized.macroCalls);
  }
  let completed = false;
  try {
    facts.run(tree.rootNode);
    completed = true;
  } catch (error) {
    logger.error(`${file}: extraction failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  } finally {
    const functions = completed ? facts.functionMemo : new Map<string, Placed<FunctionContribution>>();
    const signatures = completed ? facts.signatureMemo : new Map<string, DeclaredNames>();
    const bodies = completed ? facts.bodyMemo : new Map<string, Placed<ProgramBody | undefined>>();
    if (options.remember === false) tree.delete();
    else if (editing) remember(file, { context: facts.context, functions, signatures, bodies, parsed: { text: sanitized.text, tree }, preprocessed, sanitized });
    else {
      tree.delete();
      remember(file, { context: facts.context, functions, signatures, bodies });
    }
  }
  return facts.result(sanitized.macroCalls);
}

class FactsBuilder {
  readonly typeDefinitions: CTypeDefinition[] = [];
  readonly includes: Include[] = [];
  readonly maps: StructOpsMap[] = [];
  readonly programs: BpfProgram[] = [];
  license?: { value: string; location: Location };
  readonly descriptors: OpsDescriptor[] = [];
  readonly registrations: Registration[] = [];
  readonly structVariables: StructVariable[] = [];
  readonly functions: CFunction[] = [];
  readonly problems: ParseProblem[] = [];

  /** This extraction's function contributions, for the next extraction of the file. */
  readonly functionMemo = new Map<string, Placed<FunctionContribution>>();
  readonly signatureMemo = new Map<string, DeclaredNames>();
  private contextKey?: string;
  /** The previous extraction's function contributions, when its context is this one's. */
  private reusable: ReadonlyMap<string, Placed<FunctionContribution>> | undefined;
  private readonly functionNames = new Set<string>();
  /** Functions defined with a body, as programBody's call analysis needs them. */
  private readonly definedFunctions = new Set<string>();
  private readonly constants = new Map<string, bigint>();
  private readonly lookup: ConstantLookup = (name) => this.constants.get(name);
  private sectionCursor = 0;
  private lastTopEnd = 0;
  /** This extraction's programs with their body nodes in this tree, for analyseWiredBodies. */
  private readonly programBodies: { readonly index: number; readonly key: string; readonly line: number; readonly offset: number; readonly body: Node | null; readonly declaredWith: BodyDeclaration }[] = [];
  /** Body facts of this extraction's wired programs, for the next extraction of the file. */
  readonly bodyMemo = new Map<string, Placed<ProgramBody | undefined>>();

  constructor(
    readonly file: string,
    private readonly origin: TextOrigin,
    private readonly text: string,
    private readonly sections: readonly SectionNote[],
    private readonly attributes: readonly AttributeNote[],
    private readonly previousMemo: FileMemo | undefined,
  ) {}

  private loc(node: Node): Location {
    return this.origin.locate(node.startIndex, node.endIndex);
  }

  run(root: Node): void {
    const items: Node[] = [];
    flattenTopLevel(root, items);
    for (const item of items) this.collectNames(item);
    if (this.previousMemo?.context === this.context) this.reusable = this.previousMemo.functions;
    for (const item of items) {
      this.visit(item);
      // A comment between SEC(...) and its declaration must not orphan the section note.
      if (item.type !== 'comment') this.lastTopEnd = item.endIndex;
    }
    if (root.hasError) this.collectProblems(root);
    this.analyseWiredBodies();
  }

  /**
   * Body facts (c/programBody.ts) feed the checks of a program a struct_ops map member is wired to
   * (PRG-16/19/20, LINT-01); a map and its programs are in one object, so one file's facts. Only
   * those programs' bodies are walked, once per function text: in a file of hundreds of programs
   * with few wired, walking them all was a fifth of a cold extraction.
   */
  private analyseWiredBodies(): void {
    const wired = new Set<string>();
    for (const map of this.maps) for (const member of map.members) if (member.value.kind === 'function') wired.add(member.value.name);
    const reusable = this.reusable ? this.previousMemo?.bodies : undefined;
    for (const { index, key, line, offset, body, declaredWith } of this.programBodies) {
      const program = this.programs[index];
      if (!wired.has(program.name)) continue;
      const memoKey = `${key}\u0005${offset}`;
      const reused = reusable?.get(memoKey);
      const facts = reused
        ? placedAt(reused, line, this.file)
        : extractProgramBody(body, { declaredWith, params: program.params, locate: (n) => this.loc(n), lookup: this.lookup, localFunctions: this.definedFunctions });
      this.bodyMemo.set(memoKey, { value: facts, line });
      if (facts) this.programs[index] = { ...program, body: facts };
    }
  }

  result(macroCalls: readonly MacroCallNote[]): FileFacts {
    const legacyTypes: LegacyStructOpsType[] = [];
    const module: { license?: { value: string; location: Location }; initFunction?: string; exitFunction?: string } = {};
    let hasModule = false;
    for (const call of macroCalls) {
      const argLocation = this.origin.locate(call.argStart, call.argEnd);
      if (call.macro === 'BPF_STRUCT_OPS_TYPE') legacyTypes.push({ name: call.arg, location: this.origin.locate(call.start, call.end) });
      else if (call.macro === 'MODULE_LICENSE') {
        module.license = { value: call.arg, location: argLocation };
        hasModule = true;
      } else if (call.macro === 'module_exit') {
        module.exitFunction = call.arg;
        hasModule = true;
      } else {
        module.initFunction = call.arg;
        hasModule = true;
      }
    }
    return {
      file: this.file,
      typeDefinitions: this.typeDefinitions,
      includes: this.includes,
      maps: this.maps,
      programs: this.programs,
      ...(this.license ? { license: this.license } : {}),
      descriptors: this.descriptors,
      registrations: this.registrations,
      legacyTypes,
      structVariables: this.structVariables,
      functions: this.functions,
      ...(hasModule ? { module: module as ModuleInfo } : {}),
      problems: this.problems,
    };
  }

  /** First pass: function names (for `.op = prog`) and enumerator values (for constants). */
  private collectNames(item: Node): void {
    const isFunction = item.type === 'function_definition';
    const end = isFunction ? (item.childForFieldName('body')?.startIndex ?? item.endIndex) : item.endIndex;
    const head = this.text.slice(item.startIndex, end);
    // Without an enum body in it, a function's signature text is all its names depend on.
    const plainSignature = isFunction && !head.includes('{');
    if ((isFunction || item.type === 'declaration') && head.includes('(')) {
      const names = plainSignature ? this.signatureNames(item, head) : this.declaredNames(item);
      for (const name of names.defined) this.definedFunctions.add(name);
      for (const name of names.referable) this.functionNames.add(name);
    }
    if (plainSignature) return;
    for (const spec of enumSpecifiers(item)) {
      let next = 0n;
      for (const e of spec.childForFieldName('body')?.namedChildren ?? []) {
        if (e.type !== 'enumerator') continue;
        const value = e.childForFieldName('value');
        const v = value ? evalConst(value, this.lookup) : next;
        const name = e.childForFieldName('name')?.text;
        if (v !== undefined && name) {
          this.constants.set(name, v);
          next = v + 1n;
        }
      }
    }
  }

  /** declaredNames of a function whose signature is `head`, kept by that text between extractions. */
  private signatureNames(item: Node, head: string): DeclaredNames {
    const names = this.previousMemo?.signatures.get(head) ?? this.signatureMemo.get(head) ?? this.declaredNames(item);
    this.signatureMemo.set(head, names);
    return names;
  }

  private declaredNames(item: Node): DeclaredNames {
    const defined: string[] = [];
    const referable: string[] = [];
    for (const d of item.childrenForFieldName('declarator')) {
      const fn = functionDeclarator(d);
      if (!fn) continue;
      const declaredName = fn.childForFieldName('declarator');
      if (item.type === 'function_definition' && declaredName?.type === 'identifier') defined.push(declaredName.text);
      const inner = applyDeclarator({ kind: 'named', name: 'int' }, declaredName, this.lookup);
      if (PROG_MACROS.has(inner.name)) {
        const first = fn.childForFieldName('parameters')?.namedChild(0);
        if (first) referable.push(first.text.trim());
      } else if (inner.name) referable.push(inner.name);
    }
    return { defined, referable };
  }

  private visit(item: Node): void {
    switch (item.type) {
      case 'preproc_include':
        this.include(item);
        return;
      case 'function_definition':
        this.typesIn(item.childForFieldName('type'), item.endIndex);
        this.functionDefinition(item);
        return;
      case 'declaration':
        this.typesIn(item.childForFieldName('type'), item.endIndex);
        this.declaration(item);
        return;
      case 'type_definition':
        this.typedef(item);
        return;
      case 'struct_specifier':
      case 'union_specifier':
      case 'enum_specifier': {
        // `struct x {...} __attribute__((packed));`: the node stops at `}`, the attributes run to `;`.
        const semicolon = this.text.indexOf(';', item.endIndex);
        this.typesIn(item, semicolon < 0 ? item.endIndex : semicolon);
        return;
      }
      default:
        return;
    }
  }

  private include(node: Node): void {
    const pathNode = node.childForFieldName('path');
    if (!pathNode) return;
    // The node runs through the newline; the location stops at the path.
    const location = this.origin.locate(node.startIndex, pathNode.endIndex);
    if (pathNode.type === 'system_lib_string') {
      this.includes.push({ path: pathNode.text.slice(1, -1), system: true, location });
    } else if (pathNode.type === 'string_literal') {
      this.includes.push({ path: unescapeC(pathNode.text.slice(1, -1)), system: false, location });
    }
  }

  /** Section notes written before `headEnd` and after the previous top-level item. */
  private takeSections(headEnd: number): SectionNote[] {
    const taken: SectionNote[] = [];
    while (this.sectionCursor < this.sections.length && this.sections[this.sectionCursor].start < headEnd) {
      const note = this.sections[this.sectionCursor++];
      if (note.start >= this.lastTopEnd) taken.push(note);
    }
    return taken;
  }

  private attributesIn(start: number, end: number, skipFrom = -1, skipTo = -1): { packed: boolean; align?: number } {
    let packed = false;
    let align: number | undefined;
    for (const a of this.attributes) {
      if (a.start < start || a.start >= end || (a.start >= skipFrom && a.start < skipTo)) continue;
      if (a.kind === 'packed') packed = true;
      else align = Math.max(align ?? 0, a.value ?? 0);
    }
    return { packed, align };
  }

  // ---- types ----

  /** Records every struct/union/enum body inside a type specifier (nested ones are file-scope in C). */
  private typesIn(spec: Node | null, ownerEnd: number): CTypeDefinition | undefined {
    if (!spec || !['struct_specifier', 'union_specifier', 'enum_specifier'].includes(spec.type)) return undefined;
    const body = spec.childForFieldName('body');
    if (!body) return undefined;
    const def = this.compositeDefinition(spec, body, ownerEnd);
    if (def.name) this.typeDefinitions.push(def);
    return def;
  }

  private compositeDefinition(spec: Node, body: Node, ownerEnd: number): CTypeDefinition {
    const nameNode = spec.childForFieldName('name');
    const kind = spec.type === 'struct_specifier' ? 'struct' : spec.type === 'union_specifier' ? 'union' : 'enum';
    const attrs = this.attributesIn(spec.startIndex, ownerEnd, body.startIndex, body.endIndex);
    const members: CMember[] = [];
    const enumerators: { name: string; value?: bigint }[] = [];
    if (kind === 'enum') {
      for (const e of body.namedChildren) {
        if (e.type !== 'enumerator') continue;
        const name = e.childForFieldName('name')?.text ?? '';
        const value = this.constants.get(name);
        enumerators.push(value === undefined ? { name } : { name, value });
      }
    } else {
      for (const field of body.namedChildren) {
        if (field.type === 'field_declaration') members.push(...this.fieldMembers(field));
      }
    }
    return {
      kind,
      name: nameNode?.text ?? '',
      location: this.loc(spec),
      nameLocation: this.loc(nameNode ?? spec),
      members,
      enumerators,
      packed: attrs.packed,
      ...(attrs.align !== undefined ? { alignAttribute: attrs.align } : {}),
    };
  }

  private fieldMembers(field: Node): CMember[] {
    const typeNode = field.childForFieldName('type');
    const inline = this.typesIn(typeNode, field.endIndex);
    const base = typeOfSpecifier(typeNode);
    const bitfield = field.namedChildren.find((c) => c.type === 'bitfield_clause');
    const width = bitfield ? evalConst(bitfield.namedChild(0), this.lookup) : undefined;
    const attrs = this.attributesIn(field.startIndex, field.endIndex);
    const text = field.text.replace(/\s+/g, ' ').trim();
    const common = {
      text,
      ...(width !== undefined ? { bitfieldWidth: Number(width) } : {}),
      ...(inline && !inline.name ? { inline } : {}),
      ...(attrs.align !== undefined ? { alignAttribute: attrs.align } : {}),
    };
    const declarators = field.childrenForFieldName('declarator');
    if (declarators.length === 0) {
      return [{ name: '', type: base, location: this.loc(field), ...common }];
    }
    return declarators.map((d) => {
      const declared = applyDeclarator(base, d, this.lookup);
      return { name: declared.name, type: declared.type, location: this.loc(declared.nameNode ?? d), ...common };
    });
  }

  private typedef(node: Node): void {
    const typeNode = node.childForFieldName('type');
    const inline = this.typesIn(typeNode, node.endIndex);
    const base = typeOfSpecifier(typeNode);
    for (const d of node.childrenForFieldName('declarator')) {
      const declared = applyDeclarator(base, d, this.lookup);
      if (!declared.name) continue;
      this.typeDefinitions.push({
        kind: 'typedef',
        name: declared.name,
        location: this.loc(node),
        nameLocation: this.loc(declared.nameNode ?? d),
        members: inline && !inline.name ? inline.members : [],
        enumerators: inline && !inline.name ? inline.enumerators : [],
        aliased: declared.type,
        packed: inline?.packed ?? false,
        ...(inline && !inline.name ? { aliasedInline: inline } : {}),
        ...(inline?.alignAttribute !== undefined ? { alignAttribute: inline.alignAttribute } : {}),
      });
    }
  }

  // ---- declarations: maps, license, descriptors, stub objects ----

  private declaration(node: Node): void {
    // Most declarations carry nothing for us; decide from the text before asking tree-sitter more.
    const sectioned = this.sectionCursor < this.sections.length && this.sections[this.sectionCursor].start < node.endIndex;
    if (!sectioned) {
      const brace = this.text.indexOf('{', node.startIndex);
      if (brace < 0 || brace >= node.endIndex || !this.text.slice(node.startIndex, brace).includes('=')) return;
    }
    const declarators = node.childrenForFieldName('declarator');
    const firstValue = declarators.map((d) => d.childForFieldName('value')).find((v) => v);
    const sections = this.takeSections(firstValue?.startIndex ?? node.endIndex);
    const section = sections[sections.length - 1];
    const typeNode = node.childForFieldName('type');
    const isStatic = hasStorage(node, 'static');
    for (const d of declarators) {
      if (functionDeclarator(d)) continue;
      const declared = applyDeclarator(typeOfSpecifier(typeNode), d, this.lookup);
      if (!declared.nameNode) continue;
      const value = d.type === 'init_declarator' ? d.childForFieldName('value') : null;
      const start = section && section.start < node.startIndex ? section.start : node.startIndex;
      const location = this.origin.locate(start, node.endIndex);
      if (section && isStructOpsSection(section.value)) {
        this.maps.push({
          name: declared.name,
          nameLocation: this.loc(declared.nameNode),
          location,
          typeName: typeNode?.childForFieldName('name')?.text ?? typeNode?.text ?? '',
          declaredType: declared.type,
          typeLocation: this.loc(typeNode?.childForFieldName('name') ?? typeNode ?? node),
          section: section.value,
          sectionLocation: this.origin.locate(section.valueStart, section.valueEnd),
          hasInitializer: value !== null,
          members: value?.type === 'initializer_list' ? this.memberInits(value) : [],
          isStatic,
        });
        continue;
      }
      if (section?.value === 'license' && value && (value.type === 'string_literal' || value.type === 'concatenated_string')) {
        this.license = { value: stringValue(value), location: this.loc(value) };
        continue;
      }
      if (typeNode?.type !== 'struct_specifier' || value?.type !== 'initializer_list' || declared.type.kind !== 'struct') continue;
      const tag = declared.type.tag;
      if (tag === 'bpf_struct_ops') {
        this.descriptors.push({ varName: declared.name, location, nameLocation: this.loc(declared.nameNode), fields: this.memberInits(value) });
      } else {
        const members = this.memberInits(value);
        if (members.some((m) => m.value.kind === 'function')) {
          this.structVariables.push({ varName: declared.name, typeName: tag, location, nameLocation: this.loc(declared.nameNode), members, isStatic });
        }
      }
    }
  }

  private memberInits(list: Node): MemberInit[] {
    const members: MemberInit[] = [];
    for (const pair of list.namedChildren) {
      if (pair.type !== 'initializer_pair') continue;
      const designators = pair.childrenForFieldName('designator');
      const first = designators[0];
      const value = pair.childForFieldName('value');
      if (!first || first.type !== 'field_designator' || !value) continue;
      const last = designators[designators.length - 1];
      members.push({
        name: first.namedChild(0)?.text ?? first.text.replace(/^\./, ''),
        location: this.origin.locate(first.startIndex, last.endIndex),
        value: this.initValue(value),
        valueLocation: this.loc(value),
      });
    }
    return members;
  }

  /** Whether every value in a nested initializer is zero; undefined when one cannot be evaluated. */
  private listIsZero(list: Node): boolean | undefined {
    let zero: boolean | undefined = true;
    for (const child of list.namedChildren) {
      const valueNode = child.type === 'initializer_pair' ? child.childForFieldName('value') : child;
      if (!valueNode || valueNode.type === 'comment') continue;
      const value = this.initValue(valueNode);
      const itemZero =
        value.kind === 'null' ? true
        : value.kind === 'integer' ? value.value === 0n
        : value.kind === 'string' ? value.value.length === 0
        : value.kind === 'list' ? value.zero
        : value.kind === 'function' || value.kind === 'addressOf' ? false
        : undefined;
      if (itemZero === false) return false;
      if (itemZero === undefined) zero = undefined;
    }
    return zero;
  }

  private initValue(node: Node): InitValue {
    switch (node.type) {
      case 'parenthesized_expression': {
        const inner = node.namedChild(0);
        return inner ? this.initValue(inner) : { kind: 'expression', text: node.text };
      }
      case 'cast_expression': {
        const valueNode = node.childForFieldName('value');
        const inner = valueNode ? this.initValue(valueNode) : ({ kind: 'expression', text: node.text } as InitValue);
        const toPointer = /\*/.test(node.childForFieldName('type')?.text ?? '');
        if (inner.kind === 'integer') {
          if (toPointer && inner.value === 0n) return { kind: 'null' };
          return { kind: 'integer', value: inner.value, pointerCast: toPointer || inner.pointerCast };
        }
        return inner.kind === 'expression' ? { kind: 'expression', text: node.text } : inner;
      }
      case 'identifier': {
        const name = node.text;
        if (name === 'NULL') return { kind: 'null' };
        if (this.functionNames.has(name)) return { kind: 'function', name };
        const v = evalConst(node, this.lookup);
        if (v !== undefined) return { kind: 'integer', value: v, pointerCast: false };
        if (/^[A-Z_][A-Z0-9_]*$/.test(name)) return { kind: 'expression', text: name };
        return { kind: 'function', name };
      }
      case 'pointer_expression': {
        const arg = node.childForFieldName('argument');
        if (node.child(0)?.text === '&' && arg?.type === 'identifier') {
          return this.functionNames.has(arg.text) ? { kind: 'function', name: arg.text } : { kind: 'addressOf', name: arg.text };
        }
        return { kind: 'expression', text: node.text };
      }
      case 'string_literal':
      case 'concatenated_string':
        return { kind: 'string', value: stringValue(node) };
      case 'initializer_list':
        return { kind: 'list', zero: this.listIsZero(node) };
      case 'null':
        return { kind: 'null' };
      default: {
        const v = evalConst(node, this.lookup);
        return v === undefined ? { kind: 'expression', text: node.text } : { kind: 'integer', value: v, pointerCast: false };
      }
    }
  }

  // ---- functions: programs and kernel-side functions ----

  private functionDefinition(node: Node): void {
    const body = node.childForFieldName('body');
    const sections = this.takeSections(body?.startIndex ?? node.endIndex);
    const section = sections[sections.length - 1];
    const start = section && section.start < node.startIndex ? section.start : node.startIndex;
    const { key, line } = this.functionKey(start, node.endIndex, section);
    const reused = this.reusable?.get(key);
    let contribution = reused && placedAt(reused, line, this.file);
    if (!contribution) {
      const programs: BpfProgram[] = [];
      const bodyDeclarations: BodyDeclaration[] = [];
      const functions: CFunction[] = [];
      const registrations: Registration[] = [];
      this.functionFacts(node, body, start, section, programs, bodyDeclarations, functions, registrations);
      contribution = { programs, bodyDeclarations, functions, registrations };
    }
    this.functionMemo.set(key, { value: contribution, line });
    contribution.bodyDeclarations.forEach((declaredWith, offset) => {
      this.programBodies.push({ index: this.programs.length + offset, key, line, offset, body, declaredWith });
    });
    this.programs.push(...contribution.programs);
    this.functions.push(...contribution.functions);
    this.registrations.push(...contribution.registrations);
  }

  /**
   * What every function's facts depend on besides its own text: the file-wide names and constants
   * its analysis consults. Compared once per extraction, not made part of each function's key.
   */
  get context(): string {
    this.contextKey ??= [
      [...this.definedFunctions].sort().join(','),
      [...this.constants].map(([name, value]) => `${name}=${value}`).join(','),
    ].join('\u0003');
    return this.contextKey;
  }

  /**
   * What a function definition's facts depend on within the context: its text, where each part of
   * it maps in the sources (main-file lines counted from `line`), its section.
   */
  private functionKey(start: number, end: number, section: SectionNote | undefined): SpanKey {
    const sectionKey = section ? `${section.value}\u0001${section.valueStart - start}\u0001${section.valueEnd - start}` : '';
    const span = this.origin.spanKey(start, end);
    return { key: [this.text.slice(start, end), span.key, sectionKey].join('\u0004'), line: span.line };
  }

  private functionFacts(
    node: Node,
    body: Node | null,
    start: number,
    section: SectionNote | undefined,
    programs: BpfProgram[],
    bodyDeclarations: BodyDeclaration[],
    functions: CFunction[],
    registrations: Registration[],
  ): void {
    const declarator = node.childForFieldName('declarator');
    const fn = declarator ? functionDeclarator(declarator) : undefined;
    if (!fn || !declarator) return;
    const declared = applyDeclarator(typeOfSpecifier(node.childForFieldName('type')), declarator, this.lookup);
    if (declared.type.kind !== 'function' || !declared.nameNode) return;
    const fnType = declared.type;
    const isStatic = hasStorage(node, 'static');
    const walk = body ? this.walkBody(body) : emptyBody();
    const location = this.origin.locate(start, node.endIndex);

    if (PROG_MACROS.has(declared.name)) {
      const list = fn.childForFieldName('parameters');
      const args = (list?.namedChildren ?? []).filter((c) => c.type === 'parameter_declaration');
      if (args.length === 0) return;
      const params = declared.name === 'BPF_PROG2' ? this.prog2Params(args.slice(1)) : args.slice(1).map((a) => paramOf(a, this.lookup));
      const name = args[0].text.trim();
      const fallback = FALLBACK_SECTIONS[declared.name];
      programs.push({
        name,
        nameLocation: this.loc(args[0]),
        location,
        section: section?.value ?? (fallback ? fallback + name : ''),
        sectionLocation: section ? this.origin.locate(section.valueStart, section.valueEnd) : this.loc(args[0]),
        isStatic,
        returnType: fnType.returns,
        params,
        declaredWith: this.declaredWith(declared.nameNode, declared.name),
        calls: walk.calls,
        returnsValue: walk.returnsValue,
      });
      bodyDeclarations.push(declared.name === 'BPF_PROG2' ? 'macro2' : 'macro');
      return;
    }
    if (section) {
      programs.push({
        name: declared.name,
        nameLocation: this.loc(declared.nameNode),
        location,
        section: section.value,
        sectionLocation: this.origin.locate(section.valueStart, section.valueEnd),
        isStatic,
        returnType: fnType.returns,
        params: fnType.params,
        declaredWith: this.declaredWith(declared.nameNode, 'plain'),
        calls: walk.calls,
        returnsValue: walk.returnsValue,
      });
      bodyDeclarations.push('plain');
      return;
    }
    functions.push({
      name: declared.name,
      location,
      nameLocation: this.loc(declared.nameNode),
      isStatic,
      returnType: fnType.returns,
      params: fnType.params,
      offsetofCases: walk.offsetofCases,
      returnConstants: walk.returnConstants,
      calls: walk.calls,
    });
    registrations.push(...walk.registrations.map((r) => ({ ...r, enclosingFunction: declared.name })));
  }

  /** The user macro (e.g. BPF_STRUCT_OPS) that wrote this declarator, else `fallback`. */
  private declaredWith(nameNode: Node, fallback: string): string {
    const macro = this.origin.macroAt?.(nameNode.startIndex);
    return macro && macro !== 'BPF_PROG' && macro !== 'BPF_PROG2' ? macro : fallback;
  }

  /** BPF_PROG2 takes `type, name` pairs: `BPF_PROG2(x, struct sock *, sk, int, n)`. */
  private prog2Params(args: Node[]): { name: string; type: CType; text: string }[] {
    const params = [];
    for (let i = 0; i + 1 < args.length; i += 2) {
      const typeParam = paramOf(args[i], this.lookup);
      const name = args[i + 1].text.trim();
      params.push({ name, type: typeParam.type, text: declarationText(`${args[i].text} ${name}`) });
    }
    return params;
  }

  /** Calls, returns and `case offsetof(...)` labels; one descendantsOfType query, not a node-by-node walk (wasm calls are the cost). */
  private walkBody(body: Node): BodyFacts {
    const facts = emptyBody();
    for (const node of body.descendantsOfType(BODY_NODE_TYPES)) {
      switch (node.type) {
        case 'call_expression': {
          const callee = node.childForFieldName('function');
          if (callee?.type === 'identifier') {
            const name = callee.text;
            facts.calls.push({ name, location: this.loc(callee) });
            if (name === 'register_bpf_struct_ops' || name === '__register_bpf_struct_ops') {
              const registration = this.registration(node, name);
              if (registration) facts.registrations.push(registration);
            }
          }
          break;
        }
        case 'return_statement': {
          const value = node.namedChild(0);
          if (value && value.type !== 'comment') {
            facts.returnsValue = true;
            const v = evalConst(value, this.lookup);
            if (v !== undefined && !facts.returnConstants.includes(v)) facts.returnConstants.push(v);
          }
          break;
        }
        case 'case_statement': {
          const value = node.childForFieldName('value');
          if (value?.type === 'offsetof_expression') {
            const typeName = value.childForFieldName('type')?.text.replace(/\s+/g, ' ') ?? '';
            const member = value.childForFieldName('member')?.text ?? '';
            facts.offsetofCases.push({ typeName: typeName.replace(/^(struct|union) /, ''), member, location: this.loc(value) });
          }
          break;
        }
        default:
          break;
      }
    }
    return facts;
  }

  private registration(call: Node, callee: string): Omit<Registration, 'enclosingFunction'> | undefined {
    const args = call.childForFieldName('arguments')?.namedChildren ?? [];
    const first = args[0];
    if (!first) return undefined;
    const descriptorName = first.type === 'pointer_expression' ? (first.childForFieldName('argument')?.text ?? first.text) : first.text;
    const typeName = callee === 'register_bpf_struct_ops' ? args[1]?.text.replace(/^struct\s+/, '') : undefined;
    return {
      callee: callee as Registration['callee'],
      descriptorName,
      ...(typeName ? { typeName } : {}),
      location: this.loc(call),
      resultUse: resultUse(call),
    };
  }

  private collectProblems(root: Node): void {
    const stack: Node[] = [root];
    while (stack.length > 0 && this.problems.length < MAX_PROBLEMS) {
      const node = stack.pop()!;
      if (node.isMissing) {
        this.problems.push({ message: `syntax error: missing ${node.type}`, location: this.loc(node) });
        continue;
      }
      if (node.isError) {
        this.problems.push({ message: `syntax error: unexpected \`${firstLine(node.text)}\``, location: this.loc(node) });
        continue;
      }
      if (!node.hasError) continue;
      for (let i = node.childCount - 1; i >= 0; i--) {
        const child = node.child(i);
        if (child) stack.push(child);
      }
    }
  }
}

interface BodyFacts {
  calls: { name: string; location: Location }[];
  returnsValue: boolean;
  returnConstants: bigint[];
  offsetofCases: { typeName: string; member: string; location: Location }[];
  registrations: Omit<Registration, 'enclosingFunction'>[];
}

function emptyBody(): BodyFacts {
  return { calls: [], returnsValue: false, returnConstants: [], offsetofCases: [], registrations: [] };
}

const CONTAINERS = new Set(['preproc_if', 'preproc_ifdef', 'preproc_elif', 'preproc_else', 'preproc_elifdef', 'ERROR', 'linkage_specification', 'declaration_list']);

/**
 * Top-level items in order, looking through #if blocks (stage-1 text still has them) and ERROR
 * nodes. Only a directive's children have the fields skipped here (its condition or macro name):
 * a translation unit's hundreds of items are taken in one call, not a field lookup each.
 */
function flattenTopLevel(node: Node, out: Node[]): void {
  const directive = node.type.startsWith('preproc_');
  node.namedChildren.forEach((child, i) => {
    if (!child) return;
    if (directive) {
      const field = node.fieldNameForNamedChild(i);
      if (field === 'condition' || field === 'name') return;
    }
    if (CONTAINERS.has(child.type)) flattenTopLevel(child, out);
    else out.push(child);
  });
}

function enumSpecifiers(item: Node): Node[] {
  const type = item.type === 'enum_specifier' ? item : item.childForFieldName('type');
  return type?.type === 'enum_specifier' && type.childForFieldName('body') ? [type] : [];
}

/** The function_declarator inside a declarator, through pointers/parentheses; undefined if none. */
function functionDeclarator(d: Node | null): Node | undefined {
  let node = d;
  while (node) {
    if (node.type === 'function_declarator') {
      // `int (*fp)(void)` declares a pointer variable, not a function.
      const inner = node.childForFieldName('declarator');
      if (inner?.type === 'parenthesized_declarator' && inner.namedChild(0)?.type === 'pointer_declarator') return undefined;
      return node;
    }
    if (node.type === 'pointer_declarator' || node.type === 'attributed_declarator') node = node.childForFieldName('declarator') ?? node.namedChild(0);
    else if (node.type === 'parenthesized_declarator') node = node.namedChild(0);
    else return undefined;
  }
  return undefined;
}

function hasStorage(node: Node, word: string): boolean {
  for (let i = 0; i < node.namedChildCount; i++) {
    const c = node.namedChild(i);
    if (c?.type === 'storage_class_specifier' && c.text === word) return true;
  }
  return false;
}

export function isStructOpsSection(section: string): boolean {
  return section.replace(/^\?/, '').startsWith('.struct_ops');
}

function stringValue(node: Node): string {
  if (node.type === 'concatenated_string') {
    return node.namedChildren.filter((c) => c.type === 'string_literal').map((c) => unescapeC(c.text.slice(1, -1))).join('');
  }
  return unescapeC(node.text.slice(1, -1));
}

function resultUse(call: Node): Registration['resultUse'] {
  let node: Node = call;
  for (let parent = node.parent; parent; node = parent, parent = parent.parent) {
    switch (parent.type) {
      case 'parenthesized_expression':
        continue;
      case 'return_statement':
        return 'returned';
      case 'expression_statement':
        return 'ignored';
      case 'cast_expression':
        return parent.childForFieldName('type')?.text.trim() === 'void' ? 'ignored' : 'checked';
      default:
        return 'checked';
    }
  }
  return 'ignored';
}

function firstLine(text: string): string {
  const line = text.split('\n', 1)[0];
  return line.length > 40 ? line.slice(0, 40) + '…' : line;
}

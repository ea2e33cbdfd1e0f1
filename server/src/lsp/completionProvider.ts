// Completion: in a struct_ops map initializer, the kernel type's members not yet set (prototype as
// detail, required/unsupported marked); after `.member = (void *)`, the struct_ops programs (the
// one whose section names the member first); inside `SEC("`, struct_ops section names.

import {
  CompletionItemKind,
  type CompletionItem,
  type CompletionList,
  type CompletionParams,
  type Range,
} from 'vscode-languageserver';
import { containsPosition, type StructOpsMap } from '../engine';
import { kernelInfo, sourceOf, type FeatureContext, type SourceView } from './sourceProvider';

const mapSections = ['.struct_ops.link', '.struct_ops', '?.struct_ops.link', '?.struct_ops'];
const structOpsProgram = /^\??struct_ops(\.s)?(\/|$)/;

function rangeBack(source: SourceView, offset: number, length: number): Range {
  return source.index.rangeOf(offset - length, offset);
}

/** The map whose initializer braces hold `offset`. */
function initializerAt(source: SourceView, offset: number): StructOpsMap | undefined {
  const position = source.index.positionAt(offset);
  return source.facts.maps.find((map) => {
    if (map.location.file !== source.file || !map.hasInitializer || !containsPosition(map.location.range, position)) return false;
    const open = source.text.indexOf('{', source.index.offsetAt(map.nameLocation.range.end));
    return open >= 0 && open < offset && offset <= source.index.offsetAt(map.location.range.end) - 1;
  });
}

function sectionItems(ctx: FeatureContext, source: SourceView, range: Range): CompletionItem[] {
  const items: CompletionItem[] = mapSections.map((section, i) => ({
    label: section,
    kind: CompletionItemKind.Module,
    detail: section.includes('link') ? 'struct_ops map attached through a BPF link' : 'struct_ops map',
    sortText: `0${i}`,
    textEdit: { range, newText: section },
  }));
  const members = new Map<string, { sleepable: boolean | undefined; prototype: string }>();
  for (const map of source.facts.maps) {
    for (const m of kernelInfo(ctx, map.typeName)?.members ?? []) {
      if (m.isFunctionPointer && !m.unsupported && !members.has(m.name)) members.set(m.name, { sleepable: m.sleepableAllowed, prototype: m.prototype });
    }
  }
  let i = 0;
  for (const [name, m] of members) {
    items.push({ label: `struct_ops/${name}`, kind: CompletionItemKind.Module, detail: m.prototype, sortText: `1${String(i).padStart(3, '0')}`, textEdit: { range, newText: `struct_ops/${name}` } });
    if (m.sleepable !== false) items.push({ label: `struct_ops.s/${name}`, kind: CompletionItemKind.Module, detail: `sleepable: ${m.prototype}`, sortText: `2${String(i).padStart(3, '0')}`, textEdit: { range, newText: `struct_ops.s/${name}` } });
    i++;
  }
  if (members.size === 0) {
    for (const section of ['struct_ops/', 'struct_ops.s/']) items.push({ label: section, kind: CompletionItemKind.Module, sortText: '1', textEdit: { range, newText: section } });
  }
  items.push({ label: 'license', kind: CompletionItemKind.Module, sortText: '3', textEdit: { range, newText: 'license' } });
  return items;
}

function programItems(source: SourceView, member: string, range: Range): CompletionItem[] {
  return source.facts.programs
    .filter((p) => structOpsProgram.test(p.section))
    .map((p) => {
      const match = p.section.replace(/^\?/, '').split('/')[1] === member;
      return {
        label: p.name,
        kind: CompletionItemKind.Function,
        detail: `SEC("${p.section}")`,
        sortText: `${match ? 0 : 1}${p.name}`,
        preselect: match || undefined,
        textEdit: { range, newText: p.name },
      };
    });
}

function memberItems(ctx: FeatureContext, map: StructOpsMap, typed: string, range: Range): CompletionItem[] {
  const info = kernelInfo(ctx, map.typeName);
  if (!info) return [];
  const set = new Set(map.members.map((m) => m.name));
  set.delete(typed);
  return info.members
    .filter((m) => m.name && !set.has(m.name))
    .map((m) => {
      const marks = [m.required ? 'required' : '', m.unsupported ? `unsupported (${m.unsupported})` : ''].filter(Boolean).join(', ');
      return {
        label: m.name,
        labelDetails: marks ? { description: marks } : undefined,
        kind: m.isFunctionPointer ? CompletionItemKind.Method : CompletionItemKind.Field,
        detail: m.prototype,
        sortText: `${m.required ? 0 : m.unsupported ? 2 : 1}${String(m.index).padStart(3, '0')}`,
        filterText: `.${m.name}`,
        textEdit: { range, newText: m.isFunctionPointer ? `.${m.name} = (void *)` : `.${m.name} = ` },
      };
    });
}

export function completion(ctx: FeatureContext, params: CompletionParams): CompletionList | null {
  const source = sourceOf(ctx, params.textDocument.uri);
  if (!source) return null;
  const offset = source.index.offsetAt(params.position);
  const linePrefix = source.text.slice(source.index.offsetAt({ line: params.position.line, character: 0 }), offset);
  const section = /SEC\(\s*"([^"]*)$/.exec(linePrefix);
  if (section) return { isIncomplete: false, items: sectionItems(ctx, source, rangeBack(source, offset, section[1].length)) };
  const map = initializerAt(source, offset);
  if (!map) return null;
  const value = /\.\s*([A-Za-z_]\w*)\s*=\s*(?:\(\s*void\s*\*\s*\)\s*|&\s*)?([A-Za-z_]\w*)?$/.exec(linePrefix);
  if (value) return { isIncomplete: false, items: programItems(source, value[1], rangeBack(source, offset, (value[2] ?? '').length)) };
  const designator = /(?:^|[{,])\s*(\.?)([A-Za-z_]\w*)?$/.exec(linePrefix);
  if (designator) {
    const typed = designator[2] ?? '';
    return { isIncomplete: false, items: memberItems(ctx, map, typed, rangeBack(source, offset, designator[1].length + typed.length)) };
  }
  return null;
}

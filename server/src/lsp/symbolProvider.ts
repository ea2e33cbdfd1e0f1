// Document symbols (struct_ops maps with their members as children, programs, descriptors, type
// definitions of the file) and workspace symbols (types, maps, programs, descriptors).

import {
  SymbolKind,
  type DocumentSymbol,
  type DocumentSymbolParams,
  type SymbolInformation,
  type WorkspaceSymbolParams,
} from 'vscode-languageserver';
import type { FileFacts, Location } from '../engine';
import { lspLocation, sourceOf, type FeatureContext } from './sourceProvider';

function span(from: Location, to: Location) {
  return { start: from.range.start, end: to.range.end };
}

export function documentSymbols(ctx: FeatureContext, params: DocumentSymbolParams): DocumentSymbol[] | null {
  const source = sourceOf(ctx, params.textDocument.uri);
  if (!source) return null;
  const mine = (l: Location) => l.file === source.file;
  const symbols: DocumentSymbol[] = [];
  for (const def of source.facts.typeDefinitions) {
    if (!mine(def.location) || !def.name || def.kind === 'typedef') continue;
    symbols.push({
      name: `${def.kind} ${def.name}`,
      kind: def.kind === 'enum' ? SymbolKind.Enum : SymbolKind.Struct,
      range: def.location.range,
      selectionRange: def.nameLocation.range,
      children: def.members.filter((m) => m.name && mine(m.location)).map((m) => ({ name: m.name, detail: m.text, kind: SymbolKind.Field, range: m.location.range, selectionRange: m.location.range })),
    });
  }
  for (const program of source.facts.programs) {
    if (!mine(program.location)) continue;
    symbols.push({ name: program.name, detail: program.section ? `SEC("${program.section}")` : undefined, kind: SymbolKind.Function, range: program.location.range, selectionRange: program.nameLocation.range });
  }
  for (const map of source.facts.maps) {
    if (!mine(map.location)) continue;
    symbols.push({
      name: map.name,
      detail: `struct ${map.typeName} · ${map.section}`,
      kind: SymbolKind.Object,
      range: map.location.range,
      selectionRange: map.nameLocation.range,
      children: map.members.map((m) => ({
        name: `.${m.name}`,
        detail: m.value.kind === 'function' ? m.value.name : undefined,
        kind: m.value.kind === 'function' ? SymbolKind.Method : SymbolKind.Field,
        range: span(m.location, m.valueLocation),
        selectionRange: m.location.range,
      })),
    });
  }
  for (const d of source.facts.descriptors) {
    if (!mine(d.location)) continue;
    symbols.push({ name: d.varName, detail: 'struct bpf_struct_ops', kind: SymbolKind.Constant, range: d.location.range, selectionRange: d.nameLocation.range });
  }
  return symbols.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
}

/** Case-insensitive subsequence match, as editors filter symbol names. */
function matches(query: string, name: string): boolean {
  const q = query.toLowerCase();
  const n = name.toLowerCase();
  let i = 0;
  for (const ch of n) if (i < q.length && ch === q[i]) i++;
  return i === q.length;
}

export function workspaceSymbols(ctx: FeatureContext, params: WorkspaceSymbolParams): SymbolInformation[] {
  const seen = new Set<string>();
  const result: SymbolInformation[] = [];
  const add = (name: string, kind: SymbolKind, location: Location, containerName?: string) => {
    const key = `${location.file}:${location.range.start.line}:${location.range.start.character}:${name}`;
    if (seen.has(key) || !matches(params.query, name)) return;
    seen.add(key);
    result.push({ name, kind, location: lspLocation(location), containerName });
  };
  const all: readonly FileFacts[] = ctx.engine.allFacts();
  for (const facts of all) {
    for (const def of facts.typeDefinitions) {
      if (def.name && (def.kind === 'struct' || def.kind === 'union') && def.members.length > 0) add(def.name, SymbolKind.Struct, def.nameLocation, def.kind);
    }
    for (const map of facts.maps) add(map.name, SymbolKind.Object, map.nameLocation, `struct ${map.typeName}`);
    for (const program of facts.programs) if (program.section.includes('struct_ops')) add(program.name, SymbolKind.Function, program.nameLocation, program.section);
    for (const d of facts.descriptors) add(d.varName, SymbolKind.Constant, d.nameLocation, 'struct bpf_struct_ops');
  }
  return result;
}

// The Maps & Programs tree as plain data, built from the server's ExplorerData: one node per BPF
// object file, its struct_ops maps (kernel type, section, simulated outcome) and their members wired
// to programs. No `vscode` import: the provider turns these nodes into TreeItems, tests check the model.

import type { ExplorerData, ExplorerMap, ExplorerMember } from '../../../server/src/protocol';

export interface RevealTarget {
  readonly uri: string;
  readonly range: ExplorerMember['range'];
}

export type ExplorerContextValue = 'object' | 'map' | 'member' | 'message';

export interface ExplorerNode {
  readonly id: string;
  readonly label: string;
  readonly description?: string;
  readonly tooltip?: string;
  /** A codicon id. */
  readonly icon: string;
  /** Theme color id for the icon, e.g. `testing.iconFailed`. */
  readonly color?: string;
  /** VS Code `contextValue`, for item menus. */
  readonly contextValue: ExplorerContextValue;
  /** Where a click goes (for a wired member: the program). */
  readonly reveal?: RevealTarget;
  /** Where the node itself is written, for Reveal in Explorer from the editor. */
  readonly anchor?: RevealTarget;
  /** The BPF source file the node belongs to (object, map and member nodes). */
  readonly uri?: string;
  /** The map name (map and member nodes). */
  readonly map?: string;
  readonly children: readonly ExplorerNode[];
}

export function outcomeLabel(map: ExplorerMap): string {
  const o = map.outcome;
  if (o.ok) return 'loads';
  if (o.phase === undefined && o.check === undefined) return o.message ?? 'not simulated';
  const errno = o.errnoName ? ` -${o.errnoName}` : '';
  return `fails at ${o.phase ?? 'load'}${errno}${o.check ? ` (${o.check})` : ''}`;
}

function memberNode(map: ExplorerMap, member: ExplorerMember): ExplorerNode {
  const wired = member.program !== undefined;
  return {
    id: `${map.uri}#${map.name}.${member.name}`,
    label: `.${member.name}`,
    description: wired ? `→ ${member.program}` : member.value,
    tooltip: wired ? `${map.name}.${member.name} is filled by program ${member.program}` : `${map.name}.${member.name} = ${member.value ?? '…'}`,
    icon: wired ? 'symbol-method' : 'symbol-field',
    contextValue: 'member',
    reveal: member.programUri && member.programRange ? { uri: member.programUri, range: member.programRange } : { uri: map.uri, range: member.range },
    anchor: { uri: map.uri, range: member.range },
    uri: map.uri,
    map: map.name,
    children: [],
  };
}

export function mapNode(map: ExplorerMap): ExplorerNode {
  const status = outcomeLabel(map);
  const o = map.outcome;
  const tooltip = o.ok
    ? `${map.name} (struct ${map.typeName}, ${map.section}): simulated open → load → attach succeeds`
    : `${map.name} (struct ${map.typeName}, ${map.section}): ${status}${o.errno !== undefined ? `, errno ${o.errno}` : ''}\n${o.message ?? ''}`.trimEnd();
  return {
    id: `${map.uri}#${map.name}`,
    label: map.name,
    description: `struct ${map.typeName} · ${map.section} · ${status}`,
    tooltip,
    icon: o.ok ? 'pass' : 'error',
    color: o.ok ? 'testing.iconPassed' : 'testing.iconFailed',
    contextValue: 'map',
    reveal: { uri: map.uri, range: map.range },
    anchor: { uri: map.uri, range: map.range },
    uri: map.uri,
    map: map.name,
    children: map.members.map((m) => memberNode(map, m)),
  };
}

function baseName(uri: string): string {
  const clean = uri.replace(/[?#].*$/, '');
  return decodeURIComponent(clean.slice(clean.lastIndexOf('/') + 1));
}

function objectNode(uri: string, maps: readonly ExplorerMap[]): ExplorerNode {
  const failed = maps.filter((m) => !m.outcome.ok);
  const first = failed[0];
  return {
    id: uri,
    label: baseName(uri),
    description: `${maps.length} map${maps.length === 1 ? '' : 's'} · ${first ? outcomeLabel(first) : 'loads'}`,
    tooltip: `${decodeURIComponent(uri.replace(/^file:\/\//, ''))}\n${first ? `${first.name}: ${outcomeLabel(first)}${first.outcome.message ? `\n${first.outcome.message}` : ''}` : 'Simulated open → load → attach succeeds'}`,
    icon: 'file-binary',
    color: first ? 'testing.iconFailed' : 'testing.iconPassed',
    contextValue: 'object',
    reveal: { uri, range: maps[0].range },
    uri,
    children: [...maps].sort((a, b) => a.name.localeCompare(b.name)).map(mapNode),
  };
}

/** Top-level nodes: one per BPF object file, sorted by path; none when there is no map (the view shows its welcome). */
export function explorerRoots(data: ExplorerData | undefined): ExplorerNode[] {
  if (!data) return [];
  const byFile = new Map<string, ExplorerMap[]>();
  for (const map of data.maps) byFile.set(map.uri, [...(byFile.get(map.uri) ?? []), map]);
  return [...byFile.keys()].sort((a, b) => a.localeCompare(b)).map((uri) => objectNode(uri, byFile.get(uri)!));
}

function contains(range: RevealTarget['range'], line: number, character: number): boolean {
  const after = line > range.start.line || (line === range.start.line && character >= range.start.character);
  const before = line < range.end.line || (line === range.end.line && character <= range.end.character);
  return after && before;
}

/**
 * The node to reveal for a cursor position: the member initializer on that line, else the nearest
 * map declared at or above it in that file, else the file's object node; undefined for other files.
 */
export function nodeAt(roots: readonly ExplorerNode[], uri: string, line: number, character: number): ExplorerNode | undefined {
  const object = roots.find((r) => r.uri === uri);
  if (!object) return undefined;
  for (const map of object.children) {
    // Any position on a member's lines counts (the cursor is often in the indentation before it);
    // with several members on one line, the one at or before the cursor.
    const onLine = map.children.filter((m) => m.anchor && m.anchor.range.start.line <= line && line <= m.anchor.range.end.line);
    const member = onLine.find((m) => contains(m.anchor!.range, line, character)) ?? onLine.filter((m) => m.anchor!.range.start.character <= character).pop() ?? onLine[0];
    if (member) return member;
  }
  const above = object.children.filter((m) => m.anchor && m.anchor.range.start.line <= line).sort((a, b) => b.anchor!.range.start.line - a.anchor!.range.start.line);
  return above[0] ?? object;
}

/** Parent of every node by id, for TreeView.reveal. */
export function parentIndex<T extends { readonly id: string; readonly children: readonly unknown[] }>(roots: readonly T[]): Map<string, T> {
  const parents = new Map<string, T>();
  const walk = (node: T) => {
    for (const child of node.children as readonly T[]) {
      parents.set(child.id, node);
      walk(child);
    }
  };
  roots.forEach(walk);
  return parents;
}

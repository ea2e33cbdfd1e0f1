// The explorer tree as plain data, built from the server's ExplorerData. No `vscode` import:
// the provider turns these nodes into TreeItems, and tests check the model directly.

import type { ExplorerData, ExplorerMap, ExplorerMember } from '../../../server/src/protocol';

export interface RevealTarget {
  readonly uri: string;
  readonly range: ExplorerMember['range'];
}

export interface ExplorerNode {
  readonly id: string;
  readonly label: string;
  readonly description?: string;
  readonly tooltip?: string;
  /** A codicon id. */
  readonly icon: string;
  /** VS Code `contextValue`, for item menus. */
  readonly contextValue: 'map' | 'member' | 'message';
  readonly reveal?: RevealTarget;
  readonly children: readonly ExplorerNode[];
}

function outcomeText(map: ExplorerMap): string {
  const o = map.outcome;
  if (o.ok) return 'loads';
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
    children: [],
  };
}

export function mapNode(map: ExplorerMap): ExplorerNode {
  const status = outcomeText(map);
  return {
    id: `${map.uri}#${map.name}`,
    label: map.name,
    description: `struct ${map.typeName} · ${map.section} · ${status}`,
    tooltip: map.outcome.ok ? `${map.name}: simulated load succeeds` : `${map.name}: ${status}\n${map.outcome.message ?? ''}`,
    icon: map.outcome.ok ? 'pass' : 'error',
    contextValue: 'map',
    reveal: { uri: map.uri, range: map.range },
    children: map.members.map((m) => memberNode(map, m)),
  };
}

/** Top-level nodes: one per map, sorted by file then name; a hint node when there is none. */
export function explorerRoots(data: ExplorerData | undefined): ExplorerNode[] {
  if (!data) {
    return [{ id: 'starting', label: 'Starting the struct_ops language server…', icon: 'loading~spin', contextValue: 'message', children: [] }];
  }
  if (data.maps.length === 0) {
    return [
      {
        id: 'empty',
        label: 'No struct_ops maps in this workspace',
        description: 'open a folder with SEC(".struct_ops") maps',
        icon: 'info',
        contextValue: 'message',
        children: [],
      },
    ];
  }
  return [...data.maps].sort((a, b) => a.uri.localeCompare(b.uri) || a.name.localeCompare(b.name)).map(mapNode);
}

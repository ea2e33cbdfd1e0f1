// The Types tree as plain data, from the server's TypesData: one group per BTF object (vmlinux,
// each module, then module sources in the workspace), its struct_ops types and their members with
// the C prototype and the knowledge base's required / unsupported / sleepable marks. No `vscode` import.

import type { TypeGroup, TypeInfo, TypeMemberInfo, TypesData } from '../../../server/src/protocol';
import type { RevealTarget } from './model';

export interface TypeNode {
  readonly id: string;
  readonly label: string;
  readonly description?: string;
  readonly tooltip?: string;
  readonly icon: string;
  readonly color?: string;
  readonly contextValue: 'btfObject' | 'btfModule' | 'module' | 'type' | 'typeMember';
  readonly reveal?: RevealTarget;
  /** Module name (module and workspace groups), for Simulate Registration / Unload. */
  readonly module?: string;
  readonly children: readonly TypeNode[];
}

/**
 * Short marks for a member: `required`, `unsupported (PRG-11)`, and `sleepable` / `not sleepable`
 * only where the type restricts sleepable programs to some members (`mixedSleep`), to keep the
 * common case (every op may sleep, or none) quiet.
 */
export function memberMarks(member: TypeMemberInfo, mixedSleep = true): string[] {
  const marks: string[] = [];
  if (member.required) marks.push('required');
  if (member.unsupported) marks.push(`unsupported (${member.unsupported})`);
  if (mixedSleep && member.isFunctionPointer && !member.unsupported && member.sleepableAllowed === true) marks.push('sleepable');
  if (mixedSleep && member.isFunctionPointer && !member.unsupported && member.sleepableAllowed === false) marks.push('not sleepable');
  return marks;
}

/** True when some function members may be sleepable and others may not. */
function mixedSleepable(type: TypeInfo): boolean {
  const values = new Set(type.members.filter((m) => m.isFunctionPointer && !m.unsupported && m.sleepableAllowed !== undefined).map((m) => m.sleepableAllowed));
  return values.size > 1;
}

function memberNode(groupId: string, type: TypeInfo, member: TypeMemberInfo): TypeNode {
  const marks = memberMarks(member, mixedSleepable(type));
  const tooltipMarks = [
    member.required ? 'Required: the subsystem refuses a map without it.' : undefined,
    member.unsupported ? `Unsupported: the kernel refuses a program here (${member.unsupported}).` : undefined,
    member.sleepableAllowed === true ? 'A sleepable (struct_ops.s) program may fill it.' : undefined,
    member.sleepableAllowed === false ? 'A sleepable (struct_ops.s) program is refused here (PRG-12).' : undefined,
  ].filter((t): t is string => t !== undefined);
  return {
    id: `${groupId}/${type.name}/${member.name}`,
    label: member.name,
    description: [marks.join(', '), member.prototype].filter((s) => s).join(' · '),
    tooltip: [`${member.prototype}`, `member #${member.index} of struct ${type.name}`, ...tooltipMarks].join('\n'),
    icon: member.unsupported ? 'circle-slash' : member.isFunctionPointer ? 'symbol-method' : 'symbol-field',
    color: member.unsupported ? 'disabledForeground' : member.required ? 'charts.orange' : undefined,
    contextValue: 'typeMember',
    reveal: member.uri && member.range ? { uri: member.uri, range: member.range } : undefined,
    children: [],
  };
}

function typeNode(group: TypeGroup, groupId: string, type: TypeInfo): TypeNode {
  const ops = type.members.filter((m) => m.isFunctionPointer).length;
  const required = type.members.filter((m) => m.required).length;
  const parts = [type.registered ? undefined : 'not registered', `${ops} op${ops === 1 ? '' : 's'}`, required ? `${required} required` : undefined, type.size !== undefined ? `${type.size} B` : undefined];
  return {
    id: `${groupId}/${type.name}`,
    label: `struct ${type.name}`,
    description: parts.filter((p) => p).join(' · '),
    tooltip: `struct ${type.name} in ${group.name}${type.registered ? ` (registered: bpf_struct_ops_${type.name} exists)` : ' (no bpf_struct_ops value type: not usable as struct_ops)'}`,
    icon: 'symbol-struct',
    color: type.registered ? undefined : 'list.warningForeground',
    contextValue: 'type',
    reveal: type.uri && type.range ? { uri: type.uri, range: type.range } : undefined,
    children: type.members.map((m) => memberNode(groupId, type, m)),
  };
}

const groupIcons: Record<TypeGroup['origin'], string> = { vmlinux: 'server', module: 'package', workspace: 'file-code' };

function groupNode(group: TypeGroup): TypeNode {
  const id = `${group.origin}:${group.name}`;
  const what = group.origin === 'workspace' ? 'module source in the workspace' : group.origin === 'module' ? 'module BTF' : 'kernel BTF';
  return {
    id,
    label: group.name,
    description: `${what} · ${group.types.length} type${group.types.length === 1 ? '' : 's'}`,
    tooltip: `${group.name}: ${what}\n${group.source}`,
    icon: groupIcons[group.origin],
    contextValue: group.origin === 'workspace' ? 'module' : group.origin === 'module' ? 'btfModule' : 'btfObject',
    module: group.origin === 'vmlinux' ? undefined : group.name,
    reveal: group.origin === 'workspace' ? { uri: pathUri(group.source), range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } } : undefined,
    children: group.types.map((t) => typeNode(group, id, t)),
  };
}

function pathUri(file: string): string {
  return file.startsWith('file:') ? file : `file://${file.split('/').map(encodeURIComponent).join('/')}`;
}

/**
 * Groups in profile order (vmlinux, modules in load order), then workspace sources; BTF objects
 * without struct_ops types are left out. Empty when there is no data (the view shows its welcome).
 */
export function typeRoots(data: TypesData | undefined): TypeNode[] {
  if (!data) return [];
  return data.groups.filter((g) => g.types.length > 0 || g.origin === 'workspace').map(groupNode);
}

/** Workspace module names, for the Simulate Registration / Unload pickers. */
export function workspaceModules(data: TypesData | undefined): string[] {
  return data?.modules ? [...data.modules] : (data?.groups ?? []).filter((g) => g.origin === 'workspace').map((g) => g.name);
}

/** Every module name (BTF modules and workspace sources), for Simulate Unload. */
export function allModules(data: TypesData | undefined): string[] {
  return [...new Set([...workspaceModules(data), ...(data?.groups ?? []).filter((g) => g.origin !== 'vmlinux').map((g) => g.name)])];
}

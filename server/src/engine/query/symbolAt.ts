// "What is at this position" in one file's facts: a struct_ops map's type, name or section, a
// member designator, the program name wired into a member, a program, a descriptor or a
// registration call. Facts of included files carry their own file, so only `file`'s are matched.

import type { BpfProgram, FileFacts, MemberInit, OpsDescriptor, Registration, StructOpsMap } from '../c/facts';
import { LineIndex, type Location, type Position, type Range } from '../common/location';

export type SymbolAt =
  | { readonly kind: 'mapType'; readonly range: Range; readonly map: StructOpsMap }
  | { readonly kind: 'mapName'; readonly range: Range; readonly map: StructOpsMap }
  | { readonly kind: 'mapSection'; readonly range: Range; readonly map: StructOpsMap }
  | { readonly kind: 'member'; readonly range: Range; readonly map: StructOpsMap; readonly member: MemberInit }
  | { readonly kind: 'wiredProgram'; readonly range: Range; readonly map: StructOpsMap; readonly member: MemberInit; readonly name: string }
  | { readonly kind: 'program'; readonly range: Range; readonly program: BpfProgram }
  | { readonly kind: 'programSection'; readonly range: Range; readonly program: BpfProgram }
  | { readonly kind: 'descriptor'; readonly range: Range; readonly descriptor: OpsDescriptor }
  | { readonly kind: 'registration'; readonly range: Range; readonly registration: Registration };

export function containsPosition(range: Range, position: Position): boolean {
  const afterStart = position.line > range.start.line || (position.line === range.start.line && position.character >= range.start.character);
  const beforeEnd = position.line < range.end.line || (position.line === range.end.line && position.character <= range.end.character);
  return afterStart && beforeEnd;
}

function at(location: Location, file: string, position: Position): boolean {
  return location.file === file && containsPosition(location.range, position);
}

/**
 * The range of the program name inside a wired value such as `(void *)ss` or `&ss`: the last
 * occurrence of the name as an identifier in `text` when given, else the value's last characters.
 */
export function wiredNameRange(member: MemberInit, name: string, text?: string | LineIndex): Range {
  const value = member.valueLocation.range;
  if (text !== undefined) {
    const index = typeof text === 'string' ? new LineIndex(text) : text;
    const start = index.offsetAt(value.start);
    const slice = index.text.slice(start, index.offsetAt(value.end));
    const re = new RegExp(`(?<![A-Za-z0-9_])${name}(?![A-Za-z0-9_])`, 'g');
    let last = -1;
    for (let m = re.exec(slice); m; m = re.exec(slice)) last = m.index;
    if (last >= 0) return index.rangeOf(start + last, start + last + name.length);
  }
  const end = value.end;
  return { start: { line: end.line, character: Math.max(0, end.character - name.length) }, end };
}

/** The struct_ops construct at `position` in `file`, innermost first; undefined when none. */
export function symbolAt(facts: FileFacts, file: string, position: Position, text?: string | LineIndex): SymbolAt | undefined {
  const index = typeof text === 'string' ? new LineIndex(text) : text;
  for (const map of facts.maps) {
    if (map.location.file !== file || !containsPosition(map.location.range, position)) continue;
    for (const member of map.members) {
      if (at(member.location, file, position)) return { kind: 'member', range: member.location.range, map, member };
      if (member.value.kind === 'function' && at(member.valueLocation, file, position)) {
        const range = wiredNameRange(member, member.value.name, index);
        if (containsPosition(range, position)) return { kind: 'wiredProgram', range, map, member, name: member.value.name };
      }
    }
    if (at(map.typeLocation, file, position)) return { kind: 'mapType', range: map.typeLocation.range, map };
    if (at(map.nameLocation, file, position)) return { kind: 'mapName', range: map.nameLocation.range, map };
    if (at(map.sectionLocation, file, position)) return { kind: 'mapSection', range: map.sectionLocation.range, map };
  }
  for (const program of facts.programs) {
    if (at(program.nameLocation, file, position)) return { kind: 'program', range: program.nameLocation.range, program };
    if (at(program.sectionLocation, file, position)) return { kind: 'programSection', range: program.sectionLocation.range, program };
  }
  for (const descriptor of facts.descriptors) {
    if (at(descriptor.nameLocation, file, position)) return { kind: 'descriptor', range: descriptor.nameLocation.range, descriptor };
  }
  for (const registration of facts.registrations) {
    if (at(registration.location, file, position)) return { kind: 'registration', range: registration.location.range, registration };
  }
  return undefined;
}

/** Every (map, member) whose initializer places `program` (by name), across the given facts. */
export function membersFilledBy(facts: readonly FileFacts[], program: string): { map: StructOpsMap; member: MemberInit }[] {
  const seen = new Set<string>();
  const found: { map: StructOpsMap; member: MemberInit }[] = [];
  for (const f of facts) {
    for (const map of f.maps) {
      for (const member of map.members) {
        if (member.value.kind !== 'function' || member.value.name !== program) continue;
        const key = `${member.location.file}:${member.location.range.start.line}:${member.location.range.start.character}`;
        if (seen.has(key)) continue;
        seen.add(key);
        found.push({ map, member });
      }
    }
  }
  return found;
}

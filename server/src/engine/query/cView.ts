// A read-only C view of a kernel struct from BTF, as vmlinux.h would print it, with where each
// member's name is in the text, so "go to definition" can land on a kernel member.

import { BtfKind, formatMember, type BtfSpec } from '../btf';
import type { Position } from '../common/location';

export interface CView {
  readonly text: string;
  /** Start of the struct's name in the text. */
  readonly typeName: Position;
  /** Start of each named member's name. */
  readonly members: ReadonlyMap<string, Position>;
}

/** Position of `name` inside a member declaration line, as an identifier (not a prefix of a longer one). */
function nameColumn(line: string, name: string): number {
  const re = new RegExp(`(?<![A-Za-z0-9_])${name}(?![A-Za-z0-9_])`);
  const match = re.exec(line);
  return match ? match.index : 0;
}

/**
 * The struct or union `typeId` of `spec` as a C header with a comment naming its origin;
 * undefined when the id is not a struct or union.
 */
export function kernelTypeCView(spec: BtfSpec, typeId: number, origin: string): CView | undefined {
  const type = spec.typeById(typeId);
  if (!type || (type.kind !== BtfKind.Struct && type.kind !== BtfKind.Union)) return undefined;
  const keyword = type.kind === BtfKind.Struct ? 'struct' : 'union';
  const lines = [
    `/* Generated from ${origin} BTF (type [${typeId}], ${type.size} bytes): read-only view. */`,
    '',
    `${keyword} ${type.name} {`,
  ];
  const typeName: Position = { line: 2, character: keyword.length + 1 };
  const members = new Map<string, Position>();
  type.members.forEach((m, index) => {
    const text = formatMember(spec, typeId, index);
    const memberLines = text.split('\n').map((l) => `\t${l}`);
    const last = memberLines.length - 1;
    memberLines[last] += `; /* #${index}, offset ${Math.floor(m.bitOffset / 8)} */`;
    if (m.name) {
      // The name is on the declaration's last line for inline anonymous bodies, else on its only line.
      const at = last;
      members.set(m.name, { line: lines.length + at, character: nameColumn(memberLines[at], m.name) });
    }
    lines.push(...memberLines);
  });
  lines.push('};', '');
  return { text: lines.join('\n'), typeName, members };
}

// Public API of the subsystem knowledge base: the known struct_ops types and, for one kernel version,
// a view of a type's knowledge holding only the entries that apply to that version.

import { bpfDummyOps } from './bpfDummyOps';
import { bpfTestmodOps, bpfTestmodOps2, bpfTestmodStOps } from './bpfTestmod';
import { hidBpfOps } from './hidBpfOps';
import { qdiscOps } from './qdiscOps';
import { schedExtOps } from './schedExtOps';
import { tcpCongestionOps } from './tcpCongestionOps';
import type { HelperVerdict, KernelVersion, SubsystemDefinition, SubsystemKnowledge, Versioned } from './types';
import { inRange } from './types';

export type * from './types';
export { inRange } from './types';
export { helperDeniedMessage, helperId, helperIds } from './helperIds';
export { objNameCpy } from './objName';

const DEFINITIONS: readonly SubsystemDefinition[] = [
  tcpCongestionOps,
  bpfDummyOps,
  schedExtOps,
  hidBpfOps,
  qdiscOps,
  bpfTestmodOps,
  bpfTestmodOps2,
  bpfTestmodStOps,
];

/** Every struct_ops type the knowledge base describes, mainline types first. */
export function allKnownTypes(): string[] {
  return DEFINITIONS.map((d) => d.typeName);
}

/** The raw definition of a type with every version range; undefined for an unknown type. */
export function definitionFor(typeName: string): SubsystemDefinition | undefined {
  return DEFINITIONS.find((d) => d.typeName === typeName);
}

/**
 * Knowledge about `typeName` on `kernel`, every list filtered to the entries for that version.
 * Undefined when the type is unknown or the kernel predates it.
 */
export function knowledgeFor(typeName: string, kernel: KernelVersion): SubsystemKnowledge | undefined {
  const key = `${typeName}@${kernel.major}.${kernel.minor}`;
  if (!knowledgeCache.has(key)) knowledgeCache.set(key, buildKnowledge(typeName, kernel));
  return knowledgeCache.get(key);
}

/** knowledgeFor's results: the definitions are constant and ranges use major.minor only, so one per type and release. */
const knowledgeCache = new Map<string, SubsystemKnowledge | undefined>();

function buildKnowledge(typeName: string, kernel: KernelVersion): SubsystemKnowledge | undefined {
  const def = definitionFor(typeName);
  if (def === undefined || !inRange(kernel, def.versions)) return undefined;
  const pick = <T extends Versioned>(entries: readonly T[]): T[] => entries.filter((e) => inRange(kernel, e.versions));
  const helperPolicies = pick(def.helpers);
  return {
    typeName: def.typeName,
    file: def.file,
    versions: def.versions,
    kernel,
    initMember: pick(def.initMember),
    initMemberRejectsAll: pick(def.initMemberRejectsAll),
    specialMembers: pick(def.specialMembers),
    unsupportedMembers: pick(def.unsupportedMembers),
    sleepable: pick(def.sleepable),
    nullableArgs: pick(def.nullableArgs),
    refArgs: pick(def.refArgs),
    required: pick(def.required),
    validate: pick(def.validate),
    update: pick(def.update),
    helperPolicies,
    helpers: (member: string, helper: string): HelperVerdict => helperPolicies[0]?.verdict(member, helper) ?? 'unknown',
    writableFields: pick(def.writableFields),
  };
}

// The BPF object a source file compiles to, as libbpf sees it: which sections are struct_ops
// map sections and program sections under a libbpf version, and which maps and programs exist.

import type { BpfProgram, CFunction, CTypeDefinition, FileFacts, InitValue, StructOpsMap } from '../c/facts';
import type { MajorMinor } from './versions';
import { atLeast } from './versions';

/** What one compiled BPF object holds, built from the facts of its top-level source file. */
export interface BpfObjectInput {
  readonly file: string;
  readonly facts: FileFacts;
  /** A local (BPF-side) type definition by struct tag, from the file, its headers or the workspace. */
  readonly localType: (tag: string) => CTypeDefinition | undefined;
}

export interface MapSection {
  readonly known: boolean;
  readonly link: boolean;
  /** `?` prefix: autocreate off (libbpf 1.4+). */
  readonly optional: boolean;
}

/** libbpf's struct_ops data sections by version (libbpf.c bpf_object__elf_collect, LIB-01). */
export function classifyMapSection(section: string, libbpf: MajorMinor): MapSection {
  const optional = section.startsWith('?');
  const bare = optional ? section.slice(1) : section;
  const link = bare === '.struct_ops.link';
  const recognised = (bare === '.struct_ops' || (link && atLeast(libbpf, 1, 2))) && (!optional || atLeast(libbpf, 1, 4));
  return { known: recognised, link, optional: optional && recognised };
}

export interface ProgramSection {
  readonly structOps: boolean;
  readonly sleepable: boolean;
  /** `?` prefix: autoload off. */
  readonly autoloadOff: boolean;
}

/** libbpf's SEC_DEF table for struct_ops programs: `struct_ops+` always, `struct_ops.s+` from 1.2. */
export function classifyProgramSection(section: string, libbpf: MajorMinor): ProgramSection {
  const autoloadOff = section.startsWith('?');
  const bare = autoloadOff ? section.slice(1) : section;
  const matches = (prefix: string) => bare === prefix || bare.startsWith(`${prefix}/`);
  if (matches('struct_ops')) return { structOps: true, sleepable: false, autoloadOff };
  if (matches('struct_ops.s') && atLeast(libbpf, 1, 2)) return { structOps: true, sleepable: true, autoloadOff };
  return { structOps: false, sleepable: false, autoloadOff };
}

export function isStructOpsDataSection(section: string): boolean {
  return section.replace(/^\?/, '').startsWith('.struct_ops');
}

export function findProgram(facts: FileFacts, name: string): BpfProgram | undefined {
  return facts.programs.find((p) => p.name === name);
}

export function findFunction(facts: FileFacts, name: string): CFunction | undefined {
  return facts.functions.find((f) => f.name === name);
}

export function structOpsMaps(facts: FileFacts): readonly StructOpsMap[] {
  return facts.maps.filter((m) => isStructOpsDataSection(m.section));
}

/** Whether libbpf sees all-zero bytes for a member (libbpf_is_mem_zeroed); undefined when not evaluable. */
export function isZeroValue(value: InitValue | undefined): boolean | undefined {
  if (value === undefined) return true;
  switch (value.kind) {
    case 'null':
      return true;
    case 'integer':
      return value.value === 0n;
    case 'string':
      return value.value.length === 0;
    case 'list':
      return value.zero;
    case 'function':
    case 'addressOf':
      return false;
    case 'expression':
      return undefined;
  }
}

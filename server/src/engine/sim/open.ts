// Phase `open` (libbpf bpf_object__open): ELF sections, programs and the struct_ops relocations
// that wire programs into map members. No syscall happens here (struct-ops-semantics.md §3).

import type { MemberInit, StructOpsMap } from '../c/facts';
import { Errno } from '../common/errno';
import { CheckId } from './checks';
import { classifyMapSection, classifyProgramSection, findFunction, findProgram, isStructOpsDataSection, type BpfObjectInput } from './objectModel';
import { ExtraCheckId, type Finding } from './trace';
import type { MajorMinor } from './versions';
import { formatVersion } from './versions';

export interface OpenResult {
  readonly findings: Finding[];
  /** Maps libbpf creates a definition for (recognised sections). */
  readonly maps: StructOpsMap[];
  readonly failed: boolean;
}

/** LIB-29: libbpf rejects static functions in program sections before anything struct_ops. */
function staticPrograms(input: BpfObjectInput): Finding[] {
  return input.facts.programs
    .filter((p) => p.isStatic && p.section !== '.text')
    .map((p) => ({
      check: CheckId['LIB-29'],
      severity: 'error',
      phase: 'open',
      errno: Errno.EOPNOTSUPP,
      message: `sec '${p.section}': program '${p.name}' is static and not supported`,
      channel: 'libbpf',
      location: p.nameLocation,
      related: [],
      explanation: 'libbpf only loads programs with global binding from program sections. Remove `static` from the program definition.',
    }));
}

/** LIB-01: data sections that start with `.struct_ops` but are not one libbpf knows are skipped. */
function unknownMapSection(map: StructOpsMap, libbpf: MajorMinor): Finding {
  const bare = map.section.replace(/^\?/, '');
  const why =
    bare === '.struct_ops.link'
      ? `\`.struct_ops.link\` exists from libbpf 1.2 and the \`?\` prefix from 1.4; this profile simulates libbpf ${formatVersion(libbpf)}.`
      : 'libbpf recognises only `.struct_ops` and `.struct_ops.link` (with an optional `?` prefix from 1.4).';
  return {
    check: CheckId['LIB-01'],
    severity: 'warning',
    phase: 'open',
    message: `elf: skipping unrecognized data section(<idx>) ${map.section}`,
    channel: 'libbpf',
    location: map.sectionLocation,
    related: [],
    explanation: `${why} The variable \`${map.name}\` becomes no map, so nothing is registered and the programs it references stay unreferenced.`,
    rule: `libbpf ${formatVersion(libbpf)} section table`,
  };
}

/** LIB-07 and compile errors for one wired member (`.op = (void *)prog`). */
function wiredMember(input: BpfObjectInput, map: StructOpsMap, member: MemberInit, libbpf: MajorMinor): Finding | undefined {
  if (member.value.kind !== 'function') return undefined;
  const name = member.value.name;
  const program = findProgram(input.facts, name);
  if (program) {
    if (classifyProgramSection(program.section, libbpf).structOps) return undefined;
    return {
      check: CheckId['LIB-07'],
      severity: 'error',
      phase: 'open',
      errno: Errno.EINVAL,
      message: `struct_ops reloc ${map.name}: prog ${name} is not struct_ops BPF program`,
      channel: 'libbpf',
      location: member.valueLocation,
      related: [{ location: program.sectionLocation, message: `\`${name}\` is in section "${program.section}"` }],
      explanation: `Only programs in a \`SEC("struct_ops/...")\` section${libbpf.major > 1 || libbpf.minor >= 2 ? ' or `SEC("struct_ops.s/...")`' : ''} can fill a struct_ops member. Move \`${name}\` into such a section.`,
    };
  }
  const fn = findFunction(input.facts, name);
  if (fn) {
    return {
      check: CheckId['LIB-07'],
      severity: 'error',
      phase: 'open',
      errno: Errno.EINVAL,
      message: `struct_ops reloc ${map.name}: prog ${name} is not struct_ops BPF program`,
      channel: 'libbpf',
      location: member.valueLocation,
      related: [{ location: fn.nameLocation, message: `\`${name}\` has no SEC() and is compiled into .text as a subprogram` }],
      explanation: `\`${name}\` is a plain function: without \`SEC("struct_ops/${member.name}")\` it is a subprogram, not a struct_ops program.`,
    };
  }
  return {
    check: ExtraCheckId['BUILD-01'],
    severity: 'error',
    phase: 'build',
    message: `use of undeclared identifier '${name}'`,
    channel: 'clang',
    location: member.valueLocation,
    related: [],
    explanation: `No function \`${name}\` is defined in this object; clang stops here. Define it in a \`SEC("struct_ops/...")\` section.`,
  };
}

/** Simulates bpf_object__open for the struct_ops parts of one object. */
export function simulateOpen(input: BpfObjectInput, libbpf: MajorMinor): OpenResult {
  const findings: Finding[] = [...staticPrograms(input)];
  const maps: StructOpsMap[] = [];
  for (const map of input.facts.maps) {
    if (!isStructOpsDataSection(map.section)) continue;
    if (!classifyMapSection(map.section, libbpf).known) {
      findings.push(unknownMapSection(map, libbpf));
      continue;
    }
    maps.push(map);
    for (const member of map.members) {
      const finding = wiredMember(input, map, member, libbpf);
      if (finding) findings.push(finding);
    }
  }
  return { findings, maps, failed: findings.some((f) => f.severity === 'error') };
}

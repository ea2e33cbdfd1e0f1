// Phase `open` (libbpf bpf_object__open): ELF sections, programs and the struct_ops relocations
// that wire programs into map members. No syscall happens here (struct-ops-semantics.md §3).

import { isBtfMember, type MemberInit, type StructOpsMap } from '../c/facts';
import { Errno } from '../common/errno';
import { CheckId } from './checks';
import { classifyMapSection, classifyProgramSection, findFunction, findProgram, isStructOpsDataSection, type BpfObjectInput } from './objectModel';
import { ExtraCheckId, type Finding } from './trace';
import type { MajorMinor } from './versions';
import { atLeast, formatVersion } from './versions';

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

/** LIB-04 (libbpf.c init_struct_ops_maps): the variable must have a named struct type. */
function mapType(input: BpfObjectInput, map: StructOpsMap): Finding | undefined {
  let type = map.declaredType;
  for (let depth = 0; type.kind === 'named' && depth < 8; depth++) {
    const name = type.name;
    const typedef = input.facts.typeDefinitions.find((d) => d.kind === 'typedef' && d.name === name);
    if (!typedef?.aliased) break;
    type = typedef.aliased;
  }
  const base = { phase: 'open' as const, channel: 'libbpf' as const, location: map.typeLocation, related: [] };
  if (type.kind === 'struct' && type.tag === '') {
    return { ...base, check: CheckId['LIB-04'], severity: 'error', errno: Errno.EOPNOTSUPP, message: 'struct_ops init: anonymous type is not supported',
      explanation: `libbpf finds the kernel type by the struct's name; \`${map.name}\` has an anonymous struct type. Declare it as \`struct <kernel type name> ${map.name}\`.` };
  }
  if (type.kind === 'struct') return undefined;
  const typeName = type.kind === 'named' ? type.name : type.kind === 'union' || type.kind === 'enum' ? type.tag : map.typeName;
  return { ...base, check: CheckId['LIB-04'], severity: 'error', errno: Errno.EINVAL, message: `struct_ops init: ${typeName} is not a struct`,
    explanation: `Every variable in a struct_ops section becomes a struct_ops map and must be a struct of the kernel's ops type; \`${map.name}\` is ${type.kind === 'union' ? 'a union' : `a \`${typeName}\``}. Move other data to another section.` };
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

const relocError = (member: MemberInit, errno: number, message: string, explanation: string, related: Finding['related'] = []): Finding => ({
  check: CheckId['LIB-07'], severity: 'error', phase: 'open', errno, message, channel: 'libbpf', location: member.valueLocation, related, explanation,
});

/** First relocation of each program at open, for libbpf <= 1.3's reuse check: (local type, member index). */
type FirstUse = Map<string, { typeName: string; memberIndex: number; map: string; member: MemberInit }>;

/** LIB-07 and compile errors for one wired member (`.op = (void *)prog`), as bpf_object__collect_st_ops_relos sees it. */
function wiredMember(input: BpfObjectInput, map: StructOpsMap, member: MemberInit, libbpf: MajorMinor, firstUse: FirstUse): Finding | undefined {
  const value = member.value;
  if (value.kind === 'addressOf') {
    return relocError(member, Errno.EINVAL, `struct_ops reloc ${map.name}: cannot find prog at shdr_idx <idx> to relocate func ptr ${member.name}`,
      `\`&${value.name}\` is the address of data, not of a program: only struct_ops programs can be placed in \`${member.name}\`.`);
  }
  if (value.kind !== 'function') return undefined;
  const name = value.name;
  const program = findProgram(input.facts, name);
  const fn = program ? undefined : findFunction(input.facts, name);
  if (!program && !fn) {
    return {
      check: ExtraCheckId['BUILD-01'], severity: 'error', phase: 'build', message: `use of undeclared identifier '${name}'`, channel: 'clang',
      location: member.valueLocation, related: [],
      explanation: `No function \`${name}\` is defined in this object; clang stops here. Define it in a \`SEC("struct_ops/...")\` section.`,
    };
  }
  const local = input.localType(map.typeName);
  const localMember = local?.members.find((m) => m.name === member.name);
  if (localMember && localMember.type.kind !== 'pointer') {
    return relocError(member, Errno.EINVAL, `struct_ops reloc ${map.name}: cannot relocate non func ptr ${member.name}`,
      `The BPF-side \`${member.name}\` is declared \`${localMember.text}\`, not as a function pointer, so libbpf cannot place a program there.`,
      [{ location: localMember.location, message: 'declared here' }]);
  }
  if (!program) {
    return relocError(member, Errno.EINVAL, `struct_ops reloc ${map.name}: prog ${name} is not struct_ops BPF program`,
      `\`${name}\` is a plain function: without \`SEC("struct_ops/${member.name}")\` it is a subprogram, not a struct_ops program.`,
      fn ? [{ location: fn.nameLocation, message: `\`${name}\` has no SEC() and is compiled into .text as a subprogram` }] : []);
  }
  if (!classifyProgramSection(program.section, libbpf).structOps) {
    return relocError(member, Errno.EINVAL, `struct_ops reloc ${map.name}: prog ${name} is not struct_ops BPF program`,
      `Only programs in a \`SEC("struct_ops/...")\` section${atLeast(libbpf, 1, 2) ? ' or `SEC("struct_ops.s/...")`' : ''} can fill a struct_ops member. Move \`${name}\` into such a section.`,
      [{ location: program.sectionLocation, message: `\`${name}\` is in section "${program.section}"` }]);
  }
  if (atLeast(libbpf, 1, 4)) return undefined;
  // libbpf <= 1.3 ties the program to the local type and member index at open (LIB-17 moved this to load in 1.4).
  const memberIndex = local ? local.members.filter(isBtfMember).findIndex((m) => m.name === member.name) : -1;
  const first = firstUse.get(name);
  if (!first) {
    firstUse.set(name, { typeName: map.typeName, memberIndex, map: map.name, member });
    return undefined;
  }
  if (first.typeName === map.typeName && first.member.name === member.name) return undefined;
  return relocError(member, Errno.EINVAL,
    `struct_ops reloc ${map.name}: cannot use prog ${name} in sec ${program.section} with type <id> attach_btf_id <id> expected_attach_type <idx> for func ptr ${member.name}`,
    `libbpf ${formatVersion(libbpf)} binds a program to the first type and member it fills (\`${first.map}.${first.member.name}\`); one program cannot serve another member or type. Write a second program.`,
    [{ location: first.member.valueLocation, message: `first use of \`${name}\`` }]);
}

/** Simulates bpf_object__open for the struct_ops parts of one object. */
/**
 * clang's fatal error for the first include found nowhere it looks: there is no object to open.
 * Facts from such a header (its macros, such as SCX_OPS_DEFINE) are missing, and what the
 * simulation would say without them (programs "not referenced", members unset) is not true.
 */
function missingInclude(input: BpfObjectInput): Finding | undefined {
  const include = input.facts.includes.find((i) => i.missing && (i.location.file === input.file || i.includedFrom?.file === input.file));
  if (!include) return undefined;
  const spelled = include.system ? `<${include.path}>` : `"${include.path}"`;
  // One in a header is shown where this file includes that header, as clangd does ("In included file").
  const nested = include.includedFrom && include.location.file !== input.file;
  return {
    check: ExtraCheckId['BUILD-01'], severity: 'error', phase: 'build', message: `${nested ? 'In included file: ' : ''}'${include.path}' file not found`, channel: 'clang',
    location: nested && include.includedFrom ? include.includedFrom : include.location,
    related: nested ? [{ location: include.location, message: `#include ${spelled}` }] : [],
    explanation: `No include directory has ${spelled}: not the including file's directory, the \`structOps.includePaths\` setting, the \`-I\` flags of a compile_commands.json, compile_flags.txt or .clangd, nor clang's own directories. clang stops here, and nothing after it is simulated. Add the directory your build passes with \`-I\`.`,
  };
}

export function simulateOpen(input: BpfObjectInput, libbpf: MajorMinor): OpenResult {
  const missing = missingInclude(input);
  if (missing) return { findings: [missing], maps: [], failed: true };
  const programErrors = staticPrograms(input);
  const mapErrors: Finding[] = [];
  const relocErrors: Finding[] = [];
  const maps: StructOpsMap[] = [];
  const firstUse: FirstUse = new Map();
  for (const map of input.facts.maps) {
    if (!isStructOpsDataSection(map.section)) continue;
    if (!classifyMapSection(map.section, libbpf).known) {
      mapErrors.push(unknownMapSection(map, libbpf));
      continue;
    }
    const typeError = mapType(input, map);
    if (typeError) {
      mapErrors.push(typeError);
      continue;
    }
    maps.push(map);
    for (const member of map.members) {
      const finding = wiredMember(input, map, member, libbpf, firstUse);
      if (finding) relocErrors.push(finding);
    }
  }
  // libbpf's order: programs (elf collect), then maps (init_struct_ops_maps), then relocations.
  const findings = [...programErrors, ...mapErrors, ...relocErrors];
  return { findings, maps, failed: findings.some((f) => f.severity === 'error' && f.phase === 'open') };
}

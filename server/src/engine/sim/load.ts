// Phase `load` (libbpf bpf_object__load up to the first syscall for struct_ops): finding each
// map's kernel type and matching its members by name (libbpf.c init_kern_struct_ops_maps,
// bpf_map__init_kern_struct_ops), LIB-09..18.

import { isBtfMember, type CMember, type MemberInit, type StructOpsMap } from '../c/facts';
import { BtfKind, type BtfSpec } from '../btf';
import { Errno } from '../common/errno';
import type { Location } from '../common/location';
import type { KernelProfile } from '../kernel/profile';
import { CheckId } from './checks';
import { essentialName, findKernelOpsType, isLookupError, STRUCT_OPS_VALUE_PREFIX, type KernelOpsType } from './kernelTypes';
import { localBtfKind, localSize } from './localTypes';
import { classifyMapSection, findProgram, isZeroValue, type BpfObjectInput } from './objectModel';
import { ExtraCheckId, type Finding, type LoaderOptions } from './trace';
import { atLeast, formatVersion } from './versions';

/** A program placed in a kernel member by a map initializer. */
export interface WiredProgram {
  readonly program: string;
  readonly member: string;
  readonly memberIndex: number;
  readonly location: Location;
}

export interface LoadedMap {
  readonly map: StructOpsMap;
  readonly kernel: KernelOpsType;
  readonly link: boolean;
  readonly wired: readonly WiredProgram[];
}

export interface LoadResult {
  readonly findings: Finding[];
  readonly maps: LoadedMap[];
  readonly failed: boolean;
}

interface LocalMember {
  readonly name: string;
  readonly location: Location;
  readonly source?: CMember;
}

function kernelStruct(spec: BtfSpec, id: number) {
  const type = spec.typeById(id);
  return type && (type.kind === BtfKind.Struct || type.kind === BtfKind.Union) ? type : undefined;
}

class MapLoader {
  readonly findings: Finding[] = [];

  constructor(
    private readonly input: BpfObjectInput,
    private readonly profile: KernelProfile,
    private readonly usedBy: Map<string, { typeId: number; memberIndex: number; map: string; location: Location }>,
  ) {}

  private error(check: Finding['check'], errno: number, message: string, location: Location, explanation: string, extra: Partial<Finding> = {}) {
    this.findings.push({ check, severity: 'error', phase: 'load', errno, message, channel: 'libbpf', location, related: [], explanation, ...extra });
  }

  load(map: StructOpsMap): LoadedMap | undefined {
    const libbpf = this.profile.libbpfVersion;
    const kernel = findKernelOpsType(this.profile, map.typeName);
    if (isLookupError(kernel)) {
      this.lookupFailed(map, kernel.errno, kernel.message, kernel.rule);
      return undefined;
    }
    const spec = kernel.object.spec;
    if (kernel.dataMemberIndex < 0) {
      this.error(
        CheckId['LIB-11'], Errno.EINVAL,
        `struct_ops init_kern: struct ${kernel.typeName} data is not found in struct ${STRUCT_OPS_VALUE_PREFIX}${kernel.typeName}`,
        map.typeLocation,
        `The kernel's value type \`${STRUCT_OPS_VALUE_PREFIX}${kernel.typeName}\` in ${kernel.object.name} has no member of type \`struct ${kernel.typeName}\`; the type was not registered with register_bpf_struct_ops().`,
      );
      return undefined;
    }
    const kernelType = kernelStruct(spec, kernel.typeId);
    if (!kernelType) return undefined;
    const inits = new Map(map.members.map((m) => [m.name, m]));
    const localDefinition = this.input.localType(map.typeName);
    const localMembers: LocalMember[] = localDefinition
      ? localDefinition.members.filter(isBtfMember).map((m) => ({ name: m.name, location: m.location, source: m }))
      : kernelType.members.map((m) => ({ name: m.name, location: map.typeLocation }));
    const localNames = new Set(localMembers.map((m) => m.name));
    const errorsBefore = this.errorCount();
    for (const init of map.members) {
      if (!localNames.has(init.name)) this.unknownDesignator(map, init, localDefinition !== undefined);
    }
    const wired: WiredProgram[] = [];
    for (const local of localMembers) {
      const init = inits.get(local.name);
      const where = init?.location ?? local.location;
      const kernelIndex = kernelType.members.findIndex((k) => k.name === local.name);
      if (kernelIndex < 0) {
        this.missingMember(map, local, init, where);
        continue;
      }
      const kernelMember = kernelType.members[kernelIndex];
      if ((local.source?.bitfieldWidth ?? 0) > 0 || kernelMember.bitfieldSize > 0) {
        this.error(CheckId['LIB-13'], Errno.EOPNOTSUPP, `struct_ops init_kern ${map.name}: bitfield ${local.name} is not supported`, where,
          'libbpf cannot copy bitfield members into the kernel value. Make the member a whole integer on both sides.');
        continue;
      }
      const kernelMemberType = spec.skipModsAndTypedefs(kernelMember.type);
      const kernelKind = spec.typeById(kernelMemberType)?.kind;
      const localKind = local.source ? localBtfKind(local.source.type) : kernelKind;
      if (localKind !== undefined && kernelKind !== undefined && localKind !== kernelKind) {
        this.error(CheckId['LIB-14'], Errno.EOPNOTSUPP,
          `struct_ops init_kern ${map.name}: Unmatched member type ${local.name} ${localKind} != ${kernelKind}(kernel)`, where,
          `The BPF-side member \`${local.name}\` has BTF kind ${BtfKind[localKind]} but the kernel's has ${BtfKind[kernelKind]}. Copy the member's type from the kernel definition.`);
        continue;
      }
      if (kernelKind === BtfKind.Ptr) {
        this.pointerMember(map, kernel, kernelIndex, init, wired);
        continue;
      }
      const localBytes = local.source ? localSize(local.source.type) : undefined;
      const kernelBytes = spec.resolveSize(kernelMemberType);
      if (localBytes !== undefined && typeof kernelBytes === 'number' && localBytes !== kernelBytes) {
        this.error(CheckId['LIB-18'], Errno.EOPNOTSUPP,
          `struct_ops init_kern ${map.name}: Error in size of member ${local.name}: ${localBytes} != ${kernelBytes}(kernel)`, where,
          `\`${local.name}\` is ${localBytes} bytes on the BPF side and ${kernelBytes} in the kernel; libbpf copies non-pointer members verbatim and refuses a size mismatch.`);
      }
    }
    if (this.errorCount() > errorsBefore) return undefined;
    return { map, kernel, link: classifyMapSection(map.section, libbpf).link, wired };
  }

  private errorCount(): number {
    return this.findings.filter((f) => f.severity === 'error').length;
  }

  private lookupFailed(map: StructOpsMap, errno: number, message: string, rule: string) {
    const libbpf = this.profile.libbpfVersion;
    const flavored = essentialName(map.typeName) !== map.typeName;
    if (flavored && !atLeast(libbpf, 1, 4)) {
      const stripped = findKernelOpsType({ ...this.profile, libbpfVersion: { major: 1, minor: 4 } }, map.typeName);
      if (!isLookupError(stripped)) {
        this.error(CheckId['LIB-10'], errno, message, map.typeLocation,
          `libbpf ${formatVersion(libbpf)} looks up \`${map.typeName}\` literally; the \`___flavor\` suffix is stripped only from libbpf 1.4. Use \`struct ${essentialName(map.typeName)}\` or a newer libbpf.`,
          { rule });
        return;
      }
    }
    const where = this.profile.objects.map((o) => o.name).join(', ');
    this.error(CheckId['LIB-09'], errno, message, map.typeLocation,
      `No BTF object of the kernel profile (${where}) defines a registered struct_ops type for \`${map.typeName}\`. Check the type name, or load the module that registers it${atLeast(libbpf, 1, 4) ? '' : ' (libbpf before 1.4 also never searches module BTF)'}.`,
      { rule });
  }

  private unknownDesignator(map: StructOpsMap, init: MemberInit, localDefinition: boolean) {
    const typeName = map.typeName;
    this.findings.push({
      check: ExtraCheckId['BUILD-01'],
      severity: 'error',
      phase: 'build',
      message: `field designator '${init.name}' does not refer to any field in type 'struct ${typeName}'`,
      channel: 'clang',
      location: init.location,
      related: [],
      explanation: localDefinition
        ? `The BPF-side definition of \`struct ${typeName}\` has no member \`${init.name}\`; clang rejects the initializer.`
        : `The kernel's \`struct ${typeName}\` (what vmlinux.h declares for this profile) has no member \`${init.name}\`; clang rejects the initializer.`,
    });
  }

  private missingMember(map: StructOpsMap, local: LocalMember, init: MemberInit | undefined, where: Location) {
    const libbpf = this.profile.libbpfVersion;
    const zero = isZeroValue(init?.value);
    const message = `struct_ops init_kern ${map.name}: Cannot find member ${local.name} in kernel BTF`;
    if (!atLeast(libbpf, 1, 4)) {
      this.error(CheckId['LIB-12'], Errno.EOPNOTSUPP, message, where,
        `The kernel's \`struct ${essentialName(map.typeName)}\` has no member \`${local.name}\`, and libbpf ${formatVersion(libbpf)} rejects every such member, even a zero one. Remove it from the BPF-side definition or use libbpf 1.4+.`,
        { rule: 'libbpf <= 1.3: any member missing in the kernel fails the load' });
      return;
    }
    if (zero === true) {
      this.findings.push({
        check: CheckId['LIB-12'], severity: 'warning', phase: 'load',
        message: `struct_ops ${map.name}: member ${local.name} not found in kernel, skipping it as it's set to zero`,
        channel: 'libbpf', location: where, related: [], tags: ['unnecessary'],
        explanation: `The kernel's \`struct ${essentialName(map.typeName)}\` has no member \`${local.name}\`; libbpf skips it because it is zero. Loads fine, but the member has no effect on this kernel.`,
        rule: 'libbpf >= 1.4 skips zero members missing in the kernel',
      });
      return;
    }
    const unsure = zero === undefined ? ' (its value could not be evaluated here; it fails unless it is all zero)' : '';
    this.error(CheckId['LIB-12'], Errno.EOPNOTSUPP, message, where,
      `The kernel's \`struct ${essentialName(map.typeName)}\` has no member \`${local.name}\`${unsure}. Check the spelling against the kernel's definition, or drop the member for this kernel.`,
      { rule: 'libbpf >= 1.4 fails on non-zero members missing in the kernel', severity: zero === undefined ? 'warning' : 'error' });
  }

  private pointerMember(map: StructOpsMap, kernel: KernelOpsType, kernelIndex: number, init: MemberInit | undefined, wired: WiredProgram[]) {
    if (!init) return;
    const spec = kernel.object.spec;
    const libbpf = this.profile.libbpfVersion;
    const kernelMember = (kernelStruct(spec, kernel.typeId) ?? { members: [] }).members[kernelIndex];
    const value = init.value;
    if (value.kind === 'null' || (value.kind === 'integer' && value.value === 0n)) return;
    if (value.kind !== 'function' || !findProgram(this.input.facts, value.name)) {
      if (!atLeast(libbpf, 1, 4)) return; // <= 1.3 drops non-program pointers silently (LIB-15)
      if (value.kind === 'function') return; // not a program: reported at open (LIB-07)
      this.error(CheckId['LIB-15'], Errno.EOPNOTSUPP, `struct_ops init_kern ${map.name}: member ${init.name} is not a struct_ops program`, init.valueLocation,
        'libbpf 1.4+ accepts only NULL or one of this object\'s struct_ops programs in a pointer member.');
      return;
    }
    const pointee = spec.typeById(spec.skipModsAndTypedefs(kernelMember.type));
    const target = pointee && pointee.kind === BtfKind.Ptr ? spec.typeById(spec.skipModsAndTypedefs(pointee.type)) : undefined;
    if (!target || target.kind !== BtfKind.FuncProto) {
      this.error(CheckId['LIB-16'], Errno.EOPNOTSUPP, `struct_ops init_kern ${map.name}: kernel member ${init.name} is not a func ptr`, init.location,
        `The kernel's \`${init.name}\` is a pointer but not to a function; no program can be placed there.`);
      return;
    }
    const program = findProgram(this.input.facts, value.name);
    const previous = this.usedBy.get(value.name);
    if (previous && atLeast(libbpf, 1, 4)) {
      const section = program?.section ?? '';
      if (previous.typeId !== kernel.typeId) {
        this.error(CheckId['LIB-17'], Errno.EINVAL,
          `struct_ops init_kern ${map.name} func ptr ${init.name}: invalid reuse of prog ${value.name} in sec ${section} with type ${kernel.typeId}: attach_btf_id ${previous.typeId} != kern_type_id ${kernel.typeId}`,
          init.valueLocation, `\`${value.name}\` already fills a member of another struct_ops type (map \`${previous.map}\`). A program is loaded for exactly one type and member: write a second program.`,
          { related: [{ location: previous.location, message: `first use of \`${value.name}\`` }] });
        return;
      }
      if (previous.memberIndex !== kernelIndex) {
        this.error(CheckId['LIB-17'], Errno.EINVAL,
          `struct_ops init_kern ${map.name} func ptr ${init.name}: invalid reuse of prog ${value.name} in sec ${section} with type ${kernel.typeId}: expected_attach_type ${previous.memberIndex} != kern_member_idx ${kernelIndex}`,
          init.valueLocation, `\`${value.name}\` already fills member #${previous.memberIndex}; a program is verified for one member only. Write a separate program for \`${init.name}\`.`,
          { related: [{ location: previous.location, message: `first use of \`${value.name}\`` }] });
        return;
      }
    }
    if (!previous) this.usedBy.set(value.name, { typeId: kernel.typeId, memberIndex: kernelIndex, map: map.name, location: init.valueLocation });
    wired.push({ program: value.name, member: init.name, memberIndex: kernelIndex, location: init.valueLocation });
  }
}

/** Program sections whose programs make libbpf <= 1.3 load vmlinux BTF (prog_needs_vmlinux_btf). */
const vmlinuxBtfSections = /^\??(struct_ops|lsm|lsm\.s|fentry|fexit|fmod_ret|fentry\.s|fexit\.s|fmod_ret\.s|tp_btf|iter|iter\.s)(\/|$)/;

/**
 * LIB-08 on libbpf <= 1.3: with struct_ops maps but no autoloaded program that needs vmlinux BTF,
 * libbpf never loads it and init_kern dereferences NULL. CO-RE relocations also load it; programs
 * that use them are not told apart here, so only objects without such programs are flagged.
 */
function missingVmlinuxBtf(input: BpfObjectInput, profile: KernelProfile, maps: readonly StructOpsMap[], loader: LoaderOptions): Finding | undefined {
  if (atLeast(profile.libbpfVersion, 1, 4) || maps.length === 0) return undefined;
  const needs = input.facts.programs.some((p) => !p.section.startsWith('?') && vmlinuxBtfSections.test(p.section));
  if (needs || (loader.sleepable ?? []).length > 0) return undefined;
  return {
    check: CheckId['LIB-08'], severity: 'error', phase: 'load', crash: true,
    message: `bpf_object__load: SIGSEGV in init_kern_struct_ops_maps (vmlinux BTF was never loaded)`,
    channel: 'none', location: maps[0].location, related: [],
    explanation: `libbpf ${formatVersion(profile.libbpfVersion)} loads vmlinux BTF only for programs that need it. This object has struct_ops maps but no autoloaded struct_ops (or other BTF-typed) program, so the loader crashes while matching \`${maps[0].name}\` against the kernel. Add an autoloaded struct_ops program or use libbpf 1.4+.`,
    rule: 'libbpf <= 1.3: vmlinux BTF is loaded only when a program needs it',
  };
}

/** Simulates init_kern for every autocreated struct_ops map, in object order; stops at the first failing map as libbpf does. */
export function simulateLoad(input: BpfObjectInput, profile: KernelProfile, maps: readonly StructOpsMap[], loader: LoaderOptions = {}): LoadResult {
  const crash = missingVmlinuxBtf(input, profile, maps, loader);
  if (crash) return { findings: [crash], maps: [], failed: true };
  const usedBy = new Map<string, { typeId: number; memberIndex: number; map: string; location: Location }>();
  const mapLoader = new MapLoader(input, profile, usedBy);
  const loaded: LoadedMap[] = [];
  let failed = false;
  for (const map of maps) {
    const section = classifyMapSection(map.section, profile.libbpfVersion);
    if (section.optional) continue; // LIB-19: autocreate off, never initialised
    const result = mapLoader.load(map);
    if (result) loaded.push(result);
    else failed = true;
  }
  return { findings: mapLoader.findings, maps: loaded, failed: failed || mapLoader.findings.some((f) => f.severity === 'error') };
}

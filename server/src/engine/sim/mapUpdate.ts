// Phases `map_update` and `link_create`: what bpf_map__attach_struct_ops makes the kernel do with
// each map's value (bpf_struct_ops.c bpf_struct_ops_map_update_elem, UPD-05..15), using the
// subsystem knowledge base for init_member, validate and reg. bpftool attaches maps one by one
// and goes on after a failed one; each map's first failure is reported.

import type { InitValue, MemberInit } from '../c/facts';
import { BtfKind } from '../btf';
import { Errno } from '../common/errno';
import type { KernelProfile } from '../kernel/profile';
import { CheckId } from './checks';
import { knowledgeFor, type KnowledgeContext, type MemberValue, type OpsSnapshot, type SubsystemKnowledge } from './knowledge';
import type { LoadedMap } from './load';
import { classifyProgramSection, findProgram, isZeroValue, type BpfObjectInput } from './objectModel';
import type { Finding } from './trace';
import { atLeast, formatVersion } from './versions';

export function memberValue(value: InitValue | undefined): MemberValue {
  if (!value) return { kind: 'zero' };
  switch (value.kind) {
    case 'null':
      return { kind: 'zero' };
    case 'integer':
      return value.value === 0n ? { kind: 'zero' } : { kind: 'integer', value: value.value };
    case 'string':
      return { kind: 'string', value: value.value };
    default:
      return { kind: 'other' };
  }
}

function isFunctionPointer(map: LoadedMap, memberType: number): boolean {
  const spec = map.kernel.object.spec;
  const pointer = spec.typeById(spec.skipModsAndTypedefs(memberType));
  if (!pointer || pointer.kind !== BtfKind.Ptr) return false;
  return spec.typeById(spec.skipModsAndTypedefs(pointer.type))?.kind === BtfKind.FuncProto;
}

/** The member whose string value a subsystem registers under (reg() clash rules). */
const registeredNameMember: Readonly<Record<string, string>> = { tcp_congestion_ops: 'name', Qdisc_ops: 'id' };

class MapAttacher {
  readonly findings: Finding[] = [];

  constructor(
    private readonly input: BpfObjectInput,
    private readonly profile: KernelProfile,
    private readonly registeredNames: RegisteredNames,
  ) {}

  /** Names registered by maps this loader attached earlier, per type: they stay registered (bpftool goes on). */
  private readonly registeredHere = new Map<string, Set<string>>();

  private context(typeName: string): KnowledgeContext {
    const before = this.registeredNames(typeName);
    const here = this.registeredHere.get(typeName);
    const registeredNames = before && here ? new Set([...before, ...here]) : (before ?? here);
    return { kernel: this.profile.kernelVersion, registeredNames };
  }

  /** After a successful reg(): the name the subsystem now holds (tcp `name`, Qdisc `id`). */
  private remember(map: LoadedMap): void {
    const member = registeredNameMember[map.kernel.typeName];
    const value = member ? map.map.members.find((m) => m.name === member)?.value : undefined;
    if (value?.kind !== 'string') return;
    const names = this.registeredHere.get(map.kernel.typeName) ?? new Set<string>();
    names.add(value.value);
    this.registeredHere.set(map.kernel.typeName, names);
  }

  private fail(check: CheckId, phase: 'map_update' | 'link_create', errno: number, message: string | undefined, at: MemberInit | undefined, map: LoadedMap, explanation: string, rule?: string): void {
    this.findings.push({
      check, severity: 'error', phase, errno,
      message: message ?? `bpf_map__attach_struct_ops ${map.map.name}: ${phase === 'map_update' ? 'BPF_MAP_UPDATE_ELEM' : 'BPF_LINK_CREATE'} failed (the kernel logs nothing)`,
      channel: message ? 'dmesg' : 'none',
      location: at?.location ?? map.map.nameLocation,
      related: [],
      explanation,
      rule,
    });
  }

  attach(map: LoadedMap): void {
    const knowledge = knowledgeFor(map.kernel.typeName, this.profile.kernelVersion);
    const spec = map.kernel.object.spec;
    const type = spec.typeById(map.kernel.typeId);
    if (!type || type.kind !== BtfKind.Struct) return;
    const inits = new Map(map.map.members.map((m) => [m.name, m]));
    const wired = new Map(map.wired.map((w) => [w.member, w]));
    const libbpf = this.profile.libbpfVersion;
    const link = map.link && atLeast(libbpf, 1, 2);
    // Members in kernel BTF order, as bpf_struct_ops_map_update_elem walks them.
    for (const member of type.members) {
      const init = inits.get(member.name);
      const value = memberValue(init?.value);
      if (knowledge && this.initMember(map, knowledge, member.name, init, value)) return;
      if (isFunctionPointer(map, member.type)) {
        const program = wired.get(member.name);
        if (program && !atLeast(libbpf, 1, 4)) {
          const fact = findProgram(this.input.facts, program.program);
          if (fact && classifyProgramSection(fact.section, libbpf).autoloadOff) {
            this.fail(CheckId['UPD-10'], 'map_update', Errno.EBADF, undefined, init, map,
              `\`${program.program}\` has autoload off, so libbpf ${formatVersion(libbpf)} never loads it and writes bpf_program__fd() = -ENOENT into \`${member.name}\`; the kernel finds no such fd. libbpf 1.4+ turns autoload on for referenced programs.`,
              'LIB-24: libbpf <= 1.3 does not load referenced programs with autoload off');
            return;
          }
        }
        continue;
      }
      if (knowledge?.initMember.some((r) => r.member === member.name)) continue;
      if (knowledge?.specialMembers.some((s) => s.member === member.name)) continue;
      if (isZeroValue(init?.value) === false) {
        this.fail(CheckId['UPD-08'], 'map_update', Errno.EINVAL, undefined, init, map,
          `\`${map.kernel.typeName}\`'s init_member does not take \`${member.name}\`, and the kernel requires every such non-function member to be zero. Remove it from the initializer.`);
        return;
      }
    }
    if (knowledge && !this.registration(map, knowledge, link)) return;
    this.remember(map);
  }

  /** True when init_member fails for this member (UPD-07). */
  private initMember(map: LoadedMap, knowledge: SubsystemKnowledge, member: string, init: MemberInit | undefined, value: MemberValue): boolean {
    const rejectAll = knowledge.initMemberRejectsAll[0];
    if (rejectAll) {
      this.fail(CheckId['UPD-07'], 'map_update', rejectAll.errno, undefined, init, map,
        `\`${knowledge.typeName}\`'s init_member refuses every member: a map of this type can never be updated (it exists for BPF_PROG_TEST_RUN only).`,
        rejectAll.source);
      return true;
    }
    const rule = knowledge.initMember.find((r) => r.member === member);
    const outcome = rule?.validate(value, this.context(knowledge.typeName));
    if (!rule || !outcome) return false;
    this.fail(CheckId['UPD-07'], 'map_update', outcome.errno, outcome.message, init, map,
      `\`${knowledge.typeName}\`'s init_member rejects this \`${member}\` value${outcome.message ? '' : ' (without a kernel message)'}; see the subsystem's rules in the check's documentation.`,
      rule.source);
    return true;
  }

  /** Runs validate()/reg() rules; false when one fails. */
  private registration(map: LoadedMap, knowledge: SubsystemKnowledge, link: boolean): boolean {
    const implemented = new Set(map.wired.map((w) => w.member));
    const values = new Map(map.map.members.filter((m) => m.value.kind !== 'function').map((m) => [m.name, memberValue(m.value)]));
    const ops: OpsSnapshot = { implemented, values, link };
    for (const rule of knowledge.required) {
      const outcome = rule.evaluate(ops, this.context(knowledge.typeName));
      if (!outcome) continue;
      const phase = outcome.phase === 'link_create' ? 'link_create' : 'map_update';
      if (rule.severity === 'warning') {
        this.findings.push({
          check: outcome.check as CheckId, severity: 'warning', phase, message: outcome.message ?? rule.id, channel: 'dmesg',
          location: map.map.nameLocation, related: [], rule: rule.source,
          explanation: `The kernel accepts \`${map.map.name}\` but the subsystem then disables it (${rule.id}).`,
        });
        continue;
      }
      this.fail(outcome.check as CheckId, phase, outcome.errno, outcome.message, undefined, map,
        outcome.check === 'UPD-13'
          ? `\`${knowledge.typeName}\`'s validate() rejects the value of \`${map.map.name}\` once every member is set.`
          : `\`${knowledge.typeName}\`'s reg() refuses \`${map.map.name}\`${phase === 'link_create' ? ' when the link is created' : ''}.`,
        rule.source);
      return false;
    }
    return true;
  }
}

/**
 * Names a subsystem already has registered on the target kernel (tcp congestion controls, qdisc ids),
 * for reg()'s clash rules; undefined when unknown, which keeps those rules silent.
 */
export type RegisteredNames = (typeName: string) => ReadonlySet<string> | undefined;

/** Simulates attaching every created map in object order; returns each map's first failure. */
export function simulateAttach(input: BpfObjectInput, profile: KernelProfile, maps: readonly LoadedMap[], registeredNames: RegisteredNames): Finding[] {
  const attacher = new MapAttacher(input, profile, registeredNames);
  for (const map of maps) attacher.attach(map);
  return attacher.findings;
}

// Phase `prog_load`: BPF_PROG_LOAD of every autoloaded program in object order, with the
// struct_ops checks the verifier makes before and while it walks the program (verifier.c
// check_struct_ops_btf_id and friends, PRG-05..20) and libbpf's own LIB-20.

import type { BpfProgram } from '../c/facts';
import { BtfKind, type BtfSpec } from '../btf';
import { Errno } from '../common/errno';
import type { KernelProfile } from '../kernel/profile';
import { CheckId } from './checks';
import { helperDeniedMessage, helperId, knowledgeFor, type SubsystemKnowledge } from './knowledge';
import type { LoadedMap, WiredProgram } from './load';
import { classifyProgramSection, type BpfObjectInput } from './objectModel';
import { bodyFindings, earlierFinding } from './programBody';
import type { Finding, LoaderOptions } from './trace';
import { atLeast, formatVersion } from './versions';

/** kernel/bpf/syscall.c license_is_gpl_compatible (include/linux/license.h). */
const gplCompatible = new Set(['GPL', 'GPL v2', 'GPL and additional rights', 'Dual BSD/GPL', 'Dual MIT/GPL', 'Dual MPL/GPL']);

export interface MemberPrototype {
  readonly returnsVoid: boolean;
  readonly argCount: number;
}

/** The func proto of a kernel ops member, or undefined when the member is not a function pointer. */
export function memberPrototype(spec: BtfSpec, typeId: number, memberIndex: number): MemberPrototype | undefined {
  const type = spec.typeById(typeId);
  if (!type || type.kind !== BtfKind.Struct) return undefined;
  const member = type.members[memberIndex];
  const pointer = member && spec.typeById(spec.skipModsAndTypedefs(member.type));
  if (!pointer || pointer.kind !== BtfKind.Ptr) return undefined;
  const proto = spec.typeById(spec.skipModsAndTypedefs(pointer.type));
  if (!proto || proto.kind !== BtfKind.FuncProto) return undefined;
  return { returnsVoid: proto.returnType === 0, argCount: proto.params.length };
}

function format(template: string, ...args: (string | number)[]): string {
  let i = 0;
  return template.replace(/%(?:s|d|u|zu)/g, () => String(args[i++]));
}

interface ProgramUse {
  readonly map: LoadedMap;
  readonly wired: WiredProgram;
}

class ProgramVerifier {
  readonly findings: Finding[] = [];

  constructor(
    private readonly input: BpfObjectInput,
    private readonly profile: KernelProfile,
  ) {}

  private fail(check: CheckId, errno: number, message: string, program: BpfProgram, explanation: string, extra: Partial<Finding> = {}): void {
    this.findings.push({ check, severity: 'error', phase: 'prog_load', errno, message, channel: 'verifier', location: program.nameLocation, related: [], explanation, ...extra });
  }

  unreferenced(program: BpfProgram): void {
    const libbpf = this.profile.libbpfVersion;
    if (atLeast(libbpf, 1, 5)) {
      this.findings.push({
        check: CheckId['LIB-20'], severity: 'error', phase: 'prog_load', errno: Errno.EINVAL,
        message: `prog '${program.name}': SEC("struct_ops") program isn't referenced anywhere, did you forget to use it?`,
        channel: 'libbpf', location: program.nameLocation, related: [],
        explanation: `No struct_ops map that libbpf creates places \`${program.name}\` in a member, so the kernel could not tell which member it is for. Reference it from a map initializer, or mark it \`SEC("?${program.section}")\` to keep it from loading.`,
        rule: 'libbpf >= 1.5 checks unreferenced struct_ops programs itself',
      });
      return;
    }
    const oldKernel = !atLeast(this.profile.kernelVersion, 6, 9);
    this.fail(
      CheckId['PRG-06'], Errno.ENOTSUPP,
      oldKernel ? 'attach_btf_id 0 is not a supported struct' : `prog '${program.name}': BPF program load failed: ERROR: strerror_r(524)=22`,
      program,
      `No struct_ops map references \`${program.name}\`, so libbpf ${formatVersion(libbpf)} loads it with attach_btf_id 0 and the kernel refuses it with errno 524 (ENOTSUPP)${oldKernel ? '' : ' without a verifier message'}. Reference it from a map initializer or mark its section with a \`?\` prefix.`,
      { rule: `libbpf ${formatVersion(libbpf)} sends unreferenced programs to the kernel; Linux ${oldKernel ? '< 6.9 logs a message' : '>= 6.9 logs nothing'}`, channel: oldKernel ? 'verifier' : 'libbpf' },
    );
  }

  verify(program: BpfProgram, use: ProgramUse, sleepable: boolean): void {
    const license = this.input.facts.license?.value ?? '';
    if (!gplCompatible.has(license)) {
      this.fail(CheckId['PRG-05'], Errno.EINVAL, 'struct ops programs must have a GPL compatible license', program,
        license === ''
          ? 'The object has no `SEC("license")` string, which the kernel treats as not GPL-compatible. Add `char LICENSE[] SEC("license") = "GPL";`.'
          : `The license "${license}" is not GPL-compatible; struct_ops programs call into GPL-only kernel code. Use "GPL" or "Dual BSD/GPL".`,
        { related: this.input.facts.license ? [{ location: this.input.facts.license.location, message: 'the license string' }] : [] });
      return;
    }
    const kernelType = use.map.kernel.typeName;
    const member = use.wired.member;
    const knowledge = knowledgeFor(kernelType, this.profile.kernelVersion);
    const related = [{ location: use.wired.location, message: `\`${program.name}\` fills ${use.map.map.name}.${member}` }];
    if (knowledge && this.unsupported(program, knowledge, member, kernelType, related)) return;
    if (knowledge && sleepable && this.sleepableRefused(program, knowledge, member, kernelType, related)) return;
    const proto = memberPrototype(use.map.kernel.object.spec, use.map.kernel.typeId, use.wired.memberIndex);
    if (proto && !proto.returnsVoid && !program.returnsValue && program.returnType.kind === 'named' && program.returnType.name === 'void') {
      this.fail(CheckId['PRG-17'], Errno.EACCES, 'R0 !read_ok', program,
        `The kernel's \`${member}\` returns a value, but \`${program.name}\` is declared \`void\` and never sets R0, so the verifier rejects the exit. Return the value the member expects.`,
        { related });
      return;
    }
    if (this.globalVoidCallee(program, related)) return;
    const before = this.findings.length;
    if (knowledge) this.helpers(program, knowledge, member, related);
    // PRG-16/19/20 from the body; the verifier stops at whichever error comes first in the program.
    const body = bodyFindings(program, use, knowledge, this.profile);
    if (body) this.findings[before] = earlierFinding(this.findings[before], body);
  }

  /**
   * A called global (non-static, non-inlined) function is verified on its own and must return a
   * scalar; a void one fails the caller (observed on 6.18, verifier.c btf_check_subprog_call).
   */
  private globalVoidCallee(program: BpfProgram, related: Finding['related']): boolean {
    const globals = this.input.facts.functions.filter((f) => !f.isStatic && !this.input.facts.programs.some((p) => p.name === f.name));
    for (const call of program.calls) {
      const index = globals.findIndex((f) => f.name === call.name);
      const callee = globals[index];
      if (!callee || callee.returnType.kind !== 'named' || callee.returnType.name !== 'void') continue;
      this.findings.push({
        check: CheckId['PRG-17'], severity: 'error', phase: 'prog_load', errno: Errno.EINVAL,
        message: `Global function ${callee.name}() doesn't return scalar. Only those are supported.`,
        channel: 'verifier', location: call.location,
        related: [...related, { location: callee.nameLocation, message: `\`${callee.name}\` is a global void function` }],
        explanation: `\`${callee.name}\` is global, so the verifier checks it as a separate subprogram, and a global subprogram must return a scalar; the call then fails with "Caller passes invalid args into func#${index + 1} ('${callee.name}')". Make it \`static\` or return an int.`,
      });
      return true;
    }
    return false;
  }

  private unsupported(program: BpfProgram, knowledge: SubsystemKnowledge, member: string, kernelType: string, related: Finding['related']): boolean {
    const rule = knowledge.unsupportedMembers.find((u) => u.member === member);
    if (!rule) return false;
    this.fail(rule.check === 'PRG-11' ? CheckId['PRG-11'] : CheckId['PRG-12'], rule.errno, format(rule.message, member, kernelType), program,
      rule.check === 'PRG-11'
        ? `The kernel's cfi stub for \`${kernelType}.${member}\` is NULL: BPF cannot implement this op on this kernel. Leave the member unset.`
        : `\`${kernelType}\`'s check_member refuses a program for \`${member}\` on this kernel. Leave the member unset.`,
      { related, rule: `${rule.source}` });
    return true;
  }

  private sleepableRefused(program: BpfProgram, knowledge: SubsystemKnowledge, member: string, kernelType: string, related: Finding['related']): boolean {
    for (const rule of knowledge.sleepable) {
      if (rule.members === 'all' || rule.members.includes(member)) continue;
      this.fail(rule.check === 'PRG-04' ? CheckId['PRG-04'] : CheckId['PRG-12'], rule.errno, format(rule.message, member, kernelType), program,
        `\`${program.name}\` is sleepable (\`SEC("struct_ops.s/...")\`) but \`${kernelType}.${member}\` runs where sleeping is not allowed${rule.members.length > 0 ? `; sleepable programs may fill only ${rule.members.join(', ')}` : ''}. Use \`SEC("struct_ops/...")\`.`,
        { related, rule: rule.source });
      return true;
    }
    return false;
  }

  private helpers(program: BpfProgram, knowledge: SubsystemKnowledge, member: string, related: Finding['related']): void {
    for (const call of program.calls) {
      if (helperId(call.name) === undefined || knowledge.helpers(member, call.name) !== 'denied') continue;
      this.findings.push({
        check: CheckId['PRG-18'], severity: 'error', phase: 'prog_load', errno: Errno.EINVAL,
        message: helperDeniedMessage(call.name) ?? call.name, channel: 'verifier', location: call.location, related,
        explanation: `\`${knowledge.typeName}\` programs filling \`${member}\` cannot call \`${call.name}\`: the type's get_func_proto does not offer it there.`,
        rule: knowledge.helperPolicies[0]?.source,
      });
      return;
    }
  }
}

/** Simulates BPF_PROG_LOAD for each autoloaded program; every program's first failure is reported. */
export function simulateProgLoad(input: BpfObjectInput, profile: KernelProfile, maps: readonly LoadedMap[], loader: LoaderOptions = {}): Finding[] {
  const uses = new Map<string, ProgramUse>();
  for (const map of maps) for (const wired of map.wired) if (!uses.has(wired.program)) uses.set(wired.program, { map, wired });
  const verifier = new ProgramVerifier(input, profile);
  const libbpf = profile.libbpfVersion;
  for (const program of input.facts.programs) {
    const section = classifyProgramSection(program.section, libbpf);
    if (!section.structOps) continue;
    const use = uses.get(program.name);
    // LIB-19: libbpf 1.4+ turns autoload on for referenced programs and leaves it for the rest.
    const autoload = use && atLeast(libbpf, 1, 4) ? true : !section.autoloadOff;
    if (!autoload) continue;
    if (!use) verifier.unreferenced(program);
    else verifier.verify(program, use, section.sleepable || (loader.sleepable ?? []).includes(program.name));
  }
  return verifier.findings;
}

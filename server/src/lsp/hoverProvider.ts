// Hover: on a struct_ops map's type, the kernel type's origin, size and registration; on a member
// designator, the kernel member's prototype, index, offset and knowledge-base rules, and the wired
// program; on a program name, the members it fills and the prototype it must match; on a map's
// name, its simulated outcome; on a descriptor or register_bpf_struct_ops call, what it registers
// and insmod's simulated outcome.

import { MarkupKind, type Hover, type HoverParams } from 'vscode-languageserver';
import {
  closestName,
  describeProfile,
  errnoName,
  membersFilledBy,
  symbolAt,
  type BpfProgram,
  type CType,
  type KernelMemberInfo,
  type KernelOpsInfo,
  type Registration,
  type StructOpsMap,
} from '../engine';
import { mapFailure, outcomeTitle } from './codeLensProvider';
import { factsSeeing, kernelInfo, sourceOf, traceForMap, type FeatureContext } from './sourceProvider';

const code = (text: string) => `\`\`\`c\n${text}\n\`\`\``;

/** A source-side C type as written, e.g. `struct sock *`. */
export function cTypeText(type: CType): string {
  switch (type.kind) {
    case 'named':
      return type.name;
    case 'struct':
    case 'union':
    case 'enum':
      return `${type.kind} ${type.tag}`;
    case 'pointer':
      return `${cTypeText(type.to)} *`.replace('* *', '**');
    case 'array':
      return `${cTypeText(type.of)}[${type.length ?? ''}]`;
    case 'function':
      return `${cTypeText(type.returns)} (*)(${type.params.map((p) => p.text).join(', ')})`;
  }
}

function programSignature(program: BpfProgram): string {
  const ret = cTypeText(program.returnType);
  return `${ret}${ret.endsWith('*') ? '' : ' '}${program.name}(${program.params.map((p) => p.text).join(', ') || 'void'})`;
}

function origin(info: KernelOpsInfo): string {
  return info.object.isModule ? `module **${info.object.name}**` : '**vmlinux**';
}

function typeHover(info: KernelOpsInfo | undefined, map: StructOpsMap, profile: string): string {
  if (!info) return `${code(`struct ${map.typeName}`)}\nNo BTF object of the profile defines \`struct ${map.typeName}\`.\n\n*${profile}*`;
  const required = info.members.filter((m) => m.required).map((m) => `\`${m.name}\``);
  const lines = [
    code(`struct ${info.typeName}`),
    `Kernel struct_ops type from ${origin(info)} BTF (type [${info.typeId}], \`${info.object.source}\`)`,
    '',
    `Size: ${info.size} bytes, ${info.members.length} members`,
    '',
    info.registered
      ? `Registered: yes — value type \`bpf_struct_ops_${info.typeName}\` [${info.valueId}]`
      : `Registered: no — \`bpf_struct_ops_${info.typeName}\` is not in ${info.object.name}'s BTF`,
  ];
  if (required.length > 0) lines.push('', `Required ops: ${required.join(', ')}`);
  lines.push('', `*${info.profile}*`);
  return lines.join('\n');
}

function memberFacts(info: KernelOpsInfo, member: KernelMemberInfo): string[] {
  const lines = [code(member.prototype), `Member #${member.index} of \`struct ${info.typeName}\`, offset ${member.byteOffset} bytes (${origin(info)})`, ''];
  const marks = [`Required: ${member.required ? 'yes' : 'no'}`];
  if (member.unsupported) marks.push(`Unsupported: a program here fails (${member.unsupported})`);
  if (member.sleepableAllowed !== undefined) marks.push(`Sleepable program allowed: ${member.sleepableAllowed ? 'yes' : 'no'}`);
  lines.push(marks.join(' · '));
  return lines;
}

function programLine(program: BpfProgram | undefined, name: string): string {
  return program ? `Wired program: \`${name}\` (\`SEC("${program.section}")\`)` : `Wired: \`${name}\` (not a program of this object)`;
}

/** insmod's outcome for the module holding this registration: where the type went, or the module's failure in this file. */
function registrationOutcome(ctx: FeatureContext, file: string, registration: Registration): string | undefined {
  for (const trace of ctx.engine.registrationTraces()) {
    const done = trace.registered.find((r) => r.descriptor === registration.descriptorName);
    if (done) return `✓ insmod \`${trace.module}\` registers \`struct ${done.typeName}\` in ${done.btf}'s BTF (type [${done.typeId}], value type [${done.valueId}]) on ${trace.profile}`;
    const failure = trace.steps.flatMap((s) => s.findings).find((f) => f.severity === 'error' && f.location.file === file);
    if (failure) {
      const what = failure.crash || failure.errno === undefined ? `crashes at ${failure.phase}` : `fails at ${failure.phase}: -${errnoName(failure.errno)}`;
      return `✗ insmod \`${trace.module}\` ${what} (${failure.check}) on ${trace.profile}\n\n\`${failure.message}\``;
    }
  }
  return undefined;
}

export function hover(ctx: FeatureContext, params: HoverParams): Hover | null {
  const source = sourceOf(ctx, params.textDocument.uri);
  if (!source) return null;
  const symbol = symbolAt(source.facts, source.file, params.position, source.index);
  if (!symbol) return null;
  const profile = ctx.engine.profile;
  const profileText = profile ? describeProfile(profile) : undefined;
  const markdown = (value: string): Hover => ({ contents: { kind: MarkupKind.Markdown, value }, range: symbol.range });
  switch (symbol.kind) {
    case 'mapType':
      if (!profile) return markdown('No kernel profile loaded.');
      return markdown(typeHover(kernelInfo(ctx, symbol.map.typeName), symbol.map, profileText ?? ''));
    case 'member':
    case 'wiredProgram': {
      const info = kernelInfo(ctx, symbol.map.typeName);
      const member = info?.members.find((m) => m.name === symbol.member.name);
      const value = symbol.member.value;
      const wired = value.kind === 'function' ? value.name : undefined;
      const program = wired ? source.facts.programs.find((p) => p.name === wired) : undefined;
      const lines: string[] = [];
      if (symbol.kind === 'wiredProgram' && program) lines.push(code(programSignature(program)), '');
      if (!info) lines.push(`No kernel type for \`struct ${symbol.map.typeName}\` in the profile.`);
      else if (!member) {
        const guess = closestName(symbol.member.name, info.members.map((m) => m.name));
        lines.push(`\`${symbol.member.name}\` is not a member of the kernel's \`struct ${info.typeName}\`${guess ? `; did you mean \`${guess}\`?` : '.'}`);
      } else lines.push(...memberFacts(info, member));
      if (wired) lines.push('', programLine(program, wired));
      return markdown(lines.join('\n'));
    }
    case 'program': {
      const program = symbol.program;
      const lines = [code(programSignature(program)), '', `Section \`${program.section || '(none: a plain function)'}\``];
      const uses = membersFilledBy(factsSeeing(ctx, source.file), program.name);
      if (uses.length === 0) lines.push('', 'Not placed in any struct_ops map member.');
      for (const use of uses) {
        const info = kernelInfo(ctx, use.map.typeName);
        const member = info?.members.find((m) => m.name === use.member.name);
        lines.push('', `Fills \`${use.map.name}.${use.member.name}\`${member ? ` (member #${member.index} of \`struct ${info?.typeName}\`), must match:` : ''}`);
        if (member) lines.push(code(member.prototype));
      }
      return markdown(lines.join('\n'));
    }
    case 'registration': {
      const r = symbol.registration;
      const call = r.callee === 'register_bpf_struct_ops' ? `register_bpf_struct_ops(&${r.descriptorName}, ${r.typeName ?? '?'})` : `__register_bpf_struct_ops(&${r.descriptorName})`;
      const descriptor = source.facts.descriptors.find((d) => d.varName === r.descriptorName);
      const lines = [code(call), '', `Registers ${r.typeName ? `\`struct ${r.typeName}\`` : 'the descriptor\'s type'} with descriptor \`${r.descriptorName}\`${r.enclosingFunction ? ` in \`${r.enclosingFunction}\`` : ''} (result ${r.resultUse})`];
      if (descriptor) lines.push('', `Descriptor fields: ${descriptor.fields.map((f) => `\`.${f.name}\``).join(', ') || 'none'}`);
      const outcome = registrationOutcome(ctx, source.file, r);
      if (outcome) lines.push('', outcome);
      return markdown(lines.join('\n'));
    }
    case 'descriptor': {
      const d = symbol.descriptor;
      const users = source.facts.registrations.filter((r) => r.descriptorName === d.varName);
      const lines = [code(`struct bpf_struct_ops ${d.varName}`), '', `Fields: ${d.fields.map((f) => `\`.${f.name}\``).join(', ') || 'none'}`];
      for (const r of users) lines.push('', `Registered by \`${r.callee}\`${r.typeName ? ` for \`struct ${r.typeName}\`` : ''}${r.enclosingFunction ? ` in \`${r.enclosingFunction}\`` : ''}`);
      if (users.length === 0) lines.push('', 'Not registered in this file.');
      return markdown(lines.join('\n'));
    }
    case 'mapName': {
      const map = symbol.map;
      const trace = traceForMap(ctx, map);
      const failure = trace ? mapFailure(trace, map) : undefined;
      const lines = [code(`struct ${map.typeName} ${map.name}`), '', `struct_ops map in \`SEC("${map.section}")\``, '', outcomeTitle(trace, map)];
      if (failure) lines.push('', `\`${failure.message}\``);
      return markdown(lines.join('\n'));
    }
    default:
      return null;
  }
}

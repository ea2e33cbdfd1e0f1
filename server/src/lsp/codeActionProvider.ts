// Quick fixes keyed on the diagnostic code (the check ID), plus section rewrites on request:
// - LIB-09: rename a misspelled map type to the closest registered struct_ops type;
// - BUILD-01/LIB-12: rename a misspelled member to the closest kernel member; LIB-12: remove it;
//   BUILD-01 (undeclared identifier): use the closest struct_ops program;
// - UPD-13/14/15 "does not implement required ops": add typed program stubs and wire them;
// - BUILD-01 (file not found): a `.struct-ops.json` adding the directory of a workspace file that
//   the include names, where the folder has no project config yet;
// - LIB-01: `.struct_ops.link` → `.struct_ops`; PRG-04/PRG-12 on a sleepable program: `struct_ops/`;
// - LIB-07: put the plain function (or the program in another section) in `SEC("struct_ops/<member>")`;
// - LIB-20/PRG-06: place an unreferenced program in the member its section names, or `SEC("?...")`;
// - refactors: `.struct_ops` ↔ `.struct_ops.link` on a map, `struct_ops/` ↔ `struct_ops.s/` on a program.

import * as path from 'node:path';
import {
  CodeActionKind,
  type CodeAction,
  type CodeActionParams,
  type Diagnostic,
  type Range,
  type TextEdit,
} from 'vscode-languageserver';
import {
  closestName,
  containsPosition,
  findProjectConfig,
  freshName,
  missingRequiredOps,
  programStub,
  projectConfigFileName,
  symbolAt,
  wiringLine,
  type BpfProgram,
  type LineIndex,
  type MemberInit,
  type StructOpsMap,
} from '../engine';
import { diagnosticSource } from './convert';
import { kernelInfo, sourceOf, uriOf, type FeatureContext, type SourceView } from './sourceProvider';

function sameRange(a: Range, b: Range): boolean {
  return a.start.line === b.start.line && a.start.character === b.start.character && a.end.line === b.end.line && a.end.character === b.end.character;
}

function fix(title: string, diagnostic: Diagnostic | undefined, uri: string, edits: TextEdit[], preferred = false): CodeAction {
  return {
    title,
    kind: diagnostic ? CodeActionKind.QuickFix : CodeActionKind.RefactorRewrite,
    diagnostics: diagnostic ? [diagnostic] : undefined,
    isPreferred: preferred || undefined,
    edit: { changes: { [uri]: edits } },
  };
}

function lineText(index: LineIndex, line: number): string {
  const start = index.offsetAt({ line, character: 0 });
  const end = index.text.indexOf('\n', start);
  return index.text.slice(start, end < 0 ? index.text.length : end);
}

function indentOf(index: LineIndex, line: number): string {
  return /^[ \t]*/.exec(lineText(index, line))?.[0] ?? '';
}

/** The member initializer whose designator is exactly at `range`, in the file's maps. */
function memberAt(source: SourceView, range: Range): { map: StructOpsMap; member: MemberInit } | undefined {
  for (const map of source.facts.maps) {
    for (const member of map.members) {
      if (member.location.file === source.file && sameRange(member.location.range, range)) return { map, member };
    }
  }
  return undefined;
}

/** Renames the designator `.old` to `.name` (and the member of a workspace copy of the struct in this file). */
function renameMember(ctx: FeatureContext, source: SourceView, diagnostic: Diagnostic, map: StructOpsMap, member: MemberInit): CodeAction[] {
  const local = source.facts.typeDefinitions.find((d) => d.kind === 'struct' && d.name === map.typeName && d.members.length > 0);
  const info = kernelInfo(ctx, map.typeName);
  const kernelNames = info?.members.map((m) => m.name) ?? [];
  const localNames = local?.members.map((m) => m.name) ?? [];
  // clang checks the BPF-side struct (BUILD-01); libbpf checks the kernel's (LIB-12).
  const inLocal = localNames.includes(member.name);
  // A member the initializer already sets is no rename target: it would be set twice.
  const alreadySet = new Set(map.members.map((m) => m.name));
  const candidates = (diagnostic.code === 'BUILD-01' && local ? localNames : kernelNames).filter((n) => !alreadySet.has(n));
  const target = closestName(member.name, candidates);
  if (!target) return [];
  const edits: TextEdit[] = [{ range: member.location.range, newText: `.${target}` }];
  if (inLocal && local && !localNames.includes(target)) {
    const declared = local.members.find((m) => m.name === member.name);
    if (declared && declared.location.file === source.file) {
      const start = declared.location.range.start;
      const text = lineText(source.index, start.line).slice(start.character);
      const at = new RegExp(`(?<![A-Za-z0-9_])${member.name}(?![A-Za-z0-9_])`).exec(text);
      if (at) {
        const character = start.character + at.index;
        edits.push({ range: { start: { line: start.line, character }, end: { line: start.line, character: character + member.name.length } }, newText: target });
      }
    }
  }
  return [fix(`Change '${member.name}' to '${target}'`, diagnostic, source.uri, edits, true)];
}

/** Deletes a member initializer: its whole line(s) when nothing else is on them, else up to its comma. */
function removeMember(source: SourceView, diagnostic: Diagnostic, member: MemberInit): CodeAction {
  const { index } = source;
  const start = member.location.range.start;
  let endOffset = index.offsetAt(member.valueLocation.range.end);
  const rest = index.text.slice(endOffset);
  const comma = /^[ \t]*,/.exec(rest);
  if (comma) endOffset += comma[0].length;
  const startOffset = index.offsetAt(start);
  const lineStart = index.offsetAt({ line: start.line, character: 0 });
  const tail = /^[ \t]*(\r?\n|$)/.exec(index.text.slice(endOffset));
  const range =
    index.text.slice(lineStart, startOffset).trim() === '' && tail
      ? index.rangeOf(lineStart, endOffset + tail[0].length)
      : index.rangeOf(startOffset, endOffset);
  return fix(`Remove member '${member.name}'`, diagnostic, source.uri, [{ range, newText: '' }]);
}

/** An edit adding initializer lines after the map's last member (or after its `{`), commas kept right. */
function appendMembers(source: SourceView, map: StructOpsMap, lines: readonly string[]): TextEdit | undefined {
  const { index } = source;
  const last = map.members[map.members.length - 1];
  if (last) {
    const end = last.valueLocation.range.end;
    const comma = /^[ \t]*,/.exec(index.text.slice(index.offsetAt(end)));
    const indent = indentOf(index, last.location.range.start.line);
    const text = lines.map((l) => `\n${indent}${l}`).join('');
    if (!comma) return { range: { start: end, end }, newText: `,${text}` };
    const at = index.positionAt(index.offsetAt(end) + comma[0].length);
    return { range: { start: at, end: at }, newText: text };
  }
  const open = index.text.indexOf('{', index.offsetAt(map.nameLocation.range.end));
  if (open < 0) return undefined;
  const at = index.positionAt(open + 1);
  return { range: { start: at, end: at }, newText: lines.map((l) => `\n\t${l}`).join('') };
}

/** LIB-20/PRG-06: wire an unreferenced program into the member its section names, or make it optional. */
function unreferencedProgram(ctx: FeatureContext, source: SourceView, diagnostic: Diagnostic): CodeAction[] {
  const program = source.facts.programs.find((p) => sameRange(p.nameLocation.range, diagnostic.range));
  if (!program) return [];
  const actions: CodeAction[] = [];
  const member = program.section.replace(/^\?/, '').split('/')[1];
  if (member) {
    for (const map of source.facts.maps) {
      if (map.location.file !== source.file || !map.hasInitializer || map.members.some((m) => m.name === member)) continue;
      if (!kernelInfo(ctx, map.typeName)?.members.some((m) => m.name === member && m.isFunctionPointer)) continue;
      const edit = appendMembers(source, map, [wiringLine(member, program.name)]);
      if (edit) actions.push(fix(`Place '${program.name}' in ${map.name}.${member}`, diagnostic, source.uri, [edit], actions.length === 0));
    }
  }
  if (!program.section.startsWith('?') && program.section !== '') {
    actions.push(fix(`Do not load '${program.name}': SEC("?${program.section}")`, diagnostic, source.uri, [sectionEdit(program.sectionLocation.range, `?${program.section}`)]));
  }
  return actions;
}

/** Stubs for the required ops the map lacks, inserted before the map, and their wiring lines. */
function addRequiredOps(ctx: FeatureContext, source: SourceView, diagnostic: Diagnostic, map: StructOpsMap): CodeAction[] {
  const profile = ctx.engine.profile;
  const info = kernelInfo(ctx, map.typeName);
  if (!profile || !info || !map.hasInitializer) return [];
  const implemented = new Set(map.members.filter((m) => m.value.kind === 'function').map((m) => m.name));
  const missing = missingRequiredOps(info, implemented, profile.kernelVersion);
  if (missing.length === 0) return [];
  const taken = new Set([...source.facts.programs.map((p) => p.name), ...source.facts.functions.map((f) => f.name)]);
  const { index } = source;
  const unit = /^[ \t]+/.exec(map.members[0] ? lineText(index, map.members[0].location.range.start.line) : '')?.[0] ?? '\t';
  const stubs: string[] = [];
  const lines: string[] = [];
  for (const member of missing) {
    const name = freshName(member.name, taken);
    taken.add(name);
    const stub = programStub(member, name, unit);
    if (!stub) return [];
    stubs.push(stub);
    lines.push(wiringLine(member.name, name));
  }
  const mapStart = { line: map.location.range.start.line, character: 0 };
  const append = appendMembers(source, map, lines);
  if (!append) return [];
  const edits: TextEdit[] = [{ range: { start: mapStart, end: mapStart }, newText: `${stubs.join('\n')}\n` }, append];
  const names = missing.map((m) => m.name).join(', ');
  return [fix(`Add the missing required op${missing.length > 1 ? 's' : ''}: ${names}`, diagnostic, source.uri, edits, true)];
}

/** Replaces the section string of a program or map (range includes the quotes). */
function sectionEdit(range: Range, section: string): TextEdit {
  return { range, newText: JSON.stringify(section) };
}

function toggledProgramSection(section: string): string | undefined {
  const m = /^(\??)struct_ops(\.s)?(\/.*)?$/.exec(section);
  if (!m) return undefined;
  return `${m[1]}struct_ops${m[2] ? '' : '.s'}${m[3] ?? ''}`;
}

function toggledMapSection(section: string): string | undefined {
  const m = /^(\??)\.struct_ops(\.link)?$/.exec(section);
  if (!m) return undefined;
  return `${m[1]}.struct_ops${m[2] ? '' : '.link'}`;
}

function programByName(source: SourceView, name: string): BpfProgram | undefined {
  return source.facts.programs.find((p) => p.name === name);
}

/** LIB-07: the value is a plain function or a program in another section. */
function makeStructOpsProgram(source: SourceView, diagnostic: Diagnostic, member: MemberInit): CodeAction[] {
  if (member.value.kind !== 'function') return [];
  const name = member.value.name;
  const section = `struct_ops/${member.name}`;
  const program = programByName(source, name);
  if (program && program.section !== '') {
    return [fix(`Move '${name}' to SEC("${section}")`, diagnostic, uriOf(program.sectionLocation.file), [sectionEdit(program.sectionLocation.range, section)], true)];
  }
  const location = program?.location ?? source.facts.functions.find((f) => f.name === name)?.location;
  if (!location) return [];
  const at = { line: location.range.start.line, character: 0 };
  return [fix(`Add SEC("${section}") to '${name}'`, diagnostic, uriOf(location.file), [{ range: { start: at, end: at }, newText: `SEC("${section}")\n` }], true)];
}

/**
 * For clang's "'X' file not found": a `.struct-ops.json` at the workspace folder's root whose
 * `includePaths` has the directory of an indexed file ending in `/X`, one action per directory.
 * Offered only where the folder has no project config: one that exists is the user's to edit.
 */
function addIncludePath(ctx: FeatureContext, source: SourceView, diagnostic: Diagnostic, spelled: string): CodeAction[] {
  const folder = ctx
    .folders()
    .filter((f) => source.file.startsWith(f + path.sep))
    .sort((a, b) => b.length - a.length)[0];
  if (!folder || findProjectConfig(folder, folder) !== undefined) return [];
  const suffix = `/${spelled}`;
  const dirs = new Set<string>();
  for (const facts of ctx.engine.allFacts()) {
    if (facts.file.endsWith(suffix) && facts.file.startsWith(folder + path.sep)) dirs.add(facts.file.slice(0, -suffix.length));
  }
  const uri = uriOf(path.join(folder, projectConfigFileName));
  return [...dirs].sort().map((dir) => {
    const relative = path.relative(folder, dir).split(path.sep).join('/') || '.';
    return {
      title: `Add include path '${relative}' (new ${projectConfigFileName})`,
      kind: CodeActionKind.QuickFix,
      diagnostics: [diagnostic],
      edit: {
        documentChanges: [
          { kind: 'create', uri, options: { ignoreIfExists: true } },
          { textDocument: { uri, version: null }, edits: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: `${JSON.stringify({ includePaths: [relative] }, null, 2)}\n` }] },
        ],
      },
    };
  });
}

function forDiagnostic(ctx: FeatureContext, source: SourceView, diagnostic: Diagnostic): CodeAction[] {
  const code = String(diagnostic.code ?? '');
  const firstLine = (typeof diagnostic.message === 'string' ? diagnostic.message : diagnostic.message.value).split('\n')[0];
  switch (code) {
    case 'BUILD-01':
    case 'LIB-12': {
      const notFound = /^(?:In included file: )?'(.+)' file not found$/.exec(firstLine);
      if (notFound) return addIncludePath(ctx, source, diagnostic, notFound[1]);
      const hit = memberAt(source, diagnostic.range);
      if (hit) {
        const actions = renameMember(ctx, source, diagnostic, hit.map, hit.member);
        if (code === 'LIB-12') actions.push(removeMember(source, diagnostic, hit.member));
        return actions;
      }
      const undeclared = /use of undeclared identifier '([A-Za-z_]\w*)'/.exec(firstLine);
      if (!undeclared) return [];
      const programs = source.facts.programs.filter((p) => p.section.includes('struct_ops')).map((p) => p.name);
      const target = closestName(undeclared[1], programs);
      if (!target) return [];
      const map = source.facts.maps.find((m) => m.members.some((x) => sameRange(x.valueLocation.range, diagnostic.range)));
      const member = map?.members.find((x) => sameRange(x.valueLocation.range, diagnostic.range));
      if (!member) return [];
      const sym = symbolAt(source.facts, source.file, diagnostic.range.end, source.index);
      const range = sym?.kind === 'wiredProgram' ? sym.range : diagnostic.range;
      return [fix(`Change '${undeclared[1]}' to '${target}'`, diagnostic, source.uri, [{ range, newText: target }], true)];
    }
    case 'UPD-13':
    case 'UPD-14':
    case 'UPD-15': {
      if (!firstLine.includes('does not implement required ops')) return [];
      const map = source.facts.maps.find((m) => m.location.file === source.file && containsPosition(m.location.range, diagnostic.range.start));
      return map ? addRequiredOps(ctx, source, diagnostic, map) : [];
    }
    case 'LIB-01': {
      const map = source.facts.maps.find((m) => sameRange(m.sectionLocation.range, diagnostic.range));
      if (!map || !/^\??\.struct_ops\.link$/.test(map.section)) return [];
      const plain = map.section.replace(/^\?/, '').replace('.link', '');
      return [fix(`Use SEC("${plain}")`, diagnostic, source.uri, [sectionEdit(map.sectionLocation.range, plain)], true)];
    }
    case 'PRG-04':
    case 'PRG-12': {
      const program = source.facts.programs.find((p) => sameRange(p.nameLocation.range, diagnostic.range));
      if (!program || !/^\??struct_ops\.s(\/|$)/.test(program.section)) return [];
      const section = toggledProgramSection(program.section) as string;
      return [fix(`Make '${program.name}' non-sleepable: SEC("${section}")`, diagnostic, source.uri, [sectionEdit(program.sectionLocation.range, section)], true)];
    }
    case 'LIB-09': {
      const map = source.facts.maps.find((m) => sameRange(m.typeLocation.range, diagnostic.range));
      const profile = ctx.engine.simulationProfile();
      if (!map || !profile) return [];
      const flavor = map.typeName.indexOf('___');
      const essential = flavor > 0 ? map.typeName.slice(0, flavor) : map.typeName;
      const registered = profile.objects.flatMap((o) => o.spec.structOpsValueTypes().map((v) => v.typeName));
      const target = closestName(essential, registered);
      if (!target) return [];
      const newName = `${target}${flavor > 0 ? map.typeName.slice(flavor) : ''}`;
      return [fix(`Change type to 'struct ${newName}'`, diagnostic, source.uri, [{ range: map.typeLocation.range, newText: newName }], true)];
    }
    case 'LIB-20':
    case 'PRG-06':
      return unreferencedProgram(ctx, source, diagnostic);
    case 'LIB-07': {
      const hit = source.facts.maps.flatMap((map) => map.members.map((member) => ({ map, member }))).find((h) => sameRange(h.member.valueLocation.range, diagnostic.range));
      return hit ? makeStructOpsProgram(source, diagnostic, hit.member) : [];
    }
    default:
      return [];
  }
}

/** Section rewrites offered wherever the cursor is on a map's or program's section or name. */
function refactors(source: SourceView, range: Range): CodeAction[] {
  const symbol = symbolAt(source.facts, source.file, range.start, source.index);
  if (!symbol) return [];
  if (symbol.kind === 'mapSection' || symbol.kind === 'mapName') {
    const map = symbol.map;
    const section = toggledMapSection(map.section);
    return section ? [fix(`Use SEC("${section}")`, undefined, source.uri, [sectionEdit(map.sectionLocation.range, section)])] : [];
  }
  if (symbol.kind === 'programSection' || symbol.kind === 'program') {
    const program = symbol.program;
    const section = toggledProgramSection(program.section);
    if (!section) return [];
    const title = section.includes('struct_ops.s') ? `Make '${program.name}' sleepable` : `Make '${program.name}' non-sleepable`;
    return [fix(`${title}: SEC("${section}")`, undefined, source.uri, [sectionEdit(program.sectionLocation.range, section)])];
  }
  return [];
}

export function codeActions(ctx: FeatureContext, params: CodeActionParams): CodeAction[] | null {
  const source = sourceOf(ctx, params.textDocument.uri);
  if (!source) return null;
  const actions: CodeAction[] = [];
  for (const diagnostic of params.context.diagnostics) {
    if (diagnostic.source !== undefined && diagnostic.source !== diagnosticSource) continue;
    actions.push(...forDiagnostic(ctx, source, diagnostic));
  }
  const only = params.context.only;
  if (!only || only.some((kind) => kind.startsWith('refactor'))) {
    const wanted = actions.map((a) => JSON.stringify(a.edit));
    actions.push(...refactors(source, params.range).filter((a) => !wanted.includes(JSON.stringify(a.edit))));
  }
  return only ? actions.filter((a) => only.some((kind) => a.kind?.startsWith(kind))) : actions;
}

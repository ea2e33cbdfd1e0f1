// Go to definition: a member designator goes to the member's definition (the workspace's struct
// when one defines the type, else a generated read-only C view of the kernel's BTF type), a wired
// program name to the program, a map's type to its workspace struct or the generated view.
// NOTE: the C view is written to a file under the OS temp folder (bpf-struct-ops-views/) rather
// than served through a custom URI scheme: every client opens a file: location, no client-side
// content provider is needed, and the file is rewritten only when its text changes.

import { mkdir, readFile, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import type { DefinitionParams, Location as LspLocation } from 'vscode-languageserver';
import { kernelTypeCView, symbolAt, type CTypeDefinition, type KernelOpsInfo, type Position } from '../engine';
import { factsSeeing, kernelInfo, lspLocation, sourceOf, uriOf, type FeatureContext } from './sourceProvider';

/** Folder of the generated C views; tests read it. */
export const cViewDir = path.join(os.tmpdir(), `bpf-struct-ops-views-${typeof process.getuid === 'function' ? process.getuid() : 'user'}`);

function safe(name: string): string {
  return name.replace(/[^A-Za-z0-9_.-]/g, '_');
}

/** Writes (when changed) the C view of a kernel type and returns a location in it. */
async function kernelViewLocation(info: KernelOpsInfo, member?: string): Promise<LspLocation | null> {
  const origin = info.object.isModule ? `module ${info.object.name}` : 'vmlinux';
  const view = kernelTypeCView(info.object.spec, info.typeId, `${origin} (${info.object.source})`);
  if (!view) return null;
  const dir = path.join(cViewDir, safe(info.object.name));
  const file = path.join(dir, `struct_${safe(info.typeName)}.h`);
  await mkdir(dir, { recursive: true });
  const current = await readFile(file, 'utf8').catch(() => undefined);
  if (current !== view.text) await writeFile(file, view.text, 'utf8');
  const at: Position = (member !== undefined ? view.members.get(member) : undefined) ?? view.typeName;
  const length = member !== undefined && view.members.has(member) ? member.length : info.typeName.length;
  return { uri: uriOf(file), range: { start: at, end: { line: at.line, character: at.character + length } } };
}

/** A struct definition with members for `tag` in the object's files, then anywhere in the workspace. */
function workspaceStruct(ctx: FeatureContext, file: string, tag: string): CTypeDefinition | undefined {
  const match = (d: CTypeDefinition) => d.kind === 'struct' && d.name === tag && d.members.length > 0;
  for (const facts of [ctx.engine.facts(file), ...ctx.engine.allFacts()]) {
    const found = facts?.typeDefinitions.find(match);
    if (found) return found;
  }
  return undefined;
}

/** Where `name` is written inside a member declaration such as `u32 (*ssthresh)(struct sock *sk)`. */
function memberNameLocation(def: CTypeDefinition, member: string, text: string | undefined): LspLocation | undefined {
  const found = def.members.find((m) => m.name === member);
  if (!found) return undefined;
  const start = found.location.range.start;
  const column = text ? new RegExp(`(?<![A-Za-z0-9_])${member}(?![A-Za-z0-9_])`).exec(text.split('\n')[start.line]?.slice(start.character) ?? '') : null;
  if (!column) return lspLocation(found.location);
  const character = start.character + column.index;
  return { uri: uriOf(found.location.file), range: { start: { line: start.line, character }, end: { line: start.line, character: character + member.length } } };
}

async function fileText(ctx: FeatureContext, file: string): Promise<string | undefined> {
  return ctx.documents.get(uriOf(file))?.getText() ?? (await readFile(file, 'utf8').catch(() => undefined));
}

export async function definition(ctx: FeatureContext, params: DefinitionParams): Promise<LspLocation | LspLocation[] | null> {
  const source = sourceOf(ctx, params.textDocument.uri);
  if (!source) return null;
  const symbol = symbolAt(source.facts, source.file, params.position, source.index);
  if (!symbol) return null;
  switch (symbol.kind) {
    case 'member': {
      const local = workspaceStruct(ctx, source.file, symbol.map.typeName);
      if (local) {
        const at = memberNameLocation(local, symbol.member.name, await fileText(ctx, local.location.file));
        if (at) return at;
      }
      const info = kernelInfo(ctx, symbol.map.typeName);
      if (!info || !info.members.some((m) => m.name === symbol.member.name)) return null;
      return kernelViewLocation(info, symbol.member.name);
    }
    case 'mapType': {
      const local = workspaceStruct(ctx, source.file, symbol.map.typeName);
      if (local) return lspLocation(local.nameLocation);
      const info = kernelInfo(ctx, symbol.map.typeName);
      return info ? kernelViewLocation(info) : null;
    }
    case 'wiredProgram': {
      for (const facts of factsSeeing(ctx, source.file)) {
        const program = facts.programs.find((p) => p.name === symbol.name);
        if (program) return lspLocation(program.nameLocation);
        const fn = facts.functions.find((f) => f.name === symbol.name);
        if (fn) return lspLocation(fn.nameLocation);
      }
      return null;
    }
    case 'registration': {
      // register_bpf_struct_ops(&desc, T): the descriptor and the ops struct.
      const r = symbol.registration;
      const start = source.index.offsetAt(r.location.range.start);
      const call = source.text.slice(start, source.index.offsetAt(r.location.range.end));
      const cursor = source.index.offsetAt(params.position) - start;
      const hit = (name: string | undefined) => {
        if (!name) return false;
        const re = new RegExp(`(?<![A-Za-z0-9_])${name}(?![A-Za-z0-9_])`, 'g');
        for (let m = re.exec(call); m; m = re.exec(call)) if (cursor >= m.index && cursor <= m.index + name.length) return true;
        return false;
      };
      if (hit(r.descriptorName)) {
        for (const facts of [source.facts, ...ctx.engine.allFacts()]) {
          const d = facts.descriptors.find((x) => x.varName === r.descriptorName);
          if (d) return lspLocation(d.nameLocation);
        }
      }
      if (hit(r.typeName)) {
        const local = workspaceStruct(ctx, source.file, r.typeName as string);
        if (local) return lspLocation(local.nameLocation);
      }
      return null;
    }
    default:
      return null;
  }
}

// Kernel modules written in the workspace, as BTF objects: their sources grouped by Kbuild module
// name (a file with descriptors or registrations and no Kbuild entry is a module named after its
// stem), their BTF synthesized on the profile's vmlinux as `clang -g` + `pahole -J` would emit it,
// including the value type the register_bpf_struct_ops() macro defines, and a profile extended
// with them as if they were loaded now. Assumed: every module is loaded (after the profile's real
// modules, in file-name order) and LIVE; its registrations ran (see sim/register.ts for whether
// they succeed); CONFIG_DEBUG_INFO_BTF_MODULES=y unless said otherwise.

import * as path from 'node:path';
import type { BtfSpec } from '../btf';
import type { CFunction, CTypeDefinition, FileFacts, OpsDescriptor, Registration, StructVariable } from '../c/facts';
import { readKbuildOfDir, type KbuildFacts } from '../c/kbuild';
import type { Location } from '../common/location';
import { CACHELINE_BYTES_X86_64, synthesizeBtf, type SynthesisProblem } from '../types';
import type { BtfObject, KernelProfile } from './profile';

export const VALUE_PREFIX = 'bpf_struct_ops_';
export const COMMON_VALUE = 'bpf_struct_ops_common_value';

/** A kernel module whose sources are in the workspace. */
export interface WorkspaceModule {
  readonly name: string;
  /** Source files (`.c`) that make up the module, sorted. */
  readonly sources: readonly FileFacts[];
  /** Headers the sources include (transitively) whose facts were available. */
  readonly headers: readonly FileFacts[];
  /** Where Kbuild declares it (`obj-m += x.o`); undefined when named after a file stem. */
  readonly kbuild?: Location;
  readonly descriptors: readonly Located<OpsDescriptor>[];
  readonly registrations: readonly Located<Registration>[];
  readonly structVariables: readonly Located<StructVariable>[];
  readonly functions: readonly Located<CFunction>[];
  /** The module's init function (module_init), if any source names one. */
  readonly initFunction?: string;
}

export interface Located<T> {
  readonly file: string;
  readonly item: T;
}

/** What the simulation assumes about a workspace module; every field has a stated default. */
export interface ModuleAssumptions {
  /**
   * The module's BTF: `present` (default; CONFIG_DEBUG_INFO_BTF_MODULES=y), `no-config`
   * (CONFIG_DEBUG_INFO_BTF_MODULES=n: silently none) or `missing` (BTF_MODULES=y but the .ko has
   * no usable .BTF, e.g. rejected with CONFIG_MODULE_ALLOW_BTF_MISMATCH=y) — both REG-01.
   */
  readonly btf?: 'present' | 'no-config' | 'missing';
}

/** A workspace module's BTF object: a BtfObject plus where it came from. */
export interface WorkspaceBtfObject extends BtfObject {
  readonly workspace: WorkspaceModule;
  /** `bpf_struct_ops_<T>` types the register_bpf_struct_ops() macro contributed. */
  readonly macroValueTypes: readonly string[];
  readonly problems: readonly SynthesisProblem[];
}

export interface ExtendedProfile {
  readonly profile: KernelProfile;
  /** The workspace modules added (empty when the kernel cannot have module struct_ops). */
  readonly added: readonly WorkspaceBtfObject[];
  /** Modules not added, with why. */
  readonly skipped: readonly { readonly module: WorkspaceModule; readonly reason: string }[];
  /** One line per module for traces: what was assumed. */
  readonly notes: readonly string[];
}

export function isWorkspaceObject(o: BtfObject): o is WorkspaceBtfObject {
  return (o as Partial<WorkspaceBtfObject>).workspace !== undefined;
}

const hasKernelSide = (f: FileFacts) => f.descriptors.length > 0 || f.registrations.length > 0 || f.legacyTypes.length > 0;

/**
 * Groups kernel-side sources into modules: Kbuild `obj-m` objects (and their `x-y` parts) first;
 * a `.c` file with descriptors or registrations that no Kbuild file names becomes a module named
 * after its stem. Built-in (`obj-y`) sources are vmlinux, not modules, and are left out.
 * `factsOf` supplies headers' facts (undefined when unknown: their types are then missing).
 */
export function collectWorkspaceModules(
  files: readonly FileFacts[],
  kbuild: readonly KbuildFacts[],
  factsOf: (file: string) => FileFacts | undefined = () => undefined,
): WorkspaceModule[] {
  const byFile = new Map(files.map((f) => [path.resolve(f.file), f]));
  const groups = new Map<string, { sources: FileFacts[]; kbuild?: Location; unindexed: string[] }>();
  const claimed = new Set<string>();
  for (const k of kbuild) {
    for (const o of k.objects) {
      claimed.add(o.source);
      if (o.module === 'vmlinux') continue;
      const g = groups.get(o.module) ?? { sources: [], kbuild: k.modules.find((m) => m.name === o.module)?.location ?? o.location, unindexed: [] };
      const facts = byFile.get(o.source);
      if (facts && !g.sources.includes(facts)) g.sources.push(facts);
      else if (!facts) g.unindexed.push(o.source);
      groups.set(o.module, g);
    }
  }
  // Only modules that register or describe an ops type matter; a kernel tree has thousands of
  // others, and parsing their remaining sources (the index skipped them) would cost minutes.
  for (const [name, g] of groups) {
    if (!g.sources.some((f) => f.registrations.length > 0 || f.descriptors.length > 0)) {
      groups.delete(name);
      continue;
    }
    for (const source of g.unindexed) {
      const facts = factsOf(source);
      if (facts && !g.sources.includes(facts)) g.sources.push(facts);
    }
  }
  for (const f of files) {
    const file = path.resolve(f.file);
    if (claimed.has(file) || file.endsWith('.h') || !hasKernelSide(f) || f.maps.length > 0 || f.programs.length > 0) continue;
    if (f.registrations.length === 0 && f.descriptors.length === 0) continue;
    const name = path.basename(file).replace(/\.c$/, '');
    const g = groups.get(name) ?? { sources: [], unindexed: [] };
    g.sources.push(f);
    groups.set(name, g);
  }
  const modules: WorkspaceModule[] = [];
  for (const [name, g] of [...groups].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (g.sources.length === 0) continue;
    const sources = [...g.sources].sort((a, b) => (a.file < b.file ? -1 : 1));
    const headers: FileFacts[] = [];
    const seen = new Set(sources.map((s) => path.resolve(s.file)));
    for (const s of sources) {
      for (const dep of s.dependencies ?? []) {
        const abs = path.resolve(dep);
        if (seen.has(abs)) continue;
        seen.add(abs);
        const facts = byFile.get(abs) ?? factsOf(abs);
        if (facts) headers.push(facts);
      }
    }
    const located = <T>(pick: (f: FileFacts) => readonly T[]) => sources.flatMap((f) => pick(f).map((item) => ({ file: f.file, item })));
    modules.push({
      name,
      sources,
      headers,
      kbuild: g.kbuild,
      descriptors: located((f) => f.descriptors),
      registrations: located((f) => f.registrations),
      structVariables: located((f) => f.structVariables),
      functions: located((f) => f.functions),
      initFunction: sources.map((s) => s.module?.initFunction).find((n) => n !== undefined),
    });
  }
  return modules;
}

/**
 * Kbuild facts for the directories of kernel-side sources that none of `known` covers, read from
 * disk (`Kbuild`, then `Makefile`), so callers that never index build files still get module
 * names. Unreadable or absent files are skipped.
 */
export function kbuildNear(files: readonly FileFacts[], known: readonly KbuildFacts[]): KbuildFacts[] {
  const knownDirs = new Set(known.map((k) => path.dirname(path.resolve(k.file))));
  const out: KbuildFacts[] = [];
  for (const dir of new Set(files.filter(hasKernelSide).map((f) => path.dirname(path.resolve(f.file))))) {
    if (knownDirs.has(dir)) continue;
    const facts = readKbuildOfDir(dir);
    if (facts) out.push(facts);
  }
  return out;
}

/** The value type `register_bpf_struct_ops(&d, T)` defines (include/linux/bpf.h, 6.9):
 *
 *   struct bpf_struct_ops_T {
 *     struct bpf_struct_ops_common_value common;     // vmlinux type, 8 bytes
 *     struct T data ____cacheline_aligned_in_smp;    // offset 64 on x86-64
 *   };
 */
export function macroValueType(typeName: string, at: Location): CTypeDefinition {
  return {
    kind: 'struct',
    name: VALUE_PREFIX + typeName,
    location: at,
    nameLocation: at,
    members: [
      { name: 'common', type: { kind: 'struct', tag: COMMON_VALUE }, text: `struct ${COMMON_VALUE} common;`, location: at },
      { name: 'data', type: { kind: 'struct', tag: typeName }, text: `struct ${typeName} data ____cacheline_aligned_in_smp;`, location: at, alignAttribute: CACHELINE_BYTES_X86_64 },
    ],
    enumerators: [],
    packed: false,
  };
}

/**
 * Synthesizes one module's BTF on `base` (vmlinux). Definitions come from the module's sources
 * and headers; each `register_bpf_struct_ops(&d, T)` adds `bpf_struct_ops_T` unless the sources
 * define that name themselves. Returns the object, or a string saying why it cannot be built.
 */
export function buildModuleObject(module: WorkspaceModule, base: BtfSpec, objectId: number): WorkspaceBtfObject | string {
  const definitions: CTypeDefinition[] = [...module.headers, ...module.sources].flatMap((f) => f.typeDefinitions);
  const defined = new Set(definitions.filter((d) => d.kind === 'struct').map((d) => d.name));
  const macroValueTypes: string[] = [];
  for (const { item: r } of module.registrations) {
    if (r.callee !== 'register_bpf_struct_ops' || !r.typeName) continue;
    const name = VALUE_PREFIX + r.typeName;
    if (defined.has(name)) continue;
    defined.add(name);
    macroValueTypes.push(name);
    definitions.push(macroValueType(r.typeName, r.location));
  }
  const out = synthesizeBtf({ name: module.name, base, definitions, functions: module.functions.map((f) => f.item) });
  if (!('spec' in out)) return `${module.name}: synthesized BTF does not parse: ${out.message}`;
  return {
    name: module.name,
    objectId,
    isModule: true,
    spec: out.spec,
    source: `workspace module ${module.name} (${module.sources.map((s) => path.basename(s.file)).join(', ')})`,
    workspace: module,
    macroValueTypes,
    problems: out.problems,
  };
}

/** Kernels from 6.9 register struct_ops types dynamically; before, modules cannot define any. */
export function kernelHasModuleStructOps(profile: KernelProfile): boolean {
  const v = profile.kernelVersion;
  return v.major > 6 || (v.major === 6 && v.minor >= 9);
}

/**
 * The profile with the workspace modules appended after its real modules, as if loaded now (BTF
 * object ids continue the profile's). A real module of the same name is replaced (a rebuilt
 * module reloaded). On kernels < 6.9 nothing is added and `notes` says why; the same for a
 * module without BTF (REG-01 assumptions) or without a vmlinux base.
 */
export function extendProfileWithModules(profile: KernelProfile, modules: readonly WorkspaceModule[], assumptions: (module: string) => ModuleAssumptions = () => ({})): ExtendedProfile {
  const notes: string[] = [];
  const skipped: { module: WorkspaceModule; reason: string }[] = [];
  if (modules.length === 0) return { profile, added: [], skipped, notes };
  if (!kernelHasModuleStructOps(profile)) {
    const reason = `kernel ${profile.kernelVersion.text} < 6.9: modules cannot define struct_ops types (no register_bpf_struct_ops, static list only)`;
    for (const m of modules) skipped.push({ module: m, reason });
    notes.push(`workspace module${modules.length === 1 ? '' : 's'} ${modules.map((m) => m.name).join(', ')} not added: ${reason}`);
    return { profile, added: [], skipped, notes };
  }
  const base = profile.vmlinux?.spec;
  if (!base) {
    for (const m of modules) skipped.push({ module: m, reason: 'the profile has no vmlinux BTF to build module BTF on' });
    notes.push('workspace modules not added: the profile has no vmlinux BTF');
    return { profile, added: [], skipped, notes };
  }
  const names = new Set(modules.map((m) => m.name));
  const objects: BtfObject[] = profile.objects.filter((o) => !(o.isModule && names.has(o.name)));
  const added: WorkspaceBtfObject[] = [];
  for (const m of modules) {
    const btf = assumptions(m.name).btf ?? 'present';
    if (btf !== 'present') {
      const reason = btf === 'no-config' ? 'CONFIG_DEBUG_INFO_BTF_MODULES=n: the module has no BTF' : 'the module has no usable BTF';
      skipped.push({ module: m, reason });
      notes.push(`workspace module ${m.name} loaded without BTF (${reason}); its struct_ops types are invisible (REG-01)`);
      continue;
    }
    const object = buildModuleObject(m, base, objects.length + 1);
    if (typeof object === 'string') {
      skipped.push({ module: m, reason: object });
      notes.push(object);
      continue;
    }
    objects.push(object);
    added.push(object);
    notes.push(`workspace module ${m.name}: BTF synthesized from ${m.sources.length} source${m.sources.length === 1 ? '' : 's'} on vmlinux (object #${object.objectId}), assumed loaded and LIVE`);
  }
  const description = `${profile.description} + workspace module${added.length === 1 ? '' : 's'} ${added.map((a) => a.name).join(', ') || '(none)'}`;
  return { profile: { ...profile, objects, description }, added, skipped, notes };
}

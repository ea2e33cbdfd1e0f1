// The engine facade the LSP server and the CLI share: it owns the C parser, the facts of every
// known file and the active kernel profile, and answers "what would happen when this object loads".

import type { CParserOptions } from './c/parser';
import type { CTypeDefinition, FileFacts } from './c/facts';
import { WorkspaceIndex, type IndexPhases, type IndexRunOptions, type IndexSummary } from './index/workspace';
import type { BootedWorker } from './index/workerBoot';
import type { Logger } from './common/logger';
import { loadKernelProfile, type KernelProfile, type ProfileError } from './kernel/profile';
import { builtinRegisteredNames, readLiveRegisteredNames, type RegisteredNameTable } from './kernel/liveState';
import type { BpfObjectInput } from './sim/objectModel';
import { structOpsMaps } from './sim/objectModel';
import { simulateObject } from './sim/simulate';
import { WorkspaceModuleState, type ModuleRegistry, type ModuleTrace } from './sim/register';
import type { UnloadScenario, UnloadTrace } from './sim/unload';
import type { Finding, LoaderOptions, ObjectTrace } from './sim/trace';

export interface EngineOptions {
  /** Where web-tree-sitter.wasm and tree-sitter-c.wasm are (bundles: their own directory). */
  readonly wasm: CParserOptions;
  /** Directory of the bundled default kernel profile. */
  readonly profilesDir: string;
  readonly logger: Logger;
  /** `-I` directories and `-D` definitions for every file, besides what compile databases say. */
  readonly includeDirs?: readonly string[];
  readonly defines?: readonly (readonly [string, string])[];
  /** Worker threads for bulk indexing (0: in this thread; default: WorkspaceIndexOptions.workers) and the bundled worker entry. */
  readonly workers?: number;
  readonly workerScript?: string;
  /** Globs excluded from folder scans (`files.exclude`). */
  readonly exclude?: readonly string[];
  /** The ripgrep that lists folders for the index (WorkspaceIndexOptions.ripgrep). */
  readonly ripgrep?: string;
  /** Index workers already started, for the first folder index (WorkspaceIndexOptions.bootedWorkers). */
  readonly bootedWorkers?: readonly BootedWorker[];
}

export interface ProfileSettings {
  readonly btf?: readonly string[];
  readonly kernelVersion?: string;
  readonly libbpfVersion?: string;
  /** Names each subsystem already has registered; default: procfs for the live kernel, else built-ins. */
  readonly registeredNames?: RegisteredNameTable;
}

export class StructOpsEngine {
  private activeProfile: KernelProfile | undefined;
  private profileProblem: ProfileError | undefined;
  private registered: RegisteredNameTable = builtinRegisteredNames;
  /** Traces by facts identity: a file's facts are replaced on every change, so an entry never goes stale. */
  private readonly traces = new WeakMap<FileFacts, { profile: KernelProfile; registered: RegisteredNameTable; trace: ObjectTrace }>();
  /** Kernel modules in the workspace: Kbuild facts, module BTF and registrations (sim/register.ts). */
  readonly modules = new WorkspaceModuleState(
    (file) => this.index.facts(file) ?? this.index.refreshFile(file).facts,
    () => this.index.kbuild(),
  );

  private constructor(
    private readonly index: WorkspaceIndex,
    private readonly options: EngineOptions,
  ) {}

  static async create(options: EngineOptions): Promise<StructOpsEngine> {
    const index = await WorkspaceIndex.create({
      wasm: options.wasm,
      workers: options.workers,
      workerScript: options.workerScript,
      exclude: options.exclude,
      ripgrep: options.ripgrep,
      bootedWorkers: options.bootedWorkers,
      logger: options.logger,
      extract: { includeDirs: options.includeDirs, defines: options.defines },
    });
    return new StructOpsEngine(index, options);
  }

  /** Lists folders with this ripgrep from the next folder index on (undefined: walk them in this process). */
  useRipgrep(rg: string | undefined): void {
    this.index.useRipgrep(rg);
  }

  /**
   * Indexes folders (scan, prefilter, parse candidates; workers when configured), both phases.
   * Never throws for unreadable files: they are skipped.
   */
  async indexFolders(roots: readonly string[], run: IndexRunOptions = {}): Promise<IndexSummary> {
    return (await this.indexFoldersInPhases(roots, run)).complete;
  }

  /**
   * Indexes folders; returns once the struct_ops files' facts are in (WorkspaceIndex
   * indexFoldersInPhases), with `complete` for the rest. The module model rebuilds after each
   * phase: each brings sources and Kbuild files.
   */
  async indexFoldersInPhases(roots: readonly string[], run: IndexRunOptions = {}): Promise<IndexPhases> {
    const phases = await this.index.indexFoldersInPhases(roots, run);
    this.modules.invalidate();
    const complete = phases.complete.then((summary) => {
      this.modules.invalidate();
      return summary;
    });
    return { ...phases, complete };
  }

  /**
   * Replaces the `-I` directories and `-D` definitions every file is extracted with (settings or
   * project config changed). Known files keep their facts until re-indexed with indexFolders().
   */
  setSourceOptions(options: { readonly includeDirs: readonly string[]; readonly defines: readonly (readonly [string, string])[] }): void {
    this.index.setSourceOptions(options);
  }

  /** Loads the kernel profile; on failure keeps the previous one and returns the error. */
  async configureProfile(settings: ProfileSettings): Promise<KernelProfile | ProfileError> {
    const result = await loadKernelProfile({
      btf: settings.btf ? [...settings.btf] : undefined,
      kernelVersion: settings.kernelVersion,
      libbpfVersion: settings.libbpfVersion,
      bundledDir: this.options.profilesDir,
      logger: this.options.logger,
    });
    if ('objects' in result) {
      this.activeProfile = result;
      this.profileProblem = undefined;
      this.registered = settings.registeredNames ?? (result.btfSource === 'live' ? readLiveRegisteredNames() : builtinRegisteredNames);
    } else {
      this.profileProblem = result;
    }
    return result;
  }

  /**
   * Does now what the first simulation on this profile would do first: index vmlinux's type
   * names. The server calls it while the index workers parse, when this thread is idle.
   */
  prepareProfile(): void {
    this.activeProfile?.vmlinux?.spec.indexNames();
  }

  get profile(): KernelProfile | undefined {
    return this.activeProfile;
  }

  get profileError(): ProfileError | undefined {
    return this.profileProblem;
  }

  /**
   * Re-extracts one file from the editor's text. Returns its facts (undefined for a non-C file)
   * and the files that include it, whose facts the caller should refresh.
   */
  updateFile(file: string, text: string): { facts?: FileFacts; dependents: string[] } {
    const previous = this.index.facts(file);
    const result = this.index.updateFile(file, text);
    this.modules.changed(file, previous, result.facts);
    return result;
  }

  /** See WorkspaceIndex.rehearseEdit: runs the keystroke path once, changing nothing. */
  rehearseEdit(file: string): void {
    this.index.rehearseEdit(file);
  }

  /** Re-reads a file from disk (saved, changed outside the editor, or a dependent of a change). */
  refreshFile(file: string): { facts?: FileFacts; dependents: string[] } {
    const previous = this.index.facts(file);
    const result = this.index.refreshFile(file);
    this.modules.changed(file, previous, result.facts);
    return result;
  }

  /** Forgets a deleted file; returns the files that included it. */
  removeFile(file: string): string[] {
    this.modules.changed(file, this.index.facts(file), undefined);
    return this.index.removeFile(file);
  }

  facts(file: string): FileFacts | undefined {
    return this.index.facts(file);
  }

  /** Every file's facts, sorted by file (the index keeps the list between changes). */
  allFacts(): readonly FileFacts[] {
    return this.index.allFacts();
  }

  /** Files that compile to a BPF object with struct_ops content. */
  objectFiles(): string[] {
    return this.allFacts()
      .filter((f) => !f.file.endsWith('.h') && (structOpsMaps(f).length > 0 || f.programs.some((p) => p.section.includes('struct_ops'))))
      .map((f) => f.file);
  }

  /** The simulation trace of one object file, or undefined when it is unknown or no profile is loaded. */
  simulate(file: string, loader: LoaderOptions = {}): ObjectTrace | undefined {
    const facts = this.index.facts(file);
    const profile = this.activeProfile;
    if (!facts || !profile) return undefined;
    const registered = this.registered;
    const plain = (loader.sleepable ?? []).length === 0;
    // Workspace modules join the profile as if loaded (kernel/workspaceModules.ts).
    const modules = this.modules.for(profile, () => this.allFacts());
    if (this.modules.failure) {
      this.options.logger.error(`workspace modules skipped after an internal error: ${this.modules.failure}`);
      this.modules.failure = undefined;
    }
    const cached = plain ? this.traces.get(facts) : undefined;
    if (cached && cached.profile === modules.profile && cached.registered === registered) return cached.trace;
    const note = modules.noteStep();
    const trace = simulateObject(objectInput(facts, this.index), modules.profile, (typeName) => (registered[typeName] ? new Set(registered[typeName]) : undefined), loader, {
      preamble: note ? [note] : [],
      mapCreate: (map) => modules.mapCreateFindings(map),
      progLoad: (maps, already) => modules.progLoadFindings(maps, facts.programs, already),
      mapUpdate: (maps, already) => modules.mapUpdateFindings(maps, already),
    });
    if (plain) this.traces.set(facts, { profile: modules.profile, registered, trace });
    return trace;
  }

  /** The workspace modules' registry on the active profile; undefined without a profile. */
  private moduleRegistry(): ModuleRegistry | undefined {
    return this.activeProfile && this.modules.for(this.activeProfile, () => this.allFacts());
  }

  /** The profile simulations run on: the active one plus the workspace's kernel modules as if loaded; undefined without a profile. */
  simulationProfile(): KernelProfile | undefined {
    return this.moduleRegistry()?.profile;
  }

  /** insmod traces of every workspace module on the active profile (empty without a profile). */
  registrationTraces(): ModuleTrace[] {
    return this.moduleRegistry()?.allTraces() ?? [];
  }

  /** Names of the kernel modules whose sources are in the workspace (empty without a profile). */
  moduleNames(): string[] {
    return this.moduleRegistry()?.modules.map((m) => m.name) ?? [];
  }

  /** The source files (`.c`) of a workspace module; empty when unknown or without a profile. */
  moduleSources(moduleName: string): string[] {
    return this.moduleRegistry()?.module(moduleName)?.sources.map((f) => f.file) ?? [];
  }

  /** insmod of a workspace module (its registrations) on the active profile; undefined when unknown. */
  simulateRegistration(moduleName: string): ModuleTrace | undefined {
    return this.moduleRegistry()?.trace(moduleName);
  }

  /** rmmod of a workspace module while the workspace's BPF objects use it; undefined when unknown. */
  simulateUnload(moduleName: string, scenario: UnloadScenario = {}): UnloadTrace | undefined {
    const objects = this.objectFiles().flatMap((file) => {
      const trace = this.simulate(file);
      const facts = this.index.facts(file);
      return trace && facts ? [{ facts, trace }] : [];
    });
    return this.activeProfile && this.modules.unload(this.activeProfile, () => this.allFacts(), moduleName, objects, scenario);
  }

  /** Findings located in `file`, from every object whose simulation reaches it and every module's registration. */
  findingsFor(file: string): Finding[] {
    const registrations = this.registrationTraces();
    return [...this.objectFiles().map((object) => this.simulate(object)), ...registrations]
      .flatMap((trace) => (trace ? trace.steps.flatMap((s) => s.findings) : []))
      .filter((f) => f.location.file === file);
  }
}

/**
 * The object a BPF source compiles to. Its local types are the file's own definitions, then those
 * of the headers it includes, in order (a module's header, vmlinux.h: clang puts them in the
 * object's BTF too): from the index's facts, or cut out of a header it holds none for.
 */
function objectInput(facts: FileFacts, index: WorkspaceIndex): BpfObjectInput {
  const localType = (tag: string) => {
    const own = structsOf(facts).get(tag);
    if (own) return own;
    for (const dependency of facts.dependencies ?? []) {
      const header = index.facts(dependency);
      const def = header ? structsOf(header).get(tag) : index.recordDefinition(dependency, tag);
      if (def) return def;
    }
    return undefined;
  };
  return { file: facts.file, facts, localType };
}

/** Struct and union definitions with a body, by tag, per facts (facts never change: a change makes new facts). */
const structsByFacts = new WeakMap<FileFacts, Map<string, CTypeDefinition>>();

function structsOf(facts: FileFacts): Map<string, CTypeDefinition> {
  let types = structsByFacts.get(facts);
  if (!types) {
    types = new Map();
    for (const def of facts.typeDefinitions) {
      if ((def.kind === 'struct' || def.kind === 'union') && def.members.length > 0 && !types.has(def.name)) types.set(def.name, def);
    }
    structsByFacts.set(facts, types);
  }
  return types;
}

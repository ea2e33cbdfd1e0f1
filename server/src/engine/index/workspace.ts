// The workspace index: files -> facts (never trees), built by a scan and kept current with
// updateFile/removeFile, with the queries the simulator and LSP features ask (maps, programs,
// types, descriptors, registrations, module identity). Parsing runs in worker threads or in-thread,
// in two phases: struct_ops files first, then the other BPF programs (IndexPhases).

import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { BpfProgram, CTypeDefinition, FileFacts, LegacyStructOpsType, OpsDescriptor, Registration, StructOpsMap } from '../c/facts';
import { extractFacts } from '../c/extract';
import { readKbuildOfDir, type KbuildFacts } from '../c/kbuild';
import { findRecordDefinition } from '../c/recordText';
import { createCParser, type CParser, type CParserOptions } from '../c/parser';
import { nodeFs, PreprocessorCache } from '../c/preprocessor';
import { linesBefore } from '../common/location';
import { silentLogger, type Logger } from '../common/logger';
import { indexFile, PATH_SEPARATOR, readForIndex, type FileResult, type IndexFileContext, type PortableExtractOptions } from './indexFile';
import type { FromWorker, ToWorker, WorkerSettings } from './indexWorker';
import { defaultIndexWorkers, startIndexWorker, type BootedWorker } from './workerBoot';
import { listWithRipgrep, type RipgrepListing } from './ripgrep';
import { candidateKind, DEFAULT_MAX_FILE_SIZE, scanFolders, type CandidateKind, type Prefilter, type ScanOptions } from './scan';

export interface WorkspaceIndexOptions {
  readonly wasm: CParserOptions;
  /** Worker threads for bulk indexing; 0 parses in this thread. Default: defaultIndexWorkers() with a workerScript, else 0. */
  readonly workers?: number;
  /** The bundled worker entry (server/out/indexWorker.js); required when workers > 0. */
  readonly workerScript?: string;
  readonly extract?: PortableExtractOptions;
  /** Globs excluded below every root (VS Code `files.exclude` style). */
  readonly exclude?: readonly string[];
  readonly maxFileSize?: number;
  readonly logger?: Logger;
  /** Files per worker message: big enough to amortise messaging, small enough to balance. */
  readonly chunkSize?: number;
  /**
   * When this thread's parser loads: at create (`now`, the default: editing needs it at once), or
   * when first needed (`on-demand`): a folder index on workers never parses here, so an index-only
   * run (`struct-ops index`) does without the parser's ~10 MiB. Then call loadParser() before
   * updateFile, refreshFile or recordDefinition.
   */
  readonly loadParser?: 'now' | 'on-demand';
  /**
   * The ripgrep executable that walks folders and applies the literal prefilter (VS Code ships
   * one; ripgrepOnPath finds the system's). Without it, or when it cannot be started, this
   * process walks and filters (scanFolders), with the same result.
   */
  readonly ripgrep?: string;
  /**
   * Workers started before this index was created (bootIndexWorkers), for its first folder index:
   * a worker takes 100-200 ms to boot and load the parser, which the editor's first diagnostics then
   * need not wait for.
   */
  readonly bootedWorkers?: readonly BootedWorker[];
}

export interface IndexProgress {
  /** `scan`, `index` and `dependencies` belong to the first phase, `deferred` to the second. */
  readonly phase: 'scan' | 'index' | 'dependencies' | 'deferred';
  readonly done: number;
  readonly total: number;
}

export interface IndexRunOptions {
  readonly onProgress?: (progress: IndexProgress) => void;
  readonly isCancelled?: () => boolean;
  /**
   * Files the workers read first, before the walk lists them (the editor's open documents, whose
   * diagnostics wait for the first phase). What the walk does not list is dropped as usual.
   */
  readonly first?: readonly string[];
}

export interface IndexSummary {
  /** Candidate files found by the walk (C sources, headers, Kbuild files). */
  readonly candidates: number;
  /** Files with facts now (C and Kbuild). */
  readonly indexed: number;
  /** Candidates without any prefilter literal. */
  readonly filtered: number;
  readonly skipped: readonly { readonly file: string; readonly reason: string }[];
  readonly cancelled: boolean;
  readonly durationMs: number;
}

/**
 * A folder index in two phases. The first parses the C files with struct_ops code or sections of
 * their own, what they include, and the Kbuild files of their directories and above (their
 * modules): every file a struct_ops finding can come from, unless a header's macro writes the
 * section. The second parses the other BPF programs (in a kernel tree, most of the parsing): only
 * through such a macro can they define struct_ops.
 */
export interface IndexPhases {
  /** The first phase; its facts are stored. */
  readonly structOps: IndexSummary;
  /** C files left to the second phase. */
  readonly deferred: number;
  /**
   * Resolves once the second phase's facts are stored too, with the summary of the whole index
   * (`cancelled` when cancelled, or when another folder index started meanwhile: then it stored nothing).
   */
  readonly complete: Promise<IndexSummary>;
}

export interface Located<T> {
  readonly file: string;
  readonly item: T;
}

/** A descriptor with the ops type it serves (from a registration, or the legacy `bpf_<type>` name). */
export interface DescriptorInfo extends Located<OpsDescriptor> {
  readonly typeName?: string;
  readonly module?: string;
}

export class WorkspaceIndex {
  private readonly cFacts = new Map<string, FileFacts>();
  /** allFacts() sorted, kept until the next change: simulations ask on every keystroke. */
  private sortedFacts: FileFacts[] | undefined;
  private readonly kbuildFacts = new Map<string, KbuildFacts>();
  /** Directories whose Kbuild moduleOf has looked for (readKbuildOf); cleared when Kbuild facts change. */
  private readonly kbuildDirsRead = new Set<string>();
  private readonly overlays = new Map<string, string>();
  private readonly cache: PreprocessorCache;
  private readonly logger: Logger;
  private ctx: IndexFileContext;
  private moduleBySource: Map<string, string> | undefined;
  /** Bumped by each folder index: the second phase of an earlier one then stops and stores nothing. */
  private indexGeneration = 0;
  /** The ripgrep that lists folders (WorkspaceIndexOptions.ripgrep, useRipgrep); dropped once it fails: folders are walked here from then on. */
  private ripgrep: string | undefined;
  /** Struct and union definitions cut out of files the index holds no facts for, by file, with the text they come from, and tag (null: none there). */
  private readonly dependencyRecords = new Map<string, { readonly text: string; readonly byTag: Map<string, CTypeDefinition | null> }>();
  /** Files updated, refreshed or removed since the running folder index began: it leaves them alone. */
  private readonly touched = new Set<string>();
  /** The booted workers (WorkspaceIndexOptions.bootedWorkers), until the first folder index takes them. */
  private bootedPool: WorkerPool | undefined;

  private constructor(private readonly options: WorkspaceIndexOptions) {
    this.logger = options.logger ?? silentLogger;
    // Editors' unsaved texts win over the disk for includes, too.
    this.cache = new PreprocessorCache({ readFile: (f) => this.overlays.get(f) ?? nodeFs.readFile(f) }, this.logger);
    this.ctx = { parser: parserNotLoaded, cache: this.cache, logger: this.logger, extract: options.extract ?? {}, maxFileSize: options.maxFileSize ?? DEFAULT_MAX_FILE_SIZE };
    this.ripgrep = options.ripgrep;
    const booted = options.bootedWorkers ?? [];
    if (booted.length > 0) this.bootedPool = new WorkerPool(booted.map((b) => b.worker), this.logger, booted.map((b) => b.stopped())).idle();
  }

  /** Lists folders with this ripgrep from the next folder index on (undefined: walk them here). */
  useRipgrep(rg: string | undefined): void {
    this.ripgrep = rg;
  }

  /** Replaces the include directories and defines for every extraction from now on; known facts keep theirs until re-indexed. */
  setSourceOptions(options: Pick<PortableExtractOptions, 'includeDirs' | 'defines'>): void {
    this.ctx = { ...this.ctx, extract: { ...this.ctx.extract, includeDirs: options.includeDirs, defines: options.defines } };
    this.cache.clear();
  }

  /** Loads the parser for this thread (see loadParser in the options); rejects only when the wasm files cannot be loaded. */
  static async create(options: WorkspaceIndexOptions): Promise<WorkspaceIndex> {
    // Booted workers load their parsers on other cores meanwhile.
    const index = new WorkspaceIndex(options);
    if (options.loadParser !== 'on-demand') await index.loadParser();
    return index;
  }

  /** Loads this thread's parser if it is not loaded yet; rejects only when the wasm files cannot be loaded. */
  async loadParser(): Promise<void> {
    if (this.ctx.parser === parserNotLoaded) this.ctx = { ...this.ctx, parser: await createCParser(this.options.wasm) };
  }

  /** Extraction in this thread is a bug before loadParser() when the index was created with `loadParser: 'on-demand'`. */
  private assertParser(): void {
    if (this.ctx.parser === parserNotLoaded) throw new Error(PARSER_NOT_LOADED);
  }

  /** Indexes every candidate under the roots in both phases, replacing what was known about files found there. */
  async indexFolders(roots: readonly string[], run: IndexRunOptions = {}): Promise<IndexSummary> {
    return (await this.indexFoldersInPhases(roots, run)).complete;
  }

  /**
   * Indexes every candidate under the roots; returns when the first phase's facts are stored,
   * while the second phase goes on (IndexPhases). Files updated, refreshed or removed meanwhile
   * keep what those calls gave them. Files under the roots that are no longer found are forgotten
   * when the second phase completes.
   */
  async indexFoldersInPhases(roots: readonly string[], run: IndexRunOptions = {}): Promise<IndexPhases> {
    const started = performance.now();
    const generation = ++this.indexGeneration;
    this.touched.clear();
    const superseded = () => generation !== this.indexGeneration;
    const isCancelled = () => superseded() || (run.isCancelled?.() ?? false);
    const workers = this.workerCount();
    if (workers === 0) await this.loadParser();
    const pool = workers > 0 ? this.startPool(workers) : undefined;
    const absRoots = roots.map((r) => path.resolve(r));
    let handedOver = false;
    try {
      const first = await this.parseStructOpsCandidates(roots, pool, { ...run, isCancelled });
      const known = new Set(first.results.filter(hasFacts).map((r) => r.file));
      const dependencies = first.cancelled ? [] : this.wantedDependencies(first.results, known, absRoots);
      const dependencySet = new Set(dependencies);
      // Module identity for the first phase's sources: the Kbuild files of their directories and above.
      const sourceDirs = new Set<string>();
      for (const file of [...known, ...dependencies]) {
        for (let dir = path.dirname(file); !sourceDirs.has(dir) && absRoots.some((root) => isUnder(dir, root)); dir = path.dirname(dir)) sourceDirs.add(dir);
      }
      const nearKbuild = first.kbuild.filter((file) => sourceDirs.has(path.dirname(file)));
      const firstList: ListEntry[] = [
        ...dependencies.map((file) => ({ file, kind: 'c' as const, prefilter: 'off' as const })),
        ...nearKbuild.map((file) => ({ file, kind: 'kbuild' as const, prefilter: 'relevant' as const })),
      ];
      // Kbuild files elsewhere say which module a source belongs to, and no other source has
      // struct_ops code: they are not kept (in a kernel tree, 2,300 files and most of the index's
      // memory). A source that gains struct_ops code later has its Kbuild read then (moduleOf).
      const deferred: ListEntry[] = first.deferred
        .filter((f) => !dependencySet.has(f))
        .map((file) => ({ file, kind: 'c' as const, prefilter: 'expanded' as const }));
      run.onProgress?.({ phase: 'dependencies', done: 0, total: firstList.length });
      const parsingDependencies = this.parseFiles(firstList, pool);
      // With workers, the second phase is queued behind the dependencies at once: it parses while
      // this thread stores the first phase and its caller publishes.
      const onDeferred = (done: number) => run.onProgress?.({ phase: 'deferred', done, total: deferred.length });
      const parsingDeferred = pool && !first.cancelled ? this.parseFiles(deferred, pool, { isCancelled, onChunk: onDeferred }) : undefined;
      const firstDependencies = await parsingDependencies;
      const firstResults = [...first.results, ...firstDependencies.results];
      const skipped: { file: string; reason: string }[] = [];
      // A folder index started meanwhile owns the facts now.
      const cancelled = first.cancelled || superseded();
      if (!superseded()) for (const r of firstResults) this.storeUntouched(r, skipped);
      const structOps: IndexSummary = {
        candidates: first.candidates,
        indexed: this.cFacts.size + this.kbuildFacts.size,
        filtered: first.filtered,
        skipped: [...skipped],
        cancelled,
        durationMs: performance.now() - started,
      };
      if (cancelled) return { structOps, deferred: deferred.length, complete: Promise.resolve(structOps) };
      const second = async (): Promise<IndexSummary> => {
        try {
          const parsed = parsingDeferred ?? this.parseFiles(deferred, undefined, { isCancelled, onChunk: onDeferred });
          const { results, filtered, cancelled: stopped } = await parsed;
          for (const r of firstResults) if (hasFacts(r)) known.add(r.file);
          for (const r of results) if (hasFacts(r)) known.add(r.file);
          // Headers are indexed for the types of struct_ops maps: those of files without any are not needed.
          const withCode = results.filter((r) => r.kind !== 'c' || r.facts.maps.length > 0 || r.facts.programs.length > 0);
          const wanted = stopped ? [] : this.wantedDependencies(withCode, known, absRoots);
          const all = [...results, ...(await this.parseFiles(wanted.map((file) => ({ file, kind: 'c' as const, prefilter: 'off' as const })), pool)).results];
          if (superseded()) return { ...structOps, cancelled: true, durationMs: performance.now() - started };
          if (!stopped) {
            for (const r of all) if (hasFacts(r)) known.add(r.file);
            for (const file of [...this.cFacts.keys(), ...this.kbuildFacts.keys()]) {
              if (!known.has(file) && absRoots.some((root) => isUnder(file, root)) && !this.overlays.has(file) && !this.touched.has(file)) this.forget(file);
            }
          }
          for (const r of all) this.storeUntouched(r, skipped);
          this.touched.clear();
          return {
            candidates: first.candidates,
            indexed: this.cFacts.size + this.kbuildFacts.size,
            filtered: first.filtered + filtered,
            skipped,
            cancelled: stopped,
            durationMs: performance.now() - started,
          };
        } finally {
          pool?.dispose();
        }
      };
      handedOver = true;
      return { structOps, deferred: deferred.length, complete: second() };
    } finally {
      if (!handedOver) pool?.dispose();
    }
  }

  /**
   * The first phase's reads, streamed from the walk: facts of the C files with struct_ops
   * evidence; the other relevant C files are returned as `deferred`, unparsed, and the Kbuild
   * files as `kbuild`, unread. With workers, this thread reads and filters too, a chunk at a time
   * between events, once the walk is done (it has nothing else to do then); the few files it finds
   * with struct_ops code are parsed by the workers, so no parse holds up this thread's requests.
   */
  private async parseStructOpsCandidates(
    roots: readonly string[],
    pool: WorkerPool | undefined,
    run: IndexRunOptions,
  ): Promise<{ candidates: number; results: FileResult[]; deferred: string[]; kbuild: string[]; filtered: number; cancelled: boolean }> {
    const chunkSize = this.options.chunkSize ?? 256;
    const queue: string[][] = [];
    /** Chunks the workers read (`readThere`), and files this thread read and handed over to be parsed. */
    const outcomes: { readonly outcome: Promise<ChunkOutcome>; readonly readThere: boolean }[] = [];
    const kbuild: string[] = [];
    const cFiles: string[] = [];
    let chunk: string[] = [];
    // Chunks a worker may hold: during the walk (this thread only lists directories) enough to keep
    // a booting worker busy; afterwards a couple, so this thread and the workers share the rest.
    let ahead = WALK_CHUNKS_AHEAD;
    const feed = (): void => {
      while (pool && queue.length > 0 && pool.pending < ahead * pool.size) outcomes.push({ outcome: pool.run(queue.shift() ?? [], 'structOps'), readThere: true });
    };
    const early = new Map<string, Promise<ChunkOutcome>>();
    for (const file of run.first ?? []) {
      const abs = path.resolve(file);
      if (pool && candidateKind(abs) === 'c' && !early.has(abs)) early.set(abs, pool.run([abs], 'structOps'));
    }
    const scan = await this.listCandidates(roots, {
      exclude: this.options.exclude,
      logger: this.logger,
      isCancelled: run.isCancelled,
      onFile: (file, kind) => {
        const readEarly = early.get(file);
        if (readEarly) outcomes.push({ outcome: readEarly, readThere: true });
        else if (kind === 'kbuild') kbuild.push(file);
        else if (!pool) cFiles.push(file);
        else {
          chunk.push(file);
          if (chunk.length >= chunkSize) {
            queue.push(chunk);
            chunk = [];
            feed();
          }
        }
      },
    });
    if (chunk.length > 0) queue.push(chunk);
    run.onProgress?.({ phase: 'scan', done: scan.count, total: scan.count });
    this.cache.clear();

    const results: FileResult[] = [];
    const deferred: string[] = [];
    // Candidates ripgrep did not list have no prefilter literal.
    let filtered = scan.dropped;
    let cancelled = scan.cancelled;
    let done = 0;
    const total = scan.count - scan.dropped - kbuild.length;
    const take = (r: FileResult): void => {
      if (r.kind === 'deferred') deferred.push(r.file);
      else if (r.kind === 'filtered') filtered++;
      else results.push(r);
    };
    if (pool) {
      ahead = SHARED_CHUNKS_AHEAD;
      for (let mine = cancelled ? undefined : queue.pop(); mine; mine = queue.pop()) {
        feed();
        const toParse: string[] = [];
        let sliceEnd = performance.now() + READ_SLICE_MS;
        for (let i = 0; i < mine.length; i++) {
          const r = readForIndex(mine[i], 'c', this.ctx.maxFileSize, 'structOps', this.logger);
          if (r.kind === 'text') toParse.push(mine[i]);
          else take(r);
          if (performance.now() > sliceEnd && i + 1 < mine.length) {
            await yieldToLoop();
            feed();
            sliceEnd = performance.now() + READ_SLICE_MS;
          }
        }
        if (toParse.length > 0) outcomes.push({ outcome: pool.run(toParse, 'off'), readThere: false });
        done += mine.length;
        run.onProgress?.({ phase: 'index', done, total });
        await yieldToLoop();
        if (run.isCancelled?.()) {
          cancelled = true;
          break;
        }
      }
      for (const { outcome: pending, readThere } of outcomes) {
        const outcome = await pending;
        outcome.results.forEach(take);
        filtered += outcome.filtered;
        // Files handed over were counted when this thread read them.
        if (readThere) done += outcome.results.length + outcome.filtered;
        run.onProgress?.({ phase: 'index', done, total });
        if (run.isCancelled?.()) {
          cancelled = true;
          break;
        }
      }
    } else {
      for (let i = 0; i < cFiles.length && !cancelled; i++) {
        take(indexFile(this.ctx, cFiles[i], 'c', { prefilter: 'structOps' }));
        if (i % 256 === 255) {
          run.onProgress?.({ phase: 'index', done: i + 1, total });
          await yieldToLoop();
          cancelled = run.isCancelled?.() ?? false;
        }
      }
    }
    return { candidates: scan.count, results, deferred, kbuild, filtered, cancelled };
  }

  /**
   * The folder walk: candidates streamed to `onFile`, through ripgrep when there is one, which
   * drops (and counts in `dropped`) the candidates without a prefilter literal; else scanFolders.
   */
  private async listCandidates(roots: readonly string[], options: ScanOptions & { readonly onFile: (file: string, kind: CandidateKind) => void }): Promise<{ count: number; dropped: number; cancelled: boolean }> {
    if (!this.ripgrep) return { ...(await scanFolders(roots, options)), dropped: 0 };
    let count = 0;
    let dropped = 0;
    // Overlapping roots list a file twice (symlinks are not followed), and so does a walk after a
    // ripgrep that failed part-way.
    const seen = new Set<string>();
    const onFile = (file: string, kind: CandidateKind): void => {
      if (seen.has(file)) return;
      seen.add(file);
      options.onFile(file, kind);
    };
    for (const root of roots) {
      const abs = path.resolve(root);
      const isDir = fs.statSync(abs, { throwIfNoEntry: false })?.isDirectory() ?? false;
      if (isDir && this.ripgrep) {
        let listing: RipgrepListing | undefined;
        try {
          listing = await listWithRipgrep(this.ripgrep, abs, { ...options, onFile });
        } catch (error) {
          this.logger.warn(`index: ${error instanceof Error ? error.message : String(error)}; walking ${abs} instead`);
        }
        if (listing) {
          count += listing.searched;
          dropped += listing.searched - listing.listed;
          if (listing.cancelled) return { count, dropped, cancelled: true };
          continue;
        }
        this.ripgrep = undefined;
      }
      // A file named directly, a missing root, or no ripgrep after all.
      const walked = await scanFolders([abs], { ...options, onFile });
      count += walked.count;
      if (walked.cancelled) return { count, dropped, cancelled: true };
    }
    return { count, dropped, cancelled: false };
  }

  /** Headers and sources that `results` include, inside the roots and not `known`: indexed for their types. */
  private wantedDependencies(results: readonly FileResult[], known: ReadonlySet<string>, absRoots: readonly string[]): string[] {
    const wanted = new Set<string>();
    for (const r of results) {
      if (r.kind !== 'c') continue;
      for (const dep of r.facts.dependencies ?? []) {
        if (!known.has(dep) && absRoots.some((root) => isUnder(dep, root)) && candidateKind(dep) === 'c') wanted.add(dep);
      }
    }
    return [...wanted].sort();
  }

  /**
   * Indexes a list of files on the pool (in chunks spread over the workers, all queued at once)
   * or in this thread (yielding between files in a background phase). Stops early when
   * `isCancelled` says so.
   */
  private async parseFiles(
    files: readonly ListEntry[],
    pool: WorkerPool | undefined,
    run: { isCancelled?: () => boolean; onChunk?: (done: number) => void } = {},
  ): Promise<{ results: FileResult[]; filtered: number; cancelled: boolean }> {
    const results: FileResult[] = [];
    let filtered = 0;
    let done = 0;
    if (pool) {
      const pending: Promise<ChunkOutcome>[] = [];
      for (const prefilter of ['off', 'relevant', 'structOps', 'expanded'] as const) {
        const paths = files.filter((f) => f.prefilter === prefilter).map((f) => f.file);
        for (let i = 0; i < paths.length; i += LIST_CHUNK_SIZE) pending.push(pool.run(paths.slice(i, i + LIST_CHUNK_SIZE), prefilter));
      }
      for (const p of pending) {
        const outcome = await p;
        results.push(...outcome.results);
        filtered += outcome.filtered;
        done += outcome.results.length + outcome.filtered;
        run.onChunk?.(done);
        if (run.isCancelled?.()) return { results, filtered, cancelled: true };
      }
      return { results, filtered, cancelled: false };
    }
    for (const { file, kind, prefilter } of files) {
      if (run.isCancelled?.()) return { results, filtered, cancelled: true };
      const r = indexFile(this.ctx, file, kind, { prefilter });
      if (r.kind === 'filtered') filtered++;
      else results.push(r);
      if (++done % LIST_CHUNK_SIZE === 0) run.onChunk?.(done);
      // A background phase leaves this thread to the editor's requests between files.
      if (run.onChunk) await yieldToLoop();
    }
    run.onChunk?.(done);
    return { results, filtered, cancelled: false };
  }

  /** Stores a folder index's result unless the file changed since the index began (the change is newer). */
  private storeUntouched(r: FileResult, skipped: { file: string; reason: string }[]): void {
    if (r.kind === 'skipped') skipped.push({ file: r.file, reason: r.reason });
    else if (!this.touched.has(r.file)) this.store(r, []);
  }

  private store(r: FileResult, skipped: { file: string; reason: string }[]): void {
    switch (r.kind) {
      case 'c':
        this.cFacts.set(r.file, r.facts);
        this.sortedFacts = undefined;
        return;
      case 'kbuild':
        this.kbuildFacts.set(r.file, r.kbuild);
        this.moduleBySource = undefined;
        this.kbuildDirsRead.clear();
        return;
      case 'filtered':
      case 'deferred':
        return;
      case 'skipped':
        skipped.push({ file: r.file, reason: r.reason });
        return;
    }
  }

  private forget(file: string): void {
    this.cFacts.delete(file);
    this.sortedFacts = undefined;
    if (this.kbuildFacts.delete(file)) {
      this.moduleBySource = undefined;
      this.kbuildDirsRead.clear();
    }
  }

  private workerCount(): number {
    return this.options.workers ?? (this.options.workerScript ? defaultIndexWorkers() : 0);
  }

  /** Workers for one folder index (the booted ones the first time), told its extract options. */
  private startPool(n: number): WorkerPool {
    const settings = { extract: this.ctx.extract, maxFileSize: this.ctx.maxFileSize };
    const booted = this.bootedPool;
    this.bootedPool = undefined;
    if (booted) return booted.configure(settings);
    const script = this.options.workerScript;
    if (!script) throw new Error('WorkspaceIndex: workers > 0 needs workerScript (the bundled indexWorker.js)');
    return new WorkerPool(Array.from({ length: n }, () => startIndexWorker(script, { wasm: this.options.wasm, debug: false })), this.logger).configure(settings);
  }

  /**
   * Re-extracts one file from the editor's text (C or Kbuild by name) and returns its facts with the
   * files that include it, which the caller may want to refresh. Undefined facts: not a C/Kbuild
   * file, or one larger than the index extracts (maxFileSize).
   */
  updateFile(file: string, text: string): { facts?: FileFacts; dependents: string[] } {
    this.assertParser();
    const abs = path.resolve(file);
    this.touched.add(abs);
    this.overlays.set(abs, text);
    this.cache.invalidate(abs);
    const kind = candidateKind(abs);
    if (!kind) return { dependents: this.dependents(abs) };
    if (text.length > this.ctx.maxFileSize) {
      // As on disk: a generated vmlinux.h opened in the editor took seconds per change to extract
      // whole. Includers still see its text, and the definitions they need (recordDefinition).
      this.forget(abs);
      this.logger.debug(`index: ${abs} is larger than ${this.ctx.maxFileSize} characters: not extracted whole`);
      return { dependents: this.dependents(abs) };
    }
    const r = indexFile(this.ctx, abs, kind, { text });
    this.store(r, []);
    return { ...(r.kind === 'c' ? { facts: r.facts } : {}), dependents: this.dependents(abs) };
  }

  /**
   * Extracts the editor's text of `file` (the last updateFile) with a space typed in its middle,
   * then as it is, storing nothing: the file's memo ends as it was. The first keystrokes in a
   * thread run several times slower than later ones, until V8 has compiled their code.
   */
  rehearseEdit(file: string): void {
    const abs = path.resolve(file);
    const text = this.overlays.get(abs);
    const kind = candidateKind(abs);
    if (text === undefined || kind !== 'c' || text.length > this.ctx.maxFileSize) return;
    const middle = text.indexOf('\n', text.length >> 1) + 1;
    indexFile(this.ctx, abs, kind, { text: `${text.slice(0, middle)} ${text.slice(middle)}` });
    indexFile(this.ctx, abs, kind, { text });
  }

  /** Re-reads a file from disk (after a save or an external change); the overlay is dropped. */
  refreshFile(file: string): { facts?: FileFacts; dependents: string[] } {
    this.assertParser();
    const abs = path.resolve(file);
    this.touched.add(abs);
    this.overlays.delete(abs);
    this.cache.invalidate(abs);
    const kind = candidateKind(abs);
    if (!kind) return { dependents: this.dependents(abs) };
    const r = indexFile(this.ctx, abs, kind, { prefilter: 'off' });
    if (r.kind === 'c' || r.kind === 'kbuild') this.store(r, []);
    else this.forget(abs);
    return { ...(r.kind === 'c' ? { facts: r.facts } : {}), dependents: this.dependents(abs) };
  }

  /** Drops a deleted file; returns the files that included it. */
  removeFile(file: string): string[] {
    const abs = path.resolve(file);
    this.touched.add(abs);
    this.overlays.delete(abs);
    this.cache.invalidate(abs);
    this.forget(abs);
    return this.dependents(abs);
  }

  /** Indexed files whose facts depend on `file` through includes. */
  dependents(file: string): string[] {
    const abs = path.resolve(file);
    const out: string[] = [];
    for (const [f, facts] of this.cFacts) if (facts.dependencies?.includes(abs)) out.push(f);
    return out.sort();
  }

  facts(file: string): FileFacts | undefined {
    return this.cFacts.get(path.resolve(file));
  }

  /** All C facts, sorted by file. */
  allFacts(): readonly FileFacts[] {
    this.sortedFacts ??= [...this.cFacts.values()].sort((a, b) => compare(a.file, b.file));
    return this.sortedFacts;
  }

  kbuild(): KbuildFacts[] {
    return [...this.kbuildFacts.values()].sort((a, b) => compare(a.file, b.file));
  }

  /**
   * The definition of `struct tag` (or union) in a file the index holds no facts for: a header too
   * large to index whole, such as a generated vmlinux.h, or one outside the folders. It is cut out
   * of the file's text and extracted alone, once per text. Undefined when the file has none or
   * cannot be read.
   */
  recordDefinition(file: string, tag: string): CTypeDefinition | undefined {
    this.assertParser();
    const abs = path.resolve(file);
    // The preprocessor cache holds the file's current text (the editor's, when open) until it changes.
    const text = this.cache.read(abs);
    if (text === undefined) return undefined;
    let records = this.dependencyRecords.get(abs);
    if (records?.text !== text) this.dependencyRecords.set(abs, (records = { text, byTag: new Map() }));
    let found = records.byTag.get(tag);
    if (found === undefined) records.byTag.set(tag, (found = this.extractRecord(abs, text, tag) ?? null));
    return found ?? undefined;
  }

  private extractRecord(file: string, text: string, tag: string): CTypeDefinition | undefined {
    const span = findRecordDefinition(text, tag);
    if (!span) return undefined;
    // Blank lines before the definition keep its locations those of the file (it starts a line).
    const alone = '\n'.repeat(linesBefore(text, span.start)) + text.slice(span.start, span.end) + '\n';
    const facts = extractFacts(this.ctx.parser, file, alone, { preprocess: false, remember: false, logger: this.logger });
    return facts.typeDefinitions.find((d) => (d.kind === 'struct' || d.kind === 'union') && d.name === tag && d.members.length > 0);
  }

  /** Every struct_ops map; with `typeName`, those of that type (a `___flavor` suffix is ignored). */
  maps(typeName?: string): Located<StructOpsMap>[] {
    return this.collect((f) => f.maps).filter((m) => !typeName || baseType(m.item.typeName) === baseType(typeName));
  }

  programs(name?: string): Located<BpfProgram>[] {
    return this.collect((f) => f.programs).filter((p) => !name || p.item.name === name);
  }

  typeDefinitions(name: string, kind?: CTypeDefinition['kind']): Located<CTypeDefinition>[] {
    return this.collect((f) => f.typeDefinitions).filter((t) => t.item.name === name && (!kind || t.item.kind === kind));
  }

  registrations(typeName?: string): Located<Registration>[] {
    return this.collect((f) => f.registrations).filter((r) => !typeName || r.item.typeName === typeName);
  }

  legacyTypes(name?: string): Located<LegacyStructOpsType>[] {
    return this.collect((f) => f.legacyTypes).filter((t) => !name || t.item.name === name);
  }

  /** Descriptors with their ops type: named by a registration in the same module, or `bpf_<type>` (legacy). */
  descriptors(typeName?: string): DescriptorInfo[] {
    const out: DescriptorInfo[] = [];
    const registrations = this.registrations();
    for (const d of this.collect((f) => f.descriptors)) {
      const module = this.moduleOf(d.file);
      const reg = registrations.find(
        (r) => r.item.descriptorName === d.item.varName && (r.file === d.file || (module !== undefined && this.moduleOf(r.file) === module)),
      );
      const legacy = d.item.varName.startsWith('bpf_') ? d.item.varName.slice(4) : undefined;
      const type = reg?.item.typeName ?? (legacy && this.legacyTypes(legacy).length > 0 ? legacy : undefined);
      if (typeName && type !== typeName) continue;
      out.push({ ...d, ...(type ? { typeName: type } : {}), ...(module ? { module } : {}) });
    }
    return out;
  }

  /** The BTF object a source file is built into per Kbuild (`my_mod`, or `vmlinux` for obj-y); undefined if unknown. */
  moduleOf(file: string): string | undefined {
    const abs = path.resolve(file);
    const known = this.moduleMap().get(abs);
    return known === undefined && this.readKbuildOf(path.dirname(abs)) ? this.moduleMap().get(abs) : known;
  }

  private moduleMap(): Map<string, string> {
    if (!this.moduleBySource) {
      this.moduleBySource = new Map();
      for (const k of this.kbuild()) for (const o of k.objects) this.moduleBySource.set(o.source, o.module);
    }
    return this.moduleBySource;
  }

  /**
   * Reads the Kbuild (or Makefile) of a directory the index holds none for: folder indexes keep
   * only those near struct_ops sources, and a source may gain struct_ops code later. True when
   * one was read and stored.
   */
  private readKbuildOf(dir: string): boolean {
    if (this.kbuildDirsRead.has(dir)) return false;
    this.kbuildDirsRead.add(dir);
    if (['Kbuild', 'Makefile'].some((name) => this.kbuildFacts.has(path.join(dir, name)))) return false;
    const facts = readKbuildOfDir(dir);
    if (!facts) return false;
    this.kbuildFacts.set(facts.file, facts);
    this.moduleBySource = undefined;
    return true;
  }

  private collect<T>(pick: (f: FileFacts) => readonly T[]): Located<T>[] {
    const out: Located<T>[] = [];
    for (const f of this.allFacts()) for (const item of pick(f)) out.push({ file: f.file, item });
    return out;
  }
}

/** What a worker made of one chunk: the files with facts or skipped, and how many were filtered. */
interface ChunkOutcome {
  readonly results: readonly FileResult[];
  readonly filtered: number;
}

function failedChunk(files: readonly string[], reason: string): ChunkOutcome {
  return { results: files.map((file) => ({ kind: 'skipped', file, reason }) as const), filtered: 0 };
}

/** A file to index and how its read filters. */
interface ListEntry {
  readonly file: string;
  readonly kind: CandidateKind;
  readonly prefilter: Prefilter;
}

/** Longest this thread reads files between turns of the event loop (it answers the editor in the server). */
const READ_SLICE_MS = 10;

/** Walk chunks a worker may hold while the walk goes on (see parseStructOpsCandidates). */
const WALK_CHUNKS_AHEAD = 8;
/** Chunks a worker may hold once this thread reads too. */
const SHARED_CHUNKS_AHEAD = 2;

/** Files per worker message for lists known in full (dependencies, the second phase): small, so the workers share them evenly. */
const LIST_CHUNK_SIZE = 16;

const PARSER_NOT_LOADED = 'WorkspaceIndex: this thread has no parser yet (created with loadParser "on-demand"; await loadParser() first)';

/** The parser of an index created with `loadParser: 'on-demand'` until loadParser() runs. */
const parserNotLoaded: CParser = {
  parse() {
    throw new Error(PARSER_NOT_LOADED);
  },
};

function hasFacts(r: FileResult): boolean {
  return r.kind === 'c' || r.kind === 'kbuild';
}

/** Runs chunks on N workers, least-loaded first; a worker that dies fails its chunks as skipped files. */
class WorkerPool {
  private readonly workers: { worker: Worker; load: number; alive: boolean }[] = [];
  private readonly waiting = new Map<number, { resolve: (r: ChunkOutcome) => void; files: readonly string[]; worker: number }>();
  private nextId = 0;

  /** `stopped`: workers started earlier that have already failed (BootedWorker.stopped). */
  constructor(workers: readonly Worker[], private readonly logger: Logger, stopped: readonly (Error | undefined)[] = []) {
    for (const [i, worker] of workers.entries()) {
      const slot = { worker, load: 0, alive: true };
      this.workers.push(slot);
      worker.on('message', (message: FromWorker) => this.onMessage(slot, message));
      worker.on('error', (error) => this.onDeath(i, error));
      worker.on('exit', (code) => {
        if (slot.alive && code !== 0) this.onDeath(i, new Error(`exit code ${code}`));
      });
    }
    stopped.forEach((error, i) => error && this.onDeath(i, error));
  }

  /** Live workers. */
  get size(): number {
    return this.workers.filter((w) => w.alive).length;
  }

  /** Chunks sent and not answered yet. */
  get pending(): number {
    return this.waiting.size;
  }

  /** Indexes the files (C or Kbuild by name) on the least-loaded live worker. */
  run(files: readonly string[], prefilter: Prefilter): Promise<ChunkOutcome> {
    const live = this.workers.map((w, i) => ({ w, i })).filter((x) => x.w.alive);
    if (live.length === 0) return Promise.resolve(failedChunk(files, 'index worker unavailable'));
    const target = live.reduce((a, b) => (b.w.load < a.w.load ? b : a));
    const id = this.nextId++;
    target.w.load += files.length;
    return new Promise((resolve) => {
      this.waiting.set(id, { resolve, files, worker: target.i });
      target.w.worker.postMessage({ type: 'chunk', id, files: files.join(PATH_SEPARATOR), prefilter } satisfies ToWorker);
    });
  }

  private onMessage(slot: { load: number }, message: FromWorker): void {
    if (message.type === 'log') {
      this.logger[message.level](message.message);
      return;
    }
    const waiting = this.waiting.get(message.id);
    if (!waiting) return;
    this.waiting.delete(message.id);
    slot.load -= waiting.files.length;
    waiting.resolve({ results: message.results, filtered: message.filtered });
  }

  private onDeath(index: number, error: Error): void {
    const slot = this.workers[index];
    if (!slot.alive) return;
    slot.alive = false;
    this.logger.error(`index worker ${index} failed: ${error.message}`);
    for (const [id, w] of this.waiting) {
      if (w.worker !== index) continue;
      this.waiting.delete(id);
      w.resolve(failedChunk(w.files, 'index worker failed'));
    }
  }

  /** Lets the process exit while these workers wait for an index (listening to them holds it). */
  idle(): this {
    for (const slot of this.workers) slot.worker.unref();
    return this;
  }

  /** Holds the process for the work to come; the workers read and extract with `settings` from now on. */
  configure(settings: WorkerSettings): this {
    for (const slot of this.workers) {
      slot.worker.ref();
      slot.worker.postMessage({ type: 'configure', settings } satisfies ToWorker);
    }
    return this;
  }

  dispose(): void {
    for (const slot of this.workers) {
      slot.alive = false;
      void slot.worker.terminate();
    }
  }
}

function baseType(name: string): string {
  const i = name.indexOf('___');
  return i < 0 ? name : name.slice(0, i);
}

function isUnder(file: string, root: string): boolean {
  return file === root || file.startsWith(root.endsWith(path.sep) ? root : root + path.sep);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function yieldToLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

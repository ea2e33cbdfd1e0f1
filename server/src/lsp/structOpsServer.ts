// The language server: keeps the engine's facts in step with open documents and files on disk,
// reloads the kernel profile when settings or the configured BTF files change, and publishes
// diagnostics and explorer data.

import { readFileSync, unwatchFile, watchFile } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  DidChangeConfigurationNotification,
  FileChangeType,
  TextDocumentSyncKind,
  TextDocuments,
  type Connection,
  type InitializeParams,
  type InitializeResult,
  type WorkDoneProgressServerReporter,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import {
  describeProfile,
  formatConfigProblem,
  isProjectConfigFile,
  readWorkspaceConfigs,
  ripgrepOnPath,
  StructOpsEngine,
  workspaceDefaultProfile,
  workspaceIgnoreMatcher,
  workspaceSourceOptions,
  type BootedWorker,
  type CParserOptions,
  type IndexPhases,
  type Logger,
  type ProjectConfig,
} from '../engine';
import { explorerChangedNotification, explorerRequest, readyNotification } from '../protocol';
import { configProblemDiagnostic } from './convert';
import { DiagnosticsPublisher } from './diagnosticsProvider';
import { registerClientRequests } from './clientRequests';
import { explorerData } from './explorerProvider';
import { featureCapabilities, refreshLanguageFeatures, registerLanguageFeatures } from './languageFeaturesProvider';
import { parseSettings, type StructOpsSettings } from './settings';

export interface ServerPaths {
  readonly wasm: CParserOptions;
  /** The bundled index worker; absent: index in the server's own thread. */
  readonly workerScript?: string;
  /** Index workers the entry started before loading the server, for the first folder index. */
  readonly bootedWorkers?: readonly BootedWorker[];
  readonly profilesDir: string;
}

interface InitializationOptions {
  /** URI of the folder with one page per check, for diagnostic code links. */
  readonly docsUri?: string;
  /** The editor's own ripgrep, which then lists folders for the index instead of the system's. */
  readonly ripgrepPath?: string;
}

/** The LSP log, which `close()` silences for good (at shutdown). */
export type ConnectionLogger = Logger & { close(): void };

/**
 * The LSP log; debug lines only while `verbose()` (the `structOps.trace.server` setting) says so.
 * Background work (the index's second phase, a delayed refresh) may finish after the client has
 * gone: a line it logs then has nowhere to go, and must not become an unhandled error. So nothing
 * is sent once closed: a send whose write failed later, with the connection disposed meanwhile,
 * made vscode-jsonrpc log that failure to the disposed connection.
 */
export function connectionLogger(connection: Connection, verbose: () => boolean): ConnectionLogger {
  let open = true;
  const send = (write: (m: string) => void) => (m: string) => {
    if (!open) return;
    try {
      write(m);
    } catch {
      // The connection is closed or disposed.
    }
  };
  return {
    error: send((m) => connection.console.error(m)),
    warn: send((m) => connection.console.warn(m)),
    info: send((m) => connection.console.info(m)),
    debug: send((m) => (verbose() ? connection.console.log(m) : undefined)),
    close: () => {
      open = false;
    },
  };
}

function readTextIfExists(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** How long typing must pause before the explorer and code lenses are asked to refresh. */
const VIEW_REFRESH_DELAY_MS = 250;
/** Most a burst of changes waits between two diagnostics publishes; a keystroke after a pause is answered at once. */
const PUBLISH_GAP_MS = 30;
/** How often configured kernel BTF files are checked for changes. */
const BTF_POLL_MS = 1000;

/** Keystrokes rehearsed after the first index (StructOpsServer.rehearse): V8 has compiled the path after a few. */
const REHEARSAL_ROUNDS = 4;

export class StructOpsServer {
  private readonly documents = new TextDocuments(TextDocument);
  private readonly publisher: DiagnosticsPublisher;
  private docsUri: string | undefined;
  private folders: string[] = [];
  private settings: StructOpsSettings | undefined;
  private clientCapabilities: InitializeParams['capabilities'] | undefined;
  private indexed = false;
  /** The project configs' ignore globs, applied to published diagnostics. */
  private isIgnored: (file: string, check: string) => boolean = () => false;
  /** Config files that have problem diagnostics, to clear once fixed. */
  private configProblemUris = new Set<string>();
  /** The include paths and defines last given to the engine, to re-index only when they change. */
  private sourceOptionsKey = JSON.stringify({ includeDirs: [], defines: [] });
  private viewRefresh: NodeJS.Timeout | undefined;
  /** The publish running now, and the one queued behind it with the union of what it was asked for. */
  private publishing: Promise<void> | undefined;
  private queued: { done: Promise<void>; edited: Set<string> | undefined } | undefined;
  private lastPublished = 0;
  private shutDown = false;
  /** How long the last publish took (simulating the workspace and sending), in ms. */
  private lastPublishCost = 0;
  private btfWatched: string[] = [];

  private constructor(
    private readonly connection: Connection,
    private readonly engine: StructOpsEngine,
    private readonly logger: ConnectionLogger,
    private readonly setVerbose: (verbose: boolean) => void,
  ) {
    this.publisher = new DiagnosticsPublisher(connection, () => this.docsUri, (f) => this.isIgnored(f.location.file, f.check));
  }

  /** Creates the engine (loads the parser wasm once) and wires every handler. */
  static async start(connection: Connection, paths: ServerPaths): Promise<StructOpsServer> {
    let verbose = false;
    const logger = connectionLogger(connection, () => verbose);
    const engine = await StructOpsEngine.create({
      wasm: paths.wasm,
      profilesDir: paths.profilesDir,
      logger,
      workerScript: paths.workerScript,
      bootedWorkers: paths.bootedWorkers,
      ripgrep: ripgrepOnPath(),
    });
    const server = new StructOpsServer(connection, engine, logger, (v) => (verbose = v));
    server.register();
    return server;
  }

  private register(): void {
    const { connection } = this;
    connection.onInitialize((params) => this.initialize(params));
    connection.onShutdown(() => {
      this.shutDown = true;
      this.logger.close();
      clearTimeout(this.viewRefresh);
      this.watchBtf([]);
    });
    connection.onInitialized(() => {
      void connection.client.register(DidChangeConfigurationNotification.type, { section: 'structOps' });
      this.guard('initial index', () => this.firstIndex());
    });
    connection.onDidChangeConfiguration(() => this.guard('configuration change', () => this.reloadProfile()));
    connection.onDidChangeWatchedFiles((params) =>
      this.guard('file change', async () => {
        // A project config changed: it may change the profile, include paths, defines and ignores.
        if (params.changes.some((change) => isProjectConfigFile(fileURLToPath(change.uri)))) await this.reloadProfile();
        for (const change of params.changes) {
          const file = fileURLToPath(change.uri);
          if (this.documents.get(change.uri)) continue;
          const dependents = change.type === FileChangeType.Deleted ? this.engine.removeFile(file) : this.engine.refreshFile(file).dependents;
          this.refreshDependents(dependents);
        }
        await this.refresh();
      }),
    );
    connection.onRequest(explorerRequest, () => explorerData(this.engine));
    registerClientRequests(connection, { engine: this.engine, folders: () => this.folders, ready: () => this.indexed, logger: this.logger });
    registerLanguageFeatures(connection, { engine: this.engine, documents: this.documents, settings: () => this.settings, logger: this.logger, folders: () => this.folders });
    this.documents.onDidChangeContent((event) =>
      this.guard('document change', async () => {
        // Before the first index completes, firstIndex() takes every open document's text.
        if (!event.document.uri.startsWith('file:') || !this.indexed) return;
        const file = fileURLToPath(event.document.uri);
        const { dependents } = this.engine.updateFile(file, event.document.getText());
        this.refreshDependents(dependents);
        await this.refresh(new Set([file]));
      }),
    );
    this.documents.listen(connection);
  }

  private initialize(params: InitializeParams): InitializeResult {
    const options = (params.initializationOptions ?? {}) as InitializationOptions;
    this.docsUri = options.docsUri;
    if (options.ripgrepPath) this.engine.useRipgrep(options.ripgrepPath);
    this.folders = (params.workspaceFolders ?? []).map((f) => fileURLToPath(f.uri));
    this.clientCapabilities = params.capabilities;
    if (this.folders.length === 0 && params.rootUri) this.folders = [fileURLToPath(params.rootUri)];
    return {
      capabilities: { textDocumentSync: TextDocumentSyncKind.Incremental, ...featureCapabilities },
      serverInfo: { name: 'struct_ops language server' },
    };
  }

  /** Runs a handler, logging instead of letting an exception kill the connection. */
  private guard(what: string, work: () => Promise<void>): void {
    // After shutdown the client expects nothing more: changes that still arrive start no work.
    if (this.shutDown) return;
    work().catch((error: unknown) => this.logger.error(`${what} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`));
  }

  /** Files that include a changed one: from the editor's text when open, else from disk. */
  private refreshDependents(files: readonly string[]): void {
    for (const file of files) {
      const open = this.documents.get(pathToFileURL(file).toString());
      if (open) this.engine.updateFile(file, open.getText());
      else this.engine.refreshFile(file);
    }
  }

  private async loadSettings(): Promise<StructOpsSettings> {
    const section: unknown = await this.connection.workspace.getConfiguration('structOps').catch(() => undefined);
    return parseSettings(section);
  }

  /**
   * Reads the settings and each workspace folder's project config, then the profile (the settings'
   * when they set any of btf/kernel/libbpf, else the config's default profile) and the include
   * paths and defines (re-indexing when those changed).
   */
  private async reloadProfile(): Promise<void> {
    const { configs, sourcesChanged } = await this.readSettings();
    await this.loadProfile(configs);
    if (sourcesChanged && this.indexed) await this.reindex();
    await this.refresh();
  }

  /** The settings and project configs; hands their include paths and defines to the engine. */
  private async readSettings(): Promise<{ configs: readonly ProjectConfig[]; sourcesChanged: boolean }> {
    this.settings = await this.loadSettings();
    this.setVerbose(this.settings.trace.server === 'verbose');
    const configs = this.loadProjectConfigs();
    return { configs, sourcesChanged: this.applySourceOptions(configs) };
  }

  private async loadProfile(configs: readonly ProjectConfig[]): Promise<void> {
    const { kernel, libbpf } = this.settings ?? parseSettings(undefined);
    const fromConfig = kernel.btf.length > 0 || kernel.version || libbpf.version ? undefined : workspaceDefaultProfile(configs);
    const profileSettings = fromConfig?.settings ?? { btf: kernel.btf, kernelVersion: kernel.version || undefined, libbpfVersion: libbpf.version || undefined };
    this.watchBtf(profileSettings.btf ?? []);
    const result = await this.engine.configureProfile(profileSettings);
    const origin = fromConfig ? ` (profile '${fromConfig.name}' of ${fromConfig.file})` : '';
    if ('objects' in result) this.logger.info(`kernel profile${origin}: ${result.description} (${describeProfile(result)})`);
    else void this.connection.window.showErrorMessage(`struct_ops: kernel profile${origin} not loaded: ${result.message}`);
  }

  /**
   * Reloads the profile when a configured BTF file or folder changes, disappears or comes back:
   * they are often outside the workspace, where the client watches nothing. Polled (stat), so
   * a path that does not exist yet is watched too.
   */
  private watchBtf(paths: readonly string[]): void {
    for (const p of this.btfWatched) if (!paths.includes(p)) unwatchFile(p, this.onBtfChange);
    for (const p of paths) if (!this.btfWatched.includes(p)) watchFile(p, { interval: BTF_POLL_MS, persistent: false }, this.onBtfChange);
    this.btfWatched = [...paths];
  }

  private readonly onBtfChange = (): void => {
    this.logger.info('kernel BTF changed on disk: reloading the profile');
    this.guard('kernel BTF change', () => this.reloadProfile());
  };

  /** Gives the engine the include paths and defines of the settings and configs; true when they changed. */
  private applySourceOptions(configs: readonly ProjectConfig[]): boolean {
    const sources = workspaceSourceOptions(configs, this.settings ?? parseSettings(undefined), this.folders[0]);
    const key = JSON.stringify(sources);
    if (key === this.sourceOptionsKey) return false;
    this.sourceOptionsKey = key;
    this.engine.setSourceOptions(sources);
    return true;
  }

  /** Each folder's project config; an invalid one is logged and shown on its file, and left out. */
  private loadProjectConfigs(): readonly ProjectConfig[] {
    const { configs, problems } = readWorkspaceConfigs(this.folders);
    this.isIgnored = workspaceIgnoreMatcher(configs);
    const byUri = new Map<string, ReturnType<typeof configProblemDiagnostic>[]>();
    for (const problem of problems) {
      this.logger.error(`invalid project config: ${formatConfigProblem(problem)}`);
      const uri = pathToFileURL(problem.file).toString();
      byUri.set(uri, [...(byUri.get(uri) ?? []), configProblemDiagnostic(problem)]);
    }
    for (const uri of this.configProblemUris) if (!byUri.has(uri)) void this.connection.sendDiagnostics({ uri, diagnostics: [] });
    for (const [uri, diagnostics] of byUri) void this.connection.sendDiagnostics({ uri, diagnostics });
    this.configProblemUris = new Set(byUri.keys());
    return configs;
  }

  /** Re-extracts every file after the include paths or defines changed; open documents keep their editor text. */
  private async reindex(): Promise<void> {
    const summary = await this.engine.indexFolders(this.folders);
    for (const document of this.documents.all()) {
      if (document.uri.startsWith('file:')) this.engine.updateFile(fileURLToPath(document.uri), document.getText());
    }
    this.logger.info(`re-indexed ${summary.indexed} files: include paths or defines changed`);
  }

  private async firstIndex(): Promise<void> {
    const { configs } = await this.readSettings();
    // The index workers parse the workspace while this thread reads the kernel's BTF.
    const indexing = this.indexWorkspace();
    await this.loadProfile(configs);
    this.engine.prepareProfile();
    const { structOps: summary, deferred, complete } = await indexing;
    const where = this.folders.join(', ') || 'no workspace folder';
    this.logger.info(`indexed ${summary.indexed} of ${summary.candidates} candidate files in ${where} (${summary.durationMs} ms${summary.cancelled ? ', cancelled' : `; ${deferred} other BPF programs follow`})`);
    // Documents opened while the index ran keep their editor text. Where that is the text the index
    // read from disk, its facts stand, and this thread parses the document only after publishing:
    // the first parse in a thread is several times slower than the next (tree-sitter and JIT warm-up).
    const unchanged: TextDocument[] = [];
    for (const document of this.documents.all()) {
      if (!document.uri.startsWith('file:')) continue;
      const file = fileURLToPath(document.uri);
      if (this.engine.facts(file) && readTextIfExists(file) === document.getText()) unchanged.push(document);
      else this.engine.updateFile(file, document.getText());
    }
    this.indexed = true;
    await this.refresh();
    const profile = this.engine.profile;
    if (!this.shutDown) void this.connection.sendNotification(readyNotification, { files: summary.indexed, profile: profile ? describeProfile(profile) : 'none' });
    this.warmUp(unchanged);
    // The second index phase: BPF programs whose struct_ops maps, if any, come from header macros.
    const whole = await complete;
    this.logger.info(`indexed ${whole.indexed} of ${whole.candidates} candidate files in ${where} (${whole.durationMs} ms${whole.cancelled ? ', cancelled' : ''})`);
    for (const skipped of whole.skipped) this.logger.info(`skipping ${skipped.file}: ${skipped.reason}`);
    await this.refresh();
  }

  /**
   * Parses open documents whose facts came from the index, one per turn of the event loop, so the
   * first keystroke in them finds this thread's parse tree and memo ready. Facts do not change.
   * Then rehearses keystrokes in the first of them.
   */
  private warmUp(documents: readonly TextDocument[], rehearsal = documents[0]): void {
    const [document, ...rest] = documents;
    if (!document) {
      if (rehearsal) this.rehearse(rehearsal, REHEARSAL_ROUNDS);
      return;
    }
    setImmediate(() => {
      const open = this.documents.get(document.uri);
      if (open && open.version === document.version) this.engine.updateFile(fileURLToPath(open.uri), open.getText());
      this.warmUp(rest, rehearsal);
    });
  }

  /**
   * Rehearses a keystroke in `document` (WorkspaceIndex.rehearseEdit) once per turn of the event
   * loop, `rounds` times or until it changes: the first real keystrokes then run compiled code.
   */
  private rehearse(document: TextDocument, rounds: number): void {
    if (rounds === 0) return;
    setImmediate(() => {
      const open = this.documents.get(document.uri);
      if (this.shutDown || !open || open.version !== document.version) return;
      this.engine.rehearseEdit(fileURLToPath(open.uri));
      this.rehearse(document, rounds - 1);
    });
  }

  /**
   * Starts the folder index, the open documents' files first; its progress stays up, and
   * cancellable, until the second phase completes. The index does not wait for the progress: the
   * client's answer would wait behind the BTF read that follows on this thread.
   */
  private indexWorkspace(): Promise<IndexPhases> {
    let progress: WorkDoneProgressServerReporter | undefined;
    let finished = false;
    void this.connection.window.createWorkDoneProgress().then(
      (created) => {
        if (this.shutDown) return;
        if (finished) created.done();
        else (progress = created).begin('struct_ops: indexing', 0, 'scanning', true);
      },
      () => undefined,
    );
    const openFiles = this.documents.all().filter((d) => d.uri.startsWith('file:')).map((d) => fileURLToPath(d.uri));
    const phases = this.engine.indexFoldersInPhases(this.folders, {
      onProgress: (p) => {
        if (!this.shutDown) progress?.report(p.total > 0 ? Math.round((100 * p.done) / p.total) : 0, `${p.phase} ${p.done}/${p.total}`);
      },
      isCancelled: () => this.shutDown || (progress?.token.isCancellationRequested ?? false),
      first: openFiles,
    });
    const done = () => {
      finished = true;
      if (!this.shutDown) progress?.done();
    };
    phases.then((p) => p.complete).then(done, done);
    return phases;
  }

  /**
   * Publishes diagnostics now; the explorer and code lens/inlay refreshes, which make the client
   * ask for whole-workspace data, follow once typing pauses (`edited`: the documents just changed).
   */
  private refresh(edited?: ReadonlySet<string>): Promise<void> {
    // Until the first index is complete, facts from other files are missing: findings could be false.
    // After shutdown, background work (the second index phase) has no client left to tell.
    if (!this.indexed || this.shutDown) return Promise.resolve();
    // Changes that arrive while a publish runs (fast typing, a burst of file events) share the
    // next one: each publish simulates the whole workspace, ~25 ms for 1,000 files.
    if (!this.publishing) {
      // One that ended moments ago means a burst (a script, a paste): let the rest of it catch up,
      // for as long as the last publish took, so a small workspace answers every change at once.
      const wait = this.lastPublished + Math.min(this.lastPublishCost, PUBLISH_GAP_MS) - performance.now();
      const publish = () => {
        const started = performance.now();
        return this.publishNow(edited).finally(() => (this.lastPublishCost = performance.now() - started));
      };
      const run = wait > 0 ? new Promise<void>((resolve) => setTimeout(resolve, wait)).then(publish) : publish();
      this.publishing = run.finally(() => {
        this.publishing = undefined;
        this.lastPublished = performance.now();
      });
      return this.publishing;
    }
    if (this.queued) {
      const merged = this.queued.edited;
      this.queued.edited = merged && edited ? new Set([...merged, ...edited]) : undefined;
      return this.queued.done;
    }
    const next = () => {
      const queued = this.queued;
      this.queued = undefined;
      return this.refresh(queued?.edited);
    };
    this.queued = { done: this.publishing.then(next, next), edited: edited ? new Set(edited) : undefined };
    return this.queued.done;
  }

  private async publishNow(edited?: ReadonlySet<string>): Promise<void> {
    // A publish that waited (PUBLISH_GAP_MS, or behind another) may start after shutdown: anything
    // sent then may still be in flight when the client closes the connection.
    if (this.shutDown) return;
    await this.publisher.publish(this.engine, edited);
    clearTimeout(this.viewRefresh);
    if (this.shutDown) return;
    const refreshViews = () => {
      void this.connection.sendNotification(explorerChangedNotification);
      refreshLanguageFeatures(this.connection, this.clientCapabilities);
    };
    if (!edited) refreshViews();
    else {
      this.viewRefresh = setTimeout(() => {
        try {
          refreshViews();
        } catch {
          // The connection closed while typing paused: there is no view left to refresh.
        }
      }, VIEW_REFRESH_DELAY_MS);
      this.viewRefresh.unref();
    }
  }
}

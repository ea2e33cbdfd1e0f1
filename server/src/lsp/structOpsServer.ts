// The language server: keeps the engine's facts in step with open documents and files on disk,
// reloads the kernel profile when settings change, and publishes diagnostics and explorer data.

import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  DidChangeConfigurationNotification,
  FileChangeType,
  TextDocumentSyncKind,
  TextDocuments,
  type Connection,
  type InitializeParams,
  type InitializeResult,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { describeProfile, StructOpsEngine, type CParserOptions, type Logger } from '../engine';
import { explorerChangedNotification, explorerRequest, readyNotification } from '../protocol';
import { DiagnosticsPublisher } from './diagnosticsProvider';
import { registerClientRequests } from './clientRequests';
import { explorerData } from './explorerProvider';
import { featureCapabilities, refreshLanguageFeatures, registerLanguageFeatures } from './languageFeaturesProvider';
import { parseSettings, type StructOpsSettings } from './settings';

export interface ServerPaths {
  readonly wasm: CParserOptions;
  /** The bundled index worker; absent: index in the server's own thread. */
  readonly workerScript?: string;
  readonly profilesDir: string;
}

interface InitializationOptions {
  /** URI of the folder with one page per check, for diagnostic code links. */
  readonly docsUri?: string;
}

/** The LSP log; debug lines only while `verbose()` (the `structOps.trace.server` setting) says so. */
export function connectionLogger(connection: Connection, verbose: () => boolean): Logger {
  return {
    error: (m) => connection.console.error(m),
    warn: (m) => connection.console.warn(m),
    info: (m) => connection.console.info(m),
    debug: (m) => (verbose() ? connection.console.log(m) : undefined),
  };
}

export class StructOpsServer {
  private readonly documents = new TextDocuments(TextDocument);
  private readonly publisher: DiagnosticsPublisher;
  private docsUri: string | undefined;
  private folders: string[] = [];
  private settings: StructOpsSettings | undefined;
  private clientCapabilities: InitializeParams['capabilities'] | undefined;
  private indexed = false;

  private constructor(
    private readonly connection: Connection,
    private readonly engine: StructOpsEngine,
    private readonly logger: Logger,
    private readonly setVerbose: (verbose: boolean) => void,
  ) {
    this.publisher = new DiagnosticsPublisher(connection, () => this.docsUri);
  }

  /** Creates the engine (loads the parser wasm once) and wires every handler. */
  static async start(connection: Connection, paths: ServerPaths): Promise<StructOpsServer> {
    let verbose = false;
    const logger = connectionLogger(connection, () => verbose);
    const engine = await StructOpsEngine.create({
      wasm: paths.wasm,
      profilesDir: paths.profilesDir,
      logger,
      workers: paths.workerScript ? 2 : 0,
      workerScript: paths.workerScript,
    });
    const server = new StructOpsServer(connection, engine, logger, (v) => (verbose = v));
    server.register();
    return server;
  }

  private register(): void {
    const { connection } = this;
    connection.onInitialize((params) => this.initialize(params));
    connection.onInitialized(() => {
      void connection.client.register(DidChangeConfigurationNotification.type, { section: 'structOps' });
      this.guard('initial index', () => this.firstIndex());
    });
    connection.onDidChangeConfiguration(() => this.guard('configuration change', () => this.reloadProfile()));
    connection.onDidChangeWatchedFiles((params) =>
      this.guard('file change', async () => {
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
    registerLanguageFeatures(connection, { engine: this.engine, documents: this.documents, settings: () => this.settings, logger: this.logger });
    this.documents.onDidChangeContent((event) =>
      this.guard('document change', async () => {
        if (!event.document.uri.startsWith('file:')) return;
        const { dependents } = this.engine.updateFile(fileURLToPath(event.document.uri), event.document.getText());
        this.refreshDependents(dependents);
        await this.refresh();
      }),
    );
    this.documents.listen(connection);
  }

  private initialize(params: InitializeParams): InitializeResult {
    const options = (params.initializationOptions ?? {}) as InitializationOptions;
    this.docsUri = options.docsUri;
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

  private async reloadProfile(): Promise<void> {
    this.settings = await this.loadSettings();
    this.setVerbose(this.settings.trace.server === 'verbose');
    const result = await this.engine.configureProfile({
      btf: this.settings.kernel.btf,
      kernelVersion: this.settings.kernel.version || undefined,
      libbpfVersion: this.settings.libbpf.version || undefined,
    });
    if ('objects' in result) this.logger.info(`kernel profile: ${result.description} (${describeProfile(result)})`);
    else void this.connection.window.showErrorMessage(`struct_ops: kernel profile not loaded: ${result.message}`);
    await this.refresh();
  }

  private async firstIndex(): Promise<void> {
    await this.reloadProfile();
    const progress = await this.connection.window.createWorkDoneProgress().catch(() => undefined);
    progress?.begin('struct_ops: indexing', 0, 'scanning', true);
    const summary = await this.engine.indexFolders(this.folders, {
      onProgress: (p) => progress?.report(p.total > 0 ? Math.round((100 * p.done) / p.total) : 0, `${p.phase} ${p.done}/${p.total}`),
      isCancelled: () => progress?.token.isCancellationRequested ?? false,
    });
    progress?.done();
    this.logger.info(`indexed ${summary.indexed} of ${summary.candidates} candidate files in ${this.folders.join(', ') || 'no workspace folder'} (${summary.durationMs} ms${summary.cancelled ? ', cancelled' : ''})`);
    for (const skipped of summary.skipped) this.logger.info(`skipping ${skipped.file}: ${skipped.reason}`);
    // Documents opened while the index ran keep their editor text.
    for (const document of this.documents.all()) {
      if (document.uri.startsWith('file:')) this.engine.updateFile(fileURLToPath(document.uri), document.getText());
    }
    this.indexed = true;
    await this.refresh();
    const profile = this.engine.profile;
    void this.connection.sendNotification(readyNotification, { files: summary.indexed, profile: profile ? describeProfile(profile) : 'none' });
  }

  private async refresh(): Promise<void> {
    await this.publisher.publish(this.engine);
    void this.connection.sendNotification(explorerChangedNotification);
    refreshLanguageFeatures(this.connection, this.clientCapabilities);
  }
}

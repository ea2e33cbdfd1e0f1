// Owns the language client, the explorer views, the trace documents, the status bar and every
// disposable (extension-lifetime and client-lifetime); starts, stops and restarts the server,
// re-registers the command table when it does, and keeps context keys and the status bar in step.

import * as vscode from 'vscode';
import { LanguageClient, State, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { explorerChangedNotification, profileRequest, readyNotification, type ProfileInfo } from '../../server/src/protocol';
import { commandTable } from './commands';
import type { ExplorerNode } from './explorer/model';
import { MapsTreeProvider, TypesTreeProvider } from './explorer/provider';
import { editorRipgrep } from './ripgrep';
import type { TypeNode } from './explorer/typesModel';
import { workspaceModules } from './explorer/typesModel';
import { statusView, type ServerState } from './statusModel';
import { traceScheme } from './traceLinks';
import { TraceDocuments } from './traceView';

export class Ctx {
  readonly maps = new MapsTreeProvider();
  readonly types = new TypesTreeProvider();
  readonly traces: TraceDocuments;
  readonly mapsView: vscode.TreeView<ExplorerNode>;
  readonly typesView: vscode.TreeView<TypeNode>;
  private languageClient: LanguageClient | undefined;
  private serverState: ServerState = 'starting';
  private profileInfo: ProfileInfo | undefined;
  private readonly status: vscode.StatusBarItem;
  readonly output: vscode.LogOutputChannel;
  private commandDisposables: vscode.Disposable[] = [];
  private clientDisposables: vscode.Disposable[] = [];

  constructor(readonly extension: vscode.ExtensionContext) {
    this.traces = new TraceDocuments(extension.asAbsolutePath('docs/checks'));
    this.output = vscode.window.createOutputChannel('BPF struct_ops', { log: true });
    this.status = vscode.window.createStatusBarItem('structOps.status', vscode.StatusBarAlignment.Left, 10);
    this.status.name = 'BPF struct_ops profile';
    this.mapsView = vscode.window.createTreeView('structOps.maps', { treeDataProvider: this.maps, showCollapseAll: true });
    this.typesView = vscode.window.createTreeView('structOps.types', { treeDataProvider: this.types, showCollapseAll: true });
    this.pushExtCleanup(
      this.output,
      this.status,
      this.mapsView,
      this.typesView,
      vscode.workspace.registerTextDocumentContentProvider(traceScheme, this.traces),
      vscode.languages.registerDocumentLinkProvider({ scheme: traceScheme }, this.traces),
      this.maps.onDidLoad((data) => void this.setContext('structOps.hasMaps', (data?.maps.length ?? 0) > 0)),
      this.types.onDidLoad((data) => void this.setContext('structOps.hasModules', workspaceModules(data).length > 0)),
      vscode.workspace.onDidGrantWorkspaceTrust(() => void this.start()),
      { dispose: () => this.commandDisposables.forEach((d) => d.dispose()) },
      { dispose: () => this.clientDisposables.forEach((d) => d.dispose()) },
    );
    this.updateCommands();
    this.showStatus();
  }

  get client(): LanguageClient | undefined {
    return this.languageClient;
  }

  get state(): ServerState {
    return this.serverState;
  }

  get profile(): ProfileInfo | undefined {
    return this.profileInfo;
  }

  /** Disposed when the extension deactivates. */
  pushExtCleanup(...disposables: vscode.Disposable[]): void {
    this.extension.subscriptions.push(...disposables);
  }

  /** Disposed when the client stops (restart, deactivate). */
  pushClientCleanup(...disposables: vscode.Disposable[]): void {
    this.clientDisposables.push(...disposables);
  }

  private setContext(key: string, value: unknown): Thenable<unknown> {
    return vscode.commands.executeCommand('setContext', key, value);
  }

  /** Registers every command of the table: `enabled` while the server runs, else `disabled`. */
  private updateCommands(): void {
    this.commandDisposables.forEach((d) => d.dispose());
    this.commandDisposables = [];
    const running = this.serverState === 'running';
    for (const [name, spec] of Object.entries(commandTable)) {
      const handler = running || !spec.disabled ? spec.enabled(this) : spec.disabled(this);
      this.commandDisposables.push(vscode.commands.registerCommand(name, handler));
    }
  }

  private setState(state: ServerState): void {
    const changed = (this.serverState === 'running') !== (state === 'running');
    this.serverState = state;
    void this.setContext('structOps.serverRunning', state === 'running');
    void this.setContext('structOps.serverState', state);
    void this.setContext('structOps.untrusted', state === 'untrusted');
    if (state !== 'running') {
      this.profileInfo = undefined;
      void this.setContext('structOps.ready', false);
    }
    if (changed) this.updateCommands();
    this.showStatus();
  }

  private showStatus(): void {
    const view = statusView(this.serverState, this.profileInfo);
    this.status.text = view.text;
    this.status.tooltip = view.tooltip;
    this.status.command = view.command;
    this.status.backgroundColor = view.background ? new vscode.ThemeColor(view.background) : undefined;
    this.status.show();
  }

  /** Re-reads the profile for the status bar. */
  async refreshStatus(): Promise<void> {
    const client = this.languageClient;
    if (!client || this.serverState !== 'running') return this.showStatus();
    try {
      this.profileInfo = await client.sendRequest(profileRequest);
      void this.setContext('structOps.ready', this.profileInfo.ready);
    } catch (error) {
      client.error('structOps/profile request failed', error, false);
    }
    this.showStatus();
  }

  /** Refreshes both trees, the status bar and open trace documents. */
  async refreshAll(): Promise<void> {
    this.traces.refreshOpen();
    await Promise.all([this.maps.refresh(), this.types.refresh(), this.refreshStatus()]);
  }

  async start(): Promise<void> {
    if (!vscode.workspace.isTrusted) {
      // NOTE: limited support in untrusted workspaces (package.json capabilities): no server process,
      // so nothing outside the workspace is read. https://code.visualstudio.com/api/extension-guides/workspace-trust
      this.setState('untrusted');
      return;
    }
    if (this.languageClient) return;
    const module = this.extension.asAbsolutePath('server/out/server.js');
    const serverOptions: ServerOptions = {
      run: { module, transport: TransportKind.ipc },
      debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
    };
    const clientOptions: LanguageClientOptions = {
      documentSelector: [{ scheme: 'file', language: 'c' }],
      synchronize: {
        configurationSection: 'structOps',
        // C sources, and the project config files the server reads (.struct-ops.json, package.json structOps).
        fileEvents: [vscode.workspace.createFileSystemWatcher('**/*.{c,h}'), vscode.workspace.createFileSystemWatcher('**/{.struct-ops.json,package.json}')],
      },
      initializationOptions: { docsUri: vscode.Uri.file(this.extension.asAbsolutePath('docs/checks')).toString(), ripgrepPath: editorRipgrep(vscode.env.appRoot) },
      outputChannel: this.output,
    };
    const client = new LanguageClient('structOps', 'BPF struct_ops', serverOptions, clientOptions);
    this.languageClient = client;
    this.setState('starting');
    this.pushClientCleanup(
      client.onDidChangeState((event) => {
        if (event.newState === State.Stopped && this.languageClient === client) this.setState('stopped');
      }),
    );
    try {
      await client.start();
    } catch (error) {
      this.setState('stopped');
      throw error;
    }
    this.pushClientCleanup(
      // By method name: the server sends it with a null params array, which the typed
      // NotificationType0 handler would log as an error on every change.
      client.onNotification(explorerChangedNotification.method, () => void this.refreshAll()),
      client.onNotification(readyNotification, () => void this.refreshAll()),
    );
    this.maps.setClient(client);
    this.types.setClient(client);
    this.traces.setClient(client);
    this.setState('running');
    await this.refreshStatus();
  }

  async stop(): Promise<void> {
    const client = this.languageClient;
    this.languageClient = undefined;
    this.clientDisposables.forEach((d) => d.dispose());
    this.clientDisposables = [];
    this.maps.setClient(undefined);
    this.types.setClient(undefined);
    this.traces.setClient(undefined);
    if (client) await client.stop().catch((error: unknown) => this.output.error(`stopping the server: ${String(error)}`));
    this.setState(vscode.workspace.isTrusted ? 'stopped' : 'untrusted');
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }
}

// Owns the language client, the explorer provider and every disposable; starts, stops and
// restarts the server and keeps the status bar in step with its health.

import * as vscode from 'vscode';
import { LanguageClient, State, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { explorerChangedNotification, readyNotification } from '../../server/src/protocol';
import { commandFactories } from './commands';
import { MapsTreeProvider } from './explorer/provider';

export class Ctx {
  readonly maps = new MapsTreeProvider();
  private client: LanguageClient | undefined;
  private readonly status: vscode.StatusBarItem;
  private readonly output: vscode.LogOutputChannel;

  constructor(private readonly extension: vscode.ExtensionContext) {
    this.output = vscode.window.createOutputChannel('BPF struct_ops', { log: true });
    this.status = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Left, 10);
    this.status.name = 'BPF struct_ops';
    this.status.command = 'structOps.restartServer';
    this.push(this.output, this.status);
    this.push(vscode.window.registerTreeDataProvider('structOps.maps', this.maps));
    for (const [name, factory] of Object.entries(commandFactories)) {
      this.push(vscode.commands.registerCommand(name, factory(this)));
    }
  }

  push(...disposables: vscode.Disposable[]): void {
    this.extension.subscriptions.push(...disposables);
  }

  private setStatus(text: string, tooltip: string): void {
    this.status.text = text;
    this.status.tooltip = tooltip;
    this.status.show();
  }

  async start(): Promise<void> {
    const module = this.extension.asAbsolutePath('server/out/server.js');
    const serverOptions: ServerOptions = {
      run: { module, transport: TransportKind.ipc },
      debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
    };
    const clientOptions: LanguageClientOptions = {
      documentSelector: [{ scheme: 'file', language: 'c' }],
      synchronize: {
        configurationSection: 'structOps',
        fileEvents: vscode.workspace.createFileSystemWatcher('**/*.{c,h}'),
      },
      initializationOptions: { docsUri: vscode.Uri.file(this.extension.asAbsolutePath('docs/checks')).toString() },
      outputChannel: this.output,
    };
    const client = new LanguageClient('structOps', 'BPF struct_ops', serverOptions, clientOptions);
    this.client = client;
    this.setStatus('$(sync~spin) struct_ops', 'Starting the struct_ops language server');
    client.onDidChangeState((event) => {
      if (event.newState === State.Stopped) this.setStatus('$(error) struct_ops', 'The struct_ops language server stopped. Click to restart.');
    });
    await client.start();
    this.push(
      client.onNotification(explorerChangedNotification, () => this.maps.refresh()),
      client.onNotification(readyNotification, (ready) => {
        this.setStatus('$(check) struct_ops', `Profile: ${ready.profile}\nIndexed ${ready.files} file(s). Click to restart the server.`);
        this.maps.refresh();
      }),
    );
    this.maps.setClient(client);
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.maps.setClient(undefined);
    if (client) await client.stop();
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }
}

// Runs the real language server in-process over two streams and talks to it with a plain
// JSON-RPC client: no mocked connection. Collects published diagnostics and waits for them.

import { PassThrough } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import type { Diagnostic, PublishDiagnosticsParams } from 'vscode-languageserver';
import { StructOpsServer } from '../../server/src/lsp/structOpsServer';
import { explorerChangedNotification } from '../../server/src/protocol';
import { profilesDir, wasm } from './paths';

export interface LspSession {
  readonly client: MessageConnection;
  /** Every publishDiagnostics URI, explorer-changed, ready and $/progress notification (with its kind), in arrival order. */
  readonly notifications: readonly { readonly method: string; readonly uri?: string; readonly diagnostics?: readonly Diagnostic[]; readonly kind?: string }[];
  /** Resolves with the next diagnostics published for `uri` that satisfy `accept`. */
  diagnostics(uri: string, accept?: (d: Diagnostic[]) => boolean): Promise<Diagnostic[]>;
  open(uri: string, text: string, version?: number): void;
  change(uri: string, text: string, version: number): void;
  /** Shuts the server down as an editor does (shutdown request), then closes the streams. */
  dispose(): Promise<void>;
}

/** Documents the editor opens before the server's first index completes (as VS Code restores tabs). */
export interface SessionOptions {
  readonly openEarly?: readonly { readonly uri: string; readonly text: string }[];
  /** The client shows work-done progress (window.workDoneProgress). */
  readonly workDoneProgress?: boolean;
}

export async function startLspSession(workspace: string, settings: unknown, options: SessionOptions = {}): Promise<LspSession> {
  const toServer = new PassThrough();
  const toClient = new PassThrough();
  const serverConnection = createConnection(ProposedFeatures.all, new StreamMessageReader(toServer), new StreamMessageWriter(toClient));
  await StructOpsServer.start(serverConnection, { wasm, profilesDir });
  serverConnection.listen();

  const client = createMessageConnection(new StreamMessageReader(toClient), new StreamMessageWriter(toServer));
  const latest = new Map<string, Diagnostic[]>();
  const notifications: { method: string; uri?: string; diagnostics?: Diagnostic[]; kind?: string }[] = [];
  const waiters: { uri: string; accept: (d: Diagnostic[]) => boolean; resolve: (d: Diagnostic[]) => void }[] = [];
  client.onNotification('textDocument/publishDiagnostics', (params: PublishDiagnosticsParams) => {
    notifications.push({ method: 'textDocument/publishDiagnostics', uri: params.uri, diagnostics: params.diagnostics });
    latest.set(params.uri, params.diagnostics);
    for (const waiter of [...waiters]) {
      if (waiter.uri === params.uri && waiter.accept(params.diagnostics)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(params.diagnostics);
      }
    }
  });
  client.onRequest('workspace/configuration', (params: { items: { section?: string }[] }) =>
    params.items.map((item) => (item.section === 'structOps' ? settings : null)),
  );
  client.onRequest('client/registerCapability', () => null);
  client.onRequest('window/workDoneProgress/create', () => null);
  client.onNotification('$/progress', (params: { value: { kind: string } }) => {
    notifications.push({ method: '$/progress', kind: params.value.kind });
  });
  client.onNotification(explorerChangedNotification.method, () => {
    notifications.push({ method: explorerChangedNotification.method });
  });
  const ready = new Promise<void>((resolve) =>
    client.onNotification('structOps/ready', () => {
      notifications.push({ method: 'structOps/ready' });
      resolve();
    }),
  );
  client.listen();

  const rootUri = pathToFileURL(workspace).toString();
  await client.sendRequest('initialize', {
    processId: null,
    rootUri,
    workspaceFolders: [{ uri: rootUri, name: 'ws' }],
    capabilities: {
      workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: true } },
      ...(options.workDoneProgress ? { window: { workDoneProgress: true } } : {}),
    },
  });
  await client.sendNotification('initialized', {});
  for (const document of options.openEarly ?? []) {
    void client.sendNotification('textDocument/didOpen', { textDocument: { uri: document.uri, languageId: 'c', version: 1, text: document.text } });
  }
  await ready;

  return {
    client,
    notifications,
    diagnostics(uri, accept = () => true) {
      const current = latest.get(uri);
      if (current && accept(current)) return Promise.resolve(current);
      return new Promise((resolve) => waiters.push({ uri, accept, resolve }));
    },
    open(uri, text, version = 1) {
      void client.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'c', version, text } });
    },
    change(uri, text, version) {
      void client.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text }] });
    },
    async dispose() {
      await client.sendRequest('shutdown').catch(() => undefined);
      client.dispose();
      serverConnection.dispose();
      toServer.destroy();
      toClient.destroy();
    },
  };
}

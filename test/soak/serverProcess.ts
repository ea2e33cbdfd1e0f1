// The bundled language server (server/out/server.js) as a child process over stdio, as VS Code
// runs it: a JSON-RPC client with a per-request time bound, the diagnostics it publishes, its
// memory via the IPC probe (memoryProbe.cjs), and its exit. For the soak and fuzz tests.

import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import type { Diagnostic, PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { repoRoot } from '../helpers/paths';

export const serverBundle = path.join(repoRoot, 'server', 'out', 'server.js');

export interface ServerProcess {
  readonly child: ChildProcess;
  readonly client: MessageConnection;
  /** Latest diagnostics per URI. */
  readonly diagnostics: Map<string, Diagnostic[]>;
  /** Set when the process exits: code or signal. */
  exited?: string;
  /** stderr and window/logMessage errors, for failure messages. */
  readonly errors: string[];
  /** Sends a request; rejects after `timeoutMs` with the method in the message. */
  request<R>(method: string, params: unknown, timeoutMs?: number): Promise<R>;
  notify(method: string, params: unknown): void;
  /** Resolves when diagnostics for `uri` satisfy `accept` (checked against the latest too). */
  waitDiagnostics(uri: string, accept: (d: Diagnostic[]) => boolean, timeoutMs?: number): Promise<Diagnostic[]>;
  /** process.memoryUsage() of the server after a full GC. */
  memory(): Promise<NodeJS.MemoryUsage>;
  setSettings(settings: unknown): void;
  /** shutdown + exit, then waits for the process; kills it (by pid) if it does not go. */
  stop(): Promise<void>;
}

export async function startServerProcess(workspace: string, settings: unknown, options: { readyTimeoutMs?: number } = {}): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--expose-gc', '-r', path.join(__dirname, 'memoryProbe.cjs'), serverBundle, '--stdio'], {
    stdio: ['pipe', 'pipe', 'pipe', 'ipc'],
    cwd: workspace,
  });
  const client = createMessageConnection(new StreamMessageReader(child.stdout as NodeJS.ReadableStream), new StreamMessageWriter(child.stdin as NodeJS.WritableStream));
  const diagnostics = new Map<string, Diagnostic[]>();
  const waiters: { uri: string; accept: (d: Diagnostic[]) => boolean; resolve: (d: Diagnostic[]) => void }[] = [];
  const errors: string[] = [];
  let current = settings;
  const proc: ServerProcess = {
    child,
    client,
    diagnostics,
    errors,
    request<R>(method: string, params: unknown, timeoutMs = 30_000): Promise<R> {
      return new Promise<R>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${method}: no answer within ${timeoutMs} ms`)), timeoutMs);
        client.sendRequest<R>(method, params).then(
          (r) => {
            clearTimeout(timer);
            resolve(r);
          },
          (e: unknown) => {
            clearTimeout(timer);
            reject(e);
          },
        );
      });
    },
    notify(method, params) {
      void client.sendNotification(method, params);
    },
    waitDiagnostics(uri, accept, timeoutMs = 30_000) {
      const latest = diagnostics.get(uri);
      if (latest && accept(latest)) return Promise.resolve(latest);
      return new Promise((resolve, reject) => {
        const waiter = { uri, accept, resolve: (d: Diagnostic[]) => (clearTimeout(timer), resolve(d)) };
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(waiter), 1);
          reject(new Error(`no matching diagnostics for ${uri} within ${timeoutMs} ms (latest: ${JSON.stringify(diagnostics.get(uri)?.map((d) => d.message))})`));
        }, timeoutMs);
        waiters.push(waiter);
      });
    },
    memory() {
      return new Promise((resolve, reject) => {
        const id = Math.random();
        const timer = setTimeout(() => reject(new Error('memory probe: no answer')), 30_000);
        const onMessage = (msg: { memory?: number; usage?: NodeJS.MemoryUsage }) => {
          if (msg?.memory !== id || !msg.usage) return;
          clearTimeout(timer);
          child.off('message', onMessage);
          resolve(msg.usage);
        };
        child.on('message', onMessage);
        child.send({ memory: id });
      });
    },
    setSettings(s) {
      current = s;
    },
    async stop() {
      if (proc.exited === undefined) {
        await proc.request('shutdown', null, 15_000).catch(() => undefined);
        proc.notify('exit', null);
        const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await gone;
        clearTimeout(timer);
      }
      client.dispose();
    },
  };
  child.on('exit', (code, signal) => {
    proc.exited = signal ?? String(code);
  });
  child.stderr?.on('data', (chunk: Buffer) => errors.push(chunk.toString()));
  client.onNotification('textDocument/publishDiagnostics', (params: PublishDiagnosticsParams) => {
    diagnostics.set(params.uri, params.diagnostics);
    for (const w of [...waiters]) {
      if (w.uri === params.uri && w.accept(params.diagnostics)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(params.diagnostics);
      }
    }
  });
  client.onNotification('window/logMessage', (params: { type: number; message: string }) => {
    if (params.type === 1) errors.push(params.message);
  });
  client.onNotification('window/showMessage', (params: { type: number; message: string }) => {
    if (params.type === 1) errors.push(params.message);
  });
  client.onRequest('workspace/configuration', (params: { items: { section?: string }[] }) => params.items.map((item) => (item.section === 'structOps' ? current : null)));
  client.onRequest('client/registerCapability', () => null);
  client.onRequest('client/unregisterCapability', () => null);
  client.onRequest('window/workDoneProgress/create', () => null);
  client.onRequest('workspace/codeLens/refresh', () => null);
  client.onRequest('workspace/inlayHint/refresh', () => null);
  client.onRequest('workspace/semanticTokens/refresh', () => null);
  client.onRequest('workspace/diagnostic/refresh', () => null);
  const ready = new Promise<void>((resolve) => client.onNotification('structOps/ready', () => resolve()));
  client.listen();

  const rootUri = pathToFileURL(workspace).toString();
  await proc.request('initialize', {
    processId: process.pid,
    rootUri,
    workspaceFolders: [{ uri: rootUri, name: path.basename(workspace) }],
    capabilities: {
      workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: true }, codeLens: { refreshSupport: true } },
      window: { workDoneProgress: true },
    },
  });
  proc.notify('initialized', {});
  const readyTimeout = options.readyTimeoutMs ?? 120_000;
  await Promise.race([
    ready,
    new Promise((_, reject) => setTimeout(() => reject(new Error(`server not ready within ${readyTimeout} ms: ${errors.join('\n')}`)), readyTimeout)),
  ]);
  return proc;
}

// What the README's Security section promises: neither the server nor the CLI executes anything
// from the workspace, and in an untrusted workspace the client starts no server at all, so no
// project config or setting can make it read files (outside the workspace or anywhere).

import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { repoRoot } from '../helpers/paths';

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => path.join(e.parentPath, e.name));
}

describe('nothing from the workspace is executed', () => {
  const files = [...sources(path.join(repoRoot, 'server', 'src')), ...sources(path.join(repoRoot, 'client', 'src'))];

  it('has no process spawning, eval or vm in the server, CLI or client, but for ripgrep', () => {
    const forbidden = [/['"](node:)?child_process['"]/, /['"](node:)?vm['"]/, /\beval\s*\(/, /\bnew\s+Function\s*\(/];
    const hits = files.flatMap((file) => {
      const text = readFileSync(file, 'utf8');
      return forbidden.filter((pattern) => pattern.test(text)).map((pattern) => `${path.relative(repoRoot, file)}: ${pattern}`);
    });
    expect(files.length).toBeGreaterThan(20);
    // The one process: the index's ripgrep (the editor's own, or one in an absolute PATH
    // directory), spawned without a shell; the workspace supplies only arguments.
    expect(hits).toEqual([`server/src/engine/index/ripgrep.ts: ${forbidden[0]}`]);
    const ripgrep = readFileSync(path.join(repoRoot, 'server/src/engine/index/ripgrep.ts'), 'utf8');
    expect([...ripgrep.matchAll(/\bspawn\w*\(/g)].length).toBe(1);
    expect(ripgrep.match(/^.*'node:child_process'.*$/gm)).toEqual(["import { spawn } from 'node:child_process';"]);
    expect(ripgrep).not.toMatch(/shell/);
  });

  it('imports and requires modules dynamically only by literal path, and starts workers only from its own bundle', () => {
    const problems = files.flatMap((file) => {
      const text = readFileSync(file, 'utf8');
      const dynamic = [...text.matchAll(/\b(?:import|require)\(([^)]*)\)/g)].filter((m) => !/^'\.\/[\w/]+'$/.test(m[1]));
      const workers = [...text.matchAll(/new Worker\(([^,)]*)/g)].filter((m) => m[1].trim() !== 'script');
      return [...dynamic, ...workers].map((m) => `${path.relative(repoRoot, file)}: ${m[0]}`);
    });
    expect(problems).toEqual([]);
  });
});

// A stand-in for the whole `vscode` API: every member is callable and returns another stand-in
// (so the Ctx constructor can create its views), except the few values the test controls.
const trust = vi.hoisted(() => ({ trusted: false, contexts: new Map<string, unknown>(), clients: 0 }));

vi.mock('vscode', () => {
  const stub: object = new Proxy(function stand() {}, {
    get: (_target, key) => (key === 'then' ? undefined : key === 'prototype' ? {} : stub),
    set: () => true,
    apply: () => stub,
    construct: () => stub,
  });
  const workspace = new Proxy({}, { get: (_t, key) => (key === 'isTrusted' ? trust.trusted : stub) });
  const commands = new Proxy(
    {},
    {
      get: (_t, key) =>
        key === 'executeCommand'
          ? (command: string, name: string, value: unknown) => {
              if (command === 'setContext') trust.contexts.set(name, value);
              return Promise.resolve();
            }
          : stub,
    },
  );
  const env = new Proxy({}, { get: (_t, key) => (key === 'appRoot' ? '/nonexistent-app-root' : stub) });
  const names = ['window', 'languages', 'Uri', 'EventEmitter', 'TreeItem', 'ThemeIcon', 'ThemeColor', 'DocumentLink', 'Position', 'Range', 'Disposable'];
  const enums = ['ConfigurationTarget', 'StatusBarAlignment', 'TreeItemCollapsibleState', 'UIKind', 'ViewColumn'];
  return { workspace, commands, env, ...Object.fromEntries(names.map((n) => [n, stub])), ...Object.fromEntries(enums.map((n) => [n, {}])) };
});

vi.mock('vscode-languageclient/node', () => ({
  State: { Stopped: 1, Running: 2 },
  TransportKind: { ipc: 1 },
  LanguageClient: class {
    constructor() {
      trust.clients++;
    }
    onDidChangeState = () => ({ dispose: () => undefined });
    onNotification = () => ({ dispose: () => undefined });
    start = () => Promise.resolve();
    sendRequest = () => Promise.resolve(undefined);
    error = () => undefined;
  },
}));

describe('untrusted workspaces', () => {
  beforeEach(() => {
    trust.clients = 0;
    trust.contexts.clear();
  });

  const extensionContext = { subscriptions: [], asAbsolutePath: (p: string) => path.join(repoRoot, p) };

  it('starts no language server while the workspace is untrusted', async () => {
    const { Ctx } = await import('../../client/src/ctx');
    trust.trusted = false;
    await new Ctx(extensionContext as never).start();
    expect(trust.clients).toBe(0);
    expect(trust.contexts.get('structOps.untrusted')).toBe(true);
    expect(trust.contexts.get('structOps.serverRunning')).toBe(false);
  });

  it('starts it once the workspace is trusted', async () => {
    const { Ctx } = await import('../../client/src/ctx');
    trust.trusted = true;
    await new Ctx(extensionContext as never).start();
    expect(trust.clients).toBe(1);
    expect(trust.contexts.get('structOps.serverRunning')).toBe(true);
  });
});

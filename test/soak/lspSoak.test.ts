// LSP soak: the bundled server as a child process over stdio, on a workspace of 1,000 files made
// from the repository's real struct_ops sources (valid and broken), driven by a seeded script of
// 10,000 edits, opens and closes with hover/completion/symbol/code-lens requests (some cancelled)
// and a libbpf-version change midway. The server must stay up, answer every request, keep its
// memory within 20% of what it used after the first 1,000 operations, and never write a file.

import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { CancellationTokenSource } from 'vscode-jsonrpc/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/paths';
import { Rng } from '../fuzz/btfMutate';
import { mutateC, realSources } from '../fuzz/cCorpus';
import { FUZZ_SEED, mib, sized } from '../fuzz/scale';
import { startServerProcess, type ServerProcess } from './serverProcess';

const FILES = 1_000;
const OPERATIONS = sized(10_000, 50_000);
const MAX_OPEN = 12;

/** Writes FILES sources under `root`: real struct_ops files with renamed maps, a third of them broken. */
function generateWorkspace(root: string, rng: Rng): string[] {
  const sources = realSources([path.join(repoRoot, 'examples'), path.join(repoRoot, 'test', 'fixtures', 'c'), path.join(repoRoot, 'test', 'fixtures', 'lsp')])
    .filter((s) => /struct_ops|SEC\(/.test(s.text));
  const files: string[] = [];
  for (let i = 0; i < FILES; i++) {
    const src = sources[i % sources.length];
    let text = src.text.replace(/\b(\w+_(?:cc|ops|impl))\b/g, `$1_${i}`);
    if (i % 3 === 2) text = mutateC(text, rng.pick(sources).text, rng).text;
    const dir = path.join(root, `pkg${Math.floor(i / 100)}`);
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `f${i}_${path.basename(src.file).replace(/\.(bpf\.)?[ch]$/, '')}.bpf.c`);
    writeFileSync(file, text);
    files.push(file);
  }
  return files;
}

function digest(files: readonly string[]): string {
  const h = createHash('sha256');
  for (const f of files) h.update(f).update(readFileSync(f));
  return h.digest('hex');
}

const EDIT_SNIPPETS = ['\n', ';', '{', '}', '(void *)', '.ssthresh = ', 'SEC("struct_ops/x")\n', '/* c */', 'int x = 1;\n', '#define Q 1\n', '"', ','];

/** A random incremental edit of `doc`: insert a snippet, delete a span or replace a line. */
function randomEdit(doc: TextDocument, rng: Rng): { range: { start: { line: number; character: number }; end: { line: number; character: number } }; text: string } {
  const text = doc.getText();
  const a = rng.int(text.length + 1);
  switch (rng.int(3)) {
    case 0:
      return { range: { start: doc.positionAt(a), end: doc.positionAt(a) }, text: rng.pick(EDIT_SNIPPETS) };
    case 1:
      return { range: { start: doc.positionAt(a), end: doc.positionAt(Math.min(text.length, a + 1 + rng.int(20))) }, text: '' };
    default: {
      const line = rng.int(doc.lineCount);
      return { range: { start: { line, character: 0 }, end: { line: line + 1, character: 0 } }, text: rng.pick(EDIT_SNIPPETS) + '\n' };
    }
  }
}

const REQUESTS = ['textDocument/hover', 'textDocument/completion', 'textDocument/documentSymbol', 'textDocument/codeLens', 'textDocument/definition'];

describe('LSP soak over stdio', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'lsp-soak-'));
  let server: ServerProcess | undefined;
  afterAll(async () => {
    await server?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it(`survives ${OPERATIONS} edits, opens and closes over ${FILES} files with a configuration change midway`, { timeout: sized(240_000, 1_200_000) }, async () => {
    const rng = new Rng(FUZZ_SEED ^ 0x50a4);
    const files = generateWorkspace(root, rng);
    const before = digest(files);
    const settings = { kernel: { btf: [], version: '' }, libbpf: { version: '' } };
    const started = performance.now();
    server = await startServerProcess(root, settings);
    const indexedMs = performance.now() - started;
    const s = server;

    const open = new Map<string, TextDocument>();
    const answered = { ok: 0, cancelled: 0 };
    let cancelSent = 0;
    const failures: string[] = [];
    const pending: Promise<void>[] = [];
    let sent = 0;
    const ask = (method: string, uri: string, doc: TextDocument, cancel: boolean) => {
      const position = doc.positionAt(rng.int(doc.getText().length + 1));
      const params = method === 'textDocument/documentSymbol' || method === 'textDocument/codeLens' ? { textDocument: { uri } } : { textDocument: { uri }, position };
      sent++;
      const tokenSource = cancel ? new CancellationTokenSource() : undefined;
      const p = (tokenSource ? s.client.sendRequest(method, params, tokenSource.token) : s.client.sendRequest(method, params)).then(
        () => void answered.ok++,
        (e: { code?: number; message?: string }) => {
          // RequestCancelled (-32800) and ContentModified (-32801) are answers too.
          if (e?.code === -32800 || e?.code === -32801) answered.cancelled++;
          else failures.push(`${method}: ${e?.message ?? String(e)}`);
        },
      );
      if (tokenSource) {
        tokenSource.cancel();
        cancelSent++;
      }
      pending.push(p);
    };
    let firstMemory: NodeJS.MemoryUsage | undefined;
    let version = 1;
    const opStarted = performance.now();
    for (let op = 0; op < OPERATIONS; op++) {
      const roll = rng.next();
      if (open.size === 0 || (roll < 0.06 && open.size < MAX_OPEN)) {
        const file = rng.pick(files);
        const uri = pathToFileURL(file).toString();
        if (!open.has(uri)) {
          const doc = TextDocument.create(uri, 'c', 1, readFileSync(file, 'utf8'));
          open.set(uri, doc);
          s.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'c', version: 1, text: doc.getText() } });
        }
      } else if (roll < 0.09) {
        const uri = rng.pick([...open.keys()]);
        open.delete(uri);
        s.notify('textDocument/didClose', { textDocument: { uri } });
      } else {
        const uri = rng.pick([...open.keys()]);
        const doc = open.get(uri) as TextDocument;
        const change = randomEdit(doc, rng);
        const next = TextDocument.update(doc, [change], ++version);
        open.set(uri, next);
        s.notify('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [change] });
        if (rng.next() < 0.1) ask(rng.pick(REQUESTS), uri, next, rng.next() < 0.3);
      }
      if (op === Math.floor(OPERATIONS / 2)) {
        settings.libbpf.version = '1.3';
        s.setSettings(settings);
        s.notify('workspace/didChangeConfiguration', { settings: { structOps: settings } });
      }
      // Pace the script by round trips, so the server works through what it was sent.
      if (op % 100 === 99) await s.request('textDocument/documentSymbol', { textDocument: { uri: rng.pick([...open.keys()]) } }, 60_000);
      if (op === 999) firstMemory = await s.memory();
      expect(s.exited, `server exited at operation ${op}: ${s.errors.join('\n')}`).toBeUndefined();
    }
    await Promise.all(pending);
    const lastMemory = await s.memory();
    const opsMs = performance.now() - opStarted;
    const first = firstMemory as NodeJS.MemoryUsage;
    console.log(
      `[soak lsp] seed 0x${FUZZ_SEED.toString(16)}: ${FILES} files indexed in ${indexedMs.toFixed(0)} ms; ${OPERATIONS} operations in ${(opsMs / 1000).toFixed(1)} s; ` +
        `${sent} requests, ${cancelSent} of them cancelled at once (${answered.ok} answered with a result, ${answered.cancelled} with RequestCancelled, ${failures.length} failed); ` +
        `server heap after 1,000 ops ${mib(first.heapUsed)}, at the end ${mib(lastMemory.heapUsed)} (${((100 * lastMemory.heapUsed) / first.heapUsed - 100).toFixed(1)}%); rss ${mib(first.rss)} -> ${mib(lastMemory.rss)}`,
    );
    expect(failures.slice(0, 5)).toEqual([]);
    expect(answered.ok + answered.cancelled).toBe(sent);
    expect(cancelSent).toBeGreaterThan(0);
    expect(lastMemory.heapUsed).toBeLessThanOrEqual(first.heapUsed * 1.2);
    expect(s.exited).toBeUndefined();
    await s.stop();
    expect(s.exited).toBe('0');
    // The server never writes: every file is byte for byte what the generator wrote.
    expect(digest(files)).toBe(before);
  });
});

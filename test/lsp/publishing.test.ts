// LSP-level: what the server sends while the user types. Each change of a document gets its
// diagnostics (the editor waits for them); other files are resent only when theirs change; the
// explorer refresh, which makes the client fetch whole-workspace data, waits for a pause.

import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturesDir } from '../helpers/paths';
import { startLspSession, type LspSession } from '../helpers/lspHarness';

const workspace = path.join(fixturesDir, 'lsp', 'features');
const edited = pathToFileURL(path.join(workspace, 'cc.bpf.c')).toString();
const original = readFileSync(path.join(workspace, 'cc.bpf.c'), 'utf8');
const settings = { kernel: { btf: [], version: '6.18' }, libbpf: { version: '1.7' } };
const EDITS = 5;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('publishing while typing', () => {
  let session: LspSession;
  beforeAll(async () => {
    session = await startLspSession(workspace, settings);
  });
  afterAll(() => session.dispose());

  it('answers every change of the edited file, resends no other file, and refreshes the explorer once after the pause', async () => {
    session.open(edited, original);
    await session.diagnostics(edited);
    await sleep(600);
    const before = session.notifications.length;
    const count = (method: string, uri?: string) =>
      session.notifications.slice(before).filter((n) => n.method === method && (uri === undefined || n.uri === uri)).length;

    for (let version = 2; version < 2 + EDITS; version++) {
      const answered = new Promise<void>((resolve) => {
        const seen = session.notifications.length;
        const poll = setInterval(() => {
          if (session.notifications.slice(seen).some((n) => n.uri === edited)) {
            clearInterval(poll);
            resolve();
          }
        }, 5);
      });
      // Whitespace only: the findings stay the same, yet the edited file is answered.
      session.change(edited, `${original}${' '.repeat(version)}\n`, version);
      await answered;
    }
    expect(count('textDocument/publishDiagnostics', edited)).toBe(EDITS);
    expect(count('textDocument/publishDiagnostics')).toBe(EDITS);
    expect(count('structOps/explorerChanged')).toBe(0);

    await sleep(600);
    expect(count('structOps/explorerChanged')).toBe(1);
  });
});

describe('documents opened before the first index completes', () => {
  const moduleWorkspace = path.join(fixturesDir, 'lsp', 'module');
  const user = path.join(moduleWorkspace, 'bpf', 'user.bpf.c');
  const uri = pathToFileURL(user).toString();
  let session: LspSession;
  beforeAll(async () => {
    session = await startLspSession(moduleWorkspace, settings, { openEarly: [{ uri, text: readFileSync(user, 'utf8') }] });
  });
  afterAll(() => session.dispose());

  it('get diagnostics only from the complete index: the first ones published are the final ones', async () => {
    await session.diagnostics(uri);
    await sleep(300);
    const published = session.notifications.filter((n) => n.uri === uri).map((n) => n.diagnostics?.map((d) => `${d.code} ${d.range.start.line}`));
    expect(published.length).toBeGreaterThan(0);
    // The module's registration fails (REG-22), so the map fails too; never a "type not found".
    expect(published[published.length - 1]).toContain('MAP-09 15');
    for (const diagnostics of published) expect(diagnostics).toEqual(published[published.length - 1]);
  });
});

describe('a document opened with unsaved changes before the first index completes', () => {
  const misspelled = path.join(fixturesDir, 'lsp', 'misspelled');
  const file = path.join(misspelled, 'cc.bpf.c');
  const uri = pathToFileURL(file).toString();
  let session: LspSession;
  beforeAll(async () => {
    session = await startLspSession(misspelled, settings, { openEarly: [{ uri, text: readFileSync(file, 'utf8').replace(/cong_avoid/g, 'cong_avoi') }] });
  });
  afterAll(() => session.dispose());

  it('is checked with the editor text, not the index copy from disk', async () => {
    await session.diagnostics(uri);
    const first = session.notifications.find((n) => n.uri === uri);
    expect(first?.diagnostics?.map((d) => d.code)).toContain('LIB-12');
  });
});

// Faults around the language server: the kernel BTF file of the structOps.kernel.btf setting
// changes, disappears and comes back (the server polls it and reloads the profile); a file is
// deleted while the workspace is being indexed; folders that cannot be read. The user's files
// are never written.

import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Diagnostic } from 'vscode-languageserver';
import { afterAll, describe, expect, it } from 'vitest';
import { BtfKind, type BtfSpec, minimizeBtf, parseBtf } from '../../server/src/engine/btf';
import { silentLogger } from '../../server/src/engine/common/logger';
import { WorkspaceIndex } from '../../server/src/engine/index/workspace';
import { startLspSession, type LspSession } from '../helpers/lspHarness';
import { fixturesDir, profilesDir, wasm } from '../helpers/paths';

const tmp = mkdtempSync(path.join(tmpdir(), 'lsp-faults-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** sha256 of every file under `dir`, by relative path. */
function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const abs = path.join(d, e.name);
      if (e.isDirectory()) walk(abs);
      else if (e.isFile()) out.set(path.relative(dir, abs), createHash('sha256').update(readFileSync(abs)).digest('hex'));
    }
  };
  walk(dir);
  return out;
}

const text = (d: Diagnostic) => (typeof d.message === 'string' ? d.message : d.message.value);
const mentionsMissingType = (d: Diagnostic[]) => d.some((x) => /tcp_congestion_ops/.test(text(x)) && /not found|no such|not registered|does not exist|unknown/i.test(text(x)));

describe('kernel BTF file given in the settings', () => {
  it('is reloaded when it changes, disappears and comes back', { timeout: 45_000 }, async () => {
    const workspace = path.join(tmp, 'btf-ws');
    mkdirSync(workspace);
    copyFileSync(path.join(fixturesDir, 'lsp', 'features', 'cc.bpf.c'), path.join(workspace, 'cc.bpf.c'));
    const uri = pathToFileURL(path.join(workspace, 'cc.bpf.c')).toString();
    const full = new Uint8Array(readFileSync(path.join(profilesDir, 'default-vmlinux.btf')));
    const spec = parseBtf(full) as BtfSpec;
    // A kernel without any struct_ops type: one unrelated struct.
    const bare = minimizeBtf(spec, [spec.findByNameKind('bpf_struct_ops_common_value', BtfKind.Struct) as number]);
    const btfFile = path.join(tmp, 'kernel.btf');
    writeFileSync(btfFile, bare);
    const before = snapshot(workspace);

    const session = await startLspSession(workspace, { kernel: { btf: [btfFile], version: '6.18' }, libbpf: { version: '1.7' } });
    try {
      session.open(uri, readFileSync(path.join(workspace, 'cc.bpf.c'), 'utf8'));
      const missing = await session.diagnostics(uri, mentionsMissingType);
      expect(missing.length).toBeGreaterThan(0);

      writeFileSync(btfFile, full);
      await session.diagnostics(uri, (d) => !mentionsMissingType(d));

      // Gone: the profile cannot be reloaded, so the last good one stays; nothing crashes.
      unlinkSync(btfFile);
      const stillThere = await session.client.sendRequest('textDocument/documentSymbol', { textDocument: { uri } });
      expect(stillThere).not.toBeNull();

      writeFileSync(btfFile, bare);
      await session.diagnostics(uri, mentionsMissingType);
      await session.client.sendRequest('shutdown');
    } finally {
      await session.dispose();
    }
    expect(snapshot(workspace)).toEqual(before);
  });
});

describe('workspace indexing faults', () => {
  it('a file deleted while the workspace is indexed is skipped as vanished', async () => {
    const workspace = path.join(tmp, 'vanishing');
    mkdirSync(workspace);
    const text = readFileSync(path.join(fixturesDir, 'lsp', 'features', 'cc.bpf.c'), 'utf8');
    const files = Array.from({ length: 600 }, (_, i) => path.join(workspace, `f${String(i).padStart(3, '0')}.bpf.c`));
    for (const f of files) writeFileSync(f, text.replace(/feat_cc/g, `cc_${path.basename(f, '.bpf.c')}`));
    const index = await WorkspaceIndex.create({ wasm, logger: silentLogger });
    const deleted: string[] = [];
    const summary = await index.indexFolders([workspace], {
      // The first progress report comes once the walk has listed the files, before the last are read.
      onProgress: () => {
        if (deleted.length > 0) return;
        for (const f of files.slice(500)) {
          unlinkSync(f);
          deleted.push(f);
        }
      },
    });
    expect(deleted).toHaveLength(100);
    for (const f of deleted) expect(index.facts(f), f).toBeUndefined();
    const vanished = summary.skipped.filter((s) => /vanished/.test(s.reason)).map((s) => s.file);
    expect(vanished.length + summary.indexed).toBeGreaterThanOrEqual(500);
    expect(index.facts(files[0])?.maps).toHaveLength(1);
  });

  it('folders that cannot be read are skipped and the rest is indexed', async () => {
    const workspace = path.join(tmp, 'unreadable');
    mkdirSync(path.join(workspace, 'good'), { recursive: true });
    copyFileSync(path.join(fixturesDir, 'lsp', 'features', 'cc.bpf.c'), path.join(workspace, 'good', 'cc.bpf.c'));
    // Root ignores permissions, so a folder that errors on every access stands in: a symlink loop.
    symlinkSync('loop', path.join(workspace, 'loop'));
    const locked = path.join(workspace, 'locked');
    mkdirSync(locked);
    copyFileSync(path.join(fixturesDir, 'lsp', 'features', 'cc.bpf.c'), path.join(locked, 'hidden.bpf.c'));
    chmodSync(locked, 0o000);
    const asRoot = process.getuid?.() === 0;
    if (asRoot) console.log('[faults] running as root: chmod 000 does not stop reads; the symlink loop and a missing root stand in');
    try {
      const index = await WorkspaceIndex.create({ wasm, logger: silentLogger });
      const summary = await index.indexFolders([path.join(workspace, 'loop'), path.join(workspace, 'missing'), workspace]);
      expect(index.facts(path.join(workspace, 'good', 'cc.bpf.c'))?.maps).toHaveLength(1);
      expect(summary.cancelled).toBe(false);
      if (!asRoot) expect(index.facts(path.join(locked, 'hidden.bpf.c'))).toBeUndefined();
    } finally {
      chmodSync(locked, 0o755);
    }
  });
});

describe('after shutdown', () => {
  /** A session on a workspace holding the features fixture's cc.bpf.c, in a new folder `name`. */
  async function sessionWithCc(name: string): Promise<{ session: LspSession; cc: string }> {
    const workspace = path.join(tmp, name);
    mkdirSync(workspace);
    copyFileSync(path.join(fixturesDir, 'lsp', 'features', 'cc.bpf.c'), path.join(workspace, 'cc.bpf.c'));
    const session = await startLspSession(workspace, { kernel: { btf: [], version: '6.18' }, libbpf: { version: '1.7' } });
    return { session, cc: pathToFileURL(path.join(workspace, 'cc.bpf.c')).toString() };
  }

  it('logs nothing: work that finishes then has no client to tell', async () => {
    const { session } = await sessionWithCc('shutdown');
    // Messages arrive in the order they were sent: what follows the shutdown response was sent after it.
    const logged: string[] = [];
    let shutDown = false;
    session.client.onNotification('window/logMessage', (params: { message: string }) => {
      if (shutDown) logged.push(params.message);
    });
    await session.client.sendRequest('shutdown');
    shutDown = true;
    // A profile reload that logs its result, as one started just before shutdown would.
    await session.client.sendNotification('workspace/didChangeConfiguration', { settings: {} });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(logged).toEqual([]);
    await session.dispose();
  });

  it('sends nothing: no diagnostics, progress or other notification, so none is in flight when the streams close', async () => {
    const { session, cc } = await sessionWithCc('shutdown-quiet');
    // The harness records diagnostics, explorer and ready notifications; the rest reach this handler.
    const others: string[] = [];
    session.client.onNotification((method: string) => {
      others.push(method);
    });
    // A change just before the shutdown: the server re-checks after answering it, and would then
    // publish diagnostics and refresh the explorer. The second index phase may finish then too.
    void session.client.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: cc, type: 2 }] });
    await session.client.sendRequest('shutdown');
    const recorded = session.notifications.length;
    const othersBefore = others.length;
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const sent = [...session.notifications.slice(recorded).map((n) => n.method), ...others.slice(othersBefore)];
    expect(sent).toEqual([]);
    await session.dispose();
  });
});

// The language server with a project config (real server over streams): the config's defines,
// ignore globs and default profile apply at start and after a watched-file change; an invalid
// config becomes a diagnostic on the config file while checking goes on; settings add -I/-D.

import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { Diagnostic } from 'vscode-languageserver';
import { startLspSession, type LspSession } from '../helpers/lspHarness';
import { repoRoot } from '../helpers/paths';

const profileSettings = { kernel: { btf: [], version: '6.18' }, libbpf: { version: '1.7' } };
let session: LspSession | undefined;
let workspace: string;

afterEach(() => session?.dispose());

function write(relative: string, text: string): string {
  const file = path.join(workspace, relative);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
  return file;
}

/** good_cc with a member the kernel lacks, compiled in only when WITH_LIMIT is defined (then clang rejects it: BUILD-01). */
function writeGuarded(relative: string, prelude = ''): string {
  const good = readFileSync(path.join(repoRoot, 'examples/tcp_cc/good_cc.bpf.c'), 'utf8');
  return write(relative, prelude + good.replace('\t.name = "good_cc",', '#ifdef WITH_LIMIT\n\t.cong_limit = (void *)good_init,\n#endif\n\t.name = "good_cc",'));
}

function copyExample(name: string, relative: string): string {
  const file = path.join(workspace, relative);
  mkdirSync(path.dirname(file), { recursive: true });
  copyFileSync(path.join(repoRoot, 'examples/tcp_cc', name), file);
  return file;
}

const uri = (file: string) => pathToFileURL(file).toString();
const codes = (diagnostics: Diagnostic[]) => diagnostics.map((d) => d.code);

describe('project config in the language server', () => {
  it('applies defines and ignore globs from .struct-ops.json at start', async () => {
    workspace = mkdtempSync(path.join(tmpdir(), 'struct-ops-lsp-config-'));
    const guarded = writeGuarded('src/cc.bpf.c');
    const legacy = copyExample('forgotten_prog.bpf.c', 'legacy/forgotten.bpf.c');
    const current = copyExample('forgotten_prog.bpf.c', 'src/forgotten.bpf.c');
    write('.struct-ops.json', JSON.stringify({ defines: ['WITH_LIMIT'], ignore: { 'legacy/**': ['LIB-20'] } }));
    session = await startLspSession(workspace, profileSettings);
    expect(codes(await session.diagnostics(uri(guarded)))).toEqual(['BUILD-01']);
    expect(codes(await session.diagnostics(uri(current)))).toEqual(['LIB-20']);
    expect(await session.diagnostics(uri(legacy))).toEqual([]);
  });

  it('shows an invalid config on the config file, keeps checking, and recovers when it is fixed', async () => {
    workspace = mkdtempSync(path.join(tmpdir(), 'struct-ops-lsp-config-'));
    const guarded = writeGuarded('src/cc.bpf.c');
    const config = write('.struct-ops.json', '{\n  "defines": ["WITH_LIMIT"],\n  "ignore": {"**": ["LIB-99"]}\n}\n');
    session = await startLspSession(workspace, profileSettings);
    const [problem] = await session.diagnostics(uri(config));
    expect(problem).toMatchObject({ severity: 1, source: 'struct_ops', range: { start: { line: 2, character: 20 } } });
    expect(problem.message).toBe("struct_ops project config: ignore['**']: unknown check ID 'LIB-99'");
    // The invalid config is left out as a whole: its define does not apply.
    expect(await session.diagnostics(uri(guarded))).toEqual([]);

    write('.struct-ops.json', '{"defines": ["WITH_LIMIT"]}');
    void session.client.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uri(config), type: 2 }] });
    expect(await session.diagnostics(uri(config), (d) => d.length === 0)).toEqual([]);
    expect(codes(await session.diagnostics(uri(guarded), (d) => d.length > 0))).toEqual(['BUILD-01']);
  });

  it('takes the profile from the config when the settings name none', async () => {
    workspace = mkdtempSync(path.join(tmpdir(), 'struct-ops-lsp-config-'));
    const broken = copyExample('broken_cc.bpf.c', 'broken_cc.bpf.c');
    write('package.json', JSON.stringify({ name: 'cc', structOps: { profile: 'old', profiles: { old: { kernel: '6.6', libbpf: '1.3' } } } }));
    session = await startLspSession(workspace, {});
    expect(codes(await session.diagnostics(uri(broken)))).toEqual(['LIB-10']);
  });

  it('adds the includePaths and defines settings, relative paths against the workspace folder', async () => {
    workspace = mkdtempSync(path.join(tmpdir(), 'struct-ops-lsp-config-'));
    write('inc/features.h', '#define WITH_LIMIT 1\n');
    const viaInclude = writeGuarded('a/cc.bpf.c', '#include <features.h>\n');
    session = await startLspSession(workspace, { ...profileSettings, includePaths: ['inc'] });
    expect(codes(await session.diagnostics(uri(viaInclude)))).toEqual(['BUILD-01']);
    await session.dispose();

    workspace = mkdtempSync(path.join(tmpdir(), 'struct-ops-lsp-config-'));
    const viaDefine = writeGuarded('a/cc.bpf.c');
    session = await startLspSession(workspace, { ...profileSettings, defines: ['WITH_LIMIT=1'] });
    expect(codes(await session.diagnostics(uri(viaDefine)))).toEqual(['BUILD-01']);
  });
});

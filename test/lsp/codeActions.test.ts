// LSP-level quick fixes over the real server: each fix is requested for a real published
// diagnostic, its WorkspaceEdit applied to the text, the text sent with didChange, and the
// diagnostic must be gone afterwards.

import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CodeAction, Diagnostic } from 'vscode-languageserver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturesDir } from '../helpers/paths';
import { startLspSession, type LspSession } from '../helpers/lspHarness';
import { applyEdits, editsFor, rangeOf } from '../helpers/lspRequests';

const workspace = path.join(fixturesDir, 'lsp', 'features');
const fixture = (name: string) => {
  const file = path.join(workspace, name);
  return { uri: pathToFileURL(file).toString(), text: readFileSync(file, 'utf8') };
};
const cc = fixture('cc.bpf.c');
const copy = fixture('copy.bpf.c');
const dummy = fixture('dummy.bpf.c');

class Editor {
  private readonly versions = new Map<string, number>();
  constructor(private readonly session: LspSession) {}

  set(uri: string, text: string): void {
    const version = (this.versions.get(uri) ?? 0) + 1;
    this.versions.set(uri, version);
    if (version === 1) this.session.open(uri, text, version);
    else this.session.change(uri, text, version);
  }

  /** Sets `text`, waits for a `code` diagnostic, asks for code actions on it. */
  async actionsFor(uri: string, text: string, code: string): Promise<{ diagnostic: Diagnostic; actions: CodeAction[] }> {
    this.set(uri, text);
    const diagnostics = await this.session.diagnostics(uri, (d) => d.some((x) => x.code === code));
    const diagnostic = diagnostics.find((d) => d.code === code) as Diagnostic;
    const actions = (await this.session.client.sendRequest('textDocument/codeAction', {
      textDocument: { uri },
      range: diagnostic.range,
      context: { diagnostics: [diagnostic] },
    })) as CodeAction[];
    return { diagnostic, actions };
  }

  /** Applies `action`, sends the result and waits until no `code` diagnostic remains; returns the fixed text. */
  async apply(uri: string, text: string, action: CodeAction | undefined, code: string, gone: (d: Diagnostic) => boolean = (d) => d.code === code): Promise<string> {
    expect(action, 'code action').toBeDefined();
    const fixed = applyEdits(text, editsFor(action?.edit, uri));
    this.set(uri, fixed);
    const diagnostics = await this.session.diagnostics(uri, (d) => !d.some(gone));
    expect(diagnostics.filter(gone)).toEqual([]);
    return fixed;
  }
}

describe('quick fixes over LSP (kernel 6.18, libbpf 1.7)', () => {
  let session: LspSession;
  let editor: Editor;
  beforeAll(async () => {
    session = await startLspSession(workspace, { kernel: { btf: [], version: '6.18' }, libbpf: { version: '1.7' } });
    editor = new Editor(session);
  });
  afterAll(() => session.dispose());

  it('BUILD-01: renames a misspelled designator to the closest kernel member', async () => {
    const text = cc.text.replace('.undo_cwnd =', '.undo_cwdn =');
    const { diagnostic, actions } = await editor.actionsFor(cc.uri, text, 'BUILD-01');
    expect(diagnostic.range).toEqual(rangeOf(text, '.undo_cwdn'));
    const rename = actions.find((a) => a.title === "Change 'undo_cwdn' to 'undo_cwnd'");
    expect(rename?.isPreferred).toBe(true);
    expect(editsFor(rename?.edit, cc.uri)).toEqual([{ range: rangeOf(text, '.undo_cwdn'), newText: '.undo_cwnd' }]);
    expect(await editor.apply(cc.uri, text, rename, 'BUILD-01')).toBe(cc.text);
  });

  it('BUILD-01: never suggests a member the initializer already sets', async () => {
    const text = cc.text.replace('.undo_cwnd =', '.ssthresj =');
    const { actions } = await editor.actionsFor(cc.uri, text, 'BUILD-01');
    expect(actions.map((a) => a.title)).not.toContain("Change 'ssthresj' to 'ssthresh'");
  });

  it('LIB-09: renames a misspelled map type to the closest registered struct_ops type', async () => {
    const text = cc.text.replace('struct tcp_congestion_ops feat_cc', 'struct tcp_congestion_opz feat_cc');
    const { diagnostic, actions } = await editor.actionsFor(cc.uri, text, 'LIB-09');
    expect(diagnostic.range).toEqual(rangeOf(text, 'tcp_congestion_opz'));
    const rename = actions.find((a) => a.title === "Change type to 'struct tcp_congestion_ops'");
    expect(await editor.apply(cc.uri, text, rename, 'LIB-09')).toBe(cc.text);
  });

  it('BUILD-01: replaces an undeclared program name with the closest struct_ops program', async () => {
    const text = cc.text.replace('(void *)feat_undo,', '(void *)feat_undoo,');
    const { actions } = await editor.actionsFor(cc.uri, text, 'BUILD-01');
    const rename = actions.find((a) => a.title === "Change 'feat_undoo' to 'feat_undo'");
    expect(editsFor(rename?.edit, cc.uri)).toEqual([{ range: rangeOf(text, 'feat_undoo'), newText: 'feat_undo' }]);
    expect(await editor.apply(cc.uri, text, rename, 'BUILD-01')).toBe(cc.text);
  });

  it('LIB-12: renames the member in the initializer and in the local copy of the struct', async () => {
    const text = copy.text.replace('(*cong_avoid)', '(*cong_avoi)').replace('.cong_avoid =', '.cong_avoi =');
    const { diagnostic, actions } = await editor.actionsFor(copy.uri, text, 'LIB-12');
    expect(diagnostic.range).toEqual(rangeOf(text, '.cong_avoi'));
    const rename = actions.find((a) => a.title === "Change 'cong_avoi' to 'cong_avoid'");
    const fixed = await editor.apply(copy.uri, text, rename, 'LIB-12');
    expect(fixed).toBe(copy.text);
  });

  it('LIB-12: removes the unknown member line', async () => {
    const text = copy.text.replace('(*cong_avoid)', '(*cong_avoi)').replace('.cong_avoid =', '.cong_avoi =');
    const { diagnostic, actions } = await editor.actionsFor(copy.uri, text, 'LIB-12');
    const remove = actions.find((a) => a.title === "Remove member 'cong_avoi'");
    const fixed = await editor.apply(copy.uri, text, remove, 'LIB-12', (d) => d.code === 'LIB-12' && d.range.start.line === diagnostic.range.start.line);
    expect(fixed).toBe(text.replace('\t.cong_avoi = (void *)copy_ca,\n', ''));
  });

  it('UPD-13: adds a typed stub for the missing required op and wires it into the map', async () => {
    const text = cc.text
      .replace('SEC("struct_ops/ssthresh")\n__u32 BPF_PROG(feat_ssthresh, struct sock *sk)\n{\n\treturn 2;\n}\n\n', '')
      .replace('\t.ssthresh = (void *)feat_ssthresh,\n', '');
    const { diagnostic, actions } = await editor.actionsFor(cc.uri, text, 'UPD-13');
    expect(String(diagnostic.message).split('\n')[0]).toContain('TCP: feat_cc does not implement required ops');
    const add = actions.find((a) => a.title === 'Add the missing required op: ssthresh');
    const fixed = await editor.apply(cc.uri, text, add, 'UPD-13', (d) => d.severity === 1);
    expect(fixed).toContain('SEC("struct_ops/ssthresh")\n__u32 BPF_PROG(ssthresh, struct sock *sk)\n{\n\treturn 0;\n}\n\nSEC(".struct_ops.link")\nstruct tcp_congestion_ops feat_cc = {');
    expect(fixed).toContain('\t.name = "feat_cc",\n\t.ssthresh = (void *)ssthresh,\n};');
  });

  it('UPD-13: adds every missing op, one of cong_avoid/cong_control included', async () => {
    const text = `${cc.text.split('SEC("struct_ops/ssthresh")')[0]}SEC(".struct_ops.link")\nstruct tcp_congestion_ops empty_cc = {\n\t.name = "empty_cc"\n};\n`;
    const { actions } = await editor.actionsFor(cc.uri, text, 'UPD-13');
    const add = actions.find((a) => a.title === 'Add the missing required ops: ssthresh, cong_avoid, undo_cwnd');
    const fixed = await editor.apply(cc.uri, text, add, 'UPD-13', (d) => d.severity === 1);
    expect(fixed).toContain('void BPF_PROG(cong_avoid, struct sock *sk, __u32 ack, __u32 acked)\n{\n}\n');
    expect(fixed).toContain('\t.name = "empty_cc",\n\t.ssthresh = (void *)ssthresh,\n\t.cong_avoid = (void *)cong_avoid,\n\t.undo_cwnd = (void *)undo_cwnd,\n};');
    editor.set(cc.uri, cc.text);
  });

  it('LIB-07: adds SEC("struct_ops/<member>") to a plain function wired into a member', async () => {
    const text = cc.text.replace('SEC("struct_ops/undo_cwnd")\n', '');
    const { actions } = await editor.actionsFor(cc.uri, text, 'LIB-07');
    const add = actions.find((a) => a.title === 'Add SEC("struct_ops/undo_cwnd") to \'feat_undo\'');
    expect(await editor.apply(cc.uri, text, add, 'LIB-07')).toBe(cc.text);
  });

  it('LIB-07: moves a program from another section into struct_ops/<member>', async () => {
    const text = cc.text.replace('SEC("struct_ops/undo_cwnd")', 'SEC("tp/undo")');
    const { actions } = await editor.actionsFor(cc.uri, text, 'LIB-07');
    const move = actions.find((a) => a.title === 'Move \'feat_undo\' to SEC("struct_ops/undo_cwnd")');
    expect(await editor.apply(cc.uri, text, move, 'LIB-07')).toBe(cc.text);
  });

  it('LIB-20: places an unreferenced program in the member its section names', async () => {
    const text = cc.text.replace('\t.undo_cwnd = (void *)feat_undo,\n', '');
    const { actions } = await editor.actionsFor(cc.uri, text, 'LIB-20');
    const place = actions.find((a) => a.title === "Place 'feat_undo' in feat_cc.undo_cwnd");
    expect(place?.isPreferred).toBe(true);
    const fixed = await editor.apply(cc.uri, text, place, 'LIB-20', (d) => d.severity === 1);
    expect(fixed).toBe(text.replace('\t.name = "feat_cc",\n', '\t.name = "feat_cc",\n\t.undo_cwnd = (void *)feat_undo,\n'));
  });

  it('LIB-20: keeps an unreferenced program from loading with a `?` section', async () => {
    const extra = 'SEC("struct_ops/undo_cwnd")\n__u32 BPF_PROG(feat_undo2, struct sock *sk)\n{\n\treturn 1;\n}\n\n';
    const text = cc.text.replace('SEC(".struct_ops.link")', `${extra}SEC(".struct_ops.link")`);
    const { diagnostic, actions } = await editor.actionsFor(cc.uri, text, 'LIB-20');
    expect(diagnostic.range).toEqual(rangeOf(text, 'feat_undo2'));
    const quickFixes = actions.filter((a) => a.kind === 'quickfix');
    expect(quickFixes.map((a) => a.title)).toEqual(['Do not load \'feat_undo2\': SEC("?struct_ops/undo_cwnd")']);
    const fixed = await editor.apply(cc.uri, text, quickFixes[0], 'LIB-20');
    expect(fixed).toBe(text.replace('SEC("struct_ops/undo_cwnd")\n__u32 BPF_PROG(feat_undo2', 'SEC("?struct_ops/undo_cwnd")\n__u32 BPF_PROG(feat_undo2'));
  });

  it('PRG-12: makes a sleepable program on a non-sleepable member non-sleepable', async () => {
    const { diagnostic, actions } = await editor.actionsFor(dummy.uri, dummy.text, 'PRG-12');
    expect(diagnostic.range).toEqual(rangeOf(dummy.text, 'dummy_test_1'));
    const fix = actions.find((a) => a.title === 'Make \'dummy_test_1\' non-sleepable: SEC("struct_ops/test_1")');
    const fixed = await editor.apply(dummy.uri, dummy.text, fix, 'PRG-12');
    expect(fixed).toBe(dummy.text.replace('struct_ops.s/test_1', 'struct_ops/test_1'));
  });

  it('offers .struct_ops ↔ .struct_ops.link and sleepable ↔ non-sleepable as refactors', async () => {
    editor.set(cc.uri, cc.text);
    await session.diagnostics(cc.uri, (d) => d.length === 0);
    const onMap = (await session.client.sendRequest('textDocument/codeAction', {
      textDocument: { uri: cc.uri }, range: rangeOf(cc.text, '".struct_ops.link"'), context: { diagnostics: [] },
    })) as CodeAction[];
    expect(onMap.map((a) => [a.title, a.kind])).toEqual([['Use SEC(".struct_ops")', 'refactor.rewrite']]);
    expect(editsFor(onMap[0].edit, cc.uri)).toEqual([{ range: rangeOf(cc.text, '".struct_ops.link"'), newText: '".struct_ops"' }]);
    const onProgram = (await session.client.sendRequest('textDocument/codeAction', {
      textDocument: { uri: cc.uri }, range: rangeOf(cc.text, 'feat_undo'), context: { diagnostics: [] },
    })) as CodeAction[];
    expect(onProgram.map((a) => a.title)).toEqual(['Make \'feat_undo\' sleepable: SEC("struct_ops.s/undo_cwnd")']);
  });
});

describe('quick fixes over LSP (libbpf 1.1)', () => {
  let session: LspSession;
  beforeAll(async () => {
    session = await startLspSession(workspace, { kernel: { btf: [], version: '6.18' }, libbpf: { version: '1.1' } });
  });
  afterAll(() => session.dispose());

  it('LIB-01: turns .struct_ops.link into .struct_ops where libbpf does not know it', async () => {
    const editor = new Editor(session);
    const { diagnostic, actions } = await editor.actionsFor(cc.uri, cc.text, 'LIB-01');
    expect(diagnostic.range).toEqual(rangeOf(cc.text, '".struct_ops.link"'));
    const fix = actions.find((a) => a.title === 'Use SEC(".struct_ops")' && a.kind === 'quickfix');
    const fixed = await editor.apply(cc.uri, cc.text, fix, 'LIB-01');
    expect(fixed).toBe(cc.text.replace('".struct_ops.link"', '".struct_ops"'));
  });
});

/**
 * A workspace in sched_ext's layout (its headers under include/, built with -I include) with no
 * compile_flags.txt and no project config, plus `files`; the server started on it.
 */
async function scxWorkspace(files: Record<string, string>): Promise<{ dir: string; session: LspSession }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'lsp-include-fix-'));
  cpSync(path.join(fixturesDir, 'c', 'scx', 'include'), path.join(dir, 'include'), { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return { dir, session: await startLspSession(dir, { kernel: { btf: [], version: '6.18' }, libbpf: { version: '1.7' } }) };
}

/** Opens `file`, waits for its BUILD-01 and asks for code actions on it. */
async function missingIncludeActions(session: LspSession, file: string): Promise<{ uri: string; diagnostic: Diagnostic; actions: CodeAction[] }> {
  const uri = pathToFileURL(file).toString();
  session.open(uri, readFileSync(file, 'utf8'));
  const diagnostics = await session.diagnostics(uri, (d) => d.some((x) => x.code === 'BUILD-01'));
  const diagnostic = diagnostics.find((d) => d.code === 'BUILD-01') as Diagnostic;
  const actions = (await session.client.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: diagnostic.range, context: { diagnostics: [diagnostic] } })) as CodeAction[];
  return { uri, diagnostic, actions };
}

describe('quick fix for an include no directory has', () => {
  const workspaces: { dir: string; session: LspSession }[] = [];
  afterAll(async () => {
    for (const w of workspaces) {
      await w.session.dispose();
      rmSync(w.dir, { recursive: true, force: true });
    }
  });

  it('creates a .struct-ops.json with the directory that has it, and the build error goes', async () => {
    const w = await scxWorkspace({ 'scx_simple.bpf.c': readFileSync(path.join(fixturesDir, 'c', 'scx', 'scx_simple.bpf.c'), 'utf8') });
    workspaces.push(w);
    const { session } = w;
    const program = path.join(w.dir, 'scx_simple.bpf.c');
    const config = path.join(w.dir, '.struct-ops.json');
    const { uri, diagnostic, actions } = await missingIncludeActions(session, program);
    expect(diagnostic.message).toMatch(/^'scx\/common\.bpf\.h' file not found/);
    expect(actions.map((a) => a.title)).toEqual(["Add include path 'include' (new .struct-ops.json)"]);
    const configUri = pathToFileURL(config).toString();
    expect(actions[0].edit?.documentChanges?.[0]).toEqual({ kind: 'create', uri: configUri, options: { ignoreIfExists: true } });
    // The editor creates the file with the text, saves it, and the watcher reports it.
    writeFileSync(config, applyEdits('', editsFor(actions[0].edit, configUri)));
    void session.client.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: configUri, type: 1 }] });
    const after = await session.diagnostics(uri, (d) => !d.some((x) => x.code === 'BUILD-01'));
    expect(after.map((d) => d.code)).not.toContain('BUILD-01');
    expect(JSON.parse(readFileSync(config, 'utf8'))).toEqual({ includePaths: ['include'] });
    // With a project config in place, none is offered again.
    session.change(uri, `${readFileSync(program, 'utf8')}#include <missing/header.h>\n`, 2);
    const missing = await session.diagnostics(uri, (d) => d.some((x) => x.code === 'BUILD-01'));
    const second = missing.find((d) => d.code === 'BUILD-01') as Diagnostic;
    expect(await session.client.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: second.range, context: { diagnostics: [second] } })).toEqual([]);
  });

  it('is offered for one in a header, on the program\'s include of that header', async () => {
    const w = await scxWorkspace({
      'common.h': '#include <scx/common.bpf.h>\n',
      'nf.bpf.c': '#include "common.h"\nchar _license[] SEC("license") = "GPL";\ns32 BPF_STRUCT_OPS(nf_init) { return 0; }\nSCX_OPS_DEFINE(nf_ops, .init = (void *)nf_init, .name = "nf");\n',
    });
    workspaces.push(w);
    const { diagnostic, actions } = await missingIncludeActions(w.session, path.join(w.dir, 'nf.bpf.c'));
    expect([String(diagnostic.message).split('\n')[0], diagnostic.range.start.line]).toEqual(["In included file: 'scx/common.bpf.h' file not found", 0]);
    expect(diagnostic.relatedInformation?.map((r) => [path.basename(new URL(r.location.uri).pathname), r.location.range.start.line])).toEqual([['common.h', 0]]);
    expect(actions.map((a) => a.title)).toEqual(["Add include path 'include' (new .struct-ops.json)"]);
  });
});

// LSP-level completion over the real server: kernel members not yet set inside a struct_ops map
// initializer, struct_ops programs after `.member = (void *)`, section names inside `SEC("`.

import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CompletionItem, CompletionList } from 'vscode-languageserver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturesDir } from '../helpers/paths';
import { startLspSession, type LspSession } from '../helpers/lspHarness';
import { atPosition, positionOf } from '../helpers/lspRequests';

const workspace = path.join(fixturesDir, 'lsp', 'features');
const file = path.join(workspace, 'cc.bpf.c');
const uri = pathToFileURL(file).toString();
const original = readFileSync(file, 'utf8');

describe('completion over LSP', () => {
  let session: LspSession;
  let version = 0;
  beforeAll(async () => {
    session = await startLspSession(workspace, { kernel: { btf: [], version: '6.18' }, libbpf: { version: '1.7' } });
    await session.diagnostics(uri);
  });
  afterAll(() => session.dispose());

  /** Replaces the document with `text` and completes at the end of the `nth` `needle`. */
  async function complete(text: string, needle: string): Promise<CompletionItem[]> {
    version++;
    if (version === 1) session.open(uri, text, version);
    else session.change(uri, text, version);
    const list = await atPosition<CompletionList | null>(session, 'textDocument/completion', uri, positionOf(text, needle, needle.length));
    return list?.items ?? [];
  }

  it('offers the kernel members not yet set, required first, with prototypes', async () => {
    const text = original.replace('\t.name = "feat_cc",\n', '\t.name = "feat_cc",\n\t.s\n');
    const items = await complete(text, '\t.s');
    const labels = items.map((i) => i.label);
    expect(labels).not.toContain('ssthresh');
    expect(labels).not.toContain('name');
    expect(labels).toContain('set_state');
    const setState = items.find((i) => i.label === 'set_state') as CompletionItem;
    expect(setState.detail).toBe('void (*set_state)(struct sock *sk, u8 new_state)');
    const at = positionOf(text, '\t.s', 1);
    expect(setState.textEdit).toEqual({ range: { start: at, end: { line: at.line, character: at.character + 2 } }, newText: '.set_state = (void *)' });
    expect(setState.filterText).toBe('.set_state');
    const getInfo = items.find((i) => i.label === 'get_info');
    expect(getInfo?.labelDetails?.description).toBe('unsupported (PRG-11)');
  });

  it('marks required members that are missing', async () => {
    const text = original.replace('\t.ssthresh = (void *)feat_ssthresh,\n', '\t\n');
    const items = await complete(text, 'feat_cc = {\n\t');
    const ssthresh = items.find((i) => i.label === 'ssthresh');
    expect(ssthresh?.labelDetails?.description).toBe('required');
    expect([...items].sort((a, b) => String(a.sortText).localeCompare(String(b.sortText)))[0].label).toBe('ssthresh');
  });

  it('offers struct_ops programs after `.member = (void *)`, the matching section first', async () => {
    const text = original.replace('\t.cong_avoid = (void *)feat_cong_avoid,\n', '\t.cong_avoid = (void *)feat_c\n');
    const items = await complete(text, '(void *)feat_c');
    expect(items.map((i) => i.label).sort()).toEqual(['feat_cong_avoid', 'feat_ssthresh', 'feat_undo']);
    const best = items.find((i) => i.preselect);
    expect(best?.label).toBe('feat_cong_avoid');
    expect(best?.detail).toBe('SEC("struct_ops/cong_avoid")');
    const at = positionOf(text, '(void *)feat_c', '(void *)'.length);
    expect(best?.textEdit).toEqual({ range: { start: at, end: { line: at.line, character: at.character + 'feat_c'.length } }, newText: 'feat_cong_avoid' });
  });

  it('offers section names inside SEC("', async () => {
    const text = original.replace('SEC("struct_ops/undo_cwnd")', 'SEC("struct_ops/u")');
    const items = await complete(text, 'SEC("struct_ops/u');
    const labels = items.map((i) => i.label);
    expect(labels).toEqual(expect.arrayContaining(['.struct_ops', '.struct_ops.link', 'struct_ops/undo_cwnd', 'struct_ops.s/undo_cwnd', 'license']));
    const undo = items.find((i) => i.label === 'struct_ops/undo_cwnd');
    const at = positionOf(text, 'SEC("struct_ops/u', 'SEC("'.length);
    expect(undo?.textEdit).toEqual({ range: { start: at, end: { line: at.line, character: at.character + 'struct_ops/u'.length } }, newText: 'struct_ops/undo_cwnd' });
  });

  it('offers nothing outside struct_ops constructs', async () => {
    expect(await complete(original, 'char LICENSE')).toEqual([]);
  });
});

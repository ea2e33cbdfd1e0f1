// LSP-level document and workspace symbols over the real server: maps with their members as
// children, programs, local struct definitions; workspace-wide types, maps and programs.

import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { SymbolKind, type DocumentSymbol, type SymbolInformation } from 'vscode-languageserver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturesDir } from '../helpers/paths';
import { startLspSession, type LspSession } from '../helpers/lspHarness';
import { forDocument, rangeOf } from '../helpers/lspRequests';

const workspace = path.join(fixturesDir, 'lsp', 'features');
const fixture = (name: string) => {
  const file = path.join(workspace, name);
  return { uri: pathToFileURL(file).toString(), text: readFileSync(file, 'utf8') };
};
const cc = fixture('cc.bpf.c');
const copy = fixture('copy.bpf.c');

describe('symbols over LSP', () => {
  let session: LspSession;
  beforeAll(async () => {
    session = await startLspSession(workspace, { kernel: { btf: [], version: '6.18' }, libbpf: { version: '1.7' } });
    await session.diagnostics(cc.uri);
  });
  afterAll(() => session.dispose());

  it('lists programs and maps with members as children, in source order', async () => {
    const symbols = await forDocument<DocumentSymbol[]>(session, 'textDocument/documentSymbol', cc.uri);
    expect(symbols.map((s) => [s.name, s.kind, s.detail])).toEqual([
      ['feat_ssthresh', SymbolKind.Function, 'SEC("struct_ops/ssthresh")'],
      ['feat_cong_avoid', SymbolKind.Function, 'SEC("struct_ops/cong_avoid")'],
      ['feat_undo', SymbolKind.Function, 'SEC("struct_ops/undo_cwnd")'],
      ['feat_cc', SymbolKind.Object, 'struct tcp_congestion_ops · .struct_ops.link'],
    ]);
    const map = symbols[3];
    expect(map.selectionRange).toEqual(rangeOf(cc.text, 'feat_cc'));
    expect(map.children?.map((c) => [c.name, c.kind, c.detail])).toEqual([
      ['.ssthresh', SymbolKind.Method, 'feat_ssthresh'],
      ['.cong_avoid', SymbolKind.Method, 'feat_cong_avoid'],
      ['.undo_cwnd', SymbolKind.Method, 'feat_undo'],
      ['.name', SymbolKind.Field, undefined],
    ]);
    expect(map.children?.[0].range).toEqual({ start: rangeOf(cc.text, '.ssthresh = (void *)feat_ssthresh').start, end: rangeOf(cc.text, '.ssthresh = (void *)feat_ssthresh').end });
    expect(symbols[2].selectionRange).toEqual(rangeOf(cc.text, 'feat_undo'));
  });

  it('includes the file\'s struct definitions with their members', async () => {
    const symbols = await forDocument<DocumentSymbol[]>(session, 'textDocument/documentSymbol', copy.uri);
    expect(symbols[0].name).toBe('struct tcp_congestion_ops___copy');
    expect(symbols[0].selectionRange).toEqual(rangeOf(copy.text, 'tcp_congestion_ops___copy'));
    expect(symbols[0].children?.map((c) => c.name)).toEqual(['ssthresh', 'cong_avoid', 'undo_cwnd', 'name']);
  });

  it('finds maps, programs and types across the workspace by query', async () => {
    const found = (await session.client.sendRequest('workspace/symbol', { query: 'cc' })) as SymbolInformation[];
    const names = found.map((s) => `${s.name}:${s.kind}`);
    expect(names).toEqual(expect.arrayContaining([`feat_cc:${SymbolKind.Object}`, `copy_cc:${SymbolKind.Object}`]));
    const types = (await session.client.sendRequest('workspace/symbol', { query: 'tcp_congestion_ops___copy' })) as SymbolInformation[];
    expect(types).toEqual([{ name: 'tcp_congestion_ops___copy', kind: SymbolKind.Struct, location: { uri: copy.uri, range: rangeOf(copy.text, 'tcp_congestion_ops___copy') }, containerName: 'struct' }]);
    const programs = (await session.client.sendRequest('workspace/symbol', { query: 'feat_undo' })) as SymbolInformation[];
    expect(programs).toEqual([{ name: 'feat_undo', kind: SymbolKind.Function, location: { uri: cc.uri, range: rangeOf(cc.text, 'feat_undo') }, containerName: 'struct_ops/undo_cwnd' }]);
  });
});

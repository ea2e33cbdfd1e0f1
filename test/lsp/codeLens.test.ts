// LSP-level code lens over the real server: each struct_ops map shows its simulated outcome on the
// profile and carries the structOps.showTrace command with the document URI.

import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CodeLens } from 'vscode-languageserver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturesDir } from '../helpers/paths';
import { startLspSession, type LspSession } from '../helpers/lspHarness';
import { forDocument, positionOf } from '../helpers/lspRequests';

const workspace = path.join(fixturesDir, 'lsp', 'features');
const fixture = (name: string) => {
  const file = path.join(workspace, name);
  return { uri: pathToFileURL(file).toString(), text: readFileSync(file, 'utf8') };
};
const cc = fixture('cc.bpf.c');
const dummy = fixture('dummy.bpf.c');

describe('code lens over LSP', () => {
  let session: LspSession;
  beforeAll(async () => {
    session = await startLspSession(workspace, { kernel: { btf: [], version: '6.18' }, libbpf: { version: '1.7' } });
    await session.diagnostics(cc.uri);
  });
  afterAll(() => session.dispose());

  it('says a clean map loads, above its declaration, with the showTrace command', async () => {
    const lenses = await forDocument<CodeLens[]>(session, 'textDocument/codeLens', cc.uri);
    const line = positionOf(cc.text, 'SEC(".struct_ops.link")').line;
    expect(lenses).toEqual([
      {
        range: { start: { line, character: 0 }, end: { line, character: 0 } },
        command: { title: '✓ loads on kernel 6.18 / libbpf 1.7', command: 'structOps.showTrace', arguments: [cc.uri] },
      },
    ]);
  });

  it('shows the first failure with phase, errno and check', async () => {
    const lenses = await forDocument<CodeLens[]>(session, 'textDocument/codeLens', dummy.uri);
    expect(lenses.map((l) => l.command?.title)).toEqual(['✗ fails at prog_load: -EINVAL (PRG-12) on kernel 6.18 / libbpf 1.7']);
  });

  it('follows edits: a misspelled member fails at load with LIB-12 on a local copy', async () => {
    const copy = fixture('copy.bpf.c');
    const text = copy.text.replace('(*cong_avoid)', '(*cong_avoi)').replace('.cong_avoid =', '.cong_avoi =');
    session.open(copy.uri, text);
    await session.diagnostics(copy.uri, (d) => d.some((x) => x.code === 'LIB-12'));
    const lenses = await forDocument<CodeLens[]>(session, 'textDocument/codeLens', copy.uri);
    expect(lenses.map((l) => l.command?.title)).toEqual(['✗ fails at load: -EOPNOTSUPP (LIB-12) on kernel 6.18 / libbpf 1.7']);
  });
});

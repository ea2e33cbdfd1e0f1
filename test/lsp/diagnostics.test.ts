// LSP-level: the real server over streams; a misspelled member in an open document gets a
// diagnostic at the member's range with the check ID as code and libbpf's own message.

import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturesDir } from '../helpers/paths';
import { startLspSession, type LspSession } from '../helpers/lspHarness';

const workspace = path.join(fixturesDir, 'lsp', 'misspelled');
const file = path.join(workspace, 'cc.bpf.c');
const uri = pathToFileURL(file).toString();
const original = readFileSync(file, 'utf8');
const settings = { kernel: { btf: [], version: '6.18' }, libbpf: { version: '1.7' } };

function rangeOf(text: string, needle: string) {
  const offset = text.indexOf(needle);
  const before = text.slice(0, offset).split('\n');
  const line = before.length - 1;
  const character = before[before.length - 1].length;
  return { start: { line, character }, end: { line, character: character + needle.length } };
}

describe('diagnostics over LSP', () => {
  let session: LspSession;
  beforeAll(async () => {
    session = await startLspSession(workspace, settings);
  });
  afterAll(() => session.dispose());

  it('publishes no error for the correct file on disk', async () => {
    const diagnostics = await session.diagnostics(uri);
    expect(diagnostics.filter((d) => d.severity === 1)).toEqual([]);
  });

  it('reports a member the kernel does not have at the designator, with LIB-12 and the libbpf message', async () => {
    const text = original.replace(/cong_avoid/g, 'cong_avoi');
    session.open(uri, text);
    const diagnostics = await session.diagnostics(uri, (d) => d.some((x) => x.code === 'LIB-12'));
    const lib12 = diagnostics.find((d) => d.code === 'LIB-12');
    expect(lib12?.range).toEqual(rangeOf(text, '.cong_avoi ='.slice(0, '.cong_avoi'.length)));
    expect(lib12?.source).toBe('struct_ops');
    expect(String(lib12?.message).split('\n')[0]).toBe(
      'libbpf: struct_ops init_kern fixture_cc: Cannot find member cong_avoi in kernel BTF (load: -EOPNOTSUPP, errno 95)',
    );
  });

  it('clears the diagnostic when the member is fixed', async () => {
    session.change(uri, original, 2);
    const diagnostics = await session.diagnostics(uri, (d) => !d.some((x) => x.code === 'LIB-12'));
    expect(diagnostics.map((d) => d.code)).not.toContain('LIB-12');
  });
});

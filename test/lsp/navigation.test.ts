// LSP-level go to definition and references over the real server: designators go to the kernel
// member (a generated C view of the BTF type, or the workspace's copy of the struct), program names
// to their definitions, and a program's references are the member initializers that place it.

import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Location } from 'vscode-languageserver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturesDir } from '../helpers/paths';
import { startLspSession, type LspSession } from '../helpers/lspHarness';
import { atPosition, positionOf, rangeOf } from '../helpers/lspRequests';

const workspace = path.join(fixturesDir, 'lsp', 'features');
const fixture = (name: string) => {
  const file = path.join(workspace, name);
  return { uri: pathToFileURL(file).toString(), text: readFileSync(file, 'utf8') };
};
const cc = fixture('cc.bpf.c');
const copy = fixture('copy.bpf.c');

function textAt(location: Location): string {
  const lines = readFileSync(fileURLToPath(location.uri), 'utf8').split('\n');
  const { start, end } = location.range;
  expect(start.line).toBe(end.line);
  return lines[start.line].slice(start.character, end.character);
}

describe('definition and references over LSP', () => {
  let session: LspSession;
  beforeAll(async () => {
    session = await startLspSession(workspace, { kernel: { btf: [], version: '6.18' }, libbpf: { version: '1.7' } });
    await session.diagnostics(cc.uri);
  });
  afterAll(() => session.dispose());

  it('goes from a designator to the member in a generated C view of the kernel type', async () => {
    const location = await atPosition<Location>(session, 'textDocument/definition', cc.uri, positionOf(cc.text, '.undo_cwnd', 2));
    expect(location.uri).toMatch(/\/vmlinux\/struct_tcp_congestion_ops\.h$/);
    expect(textAt(location)).toBe('undo_cwnd');
    const view = readFileSync(fileURLToPath(location.uri), 'utf8').split('\n');
    expect(view[0]).toMatch(/^\/\* Generated from vmlinux \(.*\) BTF \(type \[\d+\], \d+ bytes\): read-only view\. \*\/$/);
    expect(view[2]).toBe('struct tcp_congestion_ops {');
    expect(view[location.range.start.line]).toMatch(/^\tu32 \(\*undo_cwnd\)\(struct sock \*\); \/\* #\d+, offset \d+ \*\/$/);
  });

  it('goes from the map type to the generated view, at the struct name', async () => {
    const location = await atPosition<Location>(session, 'textDocument/definition', cc.uri, positionOf(cc.text, 'tcp_congestion_ops feat_cc', 4));
    expect(location.range.start).toEqual({ line: 2, character: 7 });
    expect(textAt(location)).toBe('tcp_congestion_ops');
  });

  it('goes to the workspace copy of the struct when the file defines one', async () => {
    const member = await atPosition<Location>(session, 'textDocument/definition', copy.uri, positionOf(copy.text, '.cong_avoid', 3));
    expect(member).toEqual({ uri: copy.uri, range: { start: positionOf(copy.text, 'cong_avoid)'), end: positionOf(copy.text, 'cong_avoid)', 'cong_avoid'.length) } });
    const type = await atPosition<Location>(session, 'textDocument/definition', copy.uri, positionOf(copy.text, 'tcp_congestion_ops___copy copy_cc', 2));
    expect(type).toEqual({ uri: copy.uri, range: rangeOf(copy.text, 'tcp_congestion_ops___copy') });
  });

  it('goes from a wired program name to the program', async () => {
    const location = await atPosition<Location>(session, 'textDocument/definition', cc.uri, positionOf(cc.text, '(void *)feat_cong_avoid', 12));
    expect(location).toEqual({ uri: cc.uri, range: rangeOf(cc.text, 'feat_cong_avoid') });
  });

  it('lists the member initializers that place a program as its references', async () => {
    const refs = await atPosition<Location[]>(session, 'textDocument/references', cc.uri, positionOf(cc.text, 'feat_ssthresh', 1), { context: { includeDeclaration: false } });
    expect(refs).toEqual([{ uri: cc.uri, range: rangeOf(cc.text, 'feat_ssthresh', 1) }]);
    const withDeclaration = await atPosition<Location[]>(session, 'textDocument/references', cc.uri, positionOf(cc.text, 'feat_ssthresh', 3, 1), { context: { includeDeclaration: true } });
    expect(withDeclaration).toEqual([
      { uri: cc.uri, range: rangeOf(cc.text, 'feat_ssthresh', 0) },
      { uri: cc.uri, range: rangeOf(cc.text, 'feat_ssthresh', 1) },
    ]);
  });

  it('answers null where there is nothing to go to', async () => {
    expect(await atPosition(session, 'textDocument/definition', cc.uri, positionOf(cc.text, 'LICENSE'))).toBeNull();
    expect(await atPosition(session, 'textDocument/references', cc.uri, positionOf(cc.text, 'LICENSE'), { context: { includeDeclaration: true } })).toBeNull();
  });
});

describe('navigation across an included .bpf.c', () => {
  const multi = path.join(fixturesDir, 'lsp', 'multi');
  const main = { uri: pathToFileURL(path.join(multi, 'main.bpf.c')).toString(), text: readFileSync(path.join(multi, 'main.bpf.c'), 'utf8') };
  const impl = { uri: pathToFileURL(path.join(multi, 'impl.bpf.c')).toString(), text: readFileSync(path.join(multi, 'impl.bpf.c'), 'utf8') };
  let session: LspSession;
  beforeAll(async () => {
    session = await startLspSession(multi, { kernel: { btf: [], version: '6.18' }, libbpf: { version: '1.7' } });
    await session.diagnostics(main.uri);
  });
  afterAll(() => session.dispose());

  it('goes from a wired name in the including file to the program in the included one', async () => {
    const location = await atPosition<Location>(session, 'textDocument/definition', main.uri, positionOf(main.text, '(void *)test_2', 9));
    expect(location).toEqual({ uri: impl.uri, range: rangeOf(impl.text, 'test_2', 1) });
  });

  it('finds the including object\'s member as a reference of the included program, once', async () => {
    const refs = await atPosition<Location[]>(session, 'textDocument/references', impl.uri, positionOf(impl.text, 'test_1,', 1), { context: { includeDeclaration: false } });
    expect(refs).toEqual([{ uri: main.uri, range: rangeOf(main.text, 'test_1', 1) }]);
  });
});

describe('navigation on the kernel side', () => {
  const module = path.join(fixturesDir, 'lsp', 'module');
  const main = { uri: pathToFileURL(path.join(module, 'my_ops_main.c')).toString(), text: readFileSync(path.join(module, 'my_ops_main.c'), 'utf8') };
  const header = { uri: pathToFileURL(path.join(module, 'my_ops.h')).toString(), text: readFileSync(path.join(module, 'my_ops.h'), 'utf8') };
  let session: LspSession;
  beforeAll(async () => {
    session = await startLspSession(module, { kernel: { btf: [], version: '6.18' }, libbpf: { version: '1.7' } });
  });
  afterAll(() => session.dispose());

  it('goes from register_bpf_struct_ops arguments to the descriptor and the ops struct', async () => {
    const descriptor = await atPosition<Location>(session, 'textDocument/definition', main.uri, positionOf(main.text, '(&bpf_my_ops', 4));
    expect(descriptor).toEqual({ uri: main.uri, range: { start: positionOf(main.text, 'bpf_my_ops = {'), end: positionOf(main.text, 'bpf_my_ops = {', 'bpf_my_ops'.length) } });
    const type = await atPosition<Location>(session, 'textDocument/definition', main.uri, positionOf(main.text, ', my_ops)', 4));
    expect(type).toEqual({ uri: header.uri, range: rangeOf(header.text, 'my_ops') });
    expect(await atPosition(session, 'textDocument/definition', main.uri, positionOf(main.text, 'register_bpf_struct_ops(', 2))).toBeNull();
  });

  it('goes from a BPF map\'s member to the workspace module\'s struct', async () => {
    const user = path.join(module, 'bpf', 'user.bpf.c');
    const userText = readFileSync(user, 'utf8');
    const location = await atPosition<Location>(session, 'textDocument/definition', pathToFileURL(user).toString(), positionOf(userText, '.test_1', 2));
    expect(location).toEqual({ uri: header.uri, range: rangeOf(header.text, 'test_1') });
  });
});

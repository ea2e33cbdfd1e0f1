// LSP-level: hover over the real server on a tcp_congestion_ops map: the kernel type's origin and
// registration, a member's prototype/index/offset/rules and wired program, a program's members.

import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Hover } from 'vscode-languageserver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturesDir } from '../helpers/paths';
import { startLspSession, type LspSession } from '../helpers/lspHarness';
import { atPosition, positionOf, rangeOf } from '../helpers/lspRequests';

const workspace = path.join(fixturesDir, 'lsp', 'features');
const file = path.join(workspace, 'cc.bpf.c');
const uri = pathToFileURL(file).toString();
const text = readFileSync(file, 'utf8');
const settings = { kernel: { btf: [], version: '6.18' }, libbpf: { version: '1.7' } };

const value = (hover: Hover | null) => (hover && typeof hover.contents === 'object' && 'value' in hover.contents ? hover.contents.value : '');

describe('hover over LSP', () => {
  let session: LspSession;
  beforeAll(async () => {
    session = await startLspSession(workspace, settings);
    await session.diagnostics(uri);
  });
  afterAll(() => session.dispose());

  it('shows the kernel type origin, size and registration on the map type', async () => {
    const hover = await atPosition<Hover>(session, 'textDocument/hover', uri, positionOf(text, 'tcp_congestion_ops feat_cc', 3));
    expect(hover.range).toEqual(rangeOf(text, 'tcp_congestion_ops'));
    const md = value(hover);
    expect(md).toContain('```c\nstruct tcp_congestion_ops\n```');
    expect(md).toMatch(/Kernel struct_ops type from \*\*vmlinux\*\* BTF \(type \[\d+\], /);
    expect(md).toMatch(/Size: \d+ bytes, \d+ members/);
    expect(md).toMatch(/Registered: yes — value type `bpf_struct_ops_tcp_congestion_ops` \[\d+\]/);
    expect(md).toContain('Required ops: `ssthresh`, `undo_cwnd`');
    expect(md).toContain('*kernel 6.18 / libbpf 1.7*');
  });

  it('shows the kernel member prototype, index, offset, rules and wired program on a designator', async () => {
    const hover = await atPosition<Hover>(session, 'textDocument/hover', uri, positionOf(text, '.ssthresh =', 2));
    expect(hover.range).toEqual(rangeOf(text, '.ssthresh'));
    const md = value(hover);
    expect(md).toContain('```c\nu32 (*ssthresh)(struct sock *sk)\n```');
    expect(md).toContain('Member #0 of `struct tcp_congestion_ops`, offset 0 bytes (**vmlinux**)');
    expect(md).toContain('Required: yes · Sleepable program allowed: yes');
    expect(md).toContain('Wired program: `feat_ssthresh` (`SEC("struct_ops/ssthresh")`)');
  });

  it('marks an optional member and its offset', async () => {
    const hover = await atPosition<Hover>(session, 'textDocument/hover', uri, positionOf(text, '.cong_avoid =', 1));
    const md = value(hover);
    expect(md).toContain('void (*cong_avoid)(struct sock *sk, u32 ack, u32 acked)');
    expect(md).toMatch(/Member #\d+ of `struct tcp_congestion_ops`, offset \d+ bytes/);
    expect(md).toContain('Required: no');
  });

  it('shows the members a program fills and the prototype it must match', async () => {
    const hover = await atPosition<Hover>(session, 'textDocument/hover', uri, positionOf(text, 'feat_undo, struct', 2));
    expect(hover.range).toEqual(rangeOf(text, 'feat_undo'));
    const md = value(hover);
    expect(md).toContain('```c\n__u32 feat_undo(struct sock *sk)\n```');
    expect(md).toContain('Section `struct_ops/undo_cwnd`');
    expect(md).toMatch(/Fills `feat_cc\.undo_cwnd` \(member #\d+ of `struct tcp_congestion_ops`\), must match:\n```c\nu32 \(\*undo_cwnd\)\(struct sock \*sk\)\n```/);
  });

  it('shows the program and the member on a wired program name', async () => {
    const hover = await atPosition<Hover>(session, 'textDocument/hover', uri, positionOf(text, '(void *)feat_undo', 10));
    expect(hover.range).toEqual(rangeOf(text, 'feat_undo', 1));
    const md = value(hover);
    expect(md).toContain('__u32 feat_undo(struct sock *sk)');
    expect(md).toContain('u32 (*undo_cwnd)(struct sock *sk)');
  });

  it('suggests the closest kernel member for a misspelled designator', async () => {
    const changed = text.replace('.undo_cwnd =', '.undo_cwdn =');
    session.open(uri, changed);
    const hover = await atPosition<Hover>(session, 'textDocument/hover', uri, positionOf(changed, '.undo_cwdn', 3));
    expect(value(hover)).toContain('`undo_cwdn` is not a member of the kernel\'s `struct tcp_congestion_ops`; did you mean `undo_cwnd`?');
    session.change(uri, text, 2);
  });

  it('shows the simulated outcome on the map name', async () => {
    const hover = await atPosition<Hover>(session, 'textDocument/hover', uri, positionOf(text, 'feat_cc =', 2));
    expect(hover.range).toEqual(rangeOf(text, 'feat_cc'));
    expect(value(hover)).toBe('```c\nstruct tcp_congestion_ops feat_cc\n```\n\nstruct_ops map in `SEC(".struct_ops.link")`\n\n✓ loads on kernel 6.18 / libbpf 1.7');
  });

  it('answers null away from struct_ops constructs', async () => {
    expect(await atPosition<Hover | null>(session, 'textDocument/hover', uri, positionOf(text, 'LICENSE'))).toBeNull();
  });
});

describe('hover on the kernel side over LSP', () => {
  const workspace = path.join(fixturesDir, 'lsp', 'module');
  const main = path.join(workspace, 'my_ops_main.c');
  const mainUri = pathToFileURL(main).toString();
  const mainText = readFileSync(main, 'utf8');
  let session: LspSession;
  beforeAll(async () => {
    session = await startLspSession(workspace, settings);
  });
  afterAll(() => session.dispose());

  it('shows what a register_bpf_struct_ops call registers', async () => {
    const hover = await atPosition<Hover>(session, 'textDocument/hover', mainUri, positionOf(mainText, 'register_bpf_struct_ops(', 3));
    expect(hover.range).toEqual(rangeOf(mainText, 'register_bpf_struct_ops(&bpf_my_ops, my_ops)'));
    const md = value(hover);
    expect(md).toBe(
      '```c\nregister_bpf_struct_ops(&bpf_my_ops, my_ops)\n```\n\nRegisters `struct my_ops` with descriptor `bpf_my_ops` in `my_ops_init` (result returned)\n\n' +
        'Descriptor fields: `.init_member`, `.cfi_stubs`, `.name`, `.owner`\n\n' +
        '✗ insmod `my_ops` crashes at register (REG-22) on kernel 6.18 / libbpf 1.7\n\n' +
        '`kernel NULL pointer dereference: struct bpf_struct_ops bpf_my_ops.verifier_ops is NULL; the kernel would oops at program load (check_struct_ops_btf_id uses st_ops->verifier_ops as env->ops)`',
    );
  });

  it('shows where the type went when insmod registers it', async () => {
    const text = mainText.replace('\t.init_member = my_ops_init_member,\n', '\t.init_member = my_ops_init_member,\n\t.verifier_ops = &my_verifier_ops,\n\t.reg = my_reg,\n\t.unreg = my_unreg,\n\t.init = my_init,\n');
    session.open(mainUri, text);
    try {
      const hover = await atPosition<Hover>(session, 'textDocument/hover', mainUri, positionOf(text, 'register_bpf_struct_ops(', 3));
      expect(value(hover).split('\n\n').at(-1)).toMatch(/^✓ insmod `my_ops` registers `struct my_ops` in my_ops's BTF \(type \[\d+\], value type \[\d+\]\) on kernel 6\.18 \/ libbpf 1\.7$/);
    } finally {
      session.change(mainUri, mainText, 2);
    }
  });

  it('finds a BPF map\'s type in the workspace module\'s BTF', async () => {
    const user = path.join(workspace, 'bpf', 'user.bpf.c');
    const userText = readFileSync(user, 'utf8');
    const userUri = pathToFileURL(user).toString();
    const type = value(await atPosition<Hover>(session, 'textDocument/hover', userUri, positionOf(userText, 'my_ops user_ops', 2)));
    expect(type).toMatch(/^```c\nstruct my_ops\n```\nKernel struct_ops type from module \*\*my_ops\*\* BTF \(type \[\d+\], /);
    const member = value(await atPosition<Hover>(session, 'textDocument/hover', userUri, positionOf(userText, '.test_1', 2)));
    expect(member).toContain('```c\nint (*test_1)(int a)\n```\nMember #0 of `struct my_ops`, offset 0 bytes (module **my_ops**)');
  });

  it('shows a descriptor\'s fields and who registers it', async () => {
    const hover = await atPosition<Hover>(session, 'textDocument/hover', mainUri, positionOf(mainText, 'bpf_my_ops = {', 2));
    expect(hover.range).toEqual({ start: positionOf(mainText, 'bpf_my_ops = {'), end: positionOf(mainText, 'bpf_my_ops = {', 'bpf_my_ops'.length) });
    expect(value(hover)).toBe('```c\nstruct bpf_struct_ops bpf_my_ops\n```\n\nFields: `.init_member`, `.cfi_stubs`, `.name`, `.owner`\n\nRegistered by `register_bpf_struct_ops` for `struct my_ops` in `my_ops_init`');
  });
});

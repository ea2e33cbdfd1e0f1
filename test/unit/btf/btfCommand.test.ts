// `struct-ops btf` subcommands through runBtfCommand with buffer I/O: list over the split
// fixtures and the bundled profile, show by name and id, minimize to a file, usage errors.

import { mkdtempSync, rmSync } from 'node:fs';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runBtfCommand } from '../../../server/src/cli/btfCommand';
import { ExitStatus } from '../../../server/src/cli/io';
import { BtfKind, BtfSpec, formatMember, parseBtf } from '../../../server/src/engine/btf';
import { fixture, fixtureDir, profilesDir } from './helpers';

const tmp = mkdtempSync(path.join(tmpdir(), 'btf-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function run(...argv: string[]): Promise<{ status: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const status = await runBtfCommand(argv, { out: (t) => (out += t), err: (t) => (err += t), cwd: fixtureDir }, { profilesDir });
  return { status, out, err };
}

const base = parseBtf(fixture('testmod.base.btf')) as BtfSpec;
const mod = parseBtf(fixture('testmod.btf'), { base }) as BtfSpec;
const splitArgs = ['--btf', 'testmod.base.btf', '--btf', 'testmod.btf'];

describe('btf list', () => {
  it('lists the module struct_ops type with every member prototype', async () => {
    const r = await run('list', ...splitArgs);
    expect(r.status).toBe(ExitStatus.Clean);
    expect(r.out).toContain('testmod (');
    const ops = mod.findByNameKind('testmod_ops', BtfKind.Struct) as number;
    expect(r.out).toContain(`struct testmod_ops [${ops}]`);
    for (let i = 0; i < mod.vlenOf(ops); i++) expect(r.out).toContain(`${formatMember(mod, ops, i)};`);
    expect(r.out).toMatch(/vmlinux \(.*testmod\.base\.btf\): 0 struct_ops types/);
  });

  it('lists the bundled profile when given as a directory', async () => {
    const r = await run('list', '--btf', profilesDir);
    expect(r.status).toBe(ExitStatus.Clean);
    expect(r.out).toContain('struct tcp_congestion_ops');
    expect(r.out).toContain('u32 (*ssthresh)(struct sock *);');
  });

  it('reports unreadable sources and bad versions as usage errors', async () => {
    expect((await run('list', '--btf', 'no-such-file')).status).toBe(ExitStatus.UsageError);
    const bad = await run('list', '--btf', profilesDir, '--kernel', 'banana');
    expect(bad.status).toBe(ExitStatus.UsageError);
    expect(bad.err).toMatch(/invalid kernel version "banana"/);
  });
});

describe('btf show', () => {
  it('prints a type by name, with or without its keyword, and by id', async () => {
    const byName = await run('show', 'testmod_ops', ...splitArgs);
    expect(byName.status).toBe(ExitStatus.Clean);
    expect(byName.out).toContain('struct testmod_ops {');
    expect(byName.out).toContain('u64 (*sum)(int, ...);');
    expect((await run('show', 'struct', 'testmod_ops', ...splitArgs)).out).toBe(byName.out);
    const id = mod.findByNameKind('testmod_ops', BtfKind.Struct) as number;
    expect((await run('show', `[${id}]`, ...splitArgs)).out).toBe(byName.out);
    expect((await run('show', 'enum', 'testmod_big', ...splitArgs)).out).toContain('TESTMOD_BIG = 78187493530,');
  });

  it('says what it could not find', async () => {
    const r = await run('show', 'no_such_type', ...splitArgs);
    expect(r.status).toBe(ExitStatus.Findings);
    expect(r.err).toContain('no_such_type not found in vmlinux, testmod');
    expect((await run('show', 'class', 'x', ...splitArgs)).status).toBe(ExitStatus.UsageError);
  });
});

describe('btf minimize', () => {
  it('writes standalone struct_ops BTF from split input', async () => {
    const out = path.join(tmp, 'min.btf');
    const r = await run('minimize', '--from', 'testmod.btf', '--base', 'testmod.base.btf', '-o', out, '--depth', '0');
    expect(r.status).toBe(ExitStatus.Clean);
    const min = parseBtf(new Uint8Array(readFileSync(out))) as BtfSpec;
    expect(min).toBeInstanceOf(BtfSpec);
    expect(min.structOpsValueTypes().map((v) => v.typeName)).toEqual(['testmod_ops']);
  });

  it('takes explicit roots', async () => {
    const out = path.join(tmp, 'roots.btf');
    expect((await run('minimize', '--from', 'testmod.base.btf', '-o', out, '--type', 'bpf_struct_ops_common_value')).status).toBe(ExitStatus.Clean);
    const min = parseBtf(new Uint8Array(readFileSync(out))) as BtfSpec;
    expect(min.findByNameKind('bpf_struct_ops_common_value', BtfKind.Struct)).toBeDefined();
    expect(min.findByNameKind('sock', BtfKind.Struct)).toBeUndefined();
  });

  it('rejects missing arguments and split input without its base', async () => {
    expect((await run('minimize', '--from', 'testmod.btf')).status).toBe(ExitStatus.UsageError);
    expect((await run('minimize', '-o', path.join(tmp, 'x.btf'))).status).toBe(ExitStatus.UsageError);
    expect((await run('minimize', '--from', 'testmod.btf', '-o', path.join(tmp, 'x.btf'), '--depth', 'deep')).status).toBe(ExitStatus.UsageError);
    const noBase = await run('minimize', '--from', 'testmod.btf', '-o', path.join(tmp, 'x.btf'));
    expect(noBase.status).toBe(ExitStatus.UsageError);
    expect(noBase.err).toContain('did you forget to provide base BTF?');
  });
});

describe('usage', () => {
  it('prints usage and exits 2 for no or unknown subcommands and options', async () => {
    expect((await run()).status).toBe(ExitStatus.UsageError);
    const help = await run('--help');
    expect(help.status).toBe(ExitStatus.Clean);
    expect(help.out).toContain('usage: struct-ops btf');
    expect((await run('frobnicate')).err).toContain("unknown subcommand 'frobnicate'");
    expect((await run('list', '--bogus')).status).toBe(ExitStatus.UsageError);
  });
});

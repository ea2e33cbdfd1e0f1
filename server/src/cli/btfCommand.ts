// `struct-ops btf list|show|minimize`: inspects kernel BTF the way the simulator sees it —
// struct_ops types per BTF object with their member prototypes, one type as C, and cutting a
// BTF file down to its struct_ops part (the bundled profile is made the same way).

import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import {
  BtfError, BtfKind, type BtfSpec, formatMember, formatStruct, kindName, minimizeBtf, parseAnyBtf, structOpsRoots,
} from '../engine/btf';
import type { Logger } from '../engine/common/logger';
import { loadKernelProfile, type KernelProfile } from '../engine/kernel/profile';
import { UsageError, lastValue, parseArgs } from './args';
import { ExitStatus, type CliIo } from './io';

export const btfUsage = `usage: struct-ops btf <subcommand>

  list [--btf SRC]... [--kernel VER] [--libbpf VER]
        struct_ops types of each BTF object (running kernel, files, or the bundled profile)
        with every member's C declaration
  show TYPE [--btf SRC]...
        one type as C; TYPE is a name ("tcp_congestion_ops", "struct sock", "enum bpf_map_type")
        or a type id ("[14447]")
  minimize --from SRC -o FILE [--base FILE] [--type NAME]... [--depth N]
        write standalone BTF holding the struct_ops types of SRC (or the --type roots) and all
        they reach; structs behind more than N pointers (default 2) become forward declarations

SRC is raw BTF, an ELF file with .BTF (vmlinux, .ko, .bpf.o) or a directory of them.
`;

export interface BtfCommandEnvironment {
  /** Directory of the bundled profile (resources/profiles); the CLI entry knows where it is. */
  readonly profilesDir: string;
}

/** Runs one `btf` subcommand; returns the exit status (2 for usage and input errors). */
export async function runBtfCommand(argv: string[], io: CliIo, env: BtfCommandEnvironment): Promise<number> {
  const [sub, ...rest] = argv;
  try {
    switch (sub) {
      case 'list':
        return await list(rest, io, env);
      case 'show':
        return await show(rest, io, env);
      case 'minimize':
        return await minimize(rest, io);
      case undefined: case 'help': case '-h': case '--help':
        io.out(btfUsage);
        return sub === undefined ? ExitStatus.UsageError : ExitStatus.Clean;
      default:
        io.err(`struct-ops btf: unknown subcommand '${sub}'\n${btfUsage}`);
        return ExitStatus.UsageError;
    }
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`struct-ops btf ${sub}: ${e.message}\n${btfUsage}`);
      return ExitStatus.UsageError;
    }
    throw e;
  }
}

function stderrLogger(io: CliIo): Logger {
  return { error: (m) => io.err(`error: ${m}\n`), warn: (m) => io.err(`warning: ${m}\n`), info: () => undefined, debug: () => undefined };
}

async function profileFor(args: ReturnType<typeof parseArgs>, io: CliIo, env: BtfCommandEnvironment): Promise<KernelProfile | undefined> {
  const btf = (args.values.get('--btf') ?? []).map((p) => path.resolve(io.cwd, p));
  const profile = await loadKernelProfile({
    btf,
    kernelVersion: lastValue(args, '--kernel'),
    libbpfVersion: lastValue(args, '--libbpf'),
    bundledDir: env.profilesDir,
    logger: stderrLogger(io),
  });
  if ('objects' in profile) return profile;
  io.err(`struct-ops btf: ${profile.message}\n`);
  return undefined;
}

async function list(argv: string[], io: CliIo, env: BtfCommandEnvironment): Promise<number> {
  const args = parseArgs(argv, ['--btf', '--kernel', '--libbpf']);
  if (args.positionals.length > 0) throw new UsageError(`unexpected argument ${args.positionals[0]}`);
  const profile = await profileFor(args, io, env);
  if (!profile) return ExitStatus.UsageError;
  const out: string[] = [`# ${profile.description}\n`];
  for (const object of profile.objects) {
    const types = object.spec.structOpsValueTypes();
    out.push(`${object.name} (${object.source}): ${types.length} struct_ops type${types.length === 1 ? '' : 's'}\n`);
    for (const v of types) {
      const size = object.spec.resolveSize(v.typeId);
      out.push(`  struct ${v.typeName} [${v.typeId}] value bpf_struct_ops_${v.typeName} [${v.valueId}]${typeof size === 'number' ? `, ${size} bytes` : ''}\n`);
      const t = object.spec.typeById(v.typeId);
      if (t?.kind !== BtfKind.Struct) continue;
      t.members.forEach((m, i) => out.push(`    /* ${String(m.bitOffset / 8).padStart(4)} */ ${formatMember(object.spec, v.typeId, i)};\n`));
    }
  }
  io.out(out.join(''));
  return ExitStatus.Clean;
}

const KIND_WORDS: Record<string, BtfKind[]> = {
  struct: [BtfKind.Struct, BtfKind.Fwd],
  union: [BtfKind.Union, BtfKind.Fwd],
  enum: [BtfKind.Enum, BtfKind.Enum64],
  typedef: [BtfKind.Typedef],
  func: [BtfKind.Func],
};
const ANY_KIND = [BtfKind.Struct, BtfKind.Union, BtfKind.Enum, BtfKind.Enum64, BtfKind.Typedef, BtfKind.Func, BtfKind.Fwd];

async function show(argv: string[], io: CliIo, env: BtfCommandEnvironment): Promise<number> {
  const args = parseArgs(argv, ['--btf', '--kernel', '--libbpf']);
  if (args.positionals.length === 0) throw new UsageError('missing TYPE');
  const query = args.positionals.join(' ').trim();
  const profile = await profileFor(args, io, env);
  if (!profile) return ExitStatus.UsageError;
  const idMatch = /^\[?(\d+)\]?$/.exec(query);
  const words = query.split(/\s+/);
  const kinds = words.length === 2 ? KIND_WORDS[words[0]] : ANY_KIND;
  if (!kinds) throw new UsageError(`cannot read type '${query}': expected NAME, "struct NAME", "union NAME", "enum NAME", "typedef NAME", "func NAME" or [ID]`);
  const name = words[words.length - 1];
  const hits: { spec: BtfSpec; object: string; id: number }[] = [];
  for (const object of profile.objects) {
    const spec = object.spec;
    if (idMatch) {
      const id = Number(idMatch[1]);
      // An id names one object's own type; base ids are printed once, under vmlinux.
      if (id >= spec.startId && id <= spec.lastId) hits.push({ spec, object: object.name, id });
      continue;
    }
    for (const kind of kinds) {
      for (const id of spec.findAllByNameKind(name, kind, { ownOnly: true })) hits.push({ spec, object: object.name, id });
    }
  }
  if (hits.length === 0) {
    io.err(`struct-ops btf show: ${query} not found in ${profile.objects.map((o) => o.name).join(', ')}\n`);
    return ExitStatus.Findings;
  }
  // A full definition hides forward declarations of the same name.
  const full = hits.filter((h) => h.spec.kindOf(h.id) !== BtfKind.Fwd);
  for (const h of full.length > 0 ? full : hits) {
    const size = h.spec.resolveSize(h.id);
    io.out(`/* ${h.object} [${h.id}] ${kindName(h.spec.kindOf(h.id) ?? 0)}${typeof size === 'number' ? `, ${size} bytes` : ''} */\n${formatStruct(h.spec, h.id)}\n`);
  }
  return ExitStatus.Clean;
}

async function minimize(argv: string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, ['--from', '-o', '--output', '--base', '--type', '--depth']);
  if (args.positionals.length > 0) throw new UsageError(`unexpected argument ${args.positionals[0]}`);
  const from = lastValue(args, '--from');
  const output = lastValue(args, '-o') ?? lastValue(args, '--output');
  if (!from) throw new UsageError('missing --from SRC');
  if (!output) throw new UsageError('missing -o FILE');
  const depthText = lastValue(args, '--depth') ?? '2';
  if (!/^\d+$/.test(depthText)) throw new UsageError(`--depth wants a number, got '${depthText}'`);
  const baseFile = lastValue(args, '--base');
  let base: BtfSpec | undefined;
  if (baseFile) {
    const parsed = await readSpec(path.resolve(io.cwd, baseFile), io);
    if (!parsed) return ExitStatus.UsageError;
    base = parsed;
  }
  const spec = await readSpec(path.resolve(io.cwd, from), io, base);
  if (!spec) return ExitStatus.UsageError;
  const names = args.values.get('--type') ?? [];
  let roots: number[];
  if (names.length > 0) {
    roots = [];
    for (const n of names) {
      const ids = ANY_KIND.flatMap((k) => spec.findAllByNameKind(n, k));
      if (ids.length === 0) {
        io.err(`struct-ops btf minimize: type ${n} not found in ${from}\n`);
        return ExitStatus.Findings;
      }
      roots.push(...ids);
    }
  } else {
    roots = structOpsRoots(spec);
    if (roots.length === 0) io.err(`warning: ${from} has no struct_ops value types; writing empty BTF\n`);
  }
  const bytes = minimizeBtf(spec, roots, { pointerDepth: Number(depthText) });
  await fs.writeFile(path.resolve(io.cwd, output), bytes);
  io.out(`wrote ${output}: ${bytes.length} bytes from ${spec.byteLength} (${roots.length} root type${roots.length === 1 ? '' : 's'})\n`);
  return ExitStatus.Clean;
}

async function readSpec(file: string, io: CliIo, base?: BtfSpec): Promise<BtfSpec | undefined> {
  let bytes: Uint8Array;
  try {
    bytes = await fs.readFile(file);
  } catch (e) {
    io.err(`struct-ops btf: cannot read ${file}: ${(e as Error).message}\n`);
    return undefined;
  }
  const spec = parseAnyBtf(bytes, { name: path.basename(file), base });
  if (spec instanceof BtfError) {
    io.err(`struct-ops btf: ${file}: ${spec.message}\n`);
    return undefined;
  }
  return spec;
}

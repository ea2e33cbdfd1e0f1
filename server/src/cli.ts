// `struct-ops` command-line entry: dispatches subcommands to cli/*. The bundle lives in
// server/out/ next to the wasm files; the bundled profile is in resources/profiles/.

import * as path from 'node:path';
import { ExitStatus, type CliIo } from './cli/io';

const usage = `usage: struct-ops <command> [options]

commands:
  check [PATH...]     simulate every struct_ops object under PATH and print findings
  simulate FILE...    print the whole open → load → attach trace of each BPF object
  index PATH...       print the struct_ops facts found (maps, programs, descriptors, registrations)
  btf list|show|minimize   struct_ops types in kernel BTF, one type as C, a minimised BTF
  explain [LOG|-] [PATH...]  check IDs, cause and fix for each struct_ops line of a libbpf/verifier/dmesg log
`;

const env = {
  wasm: { wasmDir: __dirname },
  workerScript: path.join(__dirname, 'indexWorker.js'),
  profilesDir: path.join(__dirname, '..', '..', 'resources', 'profiles'),
};

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function main(argv: string[]): Promise<number> {
  const io: CliIo = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t), cwd: process.cwd() };
  const [command, ...rest] = argv;
  switch (command) {
    // Subcommands are bundles of their own (esbuild.mjs), required only when run: `btf` needs no
    // parser, and start-up time is part of every CI step. A dynamic import would start Node's
    // ESM loader, which adds its own start-up and an asynchronous read.
    case 'check': {
      const { runCheckCommand }: typeof import('./cli/commands') = require('./cli/commands');
      return runCheckCommand(rest, io, env);
    }
    case 'simulate': {
      const { runSimulateCommand }: typeof import('./cli/commands') = require('./cli/commands');
      return runSimulateCommand(rest, io, env);
    }
    case 'index': {
      const { runIndexCommand }: typeof import('./cli/commands') = require('./cli/commands');
      return runIndexCommand(rest, io, { wasmDir: __dirname });
    }
    case 'btf': {
      const { runBtfCommand }: typeof import('./cli/btfCommand') = require('./cli/btfCommand');
      return runBtfCommand(rest, io, { profilesDir: env.profilesDir });
    }
    case 'explain': {
      const { runExplainCommand }: typeof import('./cli/commands') = require('./cli/commands');
      return runExplainCommand(rest, io, env, readStdin);
    }
    case undefined:
    case '-h':
    case '--help':
    case 'help':
      io.out(usage);
      return command === undefined ? ExitStatus.UsageError : ExitStatus.Clean;
    default:
      io.err(`struct-ops: unknown command '${command}'\n${usage}`);
      return ExitStatus.UsageError;
  }
}

// A reader that stops early (`struct-ops check | head`) closes the pipe: stop quietly, as cat does.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(process.exitCode ?? 0);
});

main(process.argv.slice(2)).then(
  (status) => {
    process.exitCode = status;
  },
  (error: unknown) => {
    process.stderr.write(`struct-ops: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = ExitStatus.InternalError;
  },
);

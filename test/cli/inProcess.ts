// Runs `struct-ops check` in the test process (no bundle, no child process): the engine loads the
// wasm from node_modules, so config and matrix tests stay fast on shared machines.

import { runCheckCommand } from '../../server/src/cli/checkCommand';
import { profilesDir, wasm } from '../helpers/paths';

export interface CliRun {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

export async function checkInProcess(args: readonly string[], cwd: string): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const status = await runCheckCommand(args, { out: (t) => (stdout += t), err: (t) => (stderr += t), cwd }, { wasm, profilesDir });
  return { status, stdout, stderr };
}

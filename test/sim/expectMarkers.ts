// The `// expect: ID ERRNO | message` markers of check fixtures (ERRNO `-` when there is none;
// `\n` in the message separates log lines), their `// profile:` line, and the engine they run on.

import * as path from 'node:path';
import { StructOpsEngine } from '../../server/src/engine';
import { hasLiveBtf, liveVmlinux, profilesDir, wasm } from '../helpers/paths';

export interface Expected {
  readonly check: string;
  readonly line: number;
  readonly errno: string;
  readonly message: string;
}

export function expectations(text: string): Expected[] {
  const out: Expected[] = [];
  text.split('\n').forEach((line, index) => {
    const m = /\/\/ expect: (\S+) (\S+) \| (.*)$/.exec(line);
    if (m) out.push({ check: m[1], line: index + 1, errno: m[2], message: m[3].replace(/\\n/g, '\n') });
  });
  return out;
}

const silent = { error: () => undefined, warn: () => undefined, info: () => undefined, debug: () => undefined };

/** `// profile: kernel=X libbpf=Y` in the text, else kernel 6.18 and libbpf 1.7. */
export function profileOf(text: string): { kernel: string; libbpf: string } {
  const m = /\/\/ profile: kernel=(\S+) libbpf=(\S+)/.exec(text);
  return m ? { kernel: m[1], libbpf: m[2] } : { kernel: '6.18', libbpf: '1.7' };
}

/** An engine on the live vmlinux BTF (else the bundled one) with the fixtures' kernel and libbpf versions. */
export async function fixtureEngine(kernel: string, libbpf: string): Promise<StructOpsEngine> {
  const engine = await StructOpsEngine.create({ wasm, profilesDir, logger: silent });
  const profile = await engine.configureProfile({
    btf: [hasLiveBtf ? liveVmlinux : path.join(profilesDir, 'default-vmlinux.btf')],
    kernelVersion: kernel,
    libbpfVersion: libbpf,
    registeredNames: { tcp_congestion_ops: ['reno', 'cubic'] },
  });
  if (!('objects' in profile)) throw new Error(profile.message);
  return engine;
}

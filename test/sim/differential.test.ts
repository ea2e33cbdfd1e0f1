// Differential tests against the real kernel. (1) Always: the simulator, run as libbpf 1.1 on
// kernel 6.18, predicts the phase and errno recorded in test/live/observed.json for every case of
// the live corpus. (2) As root with clang, bpftool and libbpf-dev: each case is compiled and loaded
// for real now, and the simulator must predict what the kernel does.

import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StructOpsEngine } from '../../server/src/engine';
import {
  buildLiveCase, cleanupLive, listLiveCases, liveCasesDir, liveEnvironment, readLiveCaseHeader, readObservedLive, runLiveCase,
} from '../helpers/live';
import { hasLiveBtf, liveVmlinux, profilesDir, wasm } from '../helpers/paths';

const silent = { error: () => undefined, warn: () => undefined, info: () => undefined, debug: () => undefined };

/** Cases whose outcome depends on something a source file does not show, with why. */
const notFromSource: Record<string, string> = {
  'lib02_no_btf.bpf.c': 'built without -g (a build flag), so the object has no .BTF; the source is unchanged',
  'map_create_bad_array.bpf.c': 'the failure is a regular .maps array with an 8-byte key; the simulator models struct_ops maps only',
};

interface Prediction {
  readonly phase: string | null;
  readonly errno: number;
}

function loaderOptions(file: string) {
  const sleepable = readLiveCaseHeader(file).loader.flatMap((a) => (a.startsWith('--sleepable=') ? [a.slice('--sleepable='.length)] : []));
  return { sleepable };
}

async function engineFor(kernel: string, registered: string[]): Promise<StructOpsEngine> {
  const engine = await StructOpsEngine.create({ wasm, profilesDir, logger: silent });
  const profile = await engine.configureProfile({
    btf: hasLiveBtf ? [liveVmlinux] : [path.join(profilesDir, 'default-vmlinux.btf')],
    kernelVersion: kernel,
    libbpfVersion: '1.1',
    registeredNames: { tcp_congestion_ops: registered },
  });
  if (!('objects' in profile)) throw new Error(profile.message);
  return engine;
}

function predict(engine: StructOpsEngine, file: string): Prediction {
  const full = path.join(liveCasesDir, file);
  engine.updateFile(full, readFileSync(full, 'utf8'));
  const trace = engine.simulate(full, loaderOptions(file));
  engine.removeFile(full);
  if (!trace) throw new Error(`no trace for ${file}`);
  if (trace.outcome.crash) return { phase: trace.outcome.phase ?? null, errno: -1 };
  return trace.outcome.ok ? { phase: null, errno: 0 } : { phase: trace.outcome.phase ?? null, errno: trace.outcome.errno ?? 0 };
}

const observed = readObservedLive();
const cases = listLiveCases().filter((f) => !(f in notFromSource));

describe.skipIf(!observed)('simulator vs outcomes recorded on Linux 6.18 / libbpf 1.1', () => {
  let engine: StructOpsEngine;
  beforeAll(async () => {
    const env = observed!.environment as { kernel: string; tcp_available_congestion_control?: string };
    engine = await engineFor(env.kernel, (env.tcp_available_congestion_control ?? 'reno').split(/\s+/));
    for (const [file, reason] of Object.entries(notFromSource)) console.warn(`differential: ${file} not simulated: ${reason}`);
  });

  it.each(cases)('%s', (file) => {
    const recorded = observed!.cases.find((c) => c.file === `cases/${file}`);
    expect(recorded, `${file} missing from observed.json (run node test/live/run.mjs)`).toBeDefined();
    const real: Prediction = recorded!.crash
      ? { phase: 'load', errno: -1 }
      : recorded!.outcome === 'ok'
        ? { phase: null, errno: 0 }
        : { phase: recorded!.phase, errno: recorded!.errno };
    expect(predict(engine, file)).toEqual(real);
  });
});

const live = liveEnvironment();
if (!live.ok) console.warn(`differential: live kernel runs skipped: ${live.reason}`);

describe.skipIf(!live.ok)('simulator vs the live kernel, now', () => {
  let engine: StructOpsEngine;
  beforeAll(async () => {
    const registered = readFileSync('/proc/sys/net/ipv4/tcp_available_congestion_control', 'utf8').trim().split(/\s+/);
    engine = await engineFor(readFileSync('/proc/sys/kernel/osrelease', 'utf8').trim(), registered);
  });
  afterAll(async () => {
    await cleanupLive();
  });

  it.each(cases)('%s', async (file) => {
    const object = await buildLiveCase(file);
    const run = await runLiveCase(object, { loaderArgs: readLiveCaseHeader(file).loader });
    const real: Prediction = run.crash ? { phase: 'load', errno: -1 } : run.outcome === 'ok' ? { phase: null, errno: 0 } : { phase: run.phase, errno: run.errno };
    expect(predict(engine, file)).toEqual(real);
  }, 60_000);
});

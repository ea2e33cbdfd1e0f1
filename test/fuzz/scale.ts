// Run sizes of the fuzz and soak tests: CI sizes by default, larger ones under `npm run fuzz`
// (STRUCT_OPS_FUZZ=full). The seed is fixed unless STRUCT_OPS_FUZZ_SEED says otherwise, so a
// failure reproduces from the seed the test prints.

import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';

export const FULL = process.env.STRUCT_OPS_FUZZ === 'full';

export const FUZZ_SEED = Number(process.env.STRUCT_OPS_FUZZ_SEED ?? 0x5eed) >>> 0;

/** `ci` normally, `full` under `npm run fuzz`. */
export function sized(ci: number, full: number): number {
  return FULL ? full : ci;
}

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Heap in use after a full collection, in MiB: what is still reachable, not garbage. */
export function liveHeapMiB(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed / 2 ** 20;
}

export function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

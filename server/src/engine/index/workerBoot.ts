// Starting index worker threads, apart from the index so that a program's entry can start them
// before it loads anything else (the language server does: they load the parser meanwhile). Only
// node built-ins here, and types.

import * as os from 'node:os';
import { Worker } from 'node:worker_threads';
import type { WorkerInit } from './indexWorker';

/**
 * Workers for a folder index: a core each but one, as this thread reads files too (at least one;
 * at most three, as each costs ~20 MiB and reading soon waits on the file system).
 */
export function defaultIndexWorkers(): number {
  return Math.max(1, Math.min(3, os.availableParallelism() - 1));
}

/**
 * A worker's garbage is short-lived (texts, trees' JS wrappers) and its results leave with each
 * chunk, so a small young generation keeps the process's peak RSS down (V8 lets it grow to tens of MB).
 */
const WORKER_YOUNG_GENERATION_MB = 4;

export function startIndexWorker(script: string, init: WorkerInit): Worker {
  return new Worker(script, { workerData: init, resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB } });
}

/** A worker started ahead of its index, with how it ended if it did so before the index took it. */
export interface BootedWorker {
  readonly worker: Worker;
  /** Why it stopped before an index listened to it: its error, or its exit. */
  readonly stopped: () => Error | undefined;
}

/**
 * Index workers started now for a WorkspaceIndex created later (WorkspaceIndexOptions.bootedWorkers).
 * They do not keep the process alive until an index takes them, and a failure meanwhile (an error
 * nobody listens to would end the process) is kept for the index to see.
 */
export function bootIndexWorkers(script: string, init: WorkerInit, n = defaultIndexWorkers()): BootedWorker[] {
  return Array.from({ length: n }, () => {
    const worker = startIndexWorker(script, init);
    let stopped: Error | undefined;
    worker.on('error', (error) => (stopped ??= error));
    worker.on('exit', (code) => (stopped ??= new Error(`exit code ${code}`)));
    worker.unref();
    return { worker, stopped: () => stopped };
  });
}

// Worker-thread entry for the workspace index (bundled as server/out/indexWorker.js): loads the
// parser wasm once, then turns chunks of candidate files into FileResults. Logs go to the parent.

import { parentPort, workerData } from 'node:worker_threads';
import { createCParser, type CParserOptions } from '../c/parser';
import { PreprocessorCache } from '../c/preprocessor';
import type { Logger } from '../common/logger';
import { indexFile, type FileResult, type PortableExtractOptions } from './indexFile';
import type { CandidateKind, Prefilter } from './scan';

export interface WorkerInit {
  readonly wasm: CParserOptions;
  readonly extract: PortableExtractOptions;
  readonly maxFileSize: number;
  readonly debug: boolean;
}

export type ToWorker =
  | { readonly type: 'chunk'; readonly id: number; readonly files: readonly { readonly file: string; readonly kind: CandidateKind; readonly prefilter: Prefilter }[] }
  | { readonly type: 'invalidate'; readonly files: readonly string[] };

export type FromWorker =
  /** `results` leaves out filtered files (most of a tree), which only `filtered` counts; deferred ones are in. */
  | { readonly type: 'result'; readonly id: number; readonly results: readonly FileResult[]; readonly filtered: number }
  | { readonly type: 'log'; readonly level: keyof Logger; readonly message: string };

function main(): void {
  const port = parentPort;
  if (!port) return;
  const init = workerData as WorkerInit;
  const logger: Logger = {
    error: (message) => port.postMessage({ type: 'log', level: 'error', message } satisfies FromWorker),
    warn: (message) => port.postMessage({ type: 'log', level: 'warn', message } satisfies FromWorker),
    info: (message) => port.postMessage({ type: 'log', level: 'info', message } satisfies FromWorker),
    debug: init.debug ? (message) => port.postMessage({ type: 'log', level: 'debug', message } satisfies FromWorker) : () => undefined,
  };
  const cache = new PreprocessorCache(undefined, logger);
  const parser = createCParser(init.wasm);
  port.on('message', (message: ToWorker) => {
    if (message.type === 'invalidate') {
      for (const f of message.files) cache.invalidate(f);
      return;
    }
    void parser.then(
      (p) => {
        const ctx = { parser: p, cache, logger, extract: init.extract, maxFileSize: init.maxFileSize };
        const results: FileResult[] = [];
        let filtered = 0;
        for (const f of message.files) {
          const r = indexFile(ctx, f.file, f.kind, { prefilter: f.prefilter });
          if (r.kind === 'filtered') filtered++;
          else results.push(r);
        }
        port.postMessage({ type: 'result', id: message.id, results, filtered } satisfies FromWorker);
      },
      (error: unknown) => {
        logger.error(`index worker: cannot load the parser: ${error instanceof Error ? error.message : String(error)}`);
        const results = message.files.map((f) => ({ kind: 'skipped', file: f.file, reason: 'parser unavailable' }) as const);
        port.postMessage({ type: 'result', id: message.id, results, filtered: 0 } satisfies FromWorker);
      },
    );
  });
}

main();

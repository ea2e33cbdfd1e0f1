// Worker-thread entry for the workspace index (bundled as server/out/indexWorker.js): loads the
// parser wasm once, then turns chunks of candidate files into FileResults, with the extract options
// of the index that uses it (`configure`: a worker may be started before they are known). Reading
// and filtering start before the parser is loaded: most files need no parse. Logs go to the parent.

import { parentPort, workerData } from 'node:worker_threads';
import { createCParser, type CParserOptions } from '../c/parser';
import { PreprocessorCache } from '../c/preprocessor';
import type { Logger } from '../common/logger';
import { extractIndexed, PATH_SEPARATOR, readForIndex, type FileResult, type PortableExtractOptions } from './indexFile';
import { candidateKind, DEFAULT_MAX_FILE_SIZE, type Prefilter } from './scan';

export interface WorkerInit {
  readonly wasm: CParserOptions;
  readonly debug: boolean;
}

/** How the chunks that follow are read and extracted: an index's include paths, defines and size limit. */
export interface WorkerSettings {
  readonly extract: PortableExtractOptions;
  readonly maxFileSize: number;
}

export type ToWorker =
  /** `files`: paths joined by PATH_SEPARATOR (one string is cheaper to send than an array); each is C or Kbuild by its name. */
  | { readonly type: 'chunk'; readonly id: number; readonly files: string; readonly prefilter: Prefilter }
  | { readonly type: 'invalidate'; readonly files: readonly string[] }
  /** Sent by each index before its first chunk. */
  | { readonly type: 'configure'; readonly settings: WorkerSettings };

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
  let settings: WorkerSettings = { extract: {}, maxFileSize: DEFAULT_MAX_FILE_SIZE };
  port.on('message', (message: ToWorker) => {
    if (message.type === 'invalidate') {
      for (const f of message.files) cache.invalidate(f);
      return;
    }
    if (message.type === 'configure') {
      settings = message.settings;
      return;
    }
    const chunkSettings = settings;
    const results: FileResult[] = [];
    const texts: { file: string; text: string }[] = [];
    let filtered = 0;
    for (const file of message.files.split(PATH_SEPARATOR)) {
      const read = readForIndex(file, candidateKind(file) ?? 'c', chunkSettings.maxFileSize, message.prefilter, logger);
      if (read.kind === 'text') texts.push({ file, text: read.text });
      else if (read.kind === 'filtered') filtered++;
      else results.push(read);
    }
    const post = () => port.postMessage({ type: 'result', id: message.id, results, filtered } satisfies FromWorker);
    if (texts.length === 0) {
      post();
      return;
    }
    void parser.then(
      (p) => {
        const ctx = { parser: p, cache, logger, ...chunkSettings };
        for (const { file, text } of texts) results.push(extractIndexed(ctx, file, candidateKind(file) ?? 'c', text, message.prefilter));
        post();
      },
      (error: unknown) => {
        logger.error(`index worker: cannot load the parser: ${error instanceof Error ? error.message : String(error)}`);
        for (const { file } of texts) results.push({ kind: 'skipped', file, reason: 'parser unavailable' });
        post();
      },
    );
  });
}

main();

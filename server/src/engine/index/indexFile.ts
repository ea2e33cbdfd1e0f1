// Indexing one file, the unit of work shared by the in-thread index and the worker threads:
// read with the prefilter, then extract C facts or Kbuild facts. Results are plain data that
// survive structured cloning (bigint included), never syntax trees.

import { extractFacts, type ExtractOptions } from '../c/extract';
import type { FileFacts } from '../c/facts';
import { parseKbuild, type KbuildFacts } from '../c/kbuild';
import type { CParser } from '../c/parser';
import type { PreprocessorCache } from '../c/preprocessor';
import type { Logger } from '../common/logger';
import { readCandidate, type CandidateKind, type Prefilter } from './scan';

export type FileResult =
  | { readonly kind: 'c'; readonly file: string; readonly facts: FileFacts }
  | { readonly kind: 'kbuild'; readonly file: string; readonly kbuild: KbuildFacts }
  | { readonly kind: 'filtered'; readonly file: string }
  /** Left for the second phase of a folder index (read with prefilter `structOps`). */
  | { readonly kind: 'deferred'; readonly file: string }
  | { readonly kind: 'skipped'; readonly file: string; readonly reason: string };

/** The extract options that can cross a thread boundary (no logger, no cache). */
export interface PortableExtractOptions {
  readonly includeDirs?: readonly string[];
  readonly systemDirs?: readonly string[];
  readonly defines?: readonly (readonly [string, string])[];
  readonly libbpfIncludeDir?: string;
  readonly useCompileFlags?: boolean;
  readonly maxIncludeDepth?: number;
}

/** Between the paths of a worker's chunk message: NUL, the one byte no path has. */
export const PATH_SEPARATOR = '\0';

export interface IndexFileContext {
  readonly parser: CParser;
  readonly cache: PreprocessorCache;
  readonly logger: Logger;
  readonly extract: PortableExtractOptions;
  readonly maxFileSize: number;
}

/** The read step of indexFile: the text to extract, or the file's result when there is none. Never throws. */
export function readForIndex(file: string, kind: CandidateKind, maxFileSize: number, prefilter: Prefilter, logger: Logger): FileResult | { readonly kind: 'text'; readonly text: string } {
  const read = readCandidate(file, kind, maxFileSize, prefilter);
  if (read.kind === 'filtered' || read.kind === 'deferred') return { kind: read.kind, file };
  if (read.kind === 'skipped') {
    logger.debug(`index: skipped ${file}: ${read.reason}`);
    return { kind: 'skipped', file, reason: read.reason };
  }
  return read;
}

/**
 * The extract step of indexFile: C or Kbuild facts from a text read with `prefilter` (`editing`:
 * the editor's text, whose parse tree is kept for its next change). Never throws.
 */
export function extractIndexed(ctx: IndexFileContext, file: string, kind: CandidateKind, text: string, prefilter: Prefilter = 'off', editing = false): FileResult {
  try {
    if (kind === 'kbuild') return { kind: 'kbuild', file, kbuild: parseKbuild(file, text) };
    const extractOptions: ExtractOptions = { ...ctx.extract, logger: ctx.logger, cache: ctx.cache, structOpsOnly: prefilter === 'expanded', editing };
    return { kind: 'c', file, facts: extractFacts(ctx.parser, file, text, extractOptions) };
  } catch (error) {
    // extractFacts does not throw for bad input; anything here is a bug, kept out of the index.
    const reason = `internal error: ${error instanceof Error ? error.message : String(error)}`;
    ctx.logger.error(`index: ${file}: ${error instanceof Error ? (error.stack ?? reason) : reason}`);
    return { kind: 'skipped', file, reason };
  }
}

/** Facts for one file; `text` given means the editor's text (no disk read, no prefilter). Never throws. */
export function indexFile(ctx: IndexFileContext, file: string, kind: CandidateKind, options: { text?: string; prefilter?: Prefilter } = {}): FileResult {
  if (options.text !== undefined) return extractIndexed(ctx, file, kind, options.text, 'off', true);
  const prefilter = options.prefilter ?? 'relevant';
  const read = readForIndex(file, kind, ctx.maxFileSize, prefilter, ctx.logger);
  return read.kind === 'text' ? extractIndexed(ctx, file, kind, read.text, prefilter) : read;
}

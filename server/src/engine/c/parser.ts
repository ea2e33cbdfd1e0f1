// Loads web-tree-sitter and the tree-sitter-c grammar from explicit wasm paths (bundling moves
// __dirname, so nothing here guesses a location) and hands out one reusable parser. The
// emscripten runtime is initialised once per process/worker; languages are cached per path.

import { Language, Parser, type Tree } from 'web-tree-sitter';
import * as path from 'node:path';
import { setFlagsFromString } from 'node:v8';

/**
 * Where the two wasm files are. Bundles use `{ wasmDir }` (server/out holds both files, see
 * esbuild.mjs); tests and tools running from sources pass both paths, e.g. `nodeModulesWasm(root)`.
 */
export type CParserOptions = { readonly wasmDir: string } | { readonly runtimeWasm: string; readonly grammarWasm: string };

export interface CParser {
  /**
   * Parses C text; the caller must `tree.delete()` it. Undefined if tree-sitter gives up or
   * takes longer than PARSE_TIMEOUT_MS.
   * `previous`, already `edit()`ed to match `text`, lets tree-sitter reuse its unchanged parts.
   */
  parse(text: string, previous?: Tree): Tree | undefined;
}

/** Longest a single parse may take; a real 2 MB source parses in well under a second. */
export const PARSE_TIMEOUT_MS = 5000;

const RUNTIME_WASM = 'web-tree-sitter.wasm';
const GRAMMAR_WASM = 'tree-sitter-c.wasm';

/** The wasm paths inside a checkout's node_modules (for tests and scripts run from sources). */
export function nodeModulesWasm(repoRoot: string): { runtimeWasm: string; grammarWasm: string } {
  return {
    runtimeWasm: path.join(repoRoot, 'node_modules', 'web-tree-sitter', RUNTIME_WASM),
    grammarWasm: path.join(repoRoot, 'node_modules', 'tree-sitter-c', GRAMMAR_WASM),
  };
}

function wasmPaths(options: CParserOptions): { runtimeWasm: string; grammarWasm: string } {
  if ('wasmDir' in options) {
    return { runtimeWasm: path.join(options.wasmDir, RUNTIME_WASM), grammarWasm: path.join(options.wasmDir, GRAMMAR_WASM) };
  }
  return { runtimeWasm: options.runtimeWasm, grammarWasm: options.grammarWasm };
}

/**
 * tree-sitter's wasm runs on V8's baseline compiler (Liftoff) only. TurboFan code parses ~1.5x
 * faster once compiled, ~1.3 ms of a keystroke on a 2,000-line program, but compiling the large
 * lexer and parser functions cost 20-35 MiB of peak memory in a kernel-tree index and ~130 ms of a
 * cold first extraction (test/bench/index.mjs, test/bench/lsp.mjs). Set before the first module
 * compiles; the flag is process-wide, and this process compiles no other wasm.
 */
function useBaselineWasmCompilerOnly(): void {
  setFlagsFromString('--liftoff-only');
}

// The emscripten module is a process-wide singleton: Parser.init may run only once.
let runtimeReady: Promise<void> | undefined;
const languages = new Map<string, Promise<Language>>();

/** Rejects when a wasm file is missing or incompatible; that is a packaging bug, not user input. */
export async function createCParser(options: CParserOptions): Promise<CParser> {
  const { runtimeWasm, grammarWasm } = wasmPaths(options);
  if (!runtimeReady) {
    useBaselineWasmCompilerOnly();
    runtimeReady = Parser.init({ locateFile: () => runtimeWasm });
  }
  await runtimeReady;
  let language = languages.get(grammarWasm);
  if (!language) {
    language = Language.load(grammarWasm);
    languages.set(grammarWasm, language);
  }
  const parser = new Parser();
  parser.setLanguage(await language);
  return {
    parse(text: string, previous?: Tree): Tree | undefined {
      // Pathological input (5 MB of `1+1+...` on one line) can take tree-sitter minutes: give up.
      const deadline = performance.now() + PARSE_TIMEOUT_MS;
      const tree = parser.parse(text, previous, { progressCallback: () => performance.now() > deadline });
      // A cancelled parse would otherwise resume on the next call, with the wrong text.
      if (!tree) parser.reset();
      return tree ?? undefined;
    },
  };
}

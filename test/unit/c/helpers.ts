// Shared setup for the C extraction tests: one parser from node_modules' wasm files, fixture paths,
// and a compact "line:col-line:col" form of ranges so assertions stay readable.

import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Location } from '../../../server/src/engine/common/location';
import { createCParser, nodeModulesWasm, type CParser } from '../../../server/src/engine/c/parser';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const fixturesDir = path.join(repoRoot, 'test', 'fixtures', 'c');

let parser: Promise<CParser> | undefined;
export function testParser(): Promise<CParser> {
  parser ??= createCParser(nodeModulesWasm(repoRoot));
  return parser;
}

/** `line:character-line:character`, 0-based, as LSP counts. */
export function span(location: Location): string {
  const { start, end } = location.range;
  return `${start.line}:${start.character}-${end.line}:${end.character}`;
}

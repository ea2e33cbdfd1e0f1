// Shared setup for the C extraction tests: one parser from node_modules' wasm files, fixture paths,
// and a compact "line:col-line:col" form of ranges so assertions stay readable.

import * as path from 'node:path';
import fc from 'fast-check';
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

/** One random edit of a text: an insertion of one of some snippets, or a removal, anywhere. */
export interface RandomEdit {
  readonly at: number;
  readonly insert?: string;
  readonly remove?: number;
}

/** Edits inserting one of `snippets` or removing up to `maxRemoved` characters, at any offset. */
export function randomEdit(snippets: readonly string[], maxRemoved: number): fc.Arbitrary<RandomEdit> {
  return fc.oneof(fc.record({ at: fc.nat(), insert: fc.constantFrom(...snippets) }), fc.record({ at: fc.nat(), remove: fc.integer({ min: 1, max: maxRemoved }) }));
}

/** `text` after `edit`, its offset taken modulo the text's length plus one. */
export function applyEdit(text: string, edit: RandomEdit): string {
  const at = edit.at % (text.length + 1);
  return edit.insert !== undefined ? text.slice(0, at) + edit.insert + text.slice(at) : text.slice(0, at) + text.slice(at + (edit.remove ?? 0));
}

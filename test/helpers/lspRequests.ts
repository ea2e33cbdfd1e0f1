// Helpers for LSP feature tests on top of lspHarness: positions and ranges found by text, typed
// requests, and applying a WorkspaceEdit's TextEdits to a document's text.

import type { Position, Range, TextEdit, WorkspaceEdit } from 'vscode-languageserver';
import type { LspSession } from './lspHarness';

/** Position of the `nth` (0-based) occurrence of `needle` in `text`, plus `shift` characters. */
export function positionOf(text: string, needle: string, shift = 0, nth = 0): Position {
  let offset = -1;
  for (let i = 0; i <= nth; i++) {
    offset = text.indexOf(needle, offset + 1);
    if (offset < 0) throw new Error(`not found: ${needle} (#${i})`);
  }
  offset += shift;
  const before = text.slice(0, offset).split('\n');
  return { line: before.length - 1, character: before[before.length - 1].length };
}

/** Range of the `nth` occurrence of `needle`. */
export function rangeOf(text: string, needle: string, nth = 0): Range {
  const start = positionOf(text, needle, 0, nth);
  const end = positionOf(text, needle, needle.length, nth);
  return { start, end };
}

function offsetAt(text: string, position: Position): number {
  const lines = text.split('\n');
  let offset = 0;
  for (let i = 0; i < position.line; i++) offset += lines[i].length + 1;
  return offset + position.character;
}

/** Applies non-overlapping TextEdits (any order) to `text`. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => offsetAt(text, b.range.start) - offsetAt(text, a.range.start));
  let result = text;
  for (const edit of sorted) result = result.slice(0, offsetAt(text, edit.range.start)) + edit.newText + result.slice(offsetAt(text, edit.range.end));
  return result;
}

/** The edits a WorkspaceEdit makes to `uri` (changes or documentChanges). */
export function editsFor(edit: WorkspaceEdit | undefined, uri: string): TextEdit[] {
  if (!edit) return [];
  const fromChanges = edit.changes?.[uri] ?? [];
  const fromDocuments = (edit.documentChanges ?? []).flatMap((c) => ('textDocument' in c && c.textDocument.uri === uri ? c.edits : [])) as TextEdit[];
  return [...fromChanges, ...fromDocuments];
}

/** Sends `method` with a text document and position. */
export function atPosition<T>(session: LspSession, method: string, uri: string, position: Position, extra: object = {}): Promise<T> {
  return session.client.sendRequest(method, { textDocument: { uri }, position, ...extra }) as Promise<T>;
}

export function forDocument<T>(session: LspSession, method: string, uri: string, extra: object = {}): Promise<T> {
  return session.client.sendRequest(method, { textDocument: { uri }, ...extra }) as Promise<T>;
}

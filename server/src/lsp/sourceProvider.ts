// What every editor feature needs about one document: its text, line index and facts, the kernel
// view of struct_ops types (cached per profile) and the simulation trace that covers a file.
// Shared by the `*Provider.ts` features; conversions of engine locations to LSP ones live here.

import { readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Location as LspLocation, TextDocuments } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import {
  kernelOpsInfo,
  LineIndex,
  memoPer,
  type FileFacts,
  type KernelOpsInfo,
  type KernelProfile,
  type Location,
  type Logger,
  type ObjectTrace,
  type StructOpsEngine,
  type StructOpsMap,
} from '../engine';
import type { StructOpsSettings } from './settings';

export interface FeatureContext {
  readonly engine: StructOpsEngine;
  readonly documents: TextDocuments<TextDocument>;
  readonly settings: () => StructOpsSettings | undefined;
  readonly logger: Logger;
  /** The workspace folders, absolute. */
  readonly folders: () => readonly string[];
}

export interface SourceView {
  readonly uri: string;
  readonly file: string;
  readonly text: string;
  readonly index: LineIndex;
  readonly facts: FileFacts;
}

export function uriOf(file: string): string {
  return pathToFileURL(file).toString();
}

export function lspLocation(location: Location): LspLocation {
  return { uri: uriOf(location.file), range: location.range };
}

/** The document's text (open editor first, else the file on disk) and facts; undefined when unknown. */
export function sourceOf(ctx: FeatureContext, uri: string): SourceView | undefined {
  if (!uri.startsWith('file:')) return undefined;
  const file = fileURLToPath(uri);
  const facts = ctx.engine.facts(file);
  if (!facts) return undefined;
  let text = ctx.documents.get(uri)?.getText();
  if (text === undefined) {
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      return undefined;
    }
  }
  return { uri, file, text, index: new LineIndex(text), facts };
}

const infoCache = new WeakMap<KernelProfile, Map<string, KernelOpsInfo | undefined>>();

/**
 * The kernel's view of a BPF-side struct_ops type name on the profile simulations use (the active one
 * plus the workspace's kernel modules), cached per profile.
 */
export function kernelInfo(ctx: FeatureContext, typeName: string): KernelOpsInfo | undefined {
  const profile = ctx.engine.simulationProfile();
  if (!profile) return undefined;
  return memoPer(infoCache, profile, typeName, () => kernelOpsInfo(profile, typeName));
}

/** The trace of the object whose facts hold `map` (the map's own file first, then objects including it). */
export function traceForMap(ctx: FeatureContext, map: StructOpsMap): ObjectTrace | undefined {
  const objects = ctx.engine.objectFiles();
  if (objects.includes(map.location.file)) return ctx.engine.simulate(map.location.file);
  for (const object of objects) {
    const facts = ctx.engine.facts(object);
    if (facts?.maps.some((m) => m.name === map.name && m.location.file === map.location.file)) return ctx.engine.simulate(object);
  }
  return undefined;
}

/** Facts of every file whose object contains `file` (itself, and sources including it). */
export function factsSeeing(ctx: FeatureContext, file: string): FileFacts[] {
  return ctx.engine.allFacts().filter((f) => f.file === file || (f.dependencies ?? []).includes(file));
}

// Publishes diagnostics: simulates every object, groups findings by file, and clears files
// that no longer have any, so stale squiggles never stay behind.

import { pathToFileURL } from 'node:url';
import type { Connection, Diagnostic } from 'vscode-languageserver';
import { traceFindings, type Finding, type StructOpsEngine } from '../engine';
import { toDiagnostic } from './convert';

export class DiagnosticsPublisher {
  /**
   * What was last sent per file, so a keystroke in one file does not resend every other file's
   * list: the findings (simulations are cached, so unchanged files keep the same Finding objects
   * and are not even converted again) and the diagnostics as sent.
   */
  private published = new Map<string, PublishedFile>();

  constructor(
    private readonly connection: Connection,
    private readonly docsBase: () => string | undefined,
    /** Findings the project config ignores are not published. */
    private readonly isIgnored: (finding: Finding) => boolean = () => false,
  ) {}

  /** Every finding of every object and module, by file; every object file is present, clean ones with none. */
  static collect(engine: StructOpsEngine): Map<string, Finding[]> {
    const byFile = new Map<string, Finding[]>();
    const add = (findings: readonly Finding[]) => {
      for (const finding of findings) {
        const list = byFile.get(finding.location.file) ?? [];
        list.push(finding);
        byFile.set(finding.location.file, list);
      }
    };
    for (const object of engine.objectFiles()) {
      if (!byFile.has(object)) byFile.set(object, []);
      const trace = engine.simulate(object);
      if (trace) add(traceFindings(trace));
    }
    // Module sources: what insmod of each workspace module reports (the register phase).
    for (const trace of engine.registrationTraces()) add(trace.steps.flatMap((step) => step.findings));
    return byFile;
  }

  /**
   * Sends each file's diagnostics when they differ from what was last sent, and always for
   * `changed` (the documents just edited: the editor expects an answer to each change).
   */
  async publish(engine: StructOpsEngine, changed: ReadonlySet<string> = new Set()): Promise<void> {
    const byFile = DiagnosticsPublisher.collect(engine);
    const docsBase = this.docsBase();
    const sends: Promise<void>[] = [];
    const published = new Map<string, PublishedFile>();
    for (const [file, findings] of byFile) {
      const kept = findings.filter((f) => !this.isIgnored(f));
      const last = this.published.get(file);
      const unchanged = last !== undefined && last.docsBase === docsBase && sameItems(last.findings, kept);
      const current = unchanged ? last : new PublishedFile(kept, docsBase);
      published.set(file, current);
      if (changed.has(file) || last === undefined || (last !== current && last.sent !== current.sent)) {
        sends.push(this.connection.sendDiagnostics({ uri: pathToFileURL(file).toString(), diagnostics: current.diagnostics }));
      }
    }
    for (const file of this.published.keys()) {
      if (!byFile.has(file)) sends.push(this.connection.sendDiagnostics({ uri: pathToFileURL(file).toString(), diagnostics: [] }));
    }
    for (const file of changed) {
      if (!byFile.has(file) && !this.published.has(file)) sends.push(this.connection.sendDiagnostics({ uri: pathToFileURL(file).toString(), diagnostics: [] }));
    }
    this.published = published;
    await Promise.all(sends);
  }
}

class PublishedFile {
  readonly diagnostics: Diagnostic[];
  private json: string | undefined;

  constructor(
    readonly findings: readonly Finding[],
    readonly docsBase: string | undefined,
  ) {
    this.diagnostics = findings.map((f) => toDiagnostic(f, docsBase));
  }

  /** The diagnostics as sent, to compare two publishes by; made only when compared, not for each keystroke's file. */
  get sent(): string {
    this.json ??= JSON.stringify(this.diagnostics);
    return this.json;
  }
}

function sameItems<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

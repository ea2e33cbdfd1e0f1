// Publishes diagnostics: simulates every object, groups findings by file, and clears files
// that no longer have any, so stale squiggles never stay behind.

import { pathToFileURL } from 'node:url';
import type { Connection } from 'vscode-languageserver';
import { traceFindings, type Finding, type StructOpsEngine } from '../engine';
import { toDiagnostic } from './convert';

export class DiagnosticsPublisher {
  private published = new Set<string>();

  constructor(
    private readonly connection: Connection,
    private readonly docsBase: () => string | undefined,
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

  async publish(engine: StructOpsEngine): Promise<void> {
    const byFile = DiagnosticsPublisher.collect(engine);
    const docsBase = this.docsBase();
    const sends: Promise<void>[] = [];
    for (const [file, findings] of byFile) {
      sends.push(this.connection.sendDiagnostics({ uri: pathToFileURL(file).toString(), diagnostics: findings.map((f) => toDiagnostic(f, docsBase)) }));
    }
    for (const file of this.published) {
      if (!byFile.has(file)) sends.push(this.connection.sendDiagnostics({ uri: pathToFileURL(file).toString(), diagnostics: [] }));
    }
    this.published = new Set(byFile.keys());
    await Promise.all(sends);
  }
}

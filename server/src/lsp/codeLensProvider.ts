// Code lens above each struct_ops map: its simulated outcome on the active profile ("loads on
// kernel 6.18 / libbpf 1.7" or the first failure), with the structOps.showTrace command.

import type { CodeLens, CodeLensParams } from 'vscode-languageserver';
import { errnoName, traceFindings, containsPosition, type Finding, type ObjectTrace, type StructOpsMap } from '../engine';
import { sourceOf, traceForMap, type FeatureContext } from './sourceProvider';

/** The command the client implements to show an object's simulation trace; argument: the document URI. */
export const showTraceCommand = 'structOps.showTrace';

/** The map's own first error, else the object's first error (the object loads as a whole). */
export function mapFailure(trace: ObjectTrace, map: StructOpsMap): Finding | undefined {
  const errors = traceFindings(trace).filter((f) => f.severity === 'error');
  return errors.find((f) => f.location.file === map.location.file && containsPosition(map.location.range, f.location.range.start)) ?? errors[0];
}

export function outcomeTitle(trace: ObjectTrace | undefined, map: StructOpsMap): string {
  if (!trace) return 'struct_ops: no kernel profile loaded';
  const failure = mapFailure(trace, map);
  if (!failure) return `✓ loads on ${trace.profile}`;
  if (failure.crash) return `✗ crashes at ${failure.phase} (${failure.check}) on ${trace.profile}`;
  const errno = failure.errno !== undefined ? `-${errnoName(failure.errno)} ` : '';
  return `✗ fails at ${failure.phase}: ${errno}(${failure.check}) on ${trace.profile}`;
}

export function codeLenses(ctx: FeatureContext, params: CodeLensParams): CodeLens[] | null {
  const source = sourceOf(ctx, params.textDocument.uri);
  if (!source) return null;
  return source.facts.maps
    .filter((map) => map.location.file === source.file)
    .map((map) => {
      const line = map.location.range.start.line;
      return {
        range: { start: { line, character: 0 }, end: { line, character: 0 } },
        command: { title: outcomeTitle(traceForMap(ctx, map), map), command: showTraceCommand, arguments: [source.uri] },
      };
    });
}

// Builds the explorer's data (protocol ExplorerData) from the engine: every struct_ops map of
// the workspace, its members and wired programs, and its simulated outcome.

import { pathToFileURL } from 'node:url';
import { describeProfile, errnoName, traceFindings, type InitValue, type Position, type Range, type StructOpsEngine } from '../engine';
import type { ExplorerData, ExplorerMap, ExplorerMember } from '../protocol';

function inside(range: Range, position: Position): boolean {
  const afterStart = position.line > range.start.line || (position.line === range.start.line && position.character >= range.start.character);
  const beforeEnd = position.line < range.end.line || (position.line === range.end.line && position.character <= range.end.character);
  return afterStart && beforeEnd;
}

function literal(value: InitValue): string | undefined {
  switch (value.kind) {
    case 'string':
      return JSON.stringify(value.value);
    case 'integer':
      return value.value.toString();
    case 'null':
      return 'NULL';
    case 'expression':
      return value.text;
    default:
      return undefined;
  }
}

export function explorerData(engine: StructOpsEngine): ExplorerData {
  const profile = engine.profile;
  const maps: ExplorerMap[] = [];
  for (const file of engine.objectFiles()) {
    const facts = engine.facts(file);
    if (!facts) continue;
    const trace = engine.simulate(file);
    for (const map of facts.maps) {
      const errors = trace ? traceFindings(trace).filter((f) => f.severity === 'error') : [];
      const failure = errors.find((f) => f.location.file === map.location.file && inside(map.location.range, f.location.range.start)) ?? errors[0];
      const members: ExplorerMember[] = map.members.map((m) => {
        const program = m.value.kind === 'function' ? facts.programs.find((p) => p.name === (m.value as { name: string }).name) : undefined;
        return {
          name: m.name,
          range: m.location.range,
          program: m.value.kind === 'function' ? m.value.name : undefined,
          programUri: program ? pathToFileURL(program.nameLocation.file).toString() : undefined,
          programRange: program?.nameLocation.range,
          value: literal(m.value),
        };
      });
      maps.push({
        name: map.name,
        uri: pathToFileURL(map.nameLocation.file).toString(),
        range: map.nameLocation.range,
        typeName: map.typeName,
        section: map.section,
        outcome: trace
          ? failure
            ? { ok: false, phase: failure.phase, check: failure.check, errno: failure.errno, errnoName: failure.errno !== undefined ? errnoName(failure.errno) : undefined, message: failure.message }
            : { ok: true }
          : { ok: false, message: 'no kernel profile loaded' },
        members,
      });
    }
  }
  return { profile: profile ? describeProfile(profile) : 'no kernel profile', maps };
}

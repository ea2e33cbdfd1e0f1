// `check --format sarif`: findings as a SARIF 2.1.0 log the way GitHub code scanning reads it.
// One run per kernel profile; rules are the check catalogue's pages (docs/checks/<ID>.md); paths
// are relative to the working directory under %SRCROOT% unless absolute paths are asked for.

import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as Sarif from 'sarif';
import { checkDocumentation, errnoName, type Finding, type Location } from '../engine';

export const sarifSchemaUri = 'https://json.schemastore.org/sarif-2.1.0.json';
export const sarifToolName = 'struct-ops';

export interface SarifRunInput {
  /** The profile as the user named it; set for a matrix, where each run needs its own category. */
  readonly profileName?: string;
  readonly profileDescription: string;
  readonly findings: readonly Finding[];
}

export interface SarifOptions {
  /** The folder %SRCROOT% stands for (the working directory). */
  readonly root: string;
  readonly absolutePaths: boolean;
  /** docs/struct-ops-semantics.md, for the rules' full descriptions; empty: titles only. */
  readonly spec: string;
}

const level: Record<Finding['severity'], Sarif.Result.level> = { error: 'error', warning: 'warning', information: 'note' };

/** Markdown emphasis and code marks removed, for the plain-text fields. */
function plain(markdown: string): string {
  return markdown.replace(/\*\*|`/g, '');
}

/**
 * One rule per check page: `# ID: title`, `Phase: \`phase\``, the body paragraph. The pages are
 * generated from the catalogue (sim/checkDocs.ts), so this format is the generator's.
 */
export function sarifRules(spec: string): Sarif.ReportingDescriptor[] {
  const rules: Sarif.ReportingDescriptor[] = [];
  for (const [file, page] of checkDocumentation(spec)) {
    const lines = page.split('\n');
    const heading = /^# (\S+): (.*)$/.exec(lines[0]);
    const phase = /^Phase: `(.*)`$/.exec(lines[2] ?? '')?.[1];
    const body = lines[4] ?? '';
    if (!heading || !phase) throw new Error(`check page ${file} does not start with '# ID: title' and 'Phase:'`);
    const [, id, title] = heading;
    rules.push({
      id,
      name: id,
      shortDescription: { text: title },
      fullDescription: { text: plain(body), markdown: body },
      help: { text: `${plain(body)} (docs/checks/${id}.md)`, markdown: page },
      defaultConfiguration: { level: phase === 'lint' ? 'warning' : 'error' },
      properties: { phase, tags: ['struct_ops', phase] },
    });
  }
  return rules;
}

function artifactLocation(file: string, options: SarifOptions): Sarif.ArtifactLocation {
  const relative = path.relative(options.root, file);
  if (options.absolutePaths || relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) return { uri: pathToFileURL(file).href };
  return { uri: relative.split(path.sep).map(encodeURIComponent).join('/'), uriBaseId: '%SRCROOT%' };
}

/** SARIF regions are 1-based with an exclusive end column; engine ranges are 0-based, end exclusive. */
function physicalLocation(location: Location, options: SarifOptions): Sarif.PhysicalLocation {
  const { start, end } = location.range;
  return {
    artifactLocation: artifactLocation(location.file, options),
    region: { startLine: start.line + 1, startColumn: start.character + 1, endLine: end.line + 1, endColumn: end.character + 1 },
  };
}

function result(finding: Finding, ruleIndex: ReadonlyMap<string, number>, options: SarifOptions): Sarif.Result {
  const errno = finding.errno !== undefined ? ` [${finding.phase}: ${errnoName(finding.errno)}]` : '';
  const index = ruleIndex.get(finding.check);
  return {
    ruleId: finding.check,
    ...(index !== undefined ? { ruleIndex: index } : {}),
    level: level[finding.severity],
    message: { text: `${finding.message}${errno}\n\n${finding.explanation}` },
    locations: [{ physicalLocation: physicalLocation(finding.location, options) }],
    ...(finding.related.length > 0
      ? { relatedLocations: finding.related.map((r, id) => ({ id, physicalLocation: physicalLocation(r.location, options), message: { text: r.message } })) }
      : {}),
    properties: {
      phase: finding.phase,
      errno: finding.errno ?? null,
      errnoName: finding.errno !== undefined ? errnoName(finding.errno) : null,
      channel: finding.channel,
      ...(finding.rule !== undefined ? { versionRule: finding.rule } : {}),
    },
  };
}

/** The SARIF log of one or more profile runs; findings are expected sorted. */
export function sarifLog(runs: readonly SarifRunInput[], options: SarifOptions): Sarif.Log {
  const rules = sarifRules(options.spec);
  const ruleIndex = new Map(rules.map((r, i) => [r.id, i]));
  return {
    $schema: sarifSchemaUri,
    version: '2.1.0',
    runs: runs.map((run) => ({
      tool: { driver: { name: sarifToolName, rules } },
      // GitHub code scanning keeps one analysis per category: a matrix needs one per profile.
      ...(run.profileName !== undefined ? { automationDetails: { id: `${sarifToolName}/${run.profileName}/` } } : {}),
      columnKind: 'utf16CodeUnits',
      results: run.findings.map((f) => result(f, ruleIndex, options)),
      properties: { profile: { ...(run.profileName !== undefined ? { name: run.profileName } : {}), description: run.profileDescription } },
    })),
  };
}

// The only place engine findings become LSP diagnostics (pyright's _convertDiagnostics):
// code = check ID with a documentation link, related information, tags, source `struct_ops`.

import { pathToFileURL } from 'node:url';
import { DiagnosticSeverity, DiagnosticTag, type Diagnostic } from 'vscode-languageserver';
import { errnoName, type ConfigProblem, type Finding } from '../engine';

export const diagnosticSource = 'struct_ops';

/** Where each check is documented: `<docsBase>/<ID>.md`, one page per check generated from the catalogue. */
export function checkDocumentationUri(docsBase: string, check: string): string {
  return `${docsBase.replace(/\/$/, '')}/${check}.md`;
}

function severity(finding: Finding): DiagnosticSeverity {
  switch (finding.severity) {
    case 'error':
      return DiagnosticSeverity.Error;
    case 'warning':
      return DiagnosticSeverity.Warning;
    case 'information':
      return DiagnosticSeverity.Information;
  }
}

/** The diagnostic text: the real system's message, then errno and phase. */
export function diagnosticMessage(finding: Finding): string {
  const prefix = finding.channel === 'libbpf' ? 'libbpf: ' : finding.channel === 'dmesg' ? 'dmesg: ' : '';
  const errno = finding.errno !== undefined ? ` (${finding.phase}: -${errnoName(finding.errno)}, errno ${finding.errno})` : '';
  return `${prefix}${finding.message}${errno}\n${finding.explanation}`;
}

/** `docsBase` is a URI of the folder holding the check pages (the client passes the extension's own). */
export function toDiagnostic(finding: Finding, docsBase: string | undefined): Diagnostic {
  const tags: DiagnosticTag[] = [];
  if (finding.tags?.includes('unnecessary')) tags.push(DiagnosticTag.Unnecessary);
  if (finding.tags?.includes('deprecated')) tags.push(DiagnosticTag.Deprecated);
  return {
    range: finding.location.range,
    severity: severity(finding),
    source: diagnosticSource,
    code: finding.check,
    codeDescription: docsBase ? { href: checkDocumentationUri(docsBase, finding.check) } : undefined,
    message: diagnosticMessage(finding),
    relatedInformation: finding.related.map((r) => ({
      location: { uri: pathToFileURL(r.location.file).toString(), range: r.location.range },
      message: r.message,
    })),
    tags: tags.length > 0 ? tags : undefined,
  };
}

/** A problem of a project config file (`.struct-ops.json`, package.json `structOps`), shown on that file. */
export function configProblemDiagnostic(problem: ConfigProblem): Diagnostic {
  return { range: problem.range, severity: DiagnosticSeverity.Error, source: diagnosticSource, message: `struct_ops project config: ${problem.message}` };
}

// Simulation traces and log explanations as read-only virtual documents (`struct-ops-trace:`):
// the server formats them (formatTrace / formatExplanation), `file:line` references become
// DocumentLinks, and open documents are re-read when the server says the facts changed.

import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import {
  explainLogRequest, mapCreationRequest, registrationRequest, traceRequest, unloadRequest, type TextReport,
} from '../../server/src/protocol';
import { findDocLinks, findLinks, parseTraceQuery, resolveLinkPath, traceDocument, traceScheme, type TraceRef } from './traceLinks';

/** Language id of report documents (syntaxes/structops.trace.tmLanguage.json). */
export const traceLanguage = 'structops-trace';

export class TraceDocuments implements vscode.TextDocumentContentProvider, vscode.DocumentLinkProvider {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private client: LanguageClient | undefined;
  /** Report root (for relative links) per document URI. */
  private readonly roots = new Map<string, string | undefined>();
  /** Texts to explain, by id (the explain documents' target). */
  private readonly logs = new Map<string, string>();
  private nextLog = 1;

  /** `docsDir`: the extension's docs/checks folder, target of `docs/checks/<ID>.md` links. */
  constructor(private readonly docsDir?: string) {}

  setClient(client: LanguageClient | undefined): void {
    this.client = client;
    this.refreshOpen();
  }

  uriFor(ref: TraceRef): vscode.Uri {
    const { path, query } = traceDocument(ref);
    return vscode.Uri.from({ scheme: traceScheme, path, query });
  }

  /** Registers a log text to explain and returns its document URI. */
  explainUri(text: string): vscode.Uri {
    const id = `log-${this.nextLog++}`;
    this.logs.set(id, text);
    return this.uriFor({ kind: 'explain', target: id });
  }

  /** Opens (or re-reads) the report document for `ref` beside the editor. */
  async show(ref: TraceRef | vscode.Uri): Promise<void> {
    const uri = ref instanceof vscode.Uri ? ref : this.uriFor(ref);
    this.changed.fire(uri);
    let document = await vscode.workspace.openTextDocument(uri);
    if (document.languageId !== traceLanguage) document = await vscode.languages.setTextDocumentLanguage(document, traceLanguage);
    await vscode.window.showTextDocument(document, { preview: true, viewColumn: vscode.ViewColumn.Beside, preserveFocus: false });
  }

  /** Re-reads every open report: facts or the profile changed. */
  refreshOpen(): void {
    for (const document of vscode.workspace.textDocuments) {
      if (document.uri.scheme === traceScheme) this.changed.fire(document.uri);
    }
  }

  private async report(ref: TraceRef, client: LanguageClient): Promise<TextReport> {
    switch (ref.kind) {
      case 'trace':
        return client.sendRequest(traceRequest, { uri: ref.target, map: ref.map });
      case 'mapCreation':
        return client.sendRequest(mapCreationRequest, { uri: ref.target, map: ref.map });
      case 'registration':
        return client.sendRequest(registrationRequest, { module: ref.target });
      case 'unload':
        return client.sendRequest(unloadRequest, { module: ref.target });
      case 'explain':
        return client.sendRequest(explainLogRequest, { text: this.logs.get(ref.target) ?? '' });
    }
  }

  async provideTextDocumentContent(uri: vscode.Uri, token: vscode.CancellationToken): Promise<string> {
    const ref = parseTraceQuery(uri.query);
    if (!ref) return 'Not a struct_ops report.\n';
    const client = this.client;
    if (!client) return 'The struct_ops language server is not running. Run "struct_ops: Restart Server".\n';
    try {
      const report = await this.report(ref, client);
      if (token.isCancellationRequested) return '';
      this.roots.set(uri.toString(), report.root);
      return report.text;
    } catch (error) {
      return `The struct_ops language server did not answer: ${error instanceof Error ? error.message : String(error)}\n`;
    }
  }

  provideDocumentLinks(document: vscode.TextDocument): vscode.DocumentLink[] {
    const root = this.roots.get(document.uri.toString());
    const links: vscode.DocumentLink[] = [];
    for (const link of findLinks(document.getText())) {
      const file = resolveLinkPath(link.file, root);
      if (!file) continue;
      const target = vscode.Uri.file(file).with({ fragment: `L${link.targetLine}${link.targetColumn ? `,${link.targetColumn}` : ''}` });
      const item = new vscode.DocumentLink(new vscode.Range(link.line, link.start, link.line, link.end), target);
      item.tooltip = `Open ${link.file} at line ${link.targetLine}`;
      links.push(item);
    }
    if (this.docsDir) {
      for (const doc of findDocLinks(document.getText())) {
        const item = new vscode.DocumentLink(new vscode.Range(doc.line, doc.start, doc.line, doc.end), vscode.Uri.file(`${this.docsDir}/${doc.id}.md`));
        item.tooltip = `Open the page of check ${doc.id}`;
        links.push(item);
      }
    }
    return links;
  }
}

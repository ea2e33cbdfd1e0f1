// Registers the editor features (hover, definition, references, completion, code lens, quick
// fixes, symbols, inlay hints) on the connection and declares their capabilities. Each handler
// runs guarded: a bug is logged and the request answers empty instead of failing.

import { CodeActionKind, CodeLensRefreshRequest, InlayHintRefreshRequest, type ClientCapabilities, type Connection, type ServerCapabilities } from 'vscode-languageserver';
import { codeActions } from './codeActionProvider';
import { codeLenses } from './codeLensProvider';
import { completion } from './completionProvider';
import { definition } from './definitionProvider';
import { hover } from './hoverProvider';
import { inlayHints } from './inlayHintProvider';
import { references } from './referencesProvider';
import type { FeatureContext } from './sourceProvider';
import { documentSymbols, workspaceSymbols } from './symbolProvider';

export type { FeatureContext } from './sourceProvider';

export const featureCapabilities: ServerCapabilities = {
  hoverProvider: true,
  definitionProvider: true,
  referencesProvider: true,
  completionProvider: { triggerCharacters: ['.', '"', '/', ')'] },
  codeLensProvider: { resolveProvider: false },
  codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, CodeActionKind.RefactorRewrite] },
  documentSymbolProvider: true,
  workspaceSymbolProvider: true,
  inlayHintProvider: true,
};

export function registerLanguageFeatures(connection: Connection, ctx: FeatureContext): void {
  const guarded =
    <P, R>(what: string, handler: (ctx: FeatureContext, params: P) => R | Promise<R>, empty: R) =>
    async (params: P): Promise<R> => {
      try {
        return await handler(ctx, params);
      } catch (error) {
        ctx.logger.error(`${what} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
        return empty;
      }
    };
  connection.onHover(guarded('hover', hover, null));
  connection.onDefinition(guarded('definition', definition, null));
  connection.onReferences(guarded('references', references, null));
  connection.onCompletion(guarded('completion', completion, null));
  connection.onCodeLens(guarded('code lens', codeLenses, null));
  connection.onCodeAction(guarded('code action', codeActions, null));
  connection.onDocumentSymbol(guarded('document symbols', documentSymbols, null));
  connection.onWorkspaceSymbol(guarded('workspace symbols', workspaceSymbols, null));
  connection.languages.inlayHint.on(guarded('inlay hints', inlayHints, null));
}

/**
 * Asks the client to re-request code lenses and inlay hints after the engine's view changed (any
 * file, the profile, settings), where the client supports these refresh requests.
 */
export function refreshLanguageFeatures(connection: Connection, capabilities: ClientCapabilities | undefined): void {
  if (capabilities?.workspace?.codeLens?.refreshSupport) connection.sendRequest(CodeLensRefreshRequest.type).catch(() => undefined);
  if (capabilities?.workspace?.inlayHint?.refreshSupport) connection.sendRequest(InlayHintRefreshRequest.type).catch(() => undefined);
}

// Command factories: each takes the context and returns the handler. Commands work (or say
// why not) whether or not the server is running.

import * as vscode from 'vscode';
import type { Ctx } from './ctx';
import type { RevealTarget } from './explorer/model';

export type CommandFactory = (ctx: Ctx) => (...args: unknown[]) => unknown;

export const commandFactories: Readonly<Record<string, CommandFactory>> = {
  'structOps.refreshExplorer': (ctx) => () => ctx.maps.refresh(),
  'structOps.restartServer': (ctx) => () => ctx.restart(),
  'structOps.reveal': () => async (target: unknown) => {
    const { uri, range } = target as RevealTarget;
    const document = await vscode.workspace.openTextDocument(vscode.Uri.parse(uri));
    const selection = new vscode.Range(range.start.line, range.start.character, range.end.line, range.end.character);
    await vscode.window.showTextDocument(document, { selection, preview: true });
  },
};

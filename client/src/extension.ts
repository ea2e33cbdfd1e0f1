// Extension entry: creates the context and starts the language server. A failed activation
// shows a message and rethrows, so VS Code marks the extension as failed.

import * as vscode from 'vscode';
import { Ctx } from './ctx';

let ctx: Ctx | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  try {
    ctx = new Ctx(context);
    await ctx.start();
  } catch (error) {
    void vscode.window.showErrorMessage(`BPF struct_ops failed to start: ${error instanceof Error ? error.message : String(error)}`);
    throw error;
  }
}

export async function deactivate(): Promise<void> {
  await ctx?.stop();
  ctx = undefined;
}

// The tree data provider shell: asks the server for ExplorerData and maps model nodes to
// TreeItems. Refreshes when the server says the facts changed (no polling).

import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { explorerRequest, type ExplorerData } from '../../../server/src/protocol';
import { explorerRoots, type ExplorerNode } from './model';

export class MapsTreeProvider implements vscode.TreeDataProvider<ExplorerNode> {
  private readonly changed = new vscode.EventEmitter<ExplorerNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private data: ExplorerData | undefined;
  private client: LanguageClient | undefined;

  setClient(client: LanguageClient | undefined): void {
    this.client = client;
    this.refresh();
  }

  refresh(): void {
    const client = this.client;
    if (!client) {
      this.data = undefined;
      this.changed.fire(undefined);
      return;
    }
    client.sendRequest(explorerRequest).then(
      (data) => {
        this.data = data;
        this.changed.fire(undefined);
      },
      (error: unknown) => client.error('explorer request failed', error),
    );
  }

  getTreeItem(node: ExplorerNode): vscode.TreeItem {
    const item = new vscode.TreeItem(
      node.label,
      node.children.length > 0 ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None,
    );
    item.id = node.id;
    item.description = node.description;
    item.tooltip = node.tooltip;
    item.iconPath = new vscode.ThemeIcon(node.icon);
    item.contextValue = node.contextValue;
    if (node.reveal) {
      item.command = { command: 'structOps.reveal', title: 'Reveal in Editor', arguments: [node.reveal] };
    }
    return item;
  }

  getChildren(node?: ExplorerNode): ExplorerNode[] {
    return node ? [...node.children] : explorerRoots(this.data);
  }
}

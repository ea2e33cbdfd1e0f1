// Tree data provider shells for the Maps & Programs and Types views: each asks the server for its
// data, builds nodes with the pure model and maps them to TreeItems. They refresh when the server
// says the facts changed (structOps/explorerChanged), never by polling.

import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { RequestType0 } from 'vscode-languageserver-protocol';
import { explorerRequest, typesRequest, type ExplorerData, type TypesData } from '../../../server/src/protocol';
import { explorerRoots, parentIndex, type ExplorerNode, type RevealTarget } from './model';
import { typeRoots, type TypeNode } from './typesModel';

interface ShellNode {
  readonly id: string;
  readonly label: string;
  readonly description?: string;
  readonly tooltip?: string;
  readonly icon: string;
  readonly color?: string;
  readonly contextValue: string;
  readonly reveal?: RevealTarget;
  readonly children: readonly ShellNode[];
}

/** Shared shell: data from one request, nodes from a pure function, parents for reveal. */
abstract class RequestTreeProvider<TData, TNode extends ShellNode> implements vscode.TreeDataProvider<TNode> {
  private readonly changed = new vscode.EventEmitter<TNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly loaded = new vscode.EventEmitter<TData | undefined>();
  /** Fires after new data arrived (or was cleared). */
  readonly onDidLoad = this.loaded.event;
  protected data: TData | undefined;
  private roots: TNode[] = [];
  private parents = new Map<string, TNode>();
  private client: LanguageClient | undefined;
  private generation = 0;

  constructor(
    private readonly request: RequestType0<TData, void>,
    private readonly build: (data: TData | undefined) => TNode[],
    /** Levels expanded by default (0: collapsed). */
    private readonly expandDepth: number,
  ) {}

  get current(): TData | undefined {
    return this.data;
  }

  get nodes(): readonly TNode[] {
    return this.roots;
  }

  setClient(client: LanguageClient | undefined): void {
    this.client = client;
    this.refresh();
  }

  private apply(data: TData | undefined): void {
    this.data = data;
    this.roots = this.build(data);
    this.parents = parentIndex(this.roots);
    this.changed.fire(undefined);
    this.loaded.fire(data);
  }

  /** Re-reads the data; resolves when the tree has it (errors are logged, the tree keeps its data). */
  refresh(): Promise<void> {
    const client = this.client;
    const generation = ++this.generation;
    if (!client) {
      this.apply(undefined);
      return Promise.resolve();
    }
    return client.sendRequest(this.request).then(
      (data) => {
        if (generation === this.generation) this.apply(data);
      },
      (error: unknown) => client.error(`${this.request.method} request failed`, error, false),
    );
  }

  getTreeItem(node: TNode): vscode.TreeItem {
    const depth = this.depthOf(node);
    const state =
      node.children.length === 0
        ? vscode.TreeItemCollapsibleState.None
        : depth < this.expandDepth
          ? vscode.TreeItemCollapsibleState.Expanded
          : vscode.TreeItemCollapsibleState.Collapsed;
    const item = new vscode.TreeItem(node.label, state);
    item.id = node.id;
    item.description = node.description;
    item.tooltip = node.tooltip;
    item.iconPath = new vscode.ThemeIcon(node.icon, node.color ? new vscode.ThemeColor(node.color) : undefined);
    item.contextValue = node.contextValue;
    if (node.reveal) {
      item.command = { command: 'structOps.reveal', title: 'Reveal in Editor', arguments: [node.reveal] };
    }
    return item;
  }

  private depthOf(node: TNode): number {
    let depth = 0;
    for (let p = this.parents.get(node.id); p; p = this.parents.get(p.id)) depth++;
    return depth;
  }

  getChildren(node?: TNode): TNode[] {
    return node ? ([...node.children] as TNode[]) : this.roots;
  }

  getParent(node: TNode): TNode | undefined {
    return this.parents.get(node.id);
  }
}

/** Maps & Programs: BPF object file → map → member. */
export class MapsTreeProvider extends RequestTreeProvider<ExplorerData, ExplorerNode> {
  constructor() {
    super(explorerRequest, explorerRoots, 2);
  }
}

/** Types: BTF object (or workspace module source) → struct_ops type → member. */
export class TypesTreeProvider extends RequestTreeProvider<TypesData, TypeNode> {
  constructor() {
    super(typesRequest, typeRoots, 1);
  }
}

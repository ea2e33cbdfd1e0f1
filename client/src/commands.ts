// The command table: one entry per contributed command, `enabled` while the server runs and
// `disabled` (when given) otherwise, so a command never fails because the server is down
// (rust-analyzer's createCommands). ctx.ts re-registers the table when the server starts or stops.

import * as vscode from 'vscode';
import type { Ctx } from './ctx';
import { nodeAt, type ExplorerNode, type RevealTarget } from './explorer/model';
import { allModules, workspaceModules, type TypeNode } from './explorer/typesModel';
import { btfChoices, kernelChoices, libbpfChoices, settingsFor, validateKernelVersion, type BtfChoice, type Choice } from './profileChoices';
import type { TraceKind } from './traceLinks';

export type Handler = (...args: unknown[]) => unknown;

export interface CommandSpec {
  readonly enabled: (ctx: Ctx) => Handler;
  /** Used while the server is not running; absent: `enabled` works without the server. */
  readonly disabled?: (ctx: Ctx) => Handler;
}

/** While the server is down: say so and offer to start it. */
const serverDown = (what: string) => (ctx: Ctx) => async () => {
  if (ctx.state === 'untrusted') {
    const pick = await vscode.window.showWarningMessage(`struct_ops: ${what} needs the language server, which does not run in an untrusted workspace.`, 'Manage Workspace Trust');
    if (pick) await vscode.commands.executeCommand('workbench.trust.manage');
    return;
  }
  const pick = await vscode.window.showWarningMessage(`struct_ops: ${what} needs the language server, which is not running.`, 'Restart Server');
  if (pick) await ctx.restart();
};

/** The file URI a command argument points at: a Uri, a URI string, `[uri]`, an explorer node, or the active C editor. */
export function targetUri(arg: unknown): string | undefined {
  if (Array.isArray(arg)) return targetUri(arg[0]);
  if (arg instanceof vscode.Uri) return arg.toString();
  if (typeof arg === 'string') return arg;
  if (arg && typeof arg === 'object' && 'uri' in arg && typeof (arg as { uri: unknown }).uri === 'string') return (arg as { uri: string }).uri;
  return undefined;
}

function activeCFile(): string | undefined {
  const document = vscode.window.activeTextEditor?.document;
  return document && document.uri.scheme === 'file' && document.languageId === 'c' ? document.uri.toString() : undefined;
}

interface ObjectPick extends vscode.QuickPickItem {
  readonly uri: string;
  readonly map?: string;
}

/** Asks for a BPF object or one of its maps; the argument (node, URI) or the active file wins when it is an object. */
async function pickObject(ctx: Ctx, arg: unknown, title: string): Promise<{ uri: string; map?: string } | undefined> {
  const node = arg as Partial<ExplorerNode> | undefined;
  const given = targetUri(arg);
  if (given) return { uri: given, map: typeof node?.map === 'string' ? node.map : undefined };
  const data = ctx.maps.current;
  const objects = [...new Set((data?.maps ?? []).map((m) => m.uri))];
  const active = activeCFile();
  if (active && objects.includes(active)) return { uri: active };
  if (objects.length === 0) {
    void vscode.window.showInformationMessage('struct_ops: no BPF object with struct_ops maps in this workspace. Open a folder with SEC(".struct_ops") maps.');
    return undefined;
  }
  const items: ObjectPick[] = [];
  for (const uri of objects.sort()) {
    const maps = data!.maps.filter((m) => m.uri === uri);
    items.push({ label: `$(file-binary) ${vscode.workspace.asRelativePath(vscode.Uri.parse(uri))}`, description: `${maps.length} map(s)`, uri });
    for (const map of maps) items.push({ label: `    $(symbol-variable) ${map.name}`, description: `struct ${map.typeName} · ${map.section}`, uri, map: map.name });
  }
  const picked = await vscode.window.showQuickPick(items, { title, placeHolder: 'BPF object or struct_ops map', matchOnDescription: true });
  return picked ? { uri: picked.uri, map: picked.map } : undefined;
}

async function pickModule(names: readonly string[], arg: unknown, title: string): Promise<string | undefined> {
  const node = arg as Partial<TypeNode> | undefined;
  if (typeof node?.module === 'string' && (names.length === 0 || names.includes(node.module))) return node.module;
  if (typeof arg === 'string' && !arg.includes(':')) return arg;
  if (names.length === 0) {
    return vscode.window.showInputBox({ title, prompt: 'No kernel module source was found in the workspace. Module name:', placeHolder: 'e.g. bpf_testmod' });
  }
  if (names.length === 1) return names[0];
  return vscode.window.showQuickPick([...names], { title, placeHolder: 'Kernel module' });
}

const simulate = (kind: TraceKind, title: string) => (ctx: Ctx) => async (arg?: unknown) => {
  const target = await pickObject(ctx, arg, title);
  if (target) await ctx.traces.show({ kind, target: target.uri, map: target.map });
};

async function pick<T>(items: readonly Choice<T>[], title: string, step: number): Promise<T | undefined> {
  const picked = await vscode.window.showQuickPick(
    items.map((i) => ({ label: i.label, description: i.description, detail: i.detail, value: i.value })),
    { title: `${title} (${step}/3)`, ignoreFocusOut: true },
  );
  return picked?.value;
}

async function selectProfile(ctx: Ctx): Promise<void> {
  const title = 'Select Kernel Profile';
  const config = vscode.workspace.getConfiguration('structOps');
  const source = await pick<BtfChoice>(btfChoices, title, 1);
  if (!source) return;
  let files: string[] = [];
  if (source === 'files') {
    const chosen = await vscode.window.showOpenDialog({ title: 'Kernel BTF: vmlinux, .ko, raw BTF files or a folder of them', canSelectFiles: true, canSelectFolders: true, canSelectMany: true, openLabel: 'Use as kernel BTF' });
    if (!chosen || chosen.length === 0) return;
    files = chosen.map((u) => u.fsPath);
  }
  let kernel = await pick(kernelChoices(config.get<string>('kernel.version', '')), title, 2);
  if (kernel === undefined) return;
  if (kernel === 'other') {
    kernel = await vscode.window.showInputBox({ title: `${title}: kernel version`, placeHolder: '6.12', validateInput: validateKernelVersion, ignoreFocusOut: true });
    if (kernel === undefined) return;
  }
  const libbpf = await pick(libbpfChoices(config.get<string>('libbpf.version', '')), title, 3);
  if (libbpf === undefined) return;
  const update = settingsFor(source, files, ctx.extension.asAbsolutePath('resources/profiles/default-vmlinux.btf'), kernel.trim(), libbpf);
  const target = vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  for (const [key, value] of Object.entries(update)) {
    // structOps.kernel.btf is restricted in untrusted workspaces: keep it in user settings there.
    const where = key === 'kernel.btf' && !vscode.workspace.isTrusted ? vscode.ConfigurationTarget.Global : target;
    await config.update(key, value, where);
  }
  void vscode.window.showInformationMessage(`struct_ops: simulating kernel ${update['kernel.version'] || '(from BTF)'} / libbpf ${update['libbpf.version'] || 'newest'} on ${source} BTF.`);
}

async function logText(): Promise<string | undefined> {
  const editor = vscode.window.activeTextEditor;
  const selected = editor && !editor.selection.isEmpty ? editor.document.getText(editor.selection) : '';
  if (selected.trim()) return selected;
  // NOTE: in the web workbench reading the clipboard needs a browser permission prompt; skip it there.
  const clipboard = vscode.env.uiKind === vscode.UIKind.Web ? '' : (await Promise.resolve(vscode.env.clipboard.readText()).catch(() => '')).trim();
  const items: (vscode.QuickPickItem & { value: 'clipboard' | 'type' })[] = [];
  if (clipboard) items.push({ label: '$(clippy) Clipboard', description: clipboard.split('\n')[0].slice(0, 80), detail: `${clipboard.split('\n').length} line(s)`, value: 'clipboard' });
  items.push({ label: '$(edit) Type or paste one line…', description: "e.g. libbpf: struct_ops init_kern my_ops: Cannot find member x in kernel BTF, or -524", value: 'type' });
  const choice = items.length === 1 ? items[0] : await vscode.window.showQuickPick(items, { title: 'Explain a libbpf / verifier / dmesg log' });
  if (!choice) return undefined;
  if (choice.value === 'clipboard') return clipboard;
  return vscode.window.showInputBox({ title: 'Explain a log line', placeHolder: 'libbpf: … or -524', ignoreFocusOut: true });
}

export const commandTable: Readonly<Record<string, CommandSpec>> = {
  'structOps.refreshExplorer': { enabled: (ctx) => () => ctx.refreshAll() },
  'structOps.restartServer': { enabled: (ctx) => () => ctx.restart() },
  'structOps.reveal': {
    enabled: () => async (target: unknown) => {
      const { uri, range } = target as RevealTarget;
      const document = await vscode.workspace.openTextDocument(vscode.Uri.parse(uri));
      const selection = new vscode.Range(range.start.line, range.start.character, range.end.line, range.end.character);
      await vscode.window.showTextDocument(document, { selection, preview: true });
    },
  },
  'structOps.revealInExplorer': {
    enabled: (ctx) => async (arg?: unknown) => {
      const editor = vscode.window.activeTextEditor;
      const uri = targetUri(arg) ?? editor?.document.uri.toString();
      if (!uri) return;
      const position = editor && editor.document.uri.toString() === uri ? editor.selection.active : new vscode.Position(0, 0);
      if (!ctx.maps.current) await ctx.maps.refresh();
      const node = nodeAt(ctx.maps.nodes, uri, position.line, position.character);
      if (!node) {
        void vscode.window.showInformationMessage('struct_ops: this file has no struct_ops map.');
        return;
      }
      await ctx.mapsView.reveal(node, { select: true, focus: true, expand: true });
    },
    disabled: serverDown('Reveal in Explorer'),
  },
  'structOps.showTrace': {
    enabled: (ctx) => async (arg?: unknown) => {
      const uri = targetUri(arg) ?? activeCFile();
      if (!uri) return simulate('trace', 'Show Simulation Trace')(ctx)();
      const node = arg as Partial<ExplorerNode> | undefined;
      await ctx.traces.show({ kind: 'trace', target: uri, map: typeof node?.map === 'string' ? node.map : undefined });
    },
    disabled: serverDown('Show Trace'),
  },
  'structOps.simulateLoad': { enabled: simulate('trace', 'Simulate Load'), disabled: serverDown('Simulate Load') },
  'structOps.simulateMapCreation': { enabled: simulate('mapCreation', 'Simulate Map Creation'), disabled: serverDown('Simulate Map Creation') },
  'structOps.simulateRegistration': {
    enabled: (ctx) => async (arg?: unknown) => {
      if (!ctx.types.current) await ctx.types.refresh();
      const module = await pickModule(workspaceModules(ctx.types.current), arg, 'Simulate Registration');
      if (module) await ctx.traces.show({ kind: 'registration', target: module });
    },
    disabled: serverDown('Simulate Registration'),
  },
  'structOps.simulateUnload': {
    enabled: (ctx) => async (arg?: unknown) => {
      if (!ctx.types.current) await ctx.types.refresh();
      const module = await pickModule(allModules(ctx.types.current), arg, 'Simulate Module Unload');
      if (module) await ctx.traces.show({ kind: 'unload', target: module });
    },
    disabled: serverDown('Simulate Module Unload'),
  },
  'structOps.selectProfile': { enabled: (ctx) => () => selectProfile(ctx) },
  'structOps.explainLog': {
    enabled: (ctx) => async (arg?: unknown) => {
      const text = typeof arg === 'string' && arg.trim() ? arg : await logText();
      if (text?.trim()) await ctx.traces.show(ctx.traces.explainUri(text));
    },
    disabled: serverDown('Explain Log'),
  },
};

/** Command names, for the manifest consistency test. */
export const commandFactories = commandTable;

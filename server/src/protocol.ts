// Custom LSP messages between the client and the server, each declared once with its payload
// types. Imports only vscode-languageserver-protocol so the client can share it.

import { NotificationType, NotificationType0, RequestType, RequestType0 } from 'vscode-languageserver-protocol';
import type { Range } from 'vscode-languageserver-protocol';

export interface ExplorerMember {
  readonly name: string;
  readonly range: Range;
  /** The program wired into the member, with where it is defined (when found). */
  readonly program?: string;
  readonly programUri?: string;
  readonly programRange?: Range;
  /** Literal value text for non-program members, e.g. `"my_cc"`. */
  readonly value?: string;
}

export interface ExplorerOutcome {
  readonly ok: boolean;
  readonly phase?: string;
  readonly check?: string;
  readonly errno?: number;
  readonly errnoName?: string;
  readonly message?: string;
}

export interface ExplorerMap {
  readonly name: string;
  readonly uri: string;
  readonly range: Range;
  readonly typeName: string;
  readonly section: string;
  readonly outcome: ExplorerOutcome;
  readonly members: readonly ExplorerMember[];
}

export interface ExplorerData {
  readonly profile: string;
  readonly maps: readonly ExplorerMap[];
}

/** Client → server: the struct_ops maps of the workspace for the explorer tree. */
export const explorerRequest = new RequestType0<ExplorerData, void>('structOps/explorer');

/** Server → client: facts or profile changed; the explorer should refresh. */
export const explorerChangedNotification = new NotificationType0('structOps/explorerChanged');

/** Server → client: the first index phase (the struct_ops files) is done and diagnostics are published. */
export const readyNotification = new NotificationType<{ readonly files: number; readonly profile: string }>('structOps/ready');

// --- Client commands (issue #7): handlers in server/src/lsp/clientRequests.ts --------------------

export interface ProfileInfo {
  readonly loaded: boolean;
  /** `kernel 6.18 / libbpf 1.7`, or why no profile is loaded. */
  readonly description: string;
  readonly kernel?: string;
  readonly kernelSource?: 'user' | 'uname' | 'bundled' | 'default';
  readonly libbpf?: string;
  readonly btfSource?: 'live' | 'files' | 'bundled';
  /** BTF objects: vmlinux first, then modules. */
  readonly objects: readonly { readonly name: string; readonly isModule: boolean; readonly source: string }[];
  /** Set when the last configuration failed (the previous profile stays active). */
  readonly error?: string;
  /** Files indexed so far and whether the first index is done. */
  readonly indexedFiles: number;
  readonly ready: boolean;
}

export interface TypeMemberInfo {
  readonly name: string;
  readonly index: number;
  readonly prototype: string;
  readonly isFunctionPointer: boolean;
  readonly required: boolean;
  /** The check that refuses a program there (PRG-11/PRG-12). */
  readonly unsupported?: string;
  readonly sleepableAllowed?: boolean;
  /** Workspace sources only: where the member is declared. */
  readonly uri?: string;
  readonly range?: Range;
}

export interface TypeInfo {
  readonly name: string;
  readonly registered: boolean;
  readonly size?: number;
  readonly members: readonly TypeMemberInfo[];
  /** Workspace sources only: where the struct is defined. */
  readonly uri?: string;
  readonly range?: Range;
}

export interface TypeGroup {
  /** `vmlinux`, a module name, or a workspace module name. */
  readonly name: string;
  readonly origin: 'vmlinux' | 'module' | 'workspace';
  readonly source: string;
  readonly types: readonly TypeInfo[];
}

export interface TypesData {
  readonly profile: string;
  readonly groups: readonly TypeGroup[];
  /** Kernel modules whose sources are in the workspace (Simulate Registration / Unload). */
  readonly modules?: readonly string[];
}

/** Client → server: struct_ops types per BTF object (and workspace module sources) for the Types view. */
export const typesRequest = new RequestType0<TypesData, void>('structOps/types');

/** Client → server: the active kernel profile, for the status bar and the profile picker. */
export const profileRequest = new RequestType0<ProfileInfo, void>('structOps/profile');

/** A text report (trace or explanation) the client shows as a read-only document. */
export interface TextReport {
  readonly ok: boolean;
  readonly title: string;
  readonly text: string;
  /** Folder that relative `file:line` references in `text` are relative to. */
  readonly root?: string;
}

export interface SimulateParams {
  /** URI of the BPF source file (the object it builds). */
  readonly uri: string;
  /** Optional map name, to focus on one map. */
  readonly map?: string;
}

/** Client → server: whole open → load → attach trace of one BPF object (Show Trace, Simulate Load). */
export const traceRequest = new RequestType<SimulateParams, TextReport, void>('structOps/trace');

/** Client → server: the trace up to and including BPF_MAP_CREATE of the object's struct_ops maps. */
export const mapCreationRequest = new RequestType<SimulateParams, TextReport, void>('structOps/simulateMapCreation');

/** Client → server: simulate register_bpf_struct_ops() of a workspace module (by module name). */
export const registrationRequest = new RequestType<{ readonly module: string }, TextReport, void>('structOps/simulateRegistration');

/** Client → server: simulate rmmod of a module while the workspace's struct_ops maps exist. */
export const unloadRequest = new RequestType<{ readonly module: string }, TextReport, void>('structOps/simulateUnload');

/** Client → server: explain a pasted libbpf/verifier/dmesg log against the workspace facts. */
export const explainLogRequest = new RequestType<{ readonly text: string }, TextReport, void>('structOps/explainLog');

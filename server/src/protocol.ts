// Custom LSP messages between the client and the server, each declared once with its payload
// types. Imports only vscode-languageserver-protocol so the client can share it.

import { NotificationType, NotificationType0, RequestType0 } from 'vscode-languageserver-protocol';
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

/** Server → client: the first index of the workspace is done and diagnostics are published. */
export const readyNotification = new NotificationType<{ readonly files: number; readonly profile: string }>('structOps/ready');

// The language server, loaded by the entry (server.ts) once it has started the index workers:
// wiring only. The bundle lives in server/out/ next to both wasm files; the bundled kernel profile
// is in resources/profiles/ at the package root.

import * as path from 'node:path';
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { StructOpsServer, type ServerPaths } from './lsp/structOpsServer';

export function main(paths: Omit<ServerPaths, 'profilesDir'>): void {
  const connection = createConnection(ProposedFeatures.all);
  void StructOpsServer.start(connection, { ...paths, profilesDir: path.join(__dirname, '..', '..', 'resources', 'profiles') }).then(() => connection.listen());
}

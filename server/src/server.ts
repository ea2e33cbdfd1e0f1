// Language server entry: wiring only. The bundle lives in server/out/ next to both wasm files;
// the bundled kernel profile is in resources/profiles/ at the package root.

import * as path from 'node:path';
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { StructOpsServer } from './lsp/structOpsServer';

const connection = createConnection(ProposedFeatures.all);
void StructOpsServer.start(connection, {
  wasm: { wasmDir: __dirname },
  workerScript: path.join(__dirname, 'indexWorker.js'),
  profilesDir: path.join(__dirname, '..', '..', 'resources', 'profiles'),
}).then(() => connection.listen());

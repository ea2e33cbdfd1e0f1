// Language server entry: starts the index workers, then loads the server (serverMain.js, its own
// bundle): the workers boot and load the parser while this thread loads and starts the server,
// and the first folder index finds them ready.

import * as path from 'node:path';
import { bootIndexWorkers } from './engine/index/workerBoot';

const wasm = { wasmDir: __dirname };
const workerScript = path.join(__dirname, 'indexWorker.js');
const bootedWorkers = bootIndexWorkers(workerScript, { wasm, debug: false });
// Loaded after the workers start, from its own bundle.
const { main }: typeof import('./serverMain') = require('./serverMain');
main({ wasm, workerScript, bootedWorkers });

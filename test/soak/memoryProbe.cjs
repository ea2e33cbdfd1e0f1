// Preloaded (`node -r`) into the language server child of the soak and fuzz tests: answers
// `{ memory: id }` on the IPC channel with process.memoryUsage() after a full collection, so the
// test measures the server process itself. Started with --expose-gc.
'use strict';
process.on('message', (msg) => {
  if (!msg || typeof msg.memory !== 'number') return;
  global.gc?.();
  global.gc?.();
  process.send?.({ memory: msg.memory, usage: process.memoryUsage() });
});
// The IPC channel alone must not keep a server that received `exit` alive.
process.channel?.unref();

import * as path from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // Client modules import `vscode`, which exists only inside VS Code.
    alias: { vscode: path.resolve(import.meta.dirname, 'test/helpers/vscodeModule.ts') },
  },
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/e2e/**', 'node_modules/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});

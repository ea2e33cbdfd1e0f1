// The editor's own ripgrep, found under its application root for the server's index.

import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { editorRipgrep } from '../../../client/src/ripgrep';

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

function appRootWith(binary?: string): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'app-root-'));
  roots.push(root);
  if (binary) {
    mkdirSync(path.dirname(path.join(root, binary)), { recursive: true });
    writeFileSync(path.join(root, binary), '');
    chmodSync(path.join(root, binary), 0o755);
  }
  return root;
}

describe('editorRipgrep', () => {
  it("finds VS Code's @vscode/ripgrep, unpacked from the asar archive too", () => {
    const vscode = appRootWith('node_modules/@vscode/ripgrep/bin/rg');
    expect(editorRipgrep(vscode, 'linux', 'x64')).toBe(path.join(vscode, 'node_modules/@vscode/ripgrep/bin/rg'));
    const packaged = appRootWith('node_modules.asar.unpacked/@vscode/ripgrep/bin/rg.exe');
    expect(editorRipgrep(packaged, 'win32', 'x64')).toBe(path.join(packaged, 'node_modules.asar.unpacked/@vscode/ripgrep/bin/rg.exe'));
  });

  it("finds code-server's binary for this platform in @vscode/ripgrep-universal", () => {
    const codeServer = appRootWith('node_modules/@vscode/ripgrep-universal/bin/linux-x64/rg');
    expect(editorRipgrep(codeServer, 'linux', 'x64')).toBe(path.join(codeServer, 'node_modules/@vscode/ripgrep-universal/bin/linux-x64/rg'));
    expect(editorRipgrep(codeServer, 'linux', 'arm64')).toBeUndefined();
  });

  it('is undefined when the editor has none', () => {
    expect(editorRipgrep(appRootWith(), 'linux', 'x64')).toBeUndefined();
  });
});

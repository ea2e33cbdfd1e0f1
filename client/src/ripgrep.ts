// Where the editor keeps its own ripgrep, which the server then uses to list folders for the index
// (as VS Code's search does): @vscode/ripgrep in VS Code (unpacked from the asar archive in
// packaged builds), @vscode/ripgrep-universal with one binary per platform in code-server.

import * as fs from 'node:fs';
import * as path from 'node:path';

/** The editor's ripgrep under its application root, or undefined when it has none there. */
export function editorRipgrep(appRoot: string, platform: NodeJS.Platform = process.platform, arch: string = process.arch): string | undefined {
  const binary = platform === 'win32' ? 'rg.exe' : 'rg';
  const candidates = [
    path.join(appRoot, 'node_modules', '@vscode', 'ripgrep', 'bin', binary),
    path.join(appRoot, 'node_modules.asar.unpacked', '@vscode', 'ripgrep', 'bin', binary),
    path.join(appRoot, 'node_modules', '@vscode', 'ripgrep-universal', 'bin', `${platform}-${arch}`, binary),
  ];
  return candidates.find((file) => fs.statSync(file, { throwIfNoEntry: false })?.isFile());
}

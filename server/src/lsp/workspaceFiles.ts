// Finds the C sources and headers of the workspace folders for the first index. Skips
// dependency and VCS folders and files too large to be hand-written code.

import { promises as fs } from 'node:fs';
import * as path from 'node:path';

const skippedDirectories = new Set(['node_modules', '.git', '.hg', '.svn', 'out', 'dist', '.vscode-test']);
const maxFileBytes = 4 * 1024 * 1024;

export async function findCFiles(root: string, onSkip: (file: string, reason: string) => void): Promise<string[]> {
  const found: string[] = [];
  const pending = [root];
  while (pending.length > 0) {
    const dir = pending.pop() as string;
    let entries;
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch (error) {
      onSkip(dir, `cannot read folder: ${(error as Error).message}`);
      continue;
    }
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!skippedDirectories.has(entry.name)) pending.push(full);
      } else if (entry.isFile() && /\.[ch]$/.test(entry.name)) {
        try {
          const stat = await fs.stat(full);
          if (stat.size > maxFileBytes) onSkip(full, `larger than ${maxFileBytes} bytes`);
          else found.push(full);
        } catch (error) {
          onSkip(full, `vanished: ${(error as Error).message}`);
        }
      }
    }
  }
  return found.sort();
}

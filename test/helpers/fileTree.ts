// Writes a tree of fixture files under a directory, creating the directories on the way.

import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

export function writeTree(dir: string, files: Readonly<Record<string, string | Buffer>>): void {
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), content);
  }
}

// Consistency between package.json and the code: every contributed command is registered by the
// client, every registered command is contributed, and setting defaults match the server's.

import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { commandFactories } from '../../../client/src/commands';
import { settingDefaults } from '../../../server/src/lsp/settings';
import { repoRoot } from '../../helpers/paths';

const manifest = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));

describe('manifest', () => {
  it('contributes exactly the commands the client registers', () => {
    const contributed = manifest.contributes.commands.map((c: { command: string }) => c.command).sort();
    expect(contributed).toEqual(Object.keys(commandFactories).sort());
  });

  it('declares every server setting with the server default', () => {
    const properties = manifest.contributes.configuration.properties as Record<string, { default: unknown }>;
    for (const [key, value] of Object.entries(settingDefaults)) {
      expect(properties[key]?.default, key).toEqual(value);
    }
  });

  it('names every command, setting and view with the structOps prefix', () => {
    const names = [
      ...manifest.contributes.commands.map((c: { command: string }) => c.command),
      ...Object.keys(manifest.contributes.configuration.properties),
      ...manifest.contributes.views.structOps.map((v: { id: string }) => v.id),
    ];
    for (const name of names) expect(name).toMatch(/^structOps\./);
  });

  it('packages the bundles the manifest points at', () => {
    const ignore = readFileSync(path.join(repoRoot, '.vscodeignore'), 'utf8');
    expect(manifest.main).toBe('./client/out/extension.js');
    expect(ignore).toContain('!client/out/extension.js');
    expect(ignore).toContain('!server/out/server.js');
    expect(ignore).toContain('!server/out/*.wasm');
  });
});

// Consistency between package.json and the code: every contributed command is registered by the
// client, every registered command is contributed, and setting defaults match the server's.

import { existsSync, readFileSync } from 'node:fs';
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

  it('puts only contributed commands in menus, with context keys the client sets', () => {
    const contributed = new Set(manifest.contributes.commands.map((c: { command: string }) => c.command));
    const clientKeys = ['structOps.serverRunning', 'structOps.serverState', 'structOps.ready', 'structOps.hasMaps', 'structOps.hasModules', 'structOps.untrusted'];
    const clientSource = ['ctx.ts', 'commands.ts'].map((f) => readFileSync(path.join(repoRoot, 'client', 'src', f), 'utf8')).join('\n');
    for (const key of clientKeys) expect(clientSource, key).toContain(`'${key}'`);
    for (const welcome of manifest.contributes.viewsWelcome as { when: string }[]) {
      for (const key of welcome.when.match(/structOps\.\w+/g) ?? []) expect(clientKeys, welcome.when).toContain(key);
    }
    for (const [menu, items] of Object.entries(manifest.contributes.menus as Record<string, { command: string; when?: string }[]>)) {
      for (const item of items) {
        expect(contributed.has(item.command), `${menu}: ${item.command}`).toBe(true);
        for (const key of (item.when ?? '').match(/structOps\.\w+/g) ?? []) {
          if (key === 'structOps.maps' || key === 'structOps.types') continue; // view ids
          expect(clientKeys, `${menu}: ${item.when}`).toContain(key);
        }
      }
    }
  });

  it('gives every view a welcome text and the walkthrough its media', () => {
    const views = manifest.contributes.views.structOps.map((v: { id: string }) => v.id);
    expect(views).toEqual(['structOps.types', 'structOps.maps']);
    const welcomed = new Set(manifest.contributes.viewsWelcome.map((w: { view: string }) => w.view));
    for (const view of views) expect(welcomed.has(view), view).toBe(true);
    const [walkthrough] = manifest.contributes.walkthroughs;
    expect(walkthrough.steps.map((s: { id: string }) => s.id)).toEqual(['openBpfFile', 'pickProfile', 'seeDiagnostic', 'simulateLoad']);
    for (const step of walkthrough.steps) expect(existsSync(path.join(repoRoot, step.media.markdown)), step.media.markdown).toBe(true);
  });

  it('declares limited support for untrusted workspaces with the BTF setting restricted', () => {
    expect(manifest.capabilities.untrustedWorkspaces).toMatchObject({ supported: 'limited', restrictedConfigurations: ['structOps.kernel.btf', 'structOps.includePaths'] });
    for (const [key, property] of Object.entries(manifest.contributes.configuration.properties as Record<string, { description?: string; markdownDescription?: string }>)) {
      expect(property.description ?? property.markdownDescription, key).toBeTruthy();
    }
  });

  it('packages the bundles the manifest points at', () => {
    const ignore = readFileSync(path.join(repoRoot, '.vscodeignore'), 'utf8');
    expect(manifest.main).toBe('./client/out/extension.js');
    expect(ignore).toContain('!client/out/extension.js');
    expect(ignore).toContain('!server/out/server.js');
    expect(ignore).toContain('!server/out/*.wasm');
    // The server entry loads the server's own bundle and starts the index worker's.
    const entry = readFileSync(path.join(repoRoot, 'server/src/server.ts'), 'utf8');
    const loaded = [...entry.matchAll(/require\('\.\/(\w+)'\)|'(\w+)\.js'/g)].map((m) => `${m[1] ?? m[2]}.js`);
    expect(loaded.sort()).toEqual(['indexWorker.js', 'serverMain.js']);
    for (const bundle of loaded) expect(ignore).toContain(`!server/out/${bundle}`);
  });
});

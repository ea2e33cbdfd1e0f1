// Multi-file check fixtures: each directory under test/fixtures/checks is one workspace (kernel
// modules with their Kbuild files, headers, a static BPF_STRUCT_OPS_TYPE list, BPF objects). Every
// file marks its expected findings with `// expect: ID ERRNO | message`, as checkFixtures.test.ts
// does for single files; the findings the engine places in each file (object simulations and
// registrations) must be exactly those. `// profile: kernel=X libbpf=Y` in any file sets the profile.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { errnoName } from '../../server/src/engine';
import { fixturesDir } from '../helpers/paths';
import { expectations, fixtureEngine, profileOf } from './expectMarkers';

const dir = path.join(fixturesDir, 'checks');
const workspaces = readdirSync(dir).filter((f) => statSync(path.join(dir, f)).isDirectory()).sort();

function sources(root: string): string[] {
  return readdirSync(root).flatMap((name) => {
    const full = path.join(root, name);
    if (statSync(full).isDirectory()) return sources(full);
    return /\.[ch]$/.test(name) ? [full] : [];
  });
}

/** The `// profile:` line of whichever file has one. */
function workspaceProfile(files: readonly string[]): { kernel: string; libbpf: string } {
  const withProfile = files.map((f) => readFileSync(f, 'utf8')).find((text) => text.includes('// profile: '));
  return profileOf(withProfile ?? '');
}

describe('workspace check fixtures', () => {
  it('has workspaces', () => expect(workspaces.length).toBeGreaterThan(0));

  it.each(workspaces)('%s', async (name) => {
    const root = path.join(dir, name);
    const files = sources(root);
    const { kernel, libbpf } = workspaceProfile(files);
    const engine = await fixtureEngine(kernel, libbpf);
    await engine.indexFolders([root]);
    let markers = 0;
    for (const file of files) {
      const want = expectations(readFileSync(file, 'utf8'));
      markers += want.length;
      const got = engine.findingsFor(file).map((f) => ({ check: f.check, line: f.location.range.start.line + 1, errno: f.errno === undefined ? '-' : errnoName(f.errno), message: f.message }));
      const key = (e: { line: number; check: string }) => `${e.line}:${e.check}`;
      expect([...got].sort((a, b) => key(a).localeCompare(key(b))), path.relative(root, file)).toEqual([...want].sort((a, b) => key(a).localeCompare(key(b))));
    }
    expect(markers, `${name} has no // expect: marker`).toBeGreaterThan(0);
  });
});

// The per-check pages diagnostics link to are in sync with the catalogue and the spec.

import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CheckId } from '../../../server/src/engine/sim/checks';
import { checkDocumentation, specParagraph } from '../../../server/src/engine/sim/checkDocs';
import { repoRoot } from '../../helpers/paths';

const spec = readFileSync(path.join(repoRoot, 'docs', 'struct-ops-semantics.md'), 'utf8');

describe('check documentation', () => {
  it('has a spec paragraph for every check ID in the catalogue', () => {
    const missing = Object.values(CheckId).filter((id) => specParagraph(spec, id) === undefined);
    expect(missing).toEqual([]);
  });

  it('lists every check ID the spec defines', () => {
    const inSpec = new Set([...spec.matchAll(/\*\*((?:REG|LIB|MAP|PRG|UPD|MOD)-[0-9A-Z]+)\*\*/g)].map((m) => m[1]));
    expect([...inSpec].sort()).toEqual(Object.values(CheckId).sort());
  });

  it('matches the committed docs/checks pages (run `node scripts/gen-check-docs.mjs`)', () => {
    const dir = path.join(repoRoot, 'docs', 'checks');
    const pages = checkDocumentation(spec);
    expect(readdirSync(dir).sort()).toEqual([...pages.keys()].sort());
    for (const [name, text] of pages) expect(readFileSync(path.join(dir, name), 'utf8'), name).toBe(text);
  });
});

// Every check ID of the spec is either exercised by a fixture (`// expect: ID` somewhere under
// test/fixtures) or listed as not modelled with its reason — never both, never neither; the
// BUILD and LINT checks, which are not kernel or libbpf rules, each have a fixture.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CheckId } from '../../server/src/engine/sim/checks';
import { notModelled } from '../../server/src/engine/sim/coverage';
import { ExtraCheckId } from '../../server/src/engine/sim/trace';
import { fixturesDir } from '../helpers/paths';

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? walk(full) : [full];
  });
}

const covered = new Set(
  walk(fixturesDir)
    .filter((f) => /\.[ch]$/.test(f))
    .flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/\/\/ expect: ([A-Z]+-[0-9A-Z]+)/g)].map((m) => m[1])),
);

describe('check coverage', () => {
  it('covers or explains every check', () => {
    const neither = Object.values(CheckId).filter((id) => !covered.has(id) && !(id in notModelled));
    expect(neither).toEqual([]);
  });

  it('does not call a check with a fixture not modelled', () => {
    const both = Object.keys(notModelled).filter((id) => covered.has(id));
    expect(both).toEqual([]);
  });

  it('has a fixture for every check that is not a kernel or libbpf rule (BUILD, LINT)', () => {
    expect(Object.values(ExtraCheckId).filter((id) => !covered.has(id))).toEqual([]);
  });

  it('gives every not-modelled check a reason', () => {
    for (const [id, reason] of Object.entries(notModelled)) expect(reason?.length, id).toBeGreaterThan(20);
  });
});

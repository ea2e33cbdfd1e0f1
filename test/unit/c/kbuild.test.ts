// Module identity from Kbuild: composite modules, -objs, conditional objects, built-ins.

import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isKbuildFile, parseKbuild } from '../../../server/src/engine/c/kbuild';
import { fixturesDir, span } from './helpers';

describe('parseKbuild', () => {
  it('maps a composite module’s sources to the module', () => {
    const file = path.join(fixturesDir, 'module', 'Kbuild');
    const k = parseKbuild(file, readFileSync(file, 'utf8'));
    expect(k.modules.map((m) => [m.name, m.kind, span(m.location)])).toEqual([
      ['my_ops', 'module', '1:9-1:17'],
      ['other', 'conditional', '4:23-4:30'],
    ]);
    expect(k.objects.map((o) => [o.module, path.relative(fixturesDir, o.source)])).toEqual([
      ['my_ops', 'module/my_ops_main.c'],
      ['my_ops', 'module/my_ops_stubs.c'],
      ['other', 'module/other.c'],
    ]);
  });

  it('reads -objs, obj-y and comments', () => {
    const k = parseKbuild('/k/Makefile', 'obj-y := core.o # built in\nobj-m := a.o\na-objs := x.o y.o\n# obj-m += ignored.o\n');
    expect(k.objects.map((o) => [o.module, o.source])).toEqual([
      ['vmlinux', '/k/core.c'],
      ['a', '/k/x.c'],
      ['a', '/k/y.c'],
    ]);
  });

  it('knows Kbuild file names', () => {
    expect([isKbuildFile('/a/Kbuild'), isKbuildFile('/a/Makefile'), isKbuildFile('/a/x.c')]).toEqual([true, true, false]);
  });
});

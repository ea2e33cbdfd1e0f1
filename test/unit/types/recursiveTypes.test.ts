// Kernel headers copied into a module redefine vmlinux types that point at each other
// (struct list_head, struct hlist_node/hlist_head). Comparing them with the base must end.

import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BtfKind, parseBtf } from '../../../server/src/engine/btf';
import { extractFacts } from '../../../server/src/engine/c/extract';
import { synthesizeBtf } from '../../../server/src/engine/types';
import { profilesDir } from '../../helpers/paths';
import { testParser } from '../c/helpers';

const source = `
struct list_head { struct list_head *next, *prev; };
struct a_node { struct b_node *peer; struct list_head link; };
struct b_node { struct a_node *peer; int v; };
struct my_ops { int (*op)(struct a_node *n); struct list_head list; };
`;

describe('synthesis of self- and mutually-referencing types', () => {
  it('terminates and reuses the vmlinux list_head', async () => {
    const base = parseBtf(readFileSync(path.join(profilesDir, 'default-vmlinux.btf')), { name: 'vmlinux' });
    if (!('typeById' in base)) throw base;
    const parser = await testParser();
    const facts = extractFacts(parser, '/virtual/mod.c', source, { useCompileFlags: false });
    const out = synthesizeBtf({ name: 'mod', base, definitions: facts.typeDefinitions });
    if (!('spec' in out)) throw out;
    const listHead = out.typeIds.get('struct list_head');
    expect(listHead).toBe(base.findByNameKind('list_head', BtfKind.Struct));
    const ops = out.spec.typeById(out.typeIds.get('struct my_ops') ?? -1);
    expect(ops?.kind === BtfKind.Struct && ops.size).toBe(24);
  });
});

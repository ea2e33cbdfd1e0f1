// The knowledge base as a whole: the type list, version filtering, and the shape every entry must
// have (well-formed ranges, a source naming a file and the tree version read).

import { describe, expect, it } from 'vitest';
import {
  allKnownTypes,
  definitionFor,
  helperDeniedMessage,
  helperId,
  inRange,
  knowledgeFor,
} from '../../../../server/src/engine/sim/knowledge';
import type { KernelVersionRange, SubsystemDefinition, Versioned } from '../../../../server/src/engine/sim/knowledge';

function entries(def: SubsystemDefinition): Versioned[] {
  return [
    ...def.initMember, ...def.initMemberRejectsAll, ...def.specialMembers, ...def.unsupportedMembers,
    ...def.sleepable, ...def.nullableArgs, ...def.refArgs, ...def.required, ...def.validate, ...def.update,
    ...def.helpers, ...def.writableFields,
  ];
}

function wellFormed(range: KernelVersionRange): boolean {
  if (range.since === undefined || range.until === undefined) return true;
  return range.since[0] < range.until[0] || (range.since[0] === range.until[0] && range.since[1] < range.until[1]);
}

describe('allKnownTypes', () => {
  it('lists the mainline types and the selftest module types', () => {
    expect(allKnownTypes()).toEqual([
      'tcp_congestion_ops', 'bpf_dummy_ops', 'sched_ext_ops', 'hid_bpf_ops', 'Qdisc_ops',
      'bpf_testmod_ops', 'bpf_testmod_ops2', 'bpf_testmod_st_ops',
    ]);
  });
});

describe('knowledgeFor', () => {
  it('returns undefined for an unknown type', () => {
    expect(knowledgeFor('tcp_ulp_ops', { major: 6, minor: 18 })).toBeUndefined();
  });

  it('keeps only the entries of the requested version', () => {
    for (const type of allKnownTypes()) {
      const def = definitionFor(type)!;
      for (const kernel of [{ major: 6, minor: 1 }, { major: 6, minor: 12 }, { major: 6, minor: 18 }]) {
        const k = knowledgeFor(type, kernel);
        if (!inRange(kernel, def.versions)) {
          expect(k).toBeUndefined();
          continue;
        }
        expect(k).toBeDefined();
        for (const entry of [...k!.initMember, ...k!.unsupportedMembers, ...k!.sleepable, ...k!.required, ...k!.helperPolicies]) {
          expect(inRange(kernel, entry.versions)).toBe(true);
        }
      }
    }
  });

  it('never yields two rules for the same member of init_member at one version', () => {
    for (const type of allKnownTypes()) {
      for (let minor = 0; minor <= 20; minor++) {
        const k = knowledgeFor(type, { major: 6, minor });
        if (!k) continue;
        const members = k.initMember.map((r) => r.member);
        expect(new Set(members).size).toBe(members.length);
        expect(k.helperPolicies.length).toBeLessThanOrEqual(1);
      }
    }
  });
});

describe('every entry', () => {
  it('has a well-formed range and a source naming a kernel file and a tree version or the spec', () => {
    for (const type of allKnownTypes()) {
      const def = definitionFor(type)!;
      for (const entry of entries(def)) {
        expect(wellFormed(entry.versions), `${type}: ${entry.source}`).toBe(true);
        expect(entry.source, type).toMatch(/\.(c|h)\b/);
        expect(entry.source, type).toMatch(/\((?:[^()]*\b\d\.\d+\b[^()]*|struct-ops-semantics\.md[^()]*)\)/);
      }
    }
  });
});

describe('helper ids', () => {
  it('maps names with or without the bpf_ prefix', () => {
    expect(helperId('bpf_setsockopt')).toBe(49);
    expect(helperId('setsockopt')).toBe(49);
    expect(helperId('bpf_map_lookup_elem')).toBe(1);
    expect(helperId('bpf_nope')).toBeUndefined();
  });

  it('formats the PRG-18 message', () => {
    expect(helperDeniedMessage('bpf_setsockopt')).toBe('program of this type cannot use helper bpf_setsockopt#49');
    expect(helperDeniedMessage('tcp_slow_start')).toBeUndefined();
  });
});

// Robustness: truncated, bit-flipped, overwritten and spliced real BTF (bundled profile, split
// fixtures, .bpf.o ELF, live vmlinux) must give a BtfSpec or a BtfError with a cause and an
// offset — quickly, never an exception — and every lazy query on an accepted spec must hold too.

import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BtfError, BtfKind, BtfSpec, formatMember, formatStruct, formatType, parseBtf, parseElfBtf, type ParseOptions,
} from '../../../server/src/engine/btf';
import { VMLINUX, fixture, missing, profilesDir } from './helpers';

type Mutation =
  | { op: 'truncate'; at: number }
  | { op: 'flip'; bits: number[] }
  | { op: 'word'; at: number; value: number }
  | { op: 'splice'; from: number; to: number; len: number };

function mutation(len: number): fc.Arbitrary<Mutation> {
  // Half the positions land in the first 256 bytes, where the header and first types live.
  const pos = fc.oneof(fc.integer({ min: 0, max: Math.min(255, len - 1) }), fc.integer({ min: 0, max: len - 1 }));
  const interesting = fc.constantFrom(0, 1, 0xffffffff, 0x7fffffff, 0x0000ffff, 0x13000000, 0x04000002, 0x0d00ffff, len, len >>> 2);
  return fc.oneof(
    fc.record({ op: fc.constant('truncate' as const), at: fc.integer({ min: 0, max: len - 1 }) }),
    fc.record({ op: fc.constant('flip' as const), bits: fc.array(fc.tuple(pos, fc.integer({ min: 0, max: 7 })).map(([p, b]) => p * 8 + b), { minLength: 1, maxLength: 8 }) }),
    fc.record({ op: fc.constant('word' as const), at: pos, value: fc.oneof(interesting, fc.integer({ min: 0, max: 0xffffffff })) }),
    fc.record({ op: fc.constant('splice' as const), from: pos, to: pos, len: fc.integer({ min: 1, max: 64 }) }),
  );
}

function apply(src: Uint8Array, m: Mutation): Uint8Array {
  if (m.op === 'truncate') return src.slice(0, m.at);
  const out = src.slice();
  if (m.op === 'flip') for (const bit of m.bits) out[bit >> 3] ^= 1 << (bit & 7);
  else if (m.op === 'word') {
    const at = m.at & ~3;
    if (at + 4 <= out.length) new DataView(out.buffer).setUint32(at, m.value, true);
  } else out.copyWithin(m.to, m.from, Math.min(m.from + m.len, out.length));
  return out;
}

/** Every query the engine makes, on ids spread over the whole range; returns how many ran. */
function exercise(spec: BtfSpec, maxIds: number): number {
  const step = Math.max(1, Math.floor(spec.lastId / maxIds));
  let n = 0;
  for (let id = 0; id <= spec.lastId + 1; id += step) {
    const t = spec.typeById(id);
    spec.nameOf(id);
    spec.kindOf(id);
    const size = spec.resolveSize(id);
    expect(typeof size === 'number' || size instanceof BtfError).toBe(true);
    const align = spec.alignOf(id);
    expect(typeof align === 'number' || align instanceof BtfError).toBe(true);
    spec.skipModifiers(id);
    spec.skipModsAndTypedefs(id);
    formatType(spec, id);
    if (t && (t.kind === BtfKind.Struct || t.kind === BtfKind.Union)) {
      formatStruct(spec, id);
      if (t.members.length > 0) formatMember(spec, id, 0);
    }
    // Names that are not valid UTF-8 decode lossily and cannot be looked up by their text.
    if (t && /^[\x20-\x7e]+$/.test(t.name)) expect(spec.findAllByNameKind(t.name, t.kind)).toContain(id);
    n++;
  }
  for (const v of spec.structOpsValueTypes()) {
    expect(spec.findByNameKind(v.typeName, BtfKind.Struct)).toBeDefined();
    formatStruct(spec, v.typeId);
  }
  spec.findByNameKind('tcp_congestion_ops', BtfKind.Struct);
  spec.pointerSize();
  return n;
}

interface Target {
  name: string;
  bytes: () => Uint8Array;
  parse: (bytes: Uint8Array) => BtfSpec | BtfError;
  elf: boolean;
  runs: number;
  maxIds: number;
}

const base = parseBtf(fixture('testmod.base.btf')) as BtfSpec;
const raw = (opts: ParseOptions = {}) => (b: Uint8Array) => parseBtf(b, opts);
const targets: Target[] = [
  { name: 'bundled profile', bytes: () => new Uint8Array(readFileSync(path.join(profilesDir, 'default-vmlinux.btf'))), parse: raw(), elf: false, runs: 80, maxIds: 100 },
  { name: 'split module on its base', bytes: () => fixture('testmod.btf'), parse: raw({ base }), elf: false, runs: 80, maxIds: 100 },
  { name: 'split base, then the module on it', bytes: () => fixture('testmod.base.btf'), parse: (b) => {
    const s = parseBtf(b);
    return s instanceof BtfError ? s : parseBtf(fixture('testmod.btf'), { base: s });
  }, elf: false, runs: 80, maxIds: 100 },
  { name: 'struct_ops.bpf.o (ELF)', bytes: () => fixture('struct_ops.bpf.o'), parse: (b) => parseElfBtf(b), elf: true, runs: 120, maxIds: 100 },
  { name: 'struct_ops.bpfeb.o (ELF, big endian)', bytes: () => fixture('struct_ops.bpfeb.o'), parse: (b) => parseElfBtf(b), elf: true, runs: 120, maxIds: 100 },
  { name: 'testmod.ko (ELF, split)', bytes: () => fixture('testmod.ko'), parse: (b) => parseElfBtf(b, { base }), elf: true, runs: 120, maxIds: 100 },
];

function check(t: Target, src: Uint8Array, m: Mutation): void {
  const input = apply(src, m);
  const started = performance.now();
  let result: BtfSpec | BtfError | undefined;
  expect(() => {
    result = t.parse(input);
  }).not.toThrow();
  if (result instanceof BtfError) {
    expect(result.message.length).toBeGreaterThan(10);
    expect(typeof result.code).toBe('string');
    // Raw BTF errors always point at a byte; an ELF may simply lack a .BTF section.
    if (!t.elf || result.code !== 'no-btf-section') expect(result.offset, result.message).toBeDefined();
    if (result.offset !== undefined) expect(result.offset).toBeLessThanOrEqual(input.length);
  } else {
    expect(result).toBeInstanceOf(BtfSpec);
    expect(() => exercise(result as BtfSpec, t.maxIds)).not.toThrow();
  }
  expect(performance.now() - started).toBeLessThan(2000);
}

describe('mutated BTF never escapes as an exception', () => {
  for (const t of targets) {
    it(t.name, () => {
      const src = t.bytes();
      expect(t.parse(src)).toBeInstanceOf(BtfSpec);
      fc.assert(fc.property(mutation(src.length), (m) => check(t, src, m)), { numRuns: t.runs });
    });
  }

  it('random bytes behind a valid magic', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 0, maxLength: 256 }), (tail) => {
      const b = new Uint8Array(tail.length + 4);
      b.set([0x9f, 0xeb, 1, 0]);
      b.set(tail, 4);
      const r = parseBtf(b);
      expect(r instanceof BtfSpec || (r instanceof BtfError && r.offset !== undefined)).toBe(true);
      if (r instanceof BtfSpec) exercise(r, 50);
    }), { numRuns: 500 });
  });

  it.skipIf(!!missing('vmlinux'))('live vmlinux', () => {
    const src = new Uint8Array(readFileSync(VMLINUX));
    const t: Target = { name: 'vmlinux', bytes: () => src, parse: raw(), elf: false, runs: 15, maxIds: 200 };
    fc.assert(fc.property(mutation(src.length), (m) => check(t, src, m)), { numRuns: t.runs });
  });
});

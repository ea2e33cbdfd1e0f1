// BTF reader fuzzing at scale: seeded mutations of real BTF (the live vmlinux's struct_ops
// closure, the bundled profile, a split module on its base, and a few hundred of the whole
// vmlinux) must each give a BtfSpec whose every query works, or a typed BtfError naming an
// offset or type id — within a time bound, without exceptions, and without leaking memory.

import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  BtfBuilder, BtfError, BtfKind, BtfSpec, formatMember, formatStruct, formatType, minimizeStructOps, parseBtf,
} from '../../server/src/engine/btf';
import { VMLINUX, fixture, missing, profilesDir } from '../unit/btf/helpers';
import { layoutOf, mutate, Rng, type MutationOp } from './btfMutate';
import { FUZZ_SEED, liveHeapMiB, sized } from './scale';

interface Seed {
  readonly name: string;
  readonly bytes: Uint8Array;
  readonly parse: (bytes: Uint8Array) => BtfSpec | BtfError;
  /** First own type id (split BTF continues after its base). */
  readonly firstId: number;
  readonly runs: number;
  /** Per-input bound on parse + queries; generous because 5 test processes share 2 cores. */
  readonly maxMs: number;
  /** Also minimise accepted specs (costly on the whole vmlinux). */
  readonly minimize: boolean;
}

interface Tally {
  accepted: number;
  rejected: Map<string, number>;
  thrown: string[];
  untyped: string[];
  slowest: number;
  ops: Map<MutationOp, number>;
}

/** Every query the engine makes of a spec, on ids spread over the whole range. */
function exercise(spec: BtfSpec, maxIds: number, minimize: boolean): void {
  const step = Math.max(1, Math.floor(spec.lastId / maxIds));
  for (let id = 0; id <= spec.lastId + 1; id += step) {
    const t = spec.typeById(id);
    spec.nameOf(id);
    spec.kindOf(id);
    spec.vlenOf(id);
    spec.resolveSize(id);
    spec.alignOf(id);
    spec.skipModsAndTypedefs(id);
    formatType(spec, id);
    if (t && (t.kind === BtfKind.Struct || t.kind === BtfKind.Union)) {
      formatStruct(spec, id);
      if (t.members.length > 0) formatMember(spec, id, t.members.length - 1);
    }
    if (t && t.name !== '') spec.findAllByNameKind(t.name, t.kind);
  }
  for (const v of spec.structOpsValueTypes()) formatStruct(spec, v.typeId);
  spec.pointerSize();
  if (minimize) minimizeStructOps(spec, { pointerDepth: 0 });
}

function fuzzSeed(seed: Seed, rng: Rng): Tally {
  const tally: Tally = { accepted: 0, rejected: new Map(), thrown: [], untyped: [], slowest: 0, ops: new Map() };
  const layout = layoutOf(seed.bytes, seed.firstId);
  for (let i = 0; i < seed.runs; i++) {
    const { bytes, op } = mutate(seed.bytes, layout, rng);
    tally.ops.set(op, (tally.ops.get(op) ?? 0) + 1);
    const started = performance.now();
    try {
      const result = seed.parse(bytes);
      if (result instanceof BtfError) {
        tally.rejected.set(result.code, (tally.rejected.get(result.code) ?? 0) + 1);
        // A typed error says where: a byte offset inside the input, or a type id.
        const placed = (result.offset !== undefined && result.offset <= bytes.length) || result.typeId !== undefined;
        if (!placed || result.message.length < 10) tally.untyped.push(`#${i} ${op}: ${result.code} ${result.message}`);
      } else if (result instanceof BtfSpec) {
        tally.accepted++;
        exercise(result, 150, seed.minimize);
      } else tally.untyped.push(`#${i} ${op}: returned ${String(result)}`);
    } catch (error) {
      tally.thrown.push(`#${i} ${op}: ${(error as Error).stack ?? String(error)}`);
    }
    tally.slowest = Math.max(tally.slowest, performance.now() - started);
  }
  return tally;
}

function report(name: string, seed: Seed, t: Tally, ms: number): string {
  const rejected = [...t.rejected].sort((a, b) => b[1] - a[1]).map(([c, n]) => `${c} ${n}`).join(', ');
  return `${name} (${seed.bytes.length} B): ${seed.runs} mutations in ${ms.toFixed(0)} ms, slowest ${t.slowest.toFixed(1)} ms; accepted ${t.accepted}; rejected ${seed.runs - t.accepted - t.thrown.length - t.untyped.length} [${rejected}]; thrown ${t.thrown.length}; untyped ${t.untyped.length}`;
}

const vmlinux = missing('vmlinux') ? undefined : new Uint8Array(readFileSync(VMLINUX));
const vmlinuxSpec = vmlinux ? (parseBtf(vmlinux) as BtfSpec) : undefined;
const bundled = new Uint8Array(readFileSync(path.join(profilesDir, 'default-vmlinux.btf')));
const base = parseBtf(fixture('testmod.base.btf')) as BtfSpec;
const standalone = (b: Uint8Array) => parseBtf(b);

/** Small real seeds get most of the mutations: each costs well under a millisecond. */
function smallSeeds(): Seed[] {
  const runs = sized(9_600, 96_000);
  const seeds: Omit<Seed, 'runs'>[] = [
    { name: 'bundled profile', bytes: bundled, parse: standalone, firstId: 1, maxMs: 1000, minimize: true },
    { name: 'split module on its base', bytes: fixture('testmod.btf'), parse: (b) => parseBtf(b, { base }), firstId: base.lastId + 1, maxMs: 1000, minimize: true },
  ];
  if (vmlinuxSpec) {
    seeds.push(
      { name: 'vmlinux struct_ops closure', bytes: minimizeStructOps(vmlinuxSpec, { pointerDepth: 1 }), parse: standalone, firstId: 1, maxMs: 1000, minimize: true },
      { name: 'vmlinux struct_ops closure, big-endian', bytes: minimizeStructOps(vmlinuxSpec, { pointerDepth: 0, bigEndian: true }), parse: standalone, firstId: 1, maxMs: 1000, minimize: true },
    );
  }
  const weights = seeds.map((s) => (s.name.startsWith('vmlinux') || !vmlinuxSpec ? 2 : 1));
  const total = weights.reduce((a, b) => a + b, 0);
  return seeds.map((s, i) => ({ ...s, runs: Math.round((runs * weights[i]) / total) }));
}

describe('BTF reader under mutation', () => {
  it('small real seeds: every mutation gives a BtfSpec or a placed BtfError', { timeout: sized(150_000, 1_500_000) }, () => {
    const rng = new Rng(FUZZ_SEED);
    const heapBefore = liveHeapMiB();
    let total = 0;
    for (const seed of smallSeeds()) {
      expect(seed.parse(seed.bytes), `${seed.name} parses unmutated`).toBeInstanceOf(BtfSpec);
      const started = performance.now();
      const t = fuzzSeed(seed, rng);
      console.log(`[fuzz btf] seed 0x${FUZZ_SEED.toString(16)} ${report(seed.name, seed, t, performance.now() - started)}`);
      expect(t.thrown, `${seed.name}: exceptions escaped the reader`).toEqual([]);
      expect(t.untyped, `${seed.name}: errors without offset/type id`).toEqual([]);
      expect(t.slowest, `${seed.name}: slowest input (ms)`).toBeLessThan(seed.maxMs);
      // Mutations must reach past the header checks, or this fuzzes nothing.
      expect(t.accepted, `${seed.name}: accepted mutants`).toBeGreaterThan(seed.runs / 20);
      expect(t.rejected.size, `${seed.name}: distinct rejection codes`).toBeGreaterThan(4);
      total += seed.runs;
    }
    const heapAfter = liveHeapMiB();
    console.log(`[fuzz btf] ${total} small-seed mutations; live heap ${heapBefore.toFixed(1)} -> ${heapAfter.toFixed(1)} MiB`);
    expect(total).toBeGreaterThanOrEqual(sized(9_600, 96_000) - 4);
    // Parsed specs are garbage once dropped: nothing the reader keeps may grow with the input count.
    expect(heapAfter - heapBefore).toBeLessThan(32);
  });

  it.skipIf(!vmlinux)('whole live vmlinux: a few hundred mutations, bounded time and memory', { timeout: sized(240_000, 900_000) }, () => {
    const rng = new Rng(FUZZ_SEED ^ 0x766d6c);
    const seed: Seed = { name: 'vmlinux', bytes: vmlinux as Uint8Array, parse: standalone, firstId: 1, runs: sized(400, 2_000), maxMs: 5000, minimize: false };
    const heapBefore = liveHeapMiB();
    let peakRss = process.memoryUsage().rss;
    const started = performance.now();
    // In batches, so the peak resident size is sampled while specs are alive.
    const tallies: Tally[] = [];
    for (let done = 0; done < seed.runs; done += 50) {
      tallies.push(fuzzSeed({ ...seed, runs: Math.min(50, seed.runs - done) }, rng));
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }
    const t: Tally = {
      accepted: tallies.reduce((a, x) => a + x.accepted, 0),
      rejected: new Map(),
      thrown: tallies.flatMap((x) => x.thrown),
      untyped: tallies.flatMap((x) => x.untyped),
      slowest: Math.max(...tallies.map((x) => x.slowest)),
      ops: new Map(),
    };
    for (const x of tallies) for (const [c, n] of x.rejected) t.rejected.set(c, (t.rejected.get(c) ?? 0) + n);
    const heapAfter = liveHeapMiB();
    console.log(`[fuzz btf] seed 0x${FUZZ_SEED.toString(16)} ${report('whole vmlinux', seed, t, performance.now() - started)}; live heap ${heapBefore.toFixed(1)} -> ${heapAfter.toFixed(1)} MiB, peak rss ${(peakRss / 2 ** 20).toFixed(0)} MiB`);
    expect(t.thrown).toEqual([]);
    expect(t.untyped).toEqual([]);
    expect(t.slowest).toBeLessThan(seed.maxMs);
    expect(t.accepted).toBeGreaterThan(seed.runs / 20);
    expect(heapAfter - heapBefore).toBeLessThan(64);
    // Each input is dropped before the next: resident size stays near a few vmlinux copies.
    expect(peakRss / 2 ** 20).toBeLessThan(1536);
  });
});

describe('regressions found by the kernel differential', () => {
  const int = { kind: BtfKind.Int, name: 'int', size: 4, signed: true, char: false, bool: false, bits: 32, bitOffset: 0 } as const;
  const member = (name: string, type: number) => ({ name, type, bitOffset: 0, bitfieldSize: 0 });

  it('a struct that contains itself by value, through a typedef and an array, is a loop (kernel "Loop detected")', () => {
    const b = new BtfBuilder();
    b.add(int);
    b.add({ kind: BtfKind.Struct, name: 'outer', size: 8, members: [member('x', 1), member('inner', 4)] }); // [2]
    b.add({ kind: BtfKind.Typedef, name: 'outer_t', type: 2 }); // [3]
    b.add({ kind: BtfKind.Array, name: '', elemType: 3, indexType: 1, nelems: 1 }); // [4]
    const err = parseBtf(b.build());
    expect(err).toBeInstanceOf(BtfError);
    // The walk from [2] goes member -> [4] -> [3] and finds [2] on its path again.
    expect(err).toMatchObject({ code: 'loop', typeId: 3 });
    expect((err as BtfError).message).toMatch(/^type \[3\]: loop detected: TYPEDEF leads back to type \[2\] without a pointer at offset 0x/);
  });

  it('an array whose index type leads back to it is a loop', () => {
    const b = new BtfBuilder();
    b.add(int);
    b.add({ kind: BtfKind.Array, name: '', elemType: 1, indexType: 2, nelems: 4 }); // [2]
    expect(parseBtf(b.build())).toMatchObject({ code: 'loop', typeId: 2 });
  });

  it('sections that leave a gap or trailing bytes are rejected (kernel "Unsupported section found")', () => {
    const b = new BtfBuilder();
    b.add(int);
    const good = b.build();
    const trailing = new Uint8Array(good.length + 4);
    trailing.set(good);
    expect(parseBtf(trailing)).toMatchObject({ code: 'bad-section', offset: good.length });
    // An empty type section left at offset 0 while the strings start later: a gap before them.
    const gap = good.slice();
    new DataView(gap.buffer).setUint32(12, 0, true);
    expect(parseBtf(gap)).toMatchObject({ code: 'bad-section', offset: 16 });
    expect((parseBtf(gap) as BtfError).message).toMatch(/string section starts at 16, but the sections before it end at 0: a gap/);
  });

  it('a struct that reaches itself through a pointer is no loop', () => {
    const b = new BtfBuilder();
    b.add(int);
    b.add({ kind: BtfKind.Struct, name: 'node', size: 8, members: [member('next', 3)] }); // [2]
    b.add({ kind: BtfKind.Ptr, name: '', type: 4 }); // [3]
    b.add({ kind: BtfKind.Typedef, name: 'node_t', type: 2 }); // [4]
    expect(parseBtf(b.build())).toBeInstanceOf(BtfSpec);
  });
});

// Differential fuzzing against the kernel's own BTF verifier: mutated real BTF goes through
// bpf(BPF_BTF_LOAD) (test/fuzz/btfVerdicts.c, all blobs in one process) and through parseBtf.
// The reader is lenient like libbpf, so it may accept BTF the kernel rejects for a semantic rule
// (identifier names, member layout, reserved fields); it must never accept BTF the kernel rejects
// for a structural one (header and section bounds, string offsets, type ids, kinds, vlen, loops).

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BtfError, BtfSpec, minimizeStructOps, parseBtf } from '../../server/src/engine/btf';
import { VMLINUX, fixture, missing, profilesDir } from '../unit/btf/helpers';
import { layoutOf, mutate, Rng } from './btfMutate';
import { FUZZ_SEED, sized } from './scale';

/** Why the kernel rejected a blob, from the last line of its verifier log. */
export type KernelCategory =
  // structural: the reader must reject these too
  | 'header' | 'sections' | 'string section' | 'name offset' | 'kind/info' | 'vlen overrun' | 'type id range' | 'loop'
  // semantic: rules the reader (like libbpf) does not enforce
  | 'type kind' | 'identifier' | 'reserved field' | 'layout' | 'empty' | 'other';

export const STRUCTURAL: ReadonlySet<KernelCategory> = new Set(['header', 'sections', 'string section', 'name offset', 'kind/info', 'vlen overrun', 'type id range', 'loop']);

/**
 * Classifies a kernel verifier message (kernel/bpf/btf.c). `idsInRange` tells an "Invalid
 * type_id/member/elem/..." about a missing type (structural) from one about a type of the
 * wrong kind (semantic); the kernel uses the same words for both.
 */
export function classifyKernelMessage(message: string, idsInRange: boolean): KernelCategory {
  if (/Invalid magic|Unsupported version|Unsupported flags|btf_header not found|hdr_len not found|Unsupported btf_header|No data/.test(message)) return 'header';
  if (/No type found/.test(message)) return 'empty';
  if (/section|Unaligned type_off/i.test(message)) return /Invalid string section/.test(message) ? 'string section' : 'sections';
  if (/name_offset/.test(message)) return 'name offset';
  if (/kind_flag/.test(message)) return 'reserved field';
  if (/Invalid kind|Invalid btf_info|type_header not found/.test(message)) return 'kind/info';
  if (/meta_left|meta_needed/.test(message)) return 'vlen overrun';
  if (/Loop detected/.test(message)) return 'loop';
  if (/Invalid (type_id|member|elem|index|arg#\d+|return type)$/.test(message)) return idsInRange ? 'type kind' : 'type id range';
  if (/Invalid name$/.test(message)) return 'identifier';
  if (/vlen != 0|kind_flag|type != 0|size != 0|Unexpected size|Invalid value|linkage|Linkage not supported/i.test(message)) return 'reserved field';
  if (/Member exceeds|bits_offset|nr_bits|Invalid int|overflows|Invalid size|Invalid offset|bitfield|encoding|Invalid type_size|Duplicate|size == 0|Invalid array of int/.test(message)) return 'layout';
  return 'other';
}

/** True when every type id the blob's records reference names one of its own types (or void). */
function idsInRange(blob: Uint8Array): boolean {
  const layout = layoutOf(blob);
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  return layout.typeIdWords.every((at) => view.getUint32(at, layout.littleEndian) <= layout.records.length);
}

interface Verdict {
  readonly ok: boolean;
  readonly errno?: number;
  readonly message?: string;
}

const noKernel = missing('root') ?? missing('cc') ?? missing('vmlinux');
const tmp = mkdtempSync(path.join(tmpdir(), 'btf-diff-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Runs the kernel verifier on every blob in one process; one verdict per blob, in order. */
function kernelVerdicts(blobs: readonly Uint8Array[]): Verdict[] {
  const helper = path.join(tmp, 'btfVerdicts');
  execFileSync('cc', ['-O2', '-Wall', '-o', helper, path.join(__dirname, 'btfVerdicts.c')]);
  const input = path.join(tmp, 'blobs');
  const parts: Uint8Array[] = [];
  for (const b of blobs) {
    const len = new Uint8Array(4);
    new DataView(len.buffer).setUint32(0, b.length, true);
    parts.push(len, b);
  }
  writeFileSync(input, Buffer.concat(parts));
  const lines = execFileSync(helper, [input], { encoding: 'utf8', maxBuffer: 64 << 20, timeout: 240_000 }).split('\n').slice(0, -1);
  rmSync(input);
  return lines.map((line) => {
    if (line === 'ok') return { ok: true };
    const m = /^rej (\d+) (.*)$/.exec(line);
    return { ok: false, errno: Number(m?.[1]), message: m?.[2] ?? line };
  });
}

interface Seed {
  readonly name: string;
  readonly bytes: Uint8Array;
  readonly runs: number;
}

function seeds(): Seed[] {
  const vmlinux = new Uint8Array(readFileSync(VMLINUX));
  const vmSpec = parseBtf(vmlinux) as BtfSpec;
  const base = parseBtf(fixture('testmod.base.btf')) as BtfSpec;
  const module = parseBtf(fixture('testmod.btf'), { base }) as BtfSpec;
  const small = sized(1_200, 12_000);
  return [
    { name: 'vmlinux struct_ops closure', bytes: minimizeStructOps(vmSpec, { pointerDepth: 1 }), runs: Math.round(small * 0.35) },
    { name: 'vmlinux struct_ops closure, depth 0', bytes: minimizeStructOps(vmSpec, { pointerDepth: 0 }), runs: Math.round(small * 0.25) },
    { name: 'bundled profile', bytes: new Uint8Array(readFileSync(path.join(profilesDir, 'default-vmlinux.btf'))), runs: Math.round(small * 0.2) },
    { name: 'testmod closure', bytes: minimizeStructOps(module, { pointerDepth: 0 }), runs: Math.round(small * 0.2) },
    { name: 'whole vmlinux', bytes: vmlinux, runs: sized(24, 120) },
  ];
}

describe.skipIf(!!noKernel)('reader vs the kernel BTF verifier (BPF_BTF_LOAD)', () => {
  it('never accepts what the kernel rejects for a structural reason', { timeout: sized(240_000, 1_800_000) }, () => {
    const rng = new Rng(FUZZ_SEED ^ 0x6b65726e);
    const blobs: Uint8Array[] = [];
    const origin: string[] = [];
    const all = seeds();
    // The unmutated seeds first: both sides must accept them, or the comparison means nothing.
    for (const s of all) {
      blobs.push(s.bytes);
      origin.push(`${s.name} (unmutated)`);
    }
    for (const s of all) {
      const layout = layoutOf(s.bytes);
      for (let i = 0; i < s.runs; i++) {
        const m = mutate(s.bytes, layout, rng);
        blobs.push(m.bytes);
        origin.push(`${s.name} #${i} ${m.op}`);
      }
    }
    const started = performance.now();
    const kernel = kernelVerdicts(blobs);
    const kernelMs = performance.now() - started;
    expect(kernel).toHaveLength(blobs.length);
    for (let i = 0; i < all.length; i++) expect(kernel[i], origin[i]).toEqual({ ok: true });

    const agree = { accepted: 0, rejected: 0 };
    const readerLenient = new Map<KernelCategory, number>(); // kernel rejects, reader accepts
    const readerStrict = new Map<string, number>(); // kernel accepts, reader rejects
    const kernelCategories = new Map<KernelCategory, number>();
    const structural: string[] = [];
    const strict: string[] = [];
    const unclassified = new Set<string>();
    blobs.forEach((blob, i) => {
      const reader = parseBtf(blob);
      const k = kernel[i];
      if (k.ok && reader instanceof BtfSpec) agree.accepted++;
      else if (k.ok) {
        const code = (reader as BtfError).code;
        readerStrict.set(code, (readerStrict.get(code) ?? 0) + 1);
        strict.push(`${origin[i]}: reader ${(reader as BtfError).message}`);
      } else {
        const category = classifyKernelMessage(k.message ?? '', reader instanceof BtfSpec ? idsInRange(blob) : true);
        kernelCategories.set(category, (kernelCategories.get(category) ?? 0) + 1);
        if (category === 'other' && unclassified.size < 5) unclassified.add(k.message ?? '');
        if (reader instanceof BtfError) agree.rejected++;
        else {
          readerLenient.set(category, (readerLenient.get(category) ?? 0) + 1);
          if (STRUCTURAL.has(category)) structural.push(`${origin[i]}: kernel errno ${k.errno} "${k.message}" (${category})`);
        }
      }
    });
    const fmt = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]).map(([c, n]) => `${c} ${n}`).join(', ') || 'none';
    const mutated = blobs.length - all.length;
    console.log(
      `[fuzz btf-kernel] seed 0x${FUZZ_SEED.toString(16)}: ${blobs.length} blobs (${mutated} mutated) through BPF_BTF_LOAD in ${kernelMs.toFixed(0)} ms\n` +
        `  agree: both accept ${agree.accepted}, both reject ${agree.rejected}\n` +
        `  kernel rejections by category: ${fmt(kernelCategories)}\n` +
        `  reader accepts, kernel rejects: ${fmt(readerLenient)} (structural: ${structural.length})\n` +
        `  reader rejects, kernel accepts: ${fmt(readerStrict)}\n` +
        `  unclassified kernel messages, e.g.: ${[...unclassified].map((m) => JSON.stringify(m)).join(', ') || 'none'}`,
    );
    expect(mutated).toBeGreaterThanOrEqual(sized(1_000, 10_000));
    expect(structural).toEqual([]);
    // Neither may the reader refuse BTF the kernel loads: a user's real BTF would be lost.
    expect(strict).toEqual([]);
  });
});

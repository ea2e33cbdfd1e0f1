// Shared by the BTF tests: fixture paths, tool/sysfs availability with the reason a test skips,
// a bpftool runner, and a tiny ELF writer for ELF32/ELF64 in both byte orders.

import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

export const root = path.resolve(__dirname, '..', '..', '..');
export const fixtureDir = path.join(root, 'test', 'fixtures', 'btf');
export const profilesDir = path.join(root, 'resources', 'profiles');
export const VMLINUX = '/sys/kernel/btf/vmlinux';

export function fixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(path.join(fixtureDir, name)));
}

function hasTool(tool: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const reasons = new Map<string, string | undefined>();
/** Why a requirement is missing, or undefined when it is there. Logs the reason once. */
export function missing(what: 'vmlinux' | 'bpftool' | 'clang' | 'pahole' | 'cc' | 'root' | 'llvm-objcopy'): string | undefined {
  if (!reasons.has(what)) {
    let reason: string | undefined;
    if (what === 'vmlinux') reason = existsSync(VMLINUX) ? undefined : `${VMLINUX} not present (kernel without CONFIG_DEBUG_INFO_BTF)`;
    else if (what === 'root') reason = process.getuid?.() === 0 ? undefined : 'not running as root (BPF_BTF_LOAD needs CAP_BPF)';
    else reason = hasTool(what) ? undefined : `${what} not installed`;
    if (reason) console.warn(`skipping tests that need ${what}: ${reason}`);
    reasons.set(what, reason);
  }
  return reasons.get(what);
}

export function bpftool(...args: string[]): string {
  return execFileSync('bpftool', args, { encoding: 'utf8', maxBuffer: 512 << 20 });
}

/** A minimal ELF file with the given sections (plus the null section and .shstrtab). */
export function makeElf(opts: { is64: boolean; littleEndian: boolean; sections: { name: string; data: Uint8Array; flags?: number; type?: number }[] }): Uint8Array {
  const { is64, littleEndian: le } = opts;
  const ehsize = is64 ? 64 : 52;
  const shentsize = is64 ? 64 : 40;
  const names = ['', ...opts.sections.map((s) => s.name), '.shstrtab'];
  const nameOffsets: number[] = [];
  let strtab = '';
  for (const n of names) {
    nameOffsets.push(strtab.length);
    strtab += `${n}\0`;
  }
  const strBytes = new TextEncoder().encode(strtab);
  const datas = [...opts.sections.map((s) => s.data), strBytes];
  let off = ehsize;
  const placed = datas.map((d) => {
    off = (off + 7) & ~7;
    const at = off;
    off += d.length;
    return at;
  });
  const shoff = (off + 7) & ~7;
  const total = shoff + shentsize * names.length;
  const out = new Uint8Array(total);
  const v = new DataView(out.buffer);
  out.set([0x7f, 0x45, 0x4c, 0x46, is64 ? 2 : 1, le ? 1 : 2, 1]);
  v.setUint16(16, 1, le); // ET_REL
  v.setUint16(18, is64 ? 62 : 3, le);
  if (is64) {
    v.setBigUint64(0x28, BigInt(shoff), le);
    v.setUint16(0x34, ehsize, le);
    v.setUint16(0x3a, shentsize, le);
    v.setUint16(0x3c, names.length, le);
    v.setUint16(0x3e, names.length - 1, le);
  } else {
    v.setUint32(0x20, shoff, le);
    v.setUint16(0x28, ehsize, le);
    v.setUint16(0x2e, shentsize, le);
    v.setUint16(0x30, names.length, le);
    v.setUint16(0x32, names.length - 1, le);
  }
  datas.forEach((d, i) => out.set(d, placed[i]));
  for (let i = 1; i < names.length; i++) {
    const h = shoff + i * shentsize;
    const spec = opts.sections[i - 1];
    const type = spec?.type ?? (i === names.length - 1 ? 3 : 1);
    const flags = spec?.flags ?? 0;
    const d = datas[i - 1];
    v.setUint32(h, nameOffsets[i], le);
    v.setUint32(h + 4, type, le);
    if (is64) {
      v.setBigUint64(h + 8, BigInt(flags), le);
      v.setBigUint64(h + 0x18, BigInt(placed[i - 1]), le);
      v.setBigUint64(h + 0x20, BigInt(d.length), le);
    } else {
      v.setUint32(h + 8, flags, le);
      v.setUint32(h + 0x10, placed[i - 1], le);
      v.setUint32(h + 0x14, d.length, le);
    }
  }
  return out;
}

// Finds the .BTF section (and a module's distilled .BTF.base) in ELF32/ELF64 files of either
// byte order: vmlinux, kernel modules (.ko) and BPF objects (.bpf.o). Only section headers are
// read; the BTF bytes are a view into the caller's buffer (libbpf btf_parse_elf).

import { BtfError, atOffset } from './errors';
import { type ParseOptions, type BtfSpec, parseBtf } from './spec';

const SHF_COMPRESSED = 0x800;
const SHT_NOBITS = 8;
const SHN_XINDEX = 0xffff;

export interface ElfSection {
  readonly name: string;
  /** Where the section header itself is, for messages. */
  readonly headerOffset: number;
  readonly offset: number;
  readonly size: number;
  readonly flags: number;
  readonly type: number;
}

/** True when the bytes start with the ELF magic. */
export function isElf(bytes: Uint8Array): boolean {
  return bytes.byteLength >= 4 && bytes[0] === 0x7f && bytes[1] === 0x45 && bytes[2] === 0x4c && bytes[3] === 0x46;
}

/** Section headers by name; BtfError for anything malformed (bounds are checked before each read). */
export function readElfSections(bytes: Uint8Array): ElfSection[] | BtfError {
  if (!isElf(bytes)) return new BtfError('bad-elf', 'not an ELF file (bad magic)', { offset: 0 });
  if (bytes.byteLength < 52) return new BtfError('truncated', `ELF header truncated (${bytes.byteLength} bytes)`, { offset: 0 });
  const cls = bytes[4];
  const data = bytes[5];
  if (cls !== 1 && cls !== 2) return new BtfError('bad-elf', `ELF: unknown class ${cls}`, { offset: 4 });
  if (data !== 1 && data !== 2) return new BtfError('bad-elf', `ELF: unknown data encoding ${data}`, { offset: 5 });
  const is64 = cls === 2;
  const le = data === 1;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const size = bytes.byteLength;
  if (is64 && size < 64) return new BtfError('truncated', `ELF64 header truncated (${size} bytes)`, { offset: 0 });
  const word = (off: number) => (is64 ? Number(view.getBigUint64(off, le)) : view.getUint32(off, le));
  const shoff = is64 ? word(0x28) : word(0x20);
  const shentsize = view.getUint16(is64 ? 0x3a : 0x2e, le);
  let shnum = view.getUint16(is64 ? 0x3c : 0x30, le);
  let shstrndx = view.getUint16(is64 ? 0x3e : 0x32, le);
  const entMin = is64 ? 64 : 40;
  if (shoff === 0) return new BtfError('no-btf-section', 'ELF file has no section headers', { offset: 0 });
  if (shentsize < entMin) return new BtfError('bad-elf', `ELF: section header size ${shentsize} is smaller than ${entMin}`, { offset: is64 ? 0x3a : 0x2e });
  const header = (i: number) => shoff + i * shentsize;
  const shoffField = is64 ? 0x28 : 0x20;
  if (shoff > size || shoff + shentsize > size) return new BtfError('truncated', `ELF: section headers at ${shoff} lie past the end (${size} bytes); file truncated?`, { offset: shoffField });
  // Extended numbering: counts that do not fit live in section header 0 (ELF gABI).
  if (shnum === 0) shnum = word(header(0) + (is64 ? 0x20 : 0x14));
  if (shstrndx === SHN_XINDEX) shstrndx = view.getUint32(header(0) + (is64 ? 0x28 : 0x18), le);
  if (shnum > (size - shoff) / shentsize) return new BtfError('truncated', `ELF: ${shnum} section headers at ${shoff} do not fit in ${size} bytes; file truncated?`, { offset: is64 ? 0x3c : 0x30 });
  if (shstrndx >= shnum) return new BtfError('bad-elf', `ELF: section name table index ${shstrndx} out of range (${shnum} sections)`, { offset: is64 ? 0x3e : 0x32 });
  const raw: { nameOff: number; type: number; flags: number; offset: number; size: number; h: number }[] = [];
  for (let i = 0; i < shnum; i++) {
    const h = header(i);
    raw.push(is64
      ? { nameOff: view.getUint32(h, le), type: view.getUint32(h + 4, le), flags: word(h + 8), offset: word(h + 0x18), size: word(h + 0x20), h }
      : { nameOff: view.getUint32(h, le), type: view.getUint32(h + 4, le), flags: view.getUint32(h + 8, le), offset: view.getUint32(h + 0x10, le), size: view.getUint32(h + 0x14, le), h });
  }
  const strtab = raw[shstrndx];
  if (strtab.offset > size || strtab.size > size - strtab.offset) {
    return new BtfError('truncated', `ELF: section name table [${strtab.offset}, +${strtab.size}) lies past the end; file truncated?`, { offset: header(shstrndx) });
  }
  const names = bytes.subarray(strtab.offset, strtab.offset + strtab.size);
  const dec = new TextDecoder();
  return raw.map((s) => {
    let end = s.nameOff < names.length ? names.indexOf(0, s.nameOff) : -1;
    if (end < 0) end = s.nameOff < names.length ? names.length : s.nameOff;
    return { name: s.nameOff < names.length ? dec.decode(names.subarray(s.nameOff, end)) : '', headerOffset: s.h, offset: s.offset, size: s.size, flags: s.flags, type: s.type };
  });
}

/** The bytes of one named section (a view, not a copy); undefined when absent. */
export function elfSectionBytes(bytes: Uint8Array, sections: readonly ElfSection[], name: string): Uint8Array | undefined | BtfError {
  const s = sections.find((x) => x.name === name);
  if (!s) return undefined;
  if ((s.flags & SHF_COMPRESSED) !== 0) {
    return new BtfError('compressed', `ELF section ${name} is compressed (SHF_COMPRESSED); decompress it first, e.g. objcopy --decompress-debug-sections`, { offset: s.headerOffset });
  }
  if (s.type === SHT_NOBITS) return new BtfError('bad-elf', `ELF section ${name} has no data (SHT_NOBITS)`, { offset: s.headerOffset });
  if (s.offset > bytes.byteLength || s.size > bytes.byteLength - s.offset) {
    return new BtfError('truncated', `ELF section ${name} [${s.offset}, +${s.size}) lies past the end (${bytes.byteLength} bytes); file truncated? (section header${atOffset(s.headerOffset)})`, { offset: s.headerOffset });
  }
  return bytes.subarray(s.offset, s.offset + s.size);
}

/**
 * Parses the .BTF section of an ELF file. A module with a distilled `.BTF.base` (6.11+) is
 * parsed on that base, as its ids refer to it; otherwise module BTF needs `options.base`.
 * Byte offsets in errors are relative to the ELF file.
 */
export function parseElfBtf(bytes: Uint8Array, options: ParseOptions = {}): BtfSpec | BtfError {
  const sections = readElfSections(bytes);
  if (sections instanceof BtfError) return sections;
  const btf = elfSectionBytes(bytes, sections, '.BTF');
  if (btf instanceof BtfError) return btf;
  if (!btf) return new BtfError('no-btf-section', 'ELF file has no .BTF section; built without -g / CONFIG_DEBUG_INFO_BTF?');
  let base = options.base;
  const distilled = elfSectionBytes(bytes, sections, '.BTF.base');
  if (distilled instanceof BtfError) return distilled;
  if (distilled) {
    const parsed = parseBtf(distilled, { name: `${options.name ?? 'module'} (.BTF.base)` });
    if (parsed instanceof BtfError) return relocate(parsed, distilled.byteOffset - bytes.byteOffset, '.BTF.base');
    base = parsed;
  }
  const spec = parseBtf(btf, { ...options, base });
  return spec instanceof BtfError ? relocate(spec, btf.byteOffset - bytes.byteOffset, '.BTF') : spec;
}

function relocate(err: BtfError, sectionOffset: number, section: string): BtfError {
  const offset = err.offset === undefined ? undefined : err.offset + sectionOffset;
  return new BtfError(err.code, `${section}: ${err.message}`, { offset, typeId: err.typeId });
}

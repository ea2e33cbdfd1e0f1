// struct btf_header: byte order from the magic, version/flags/hdr_len and section bounds checks
// (libbpf btf_parse_hdr, kernel btf_parse_hdr + btf_check_sec_info).
//
//   0      2   3   4        8         12        16        20        24
//   +------+---+---+--------+---------+---------+---------+---------+----------------+
//   |magic |ver|flg|hdr_len |type_off |type_len | str_off | str_len | (hdr_len - 24) |
//   +------+---+---+--------+---------+---------+---------+---------+----------------+
//   type_off and str_off count from the end of the header (hdr_len).

import { BtfError, atOffset } from './errors';
import { BTF_HEADER_SIZE, BTF_MAGIC, BTF_MAX_NAME_OFFSET, BTF_VERSION } from './kinds';

export interface BtfHeader {
  readonly littleEndian: boolean;
  readonly hdrLen: number;
  /** Absolute byte offsets in the buffer (not relative to the header end as on the wire). */
  readonly typeStart: number;
  readonly typeLen: number;
  readonly strStart: number;
  readonly strLen: number;
}

/** Reads and checks the header of raw BTF; returns BtfError for anything the kernel would refuse to parse. */
export function parseHeader(bytes: Uint8Array): BtfHeader | BtfError {
  if (bytes.byteLength < 4) {
    return new BtfError('truncated', `BTF header: input is ${bytes.byteLength} bytes, too short for the magic`, { offset: 0 });
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let littleEndian: boolean;
  if (view.getUint16(0, true) === BTF_MAGIC) littleEndian = true;
  else if (view.getUint16(0, false) === BTF_MAGIC) littleEndian = false;
  else {
    const got = view.getUint16(0, true).toString(16).padStart(4, '0');
    return new BtfError('bad-magic', `BTF header: invalid magic 0x${got} (expected 0xeb9f in either byte order); is this an ELF file or not BTF at all?`, { offset: 0 });
  }
  const version = view.getUint8(2);
  if (version !== BTF_VERSION) {
    return new BtfError('bad-version', `BTF header: unsupported version ${version} (only ${BTF_VERSION} exists)`, { offset: 2 });
  }
  const flags = view.getUint8(3);
  if (flags !== 0) {
    return new BtfError('bad-flags', `BTF header: unsupported flags 0x${flags.toString(16)} (must be 0)`, { offset: 3 });
  }
  if (bytes.byteLength < 8) {
    return new BtfError('truncated', `BTF header: input is ${bytes.byteLength} bytes, too short for hdr_len`, { offset: 4 });
  }
  const hdrLen = view.getUint32(4, littleEndian);
  if (hdrLen < BTF_HEADER_SIZE) {
    return new BtfError('bad-header', `BTF header: hdr_len ${hdrLen} is smaller than struct btf_header (${BTF_HEADER_SIZE})`, { offset: 4 });
  }
  if (hdrLen > bytes.byteLength) {
    return new BtfError('truncated', `BTF header: hdr_len ${hdrLen} exceeds the data size ${bytes.byteLength}; file truncated?`, { offset: 4 });
  }
  // Kernel btf_parse_hdr: a longer header (from a newer kernel) is accepted only if the unknown tail is zero.
  for (let i = BTF_HEADER_SIZE; i < hdrLen; i++) {
    if (bytes[i] !== 0) {
      return new BtfError('bad-header', `BTF header: unknown non-zero header byte${atOffset(i)} (hdr_len ${hdrLen}); BTF from a newer kernel?`, { offset: i });
    }
  }
  const typeOff = view.getUint32(8, littleEndian);
  const typeLen = view.getUint32(12, littleEndian);
  const strOff = view.getUint32(16, littleEndian);
  const strLen = view.getUint32(20, littleEndian);
  const dataLen = bytes.byteLength - hdrLen;

  if (typeOff % 4 !== 0) {
    return new BtfError('bad-section', `BTF header: type section offset ${typeOff} is not 4-byte aligned`, { offset: 8 });
  }
  if (typeOff > dataLen || typeLen > dataLen - typeOff) {
    return new BtfError('bad-section', `BTF header: type section [${typeOff}, +${typeLen}) ends past the data (${dataLen} bytes after the header); file truncated?`, { offset: 8 });
  }
  if (typeLen % 4 !== 0) {
    return new BtfError('bad-section', `BTF header: type section length ${typeLen} is not a multiple of 4`, { offset: 12 });
  }
  if (strOff > dataLen || strLen > dataLen - strOff) {
    return new BtfError('bad-section', `BTF header: string section [${strOff}, +${strLen}) ends past the data (${dataLen} bytes after the header); file truncated?`, { offset: 16 });
  }
  if (strLen > BTF_MAX_NAME_OFFSET + 1) {
    return new BtfError('bad-section', `BTF header: string section length ${strLen} exceeds BTF_MAX_NAME_OFFSET`, { offset: 20 });
  }
  // Section overlap (kernel btf_check_sec_info); empty sections cannot overlap anything.
  if (typeLen > 0 && strLen > 0 && typeOff < strOff + strLen && strOff < typeOff + typeLen) {
    return new BtfError('bad-section', `BTF header: type section [${typeOff}, +${typeLen}) overlaps string section [${strOff}, +${strLen})`, { offset: 8 });
  }
  // Kernel btf_check_sec_info: in offset order the sections must tile the data, with no gap and
  // nothing after them (libbpf tolerates both; BPF_BTF_LOAD says "Unsupported section found").
  const ordered: [string, number, number, number][] = [['type', typeOff, typeLen, 8], ['string', strOff, strLen, 16]];
  if (strOff < typeOff) ordered.reverse();
  let covered = 0;
  for (const [name, off, len, field] of ordered) {
    if (off !== covered) {
      return new BtfError('bad-section', `BTF header: ${name} section starts at ${off}, but the sections before it end at ${covered}: ${off > covered ? 'a gap' : 'an overlap'}`, { offset: field });
    }
    covered += len;
  }
  if (covered !== dataLen) {
    return new BtfError('bad-section', `BTF header: ${dataLen - covered} bytes after the last section${atOffset(hdrLen + covered)}; the sections must cover the data exactly`, { offset: hdrLen + covered });
  }
  return { littleEndian, hdrLen, typeStart: hdrLen + typeOff, typeLen, strStart: hdrLen + strOff, strLen };
}

// bpf_obj_name_cpy (kernel/bpf/syscall.c, 6.12) over a C string initializer: the name rule shared by
// tcp_congestion_ops.name, sched_ext_ops.name and Qdisc_ops.id. Characters are classified with the
// kernel's own ctype table (lib/ctype.c, 6.12), which counts Latin-1 letters as alphanumeric.

import type { MemberValue } from './types';

/** Bytes 0xc0..0xff that lib/ctype.c marks _U or _L (all but 0xd7 and 0xf7, which are _P). */
function isKernelAlnum(byte: number): boolean {
  if (byte >= 0x30 && byte <= 0x39) return true;
  if (byte >= 0x41 && byte <= 0x5a) return true;
  if (byte >= 0x61 && byte <= 0x7a) return true;
  return byte >= 0xc0 && byte !== 0xd7 && byte !== 0xf7;
}

/**
 * The bytes a `char name[size]` member holds for a C string initializer, cut at `size` (a literal of
 * exactly `size` characters leaves no NUL; a longer one is truncated by the compiler). Characters
 * above U+007F are encoded as UTF-8, as clang stores them from a UTF-8 source; a `\xNN` escape that
 * the caller decoded to U+00NN is judged the same way, which differs from the single byte clang emits.
 */
function initializerBytes(text: string, size: number): Uint8Array {
  const bytes = new Uint8Array(size);
  bytes.set(utf8.encode(text).subarray(0, size));
  return bytes;
}

const utf8 = new TextEncoder();

/**
 * What bpf_obj_name_cpy returns for a `char[size]` member: the copied length (> 0), 0 for an empty
 * name, or -EINVAL (as the string 'EINVAL') when a byte is not alnum, `_` or `.`, or no NUL lies
 * within `size` bytes. Undefined for values that cannot be judged (`other`, or an integer).
 */
export function objNameCpy(value: MemberValue, size: number): number | 'EINVAL' | undefined {
  if (value.kind === 'zero') return 0;
  if (value.kind !== 'string') return undefined;
  const bytes = initializerBytes(value.value, size);
  let i = 0;
  while (i < size && bytes[i] !== 0) {
    const byte = bytes[i];
    if (!isKernelAlnum(byte) && byte !== 0x5f && byte !== 0x2e) return 'EINVAL';
    i++;
  }
  if (i === size) return 'EINVAL';
  return i;
}

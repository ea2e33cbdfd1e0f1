// C base types on LP64 (x86-64, BPF): which spelling means which integer or float, its size and
// signedness, the name clang writes into BTF and the name gcc (hence pahole's vmlinux BTF) uses,
// plus the kernel's fixed-width typedefs for sources whose headers are not in the workspace.

export interface BaseType {
  readonly kind: 'int' | 'float' | 'void';
  readonly size: number;
  readonly signed: boolean;
  readonly char: boolean;
  readonly bool: boolean;
  /** The name clang -g emits (DWARF DW_AT_name). */
  readonly clangName: string;
  /** The name gcc emits, as found in vmlinux BTF built by pahole. */
  readonly gccName: string;
}

const int = (size: number, signed: boolean, clangName: string, gccName = clangName, extra: Partial<BaseType> = {}): BaseType => ({
  kind: 'int', size, signed, char: false, bool: false, clangName, gccName, ...extra,
});

/**
 * The base type a written type name denotes ("unsigned", "long unsigned int", "signed char",
 * "_Bool", "__int128", "double"), or undefined for anything else (typedef names, unknown words).
 */
export function parseBaseType(written: string): BaseType | undefined {
  const words = written.trim().split(/\s+/).filter((w) => w !== 'const' && w !== 'volatile' && w !== 'restrict' && w !== '__restrict');
  if (words.length === 0) return undefined;
  if (words.length === 1 && words[0] === 'void') return { kind: 'void', size: 0, signed: false, char: false, bool: false, clangName: 'void', gccName: 'void' };
  let unsigned = false;
  let signed = false;
  let longs = 0;
  let short = false;
  let base: string | undefined;
  for (const w of words) {
    switch (w) {
      case 'unsigned': unsigned = true; break;
      case 'signed': case '__signed__': signed = true; break;
      case 'long': longs++; break;
      case 'short': short = true; break;
      case 'int': case 'char': case '_Bool': case 'bool': case '__int128': case '__int128_t': case '__uint128_t': case 'float': case 'double':
        if (base !== undefined && base !== 'int' && w !== 'int') return undefined;
        if (base === undefined || base === 'int') base = w;
        break;
      default:
        return undefined;
    }
  }
  if (base === 'float') return { kind: 'float', size: 4, signed: true, char: false, bool: false, clangName: 'float', gccName: 'float' };
  if (base === 'double') {
    return longs > 0
      ? { kind: 'float', size: 16, signed: true, char: false, bool: false, clangName: 'long double', gccName: 'long double' }
      : { kind: 'float', size: 8, signed: true, char: false, bool: false, clangName: 'double', gccName: 'double' };
  }
  if (base === '_Bool' || base === 'bool') return int(1, false, '_Bool', '_Bool', { bool: true });
  if (base === '__int128' || base === '__int128_t') return unsigned ? int(16, false, 'unsigned __int128', '__int128 unsigned') : int(16, true, '__int128');
  if (base === '__uint128_t') return int(16, false, 'unsigned __int128', '__int128 unsigned');
  if (base === 'char') {
    if (unsigned) return int(1, false, 'unsigned char', 'unsigned char', { char: true });
    if (signed) return int(1, true, 'signed char', 'signed char', { char: true });
    return int(1, true, 'char', 'char', { char: true });
  }
  if (short) return unsigned ? int(2, false, 'unsigned short', 'short unsigned int') : int(2, true, 'short', 'short int');
  if (longs >= 2) return unsigned ? int(8, false, 'unsigned long long', 'long long unsigned int') : int(8, true, 'long long', 'long long int');
  if (longs === 1) return unsigned ? int(8, false, 'unsigned long', 'long unsigned int') : int(8, true, 'long', 'long int');
  if (base === 'int' || unsigned || signed) return unsigned ? int(4, false, 'unsigned int') : int(4, true, 'int');
  return undefined;
}

/**
 * Kernel typedefs (include/uapi/asm-generic/int-ll64.h, include/linux/types.h) used when neither
 * the workspace nor the base BTF defines them: name → the base type spelling they alias.
 */
export const KERNEL_TYPEDEFS: Readonly<Record<string, string>> = {
  __u8: 'unsigned char', __s8: 'signed char', __u16: 'unsigned short', __s16: 'short',
  __u32: 'unsigned int', __s32: 'int', __u64: 'unsigned long long', __s64: 'long long',
  u8: '__u8', s8: '__s8', u16: '__u16', s16: '__s16', u32: '__u32', s32: '__s32', u64: '__u64', s64: '__s64',
  __le16: '__u16', __be16: '__u16', __le32: '__u32', __be32: '__u32', __le64: '__u64', __be64: '__u64',
  size_t: '__kernel_size_t', __kernel_size_t: '__kernel_ulong_t', __kernel_ulong_t: 'unsigned long',
  ssize_t: '__kernel_ssize_t', __kernel_ssize_t: '__kernel_long_t', __kernel_long_t: 'long',
  bool: '_Bool', uintptr_t: 'unsigned long', gfp_t: 'unsigned int', pid_t: '__kernel_pid_t', __kernel_pid_t: 'int',
  loff_t: '__kernel_loff_t', __kernel_loff_t: 'long long', u128: 'unsigned __int128', s128: '__int128',
  __u128: 'unsigned __int128', __s128: '__int128',
};

// Linux errno values that struct_ops paths return (struct-ops-semantics.md §0), and libbpf's own.

export const Errno = {
  EPERM: 1,
  ENOENT: 2,
  ESRCH: 3,
  E2BIG: 7,
  EBADF: 9,
  EAGAIN: 11,
  ENOMEM: 12,
  EACCES: 13,
  EFAULT: 14,
  EBUSY: 16,
  EEXIST: 17,
  EINVAL: 22,
  ENOLINK: 67,
  EOPNOTSUPP: 95,
  EINPROGRESS: 115,
  ENOTSUPP: 524,
  LIBBPF_ERRNO__FORMAT: 4001,
  LIBBPF_ERRNO__INTERNAL: 4004,
  LIBBPF_ERRNO__RELOC: 4005,
} as const;

export type ErrnoName = keyof typeof Errno;

/** The symbolic name for an errno; EAGAIN for 11 (EWOULDBLOCK is the same number). */
export function errnoName(errno: number): string {
  return ERRNO_NAMES.get(errno) ?? `E${errno}`;
}

const ERRNO_NAMES = new Map<number, string>(Object.entries(Errno).map(([name, value]) => [value, name]));

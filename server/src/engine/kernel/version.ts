// Kernel and libbpf versions as the simulator compares them: parsed from user settings,
// `uname -r` strings ("6.12.117-amd64", "6.8.0-45-generic") or a bundled profile's metadata.

export interface KernelVersion {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
  /** As given, e.g. "6.12.117-amd64". */
  readonly text: string;
}

export interface LibbpfVersion {
  readonly major: number;
  readonly minor: number;
}

export const DEFAULT_LIBBPF_VERSION: LibbpfVersion = { major: 1, minor: 7 };

/** Kernel majors this tool knows (BTF exists from 4.18; 7.x follows 6.19). */
const KERNEL_MAJORS = [4, 5, 6, 7];

export interface VersionError {
  readonly message: string;
}

const KERNEL_RE = /^v?(\d{1,3})\.(\d{1,3})(?:\.(\d{1,5}))?(?:[-+~_][0-9A-Za-z.+~_-]*)?$/;
const LIBBPF_RE = /^v?(\d{1,3})\.(\d{1,3})(?:\.(\d{1,5}))?$/;

/** "6.12", "6.12.117-amd64", "v6.18"; a VersionError naming the problem otherwise. */
export function parseKernelVersion(text: string): KernelVersion | VersionError {
  const s = text.trim();
  const m = KERNEL_RE.exec(s);
  if (!m) return { message: `invalid kernel version "${text}": expected MAJOR.MINOR[.PATCH][-SUFFIX], e.g. 6.12 or 6.12.117-amd64` };
  const major = Number(m[1]);
  const minor = Number(m[2]);
  if (!KERNEL_MAJORS.includes(major)) return { message: `unknown kernel version "${text}": major ${major} is not a Linux release with BTF (4.x to 7.x)` };
  if (major === 4 && minor < 18) return { message: `unsupported kernel version "${text}": BTF appeared in 4.18` };
  return { major, minor, patch: m[3] === undefined ? 0 : Number(m[3]), text: s };
}

/** "1.4", "1.4.7", "v1.7.0"; libbpf releases are 0.x and 1.x. */
export function parseLibbpfVersion(text: string): LibbpfVersion | VersionError {
  const s = text.trim();
  const m = LIBBPF_RE.exec(s);
  if (!m) return { message: `invalid libbpf version "${text}": expected MAJOR.MINOR, e.g. 1.4` };
  const major = Number(m[1]);
  if (major > 1) return { message: `unknown libbpf version "${text}": known releases are 0.x and 1.x` };
  return { major, minor: Number(m[2]) };
}

export function isVersionError(v: KernelVersion | LibbpfVersion | VersionError): v is VersionError {
  return 'message' in v;
}

/** <0, 0, >0 like a sort comparator; a missing patch level counts as 0. */
export function compareVersions(a: { major: number; minor: number; patch?: number }, b: { major: number; minor: number; patch?: number }): number {
  return a.major - b.major || a.minor - b.minor || (a.patch ?? 0) - (b.patch ?? 0);
}

export function formatKernelVersion(v: KernelVersion): string {
  return `${v.major}.${v.minor}.${v.patch}`;
}

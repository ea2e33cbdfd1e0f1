// Version comparisons used by the phases: every rule that depends on a kernel or libbpf
// release goes through these, so traces can say which version boundary applied.

export interface MajorMinor {
  readonly major: number;
  readonly minor: number;
}

export function atLeast(version: MajorMinor, major: number, minor: number): boolean {
  return version.major > major || (version.major === major && version.minor >= minor);
}

export function formatVersion(version: MajorMinor): string {
  return `${version.major}.${version.minor}`;
}

// Which kernel profiles a command runs against: `--profile` specs (inline `kernel=6.8,libbpf=1.3`,
// `live`, or a name from the project config), the single-profile flags, or the config's default.

import * as path from 'node:path';
import { liveProfileName, type ProfileSettings, type ProjectConfig } from '../engine';

export interface ProfileRequest {
  /** As the user wrote it: the spec, the config's profile name, or `live`. */
  readonly name: string;
  /** The config's description, if any. */
  readonly description?: string;
  readonly settings: ProfileSettings;
}

const inlineKeys = ['kernel', 'libbpf', 'btf'];

/** The name of the profile --btf/--kernel/--libbpf make. */
export const commandLineProfileName = 'command line';

/** `kernel=6.8,libbpf=1.3,btf=DIR` (btf may repeat; paths relative to `cwd`); a message on a bad key. */
function inlineProfile(spec: string, cwd: string): ProfileRequest | string {
  const btf: string[] = [];
  let kernelVersion: string | undefined;
  let libbpfVersion: string | undefined;
  for (const part of spec.split(',')) {
    const eq = part.indexOf('=');
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (eq < 0 || !inlineKeys.includes(key) || value === '') return `bad profile '${spec}': expected ${inlineKeys.map((k) => `${k}=VALUE`).join(', ')} separated by commas`;
    if (key === 'kernel') kernelVersion = value;
    else if (key === 'libbpf') libbpfVersion = value;
    else btf.push(path.resolve(cwd, value));
  }
  return { name: spec, settings: { btf, kernelVersion, libbpfVersion } };
}

/** A config profile by name, or the running kernel for `live`; a message naming the choices when unknown. */
export function namedProfile(name: string, config: ProjectConfig | undefined): ProfileRequest | string {
  if (name === liveProfileName) return { name, settings: {} };
  const found = config?.profiles.find((p) => p.name === name);
  if (found) {
    return {
      name,
      ...(found.description !== undefined ? { description: found.description } : {}),
      settings: { btf: found.btf, kernelVersion: found.kernelVersion, libbpfVersion: found.libbpfVersion },
    };
  }
  const known = [liveProfileName, ...(config?.profiles.map((p) => p.name) ?? [])];
  return `unknown profile '${name}' (${config ? `${config.file} defines` : 'no project config; known'}: ${known.join(', ')}; or kernel=VER,libbpf=VER,btf=PATH)`;
}

export interface ProfileFlags {
  readonly specs: readonly string[];
  readonly btf: readonly string[];
  readonly kernelVersion?: string;
  readonly libbpfVersion?: string;
}

/**
 * The profiles to run, in the order given, or a usage message. Without `--profile`: the flags'
 * profile when any is set, else the config's default profile, else the running kernel.
 */
export function resolveProfiles(flags: ProfileFlags, config: ProjectConfig | undefined, cwd: string): ProfileRequest[] | string {
  const single = flags.btf.length > 0 || flags.kernelVersion !== undefined || flags.libbpfVersion !== undefined;
  if (flags.specs.length > 0) {
    if (single) return '--profile cannot be combined with --btf, --kernel or --libbpf (write them into the profile: --profile kernel=VER,libbpf=VER,btf=PATH)';
    const profiles: ProfileRequest[] = [];
    for (const spec of flags.specs) {
      const profile = spec.includes('=') ? inlineProfile(spec, cwd) : namedProfile(spec, config);
      if (typeof profile === 'string') return profile;
      if (profiles.some((p) => p.name === profile.name)) return `profile '${spec}' given twice`;
      profiles.push(profile);
    }
    return profiles;
  }
  if (single) {
    return [{ name: commandLineProfileName, settings: { btf: flags.btf.map((b) => path.resolve(cwd, b)), kernelVersion: flags.kernelVersion, libbpfVersion: flags.libbpfVersion } }];
  }
  const fallback = namedProfile(config?.defaultProfile ?? liveProfileName, config);
  return typeof fallback === 'string' ? fallback : [fallback];
}

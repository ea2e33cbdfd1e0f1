// The project configs of an editor workspace: one per workspace folder (at the folder's root), and
// what the language server derives from them together with its settings: the include paths and
// defines for every file, the profile when the settings name none, and which findings to hide.

import * as path from 'node:path';
import type { ProfileSettings } from '../engine';
import { findProjectConfig, ignoreMatcher, liveProfileName, readProjectConfig, splitDefine, type ConfigProblem, type ProjectConfig } from './projectConfig';

export interface WorkspaceConfigs {
  /** In folder order; folders without a config have none. */
  readonly configs: readonly ProjectConfig[];
  /** Problems of the configs that could not be read; those configs are left out. */
  readonly problems: readonly ConfigProblem[];
}

/** Reads the config at the root of each folder (never above it). Never throws. */
export function readWorkspaceConfigs(folders: readonly string[]): WorkspaceConfigs {
  const configs: ProjectConfig[] = [];
  const problems: ConfigProblem[] = [];
  for (const folder of folders) {
    const file = findProjectConfig(folder, folder);
    const result = file === undefined ? undefined : readProjectConfig(file);
    if (result?.config) configs.push(result.config);
    else if (result) problems.push(...result.problems);
  }
  return { configs, problems };
}

/** Include directories and defines for every file: the configs' first, then the settings' (which win). */
export function workspaceSourceOptions(
  configs: readonly ProjectConfig[],
  settings: { readonly includePaths: readonly string[]; readonly defines: readonly string[] },
  baseFolder: string | undefined,
): { includeDirs: string[]; defines: [string, string][] } {
  const base = baseFolder ?? process.cwd();
  return {
    includeDirs: [...configs.flatMap((c) => c.includeDirs), ...settings.includePaths.map((d) => path.resolve(base, d))],
    defines: [...configs.flatMap((c) => c.defines.map(([name, value]): [string, string] => [name, value])), ...settings.defines.map(splitDefine)],
  };
}

/** The first config's default profile as engine settings; undefined when no config names one (or names `live`). */
export function workspaceDefaultProfile(configs: readonly ProjectConfig[]): { readonly name: string; readonly file: string; readonly settings: ProfileSettings } | undefined {
  for (const config of configs) {
    const name = config.defaultProfile;
    if (name === undefined) continue;
    if (name === liveProfileName) return undefined;
    const profile = config.profiles.find((p) => p.name === name);
    if (profile) return { name, file: config.file, settings: { btf: profile.btf, kernelVersion: profile.kernelVersion, libbpfVersion: profile.libbpfVersion } };
  }
  return undefined;
}

/** Whether a finding's check is ignored at a file: by the config of the innermost folder holding it. */
export function workspaceIgnoreMatcher(configs: readonly ProjectConfig[]): (file: string, check: string) => boolean {
  const byDepth = [...configs].sort((a, b) => b.dir.length - a.dir.length).map((config) => ({ dir: config.dir, ignored: ignoreMatcher(config) }));
  return (file, check) => {
    const owner = byDepth.find((c) => file.startsWith(c.dir + path.sep));
    return owner ? owner.ignored(file, check) : false;
  };
}

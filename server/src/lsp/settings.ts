// The server's settings (`structOps.*`), their defaults, and which ones need the profile
// reloaded. The manifest's `contributes.configuration` must declare the same keys and defaults
// (a consistency test compares them).

export interface StructOpsSettings {
  readonly kernel: { readonly btf: readonly string[]; readonly version: string };
  readonly libbpf: { readonly version: string };
  /** `verbose` also sends the engine's debug lines to the log. */
  readonly trace: { readonly server: 'off' | 'messages' | 'verbose' };
  readonly inlayHints: { readonly enabled: boolean };
  /** `-I` directories for every file; relative ones resolve against the first workspace folder. */
  readonly includePaths: readonly string[];
  /** `-D` definitions, `NAME` or `NAME=VALUE`. */
  readonly defines: readonly string[];
}

export const defaultSettings: StructOpsSettings = {
  kernel: { btf: [], version: '' },
  libbpf: { version: '' },
  trace: { server: 'off' },
  inlayHints: { enabled: false },
  includePaths: [],
  defines: [],
};

/** Flattened `structOps.<key>` → default, as the manifest lists them. */
export const settingDefaults: Readonly<Record<string, unknown>> = {
  'structOps.kernel.btf': defaultSettings.kernel.btf,
  'structOps.kernel.version': defaultSettings.kernel.version,
  'structOps.libbpf.version': defaultSettings.libbpf.version,
  'structOps.trace.server': defaultSettings.trace.server,
  'structOps.inlayHints.enabled': defaultSettings.inlayHints.enabled,
  'structOps.includePaths': defaultSettings.includePaths,
  'structOps.defines': defaultSettings.defines,
};

function stringList(value: unknown): string[] {
  if (typeof value === 'string') return value ? [value] : [];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string' && v.length > 0) : [];
}

/** Reads the `structOps` configuration section, ignoring values of the wrong type. */
export function parseSettings(section: unknown): StructOpsSettings {
  const root = (section ?? {}) as {
    kernel?: { btf?: unknown; version?: unknown };
    libbpf?: { version?: unknown };
    trace?: { server?: unknown };
    inlayHints?: { enabled?: unknown };
    includePaths?: unknown;
    defines?: unknown;
  };
  const trace = root.trace?.server;
  return {
    kernel: {
      btf: stringList(root.kernel?.btf),
      version: typeof root.kernel?.version === 'string' ? root.kernel.version : '',
    },
    libbpf: { version: typeof root.libbpf?.version === 'string' ? root.libbpf.version : '' },
    trace: { server: trace === 'messages' || trace === 'verbose' ? trace : 'off' },
    inlayHints: { enabled: root.inlayHints?.enabled === true },
    includePaths: stringList(root.includePaths),
    defines: stringList(root.defines),
  };
}

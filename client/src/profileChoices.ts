// The Select Kernel Profile flow as data: BTF source choices, kernel and libbpf versions, and the
// `structOps.*` settings each answer writes. No `vscode` import; commands.ts shows the pickers.

export type BtfChoice = 'live' | 'files' | 'bundled';

export interface Choice<T> {
  readonly label: string;
  readonly description?: string;
  readonly detail?: string;
  readonly value: T;
}

export const btfChoices: readonly Choice<BtfChoice>[] = [
  { label: '$(vm) Live kernel', description: '/sys/kernel/btf', detail: 'vmlinux and loaded modules of the machine running VS Code', value: 'live' },
  { label: '$(file-binary) BTF files…', description: 'vmlinux, .ko, raw BTF or a /sys/kernel/btf copy', detail: 'Choose files or folders, e.g. BTF captured from the target machine', value: 'files' },
  { label: '$(package) Bundled default', description: 'shipped with the extension', detail: 'A vmlinux BTF with the mainline struct_ops types', value: 'bundled' },
];

/** Kernel versions where struct_ops rules change (struct-ops-semantics.md version map). */
export const kernelVersions: readonly string[] = ['5.15', '6.1', '6.4', '6.6', '6.8', '6.9', '6.11', '6.12', '6.13', '6.15', '6.16', '6.18'];

export const libbpfVersions: readonly string[] = ['1.1', '1.2', '1.3', '1.4', '1.5', '1.6', '1.7'];

/** Kernel picks: the BTF's own version first (empty setting), then the version list, then "Other…". */
export function kernelChoices(current: string): Choice<string | 'other'>[] {
  return [
    { label: 'From the BTF source', description: current === '' ? 'current' : undefined, detail: 'The running kernel\'s version (live) or the bundled profile\'s', value: '' },
    ...kernelVersions.map((v) => ({ label: v, description: v === current ? 'current' : undefined, value: v })),
    { label: 'Other…', detail: 'Type a version such as 6.10', value: 'other' as const },
  ];
}

export function libbpfChoices(current: string): Choice<string>[] {
  return [
    { label: 'Newest', description: current === '' ? 'current' : undefined, detail: 'The newest libbpf the simulator covers (1.7)', value: '' },
    ...libbpfVersions.map((v) => ({ label: v, description: v === current ? 'current' : undefined, value: v })),
  ];
}

/** A user-typed kernel version: `6`, `6.12`, `6.12.3`; undefined when it is fine, else the message. */
export function validateKernelVersion(text: string): string | undefined {
  return /^\d+\.\d+(\.\d+)?$/.test(text.trim()) ? undefined : 'A kernel version looks like 6.12 or 6.12.3';
}

export interface ProfileSettingsUpdate {
  readonly 'kernel.btf': readonly string[];
  readonly 'kernel.version': string;
  readonly 'libbpf.version': string;
}

/** The settings to write for the answers; `files` are the chosen paths, `bundledFile` the extension's own BTF. */
export function settingsFor(choice: BtfChoice, files: readonly string[], bundledFile: string, kernel: string, libbpf: string): ProfileSettingsUpdate {
  const btf = choice === 'live' ? [] : choice === 'bundled' ? [bundledFile] : [...files];
  return { 'kernel.btf': btf, 'kernel.version': kernel, 'libbpf.version': libbpf };
}

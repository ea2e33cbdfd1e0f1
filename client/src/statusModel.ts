// What the status bar item says, as plain data: the active kernel profile (kernel, libbpf, BTF
// source), indexing progress and server health. No `vscode` import; ctx.ts applies it.

import type { ProfileInfo } from '../../server/src/protocol';

export type ServerState = 'starting' | 'running' | 'stopped' | 'untrusted';

export interface StatusView {
  readonly text: string;
  readonly tooltip: string;
  /** Command run on click. */
  readonly command: string;
  /** Theme color id for the background, when the state needs attention. */
  readonly background?: 'statusBarItem.warningBackground' | 'statusBarItem.errorBackground';
}

const sourceLabel: Record<NonNullable<ProfileInfo['btfSource']>, string> = { live: 'live', files: 'BTF files', bundled: 'bundled' };

/** `bundled` when the BTF files are the extension's own default profile. */
export function btfSourceLabel(info: ProfileInfo): string {
  if (!info.btfSource) return 'none';
  if (info.btfSource === 'files' && info.objects.length === 1 && /resources[/\\]profiles[/\\]default-vmlinux\.btf$/.test(info.objects[0].source)) return 'bundled';
  return sourceLabel[info.btfSource];
}

export function statusView(state: ServerState, info: ProfileInfo | undefined): StatusView {
  if (state === 'untrusted') {
    return { text: '$(shield) struct_ops', tooltip: 'The workspace is not trusted: the struct_ops language server is not started. Click to manage workspace trust.', command: 'workbench.trust.manage' };
  }
  if (state === 'stopped') {
    return { text: '$(error) struct_ops', tooltip: 'The struct_ops language server stopped. Click to restart it.', command: 'structOps.restartServer', background: 'statusBarItem.errorBackground' };
  }
  if (state === 'starting' || !info) {
    return { text: '$(sync~spin) struct_ops', tooltip: 'Starting the struct_ops language server…', command: 'structOps.selectProfile' };
  }
  const progress = info.ready ? '' : ` · indexing ${info.indexedFiles}`;
  if (!info.loaded) {
    return {
      text: `$(warning) struct_ops: no profile${progress}`,
      tooltip: `${info.description}\nClick to select a kernel profile.`,
      command: 'structOps.selectProfile',
      background: 'statusBarItem.warningBackground',
    };
  }
  const source = btfSourceLabel(info);
  const lines = [
    `Kernel ${info.kernel}${info.kernelSource === 'uname' ? ' (running kernel)' : info.kernelSource === 'user' ? ' (setting)' : info.kernelSource === 'bundled' || info.kernelSource === 'default' ? ' (bundled profile)' : ''}`,
    `libbpf ${info.libbpf}`,
    `BTF: ${source} — ${info.objects.length} object${info.objects.length === 1 ? '' : 's'} (${info.objects.slice(0, 4).map((o) => o.name).join(', ')}${info.objects.length > 4 ? ', …' : ''})`,
    info.ready ? `Indexed ${info.indexedFiles} file${info.indexedFiles === 1 ? '' : 's'}` : `Indexing… ${info.indexedFiles} file${info.indexedFiles === 1 ? '' : 's'} so far`,
    info.error ? `Last profile change failed: ${info.error}` : undefined,
    'Click to select the kernel profile.',
  ].filter((l): l is string => l !== undefined);
  return {
    text: `${info.error ? '$(warning)' : info.ready ? '$(check)' : '$(sync~spin)'} struct_ops ${info.kernel} · libbpf ${info.libbpf} · ${source}${info.ready ? '' : ` · indexing ${info.indexedFiles}`}`,
    tooltip: lines.join('\n'),
    command: 'structOps.selectProfile',
    background: info.error ? 'statusBarItem.warningBackground' : undefined,
  };
}

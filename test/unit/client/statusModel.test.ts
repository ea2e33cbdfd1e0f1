// The status bar: profile (kernel, libbpf, BTF source), indexing progress, server health; click
// selects the profile (or restarts a stopped server).

import { describe, expect, it } from 'vitest';
import { btfSourceLabel, statusView } from '../../../client/src/statusModel';
import type { ProfileInfo } from '../../../server/src/protocol';

const live: ProfileInfo = {
  loaded: true, description: 'kernel 6.18 / libbpf 1.7', kernel: '6.18', kernelSource: 'uname', libbpf: '1.7', btfSource: 'live',
  objects: [{ name: 'vmlinux', isModule: false, source: '/sys/kernel/btf/vmlinux' }], indexedFiles: 12, ready: true,
};

describe('status bar model', () => {
  it('shows kernel, libbpf and BTF source once indexed; click selects the profile', () => {
    const view = statusView('running', live);
    expect(view.text).toBe('$(check) struct_ops 6.18 · libbpf 1.7 · live');
    expect(view.command).toBe('structOps.selectProfile');
    expect(view.tooltip).toContain('Kernel 6.18 (running kernel)');
    expect(view.tooltip).toContain('Indexed 12 files');
  });

  it('shows indexing progress before the first index is done', () => {
    expect(statusView('running', { ...live, ready: false, indexedFiles: 3 }).text).toBe('$(sync~spin) struct_ops 6.18 · libbpf 1.7 · live · indexing 3');
  });

  it('names the bundled profile even when it is given as a BTF file', () => {
    const bundled = { ...live, btfSource: 'files' as const, kernelSource: 'default' as const, objects: [{ name: 'vmlinux', isModule: false, source: '/ext/resources/profiles/default-vmlinux.btf' }] };
    expect(btfSourceLabel(bundled)).toBe('bundled');
    expect(btfSourceLabel({ ...bundled, objects: [{ name: 'vmlinux', isModule: false, source: '/tmp/vmlinux' }] })).toBe('BTF files');
  });

  it('warns about a missing profile or a failed change, and reports a stopped or untrusted server', () => {
    const none = statusView('running', { loaded: false, description: 'no kernel profile: bad', objects: [], indexedFiles: 0, ready: true });
    expect(none.text).toBe('$(warning) struct_ops: no profile');
    expect(none.background).toBe('statusBarItem.warningBackground');
    expect(statusView('running', { ...live, error: 'cannot read /x' }).tooltip).toContain('Last profile change failed: cannot read /x');
    expect(statusView('stopped', undefined)).toMatchObject({ text: '$(error) struct_ops', command: 'structOps.restartServer' });
    expect(statusView('untrusted', undefined).command).toBe('workbench.trust.manage');
    expect(statusView('starting', undefined).text).toBe('$(sync~spin) struct_ops');
  });
});

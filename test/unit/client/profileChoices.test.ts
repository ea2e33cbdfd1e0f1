// Select Kernel Profile: the choices and the `structOps.*` settings each answer writes.

import { describe, expect, it } from 'vitest';
import { btfChoices, kernelChoices, libbpfChoices, settingsFor, validateKernelVersion } from '../../../client/src/profileChoices';

describe('profile choices', () => {
  it('offers live, files and bundled BTF', () => {
    expect(btfChoices.map((c) => c.value)).toEqual(['live', 'files', 'bundled']);
  });

  it('offers libbpf 1.1 to 1.7 plus newest, marking the current one', () => {
    const choices = libbpfChoices('1.4');
    expect(choices.map((c) => c.value)).toEqual(['', '1.1', '1.2', '1.3', '1.4', '1.5', '1.6', '1.7']);
    expect(choices.find((c) => c.value === '1.4')?.description).toBe('current');
  });

  it('offers the BTF version, kernel versions and Other…', () => {
    const choices = kernelChoices('');
    expect(choices[0]).toMatchObject({ value: '', description: 'current' });
    expect(choices.map((c) => c.value)).toContain('6.9');
    expect(choices[choices.length - 1].value).toBe('other');
    expect(validateKernelVersion('6.12')).toBeUndefined();
    expect(validateKernelVersion('6.12.3')).toBeUndefined();
    expect(validateKernelVersion('six')).toBeDefined();
  });

  it('writes the settings for each BTF source', () => {
    expect(settingsFor('live', ['/ignored'], '/ext/b.btf', '', '1.7')).toEqual({ 'kernel.btf': [], 'kernel.version': '', 'libbpf.version': '1.7' });
    expect(settingsFor('files', ['/t/vmlinux', '/t/m.ko'], '/ext/b.btf', '6.12', '')).toEqual({ 'kernel.btf': ['/t/vmlinux', '/t/m.ko'], 'kernel.version': '6.12', 'libbpf.version': '' });
    expect(settingsFor('bundled', [], '/ext/b.btf', '6.8', '1.3')['kernel.btf']).toEqual(['/ext/b.btf']);
  });
});

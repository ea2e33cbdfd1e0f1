// Kernel and libbpf version strings as users and uname write them, and their ordering.

import { describe, expect, it } from 'vitest';
import {
  compareVersions, isVersionError, parseKernelVersion, parseLibbpfVersion, type KernelVersion,
} from '../../../server/src/engine/kernel/version';

describe('kernel versions', () => {
  it.each([
    ['6.12', 6, 12, 0],
    ['6.12.117-amd64', 6, 12, 117],
    ['6.8.0-45-generic', 6, 8, 0],
    ['6.18.44-fc-v782', 6, 18, 44],
    ['v6.9', 6, 9, 0],
    [' 5.15.0 ', 5, 15, 0],
    ['7.0-rc3', 7, 0, 0],
  ])('%s', (text, major, minor, patch) => {
    expect(parseKernelVersion(text)).toMatchObject({ major, minor, patch, text: text.trim() });
  });

  it.each([
    ['', /invalid kernel version/],
    ['banana', /invalid kernel version "banana"/],
    ['6', /invalid/],
    ['6.x', /invalid/],
    ['3.10', /unknown kernel version "3.10"/],
    ['99.1', /unknown kernel version/],
    ['4.14', /BTF appeared in 4.18/],
  ])('rejects %j', (text, message) => {
    const v = parseKernelVersion(text);
    expect(isVersionError(v)).toBe(true);
    expect((v as { message: string }).message).toMatch(message);
  });

  it('orders by major, minor, then patch', () => {
    const v = (s: string) => parseKernelVersion(s) as KernelVersion;
    const sorted = ['6.12.117', '6.9', '5.15.3', '6.12', '7.0', '6.18.44'].map(v).sort(compareVersions).map((x) => x.text);
    expect(sorted).toEqual(['5.15.3', '6.9', '6.12', '6.12.117', '6.18.44', '7.0']);
    expect(compareVersions(v('6.12'), v('6.12.0-amd64'))).toBe(0);
  });
});

describe('libbpf versions', () => {
  it('accepts MAJOR.MINOR[.PATCH]', () => {
    expect(parseLibbpfVersion('1.4')).toEqual({ major: 1, minor: 4 });
    expect(parseLibbpfVersion('v1.7.0')).toEqual({ major: 1, minor: 7 });
    expect(parseLibbpfVersion('0.8')).toEqual({ major: 0, minor: 8 });
  });

  it('rejects malformed and unknown releases', () => {
    expect((parseLibbpfVersion('latest') as { message: string }).message).toMatch(/invalid libbpf version "latest"/);
    expect((parseLibbpfVersion('2.0') as { message: string }).message).toMatch(/unknown libbpf version/);
    expect(isVersionError(parseLibbpfVersion('1.4-rc1'))).toBe(true);
  });
});

// Kernel profiles: the running kernel's sysfs, a fake sysfs with modules in /proc/modules load
// order, explicit files (the split fixtures), the bundled fallback, version errors, and the
// (path, mtime, size) cache.

import { copyFileSync, mkdtempSync, mkdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BtfKind } from '../../../server/src/engine/btf';
import { silentLogger, type Logger } from '../../../server/src/engine/common/logger';
import { BtfFileCache, loadKernelProfile, type KernelProfile, type ProfileError } from '../../../server/src/engine/kernel/profile';
import { fixtureDir, missing, profilesDir } from '../btf/helpers';

const tmp = mkdtempSync(path.join(tmpdir(), 'profile-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function ok(p: KernelProfile | ProfileError): KernelProfile {
  if (!('objects' in p)) throw new Error(p.message);
  return p;
}

function bad(p: KernelProfile | ProfileError): ProfileError {
  expect('objects' in p).toBe(false);
  return p as ProfileError;
}

const logs: string[] = [];
const logger: Logger = { error: (m) => logs.push(m), warn: (m) => logs.push(m), info: (m) => logs.push(m), debug: () => undefined };

describe('running kernel', () => {
  it.skipIf(!!missing('vmlinux'))('reads /sys/kernel/btf with the uname version and libbpf 1.7', async () => {
    const p = ok(await loadKernelProfile({ bundledDir: profilesDir, logger: silentLogger }));
    expect(p.btfSource).toBe('live');
    expect(p.objects[0]).toMatchObject({ name: 'vmlinux', objectId: 1, isModule: false, source: '/sys/kernel/btf/vmlinux' });
    expect(p.vmlinux).toBe(p.objects[0]);
    expect(p.kernelVersionSource).toBe('uname');
    expect(p.libbpfVersion).toEqual({ major: 1, minor: 7 });
    expect(p.vmlinux?.spec.structOpsValueTypes().map((v) => v.typeName)).toContain('tcp_congestion_ops');
    expect(p.objects.slice(1).every((o) => o.isModule && o.spec.base === p.vmlinux?.spec)).toBe(true);
  });

  it('orders module BTF by load order (reverse /proc/modules) in a sysfs-like directory', async () => {
    const sysfs = path.join(tmp, 'sysfs');
    mkdirSync(sysfs);
    copyFileSync(path.join(fixtureDir, 'testmod.base.btf'), path.join(sysfs, 'vmlinux'));
    for (const m of ['alpha', 'beta', 'gamma']) copyFileSync(path.join(fixtureDir, 'testmod.btf'), path.join(sysfs, m));
    writeFileSync(path.join(sysfs, 'broken'), 'not btf');
    const procModules = path.join(tmp, 'modules');
    // Newest first: gamma was loaded before alpha, beta is not listed.
    writeFileSync(procModules, 'alpha 16384 0 - Live 0x0\ngamma 16384 0 - Live 0x0\n');
    logs.length = 0;
    const p = ok(await loadKernelProfile({ bundledDir: profilesDir, logger, sysfsDir: sysfs, procModules, kernelVersion: '6.12' }));
    expect(p.objects.map((o) => [o.name, o.objectId])).toEqual([['vmlinux', 1], ['gamma', 2], ['alpha', 3], ['beta', 4]]);
    expect(p.objects[2].spec.structOpsValueTypes()[0].typeName).toBe('testmod_ops');
    expect(logs.join('\n')).toMatch(/skipping module BTF .*broken/);
    expect(p.kernelVersion.text).toBe('6.12');
    expect(p.kernelVersionSource).toBe('user');
  });
});

describe('explicit files', () => {
  it('parses modules as split BTF on the first standalone file', async () => {
    const p = ok(await loadKernelProfile({
      btf: [path.join(fixtureDir, 'testmod.btf'), path.join(fixtureDir, 'testmod.base.btf')], bundledDir: profilesDir, logger: silentLogger,
    }));
    expect(p.btfSource).toBe('files');
    // A module listed before its base still parses: standalone files are tried as vmlinux first.
    expect(p.objects.map((o) => o.name)).toEqual(['vmlinux', 'testmod']);
    expect(p.objects[1].spec.findByNameKind('testmod_ops', BtfKind.Struct, { ownOnly: true })).toBeDefined();
    expect(p.kernelVersionSource).toBe('default');
  });

  it('reads a .ko as module BTF', async () => {
    const p = ok(await loadKernelProfile({ btf: [path.join(fixtureDir, 'testmod.base.btf'), path.join(fixtureDir, 'testmod.ko')], bundledDir: profilesDir, logger: silentLogger }));
    expect(p.objects[1]).toMatchObject({ name: 'testmod', isModule: true });
  });

  it('names the file and the cause when a module does not fit its base', async () => {
    // struct_ops.bpf.o is standalone BTF with far fewer types than testmod's real base.
    const e = bad(await loadKernelProfile({ btf: [path.join(fixtureDir, 'struct_ops.bpf.o'), path.join(fixtureDir, 'testmod.btf')], bundledDir: profilesDir, logger: silentLogger }));
    expect(e.code).toBe('btf');
    expect(e.path).toBe(path.join(fixtureDir, 'testmod.btf'));
    expect(e.message).toMatch(/(bad type ID|invalid name offset) .*parsed as module BTF on .*struct_ops\.bpf\.o/);
  });

  it('refuses module BTF alone', async () => {
    const e = bad(await loadKernelProfile({ btf: [path.join(fixtureDir, 'testmod.btf')], bundledDir: profilesDir, logger: silentLogger }));
    expect(e.message).toContain('did you forget to provide base BTF?');
  });

  it('reports missing files', async () => {
    expect(bad(await loadKernelProfile({ btf: ['/nonexistent/vmlinux'], bundledDir: profilesDir, logger: silentLogger })).code).toBe('io');
  });
});

describe('bundled fallback and versions', () => {
  it('uses the bundled profile when the running kernel has no BTF', async () => {
    const p = ok(await loadKernelProfile({ bundledDir: profilesDir, logger: silentLogger, sysfsDir: path.join(tmp, 'none') }));
    expect(p.btfSource).toBe('bundled');
    expect(p.kernelVersionSource).toBe('bundled');
    expect(p.kernelVersion.major).toBe(6);
    expect(p.description).toMatch(/bundled profile .* because cannot read/);
    expect(p.vmlinux?.spec.structOpsValueTypes().map((v) => v.typeName)).toContain('tcp_congestion_ops');
  });

  it('fails when neither the running kernel nor the bundled profile is readable', async () => {
    expect(bad(await loadKernelProfile({ bundledDir: path.join(tmp, 'none'), logger: silentLogger, sysfsDir: path.join(tmp, 'none') })).code).toBe('io');
  });

  it('reports bad versions without throwing', async () => {
    const k = bad(await loadKernelProfile({ kernelVersion: 'six', bundledDir: profilesDir, logger: silentLogger }));
    expect(k).toMatchObject({ code: 'bad-kernel-version' });
    expect(k.message).toContain('"six"');
    expect(bad(await loadKernelProfile({ libbpfVersion: '9.9', bundledDir: profilesDir, logger: silentLogger })).code).toBe('bad-libbpf-version');
    const p = ok(await loadKernelProfile({ libbpfVersion: '1.3', kernelVersion: '6.8', bundledDir: profilesDir, logger: silentLogger, sysfsDir: path.join(tmp, 'none') }));
    expect(p.libbpfVersion).toEqual({ major: 1, minor: 3 });
    expect(p.kernelVersion).toMatchObject({ major: 6, minor: 8 });
  });
});

describe('cache', () => {
  it('reuses a parse while (mtime, size) are unchanged and reparses after a change', async () => {
    const dir = path.join(tmp, 'cached');
    mkdirSync(dir);
    const file = path.join(dir, 'vmlinux');
    copyFileSync(path.join(fixtureDir, 'testmod.base.btf'), file);
    const cache = new BtfFileCache();
    const first = ok(await loadKernelProfile({ btf: [file], bundledDir: profilesDir, logger: silentLogger, cache }));
    const again = ok(await loadKernelProfile({ btf: [file], bundledDir: profilesDir, logger: silentLogger, cache }));
    expect(again.vmlinux?.spec).toBe(first.vmlinux?.spec);
    copyFileSync(path.join(profilesDir, 'default-vmlinux.btf'), file);
    utimesSync(file, new Date(), new Date(Date.now() + 5000));
    const changed = ok(await loadKernelProfile({ btf: [file], bundledDir: profilesDir, logger: silentLogger, cache }));
    expect(changed.vmlinux?.spec).not.toBe(first.vmlinux?.spec);
    expect(changed.vmlinux?.spec.structOpsValueTypes().length).toBeGreaterThan(0);
    expect(cache.size).toBe(1);
  });
});

// Kernel profiles: which BTF objects exist (vmlinux first, then modules), which kernel and
// libbpf versions to simulate. Sources: the running kernel's /sys/kernel/btf, explicit files
// (raw BTF, vmlinux/.ko ELF, directories of them), or the bundled struct_ops profile.

import { closeSync, openSync, readSync } from 'node:fs';
import { readFile, readdir, stat } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { BtfError, BtfSpec, isElf, parseAnyBtf, parseBtfFile } from '../btf';
import type { Logger } from '../common/logger';
import {
  DEFAULT_LIBBPF_VERSION, type KernelVersion, type LibbpfVersion, isVersionError, parseKernelVersion, parseLibbpfVersion,
} from './version';

export type { KernelVersion, LibbpfVersion } from './version';

export interface BtfObject {
  /** "vmlinux" or the module name. */
  name: string;
  /**
   * 1 for vmlinux, then 2, 3, ... for modules in load order. sysfs does not expose kernel BTF
   * object ids (only BPF_BTF_GET_NEXT_ID does, as root), so these are stand-ins whose order
   * matches the kernel's: module BTF ids grow with load order, which is the reverse of
   * /proc/modules. Modules missing from /proc/modules follow, by name.
   */
  objectId: number;
  isModule: boolean;
  spec: BtfSpec;
  /** The file it was read from. */
  source: string;
}

export interface KernelProfile {
  objects: BtfObject[] /* vmlinux first, then modules in load order */;
  vmlinux?: BtfObject;
  kernelVersion: KernelVersion;
  kernelVersionSource: 'user' | 'uname' | 'bundled' | 'default';
  libbpfVersion: LibbpfVersion /* {major, minor}; default 1.7 */;
  btfSource: 'live' | 'files' | 'bundled';
  description: string;
}

export type ProfileErrorCode = 'bad-kernel-version' | 'bad-libbpf-version' | 'btf' | 'io' | 'no-btf';

export interface ProfileError {
  readonly code: ProfileErrorCode;
  readonly message: string;
  /** The file concerned, if any. */
  readonly path?: string;
}

export interface ProfileOptions {
  /** Files or directories; empty/absent means the running kernel, then the bundled profile. */
  btf?: string[];
  kernelVersion?: string;
  libbpfVersion?: string;
  /** Directory holding default-vmlinux.btf and default.json. */
  bundledDir: string;
  logger: Logger;
  /** Defaults to /sys/kernel/btf; tests point it elsewhere. */
  sysfsDir?: string;
  /** Defaults to /proc/modules. */
  procModules?: string;
  /** Defaults to a cache shared by every call in this process. */
  cache?: BtfFileCache;
}

/**
 * Reads a whole file with synchronous reads into one buffer sized from stat. sysfs hands out BTF a
 * page per read call; doing those on the thread pool (fs.promises) costs a round trip per page.
 */
function readWhole(file: string, sizeHint: number): Buffer {
  const fd = openSync(file, 'r');
  try {
    // One byte past the expected size: the read that finds end-of-file must not grow (and copy) the buffer.
    let buffer = Buffer.allocUnsafe(Math.max(sizeHint + 1, 64 * 1024));
    let length = 0;
    for (;;) {
      if (length === buffer.length) {
        const grown = Buffer.allocUnsafe(buffer.length * 2);
        buffer.copy(grown, 0, 0, length);
        buffer = grown;
      }
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
    }
    return buffer.subarray(0, length);
  } finally {
    closeSync(fd);
  }
}

export const BUNDLED_BTF = 'default-vmlinux.btf';
export const BUNDLED_META = 'default.json';

/** What make-default-profile writes next to the bundled BTF. */
export interface BundledMeta {
  kernelVersion: string;
  source: string;
  generatedAt: string;
  generator: string;
}

interface CacheEntry {
  mtimeMs: number;
  size: number;
  /** The whole file; undefined for the running kernel's files, which parseBtfFile reads itself. */
  bytes?: Uint8Array;
  standalone?: BtfSpec | BtfError;
  split: WeakMap<BtfSpec, BtfSpec | BtfError>;
}

/**
 * Parsed BTF files keyed by path and validated by (mtime, size): reloading an unchanged file
 * costs one stat. Module specs are cached per base spec, as split BTF depends on it.
 */
export class BtfFileCache {
  private readonly entries = new Map<string, CacheEntry>();

  /** The file's bytes (cached while unchanged; not read for kernelSysfs), or a ProfileError. */
  async read(file: string, kernelSysfs = false): Promise<CacheEntry | ProfileError> {
    try {
      const st = await stat(file);
      const hit = this.entries.get(file);
      if (hit && hit.mtimeMs === st.mtimeMs && hit.size === st.size && (kernelSysfs || hit.bytes)) return hit;
      // A Buffer is a Uint8Array; the parsed spec keeps a view of it, no copy.
      const entry: CacheEntry = { mtimeMs: st.mtimeMs, size: st.size, bytes: kernelSysfs ? undefined : readWhole(file, st.size), split: new WeakMap() };
      this.entries.set(file, entry);
      return entry;
    } catch (e) {
      return { code: 'io', message: `cannot read ${file}: ${(e as Error).message}`, path: file };
    }
  }

  /**
   * Parses (or returns the cached parse of) a file, standalone or split on `base`. Files of the
   * running kernel (`kernelSysfs`) are parsed by parseBtfFile, which reads vmlinux a page at a time.
   */
  async parse(file: string, name: string, base?: BtfSpec, kernelSysfs = false): Promise<BtfSpec | BtfError | ProfileError> {
    const entry = await this.read(file, kernelSysfs);
    if ('code' in entry) return entry;
    const bytes = entry.bytes;
    const parse = () => (bytes ? parseAnyBtf(bytes, { name, base }) : parseBtfFile(file, { name, base, kernelSysfs }));
    if (!base) return (entry.standalone ??= parse());
    let spec = entry.split.get(base);
    if (!spec) {
      spec = parse();
      entry.split.set(base, spec);
    }
    return spec;
  }

  /** Number of files held. */
  get size(): number {
    return this.entries.size;
  }
}

const sharedCache = new BtfFileCache();

/**
 * Builds the profile to simulate against. Never throws: bad versions, unreadable or malformed
 * files become a ProfileError naming the problem. With no `btf` option it reads the running
 * kernel's /sys/kernel/btf, and falls back to the bundled profile when that is unreadable.
 */
export async function loadKernelProfile(options: ProfileOptions): Promise<KernelProfile | ProfileError> {
  try {
    return await load(options);
  } catch (e) {
    // Only a bug in this code gets here; report it as a profile problem rather than crash the caller.
    options.logger.error(`kernel profile: ${(e as Error).stack ?? e}`);
    return { code: 'io', message: `kernel profile: internal error: ${(e as Error).message}` };
  }
}

async function load(options: ProfileOptions): Promise<KernelProfile | ProfileError> {
  let userKernel: KernelVersion | undefined;
  if (options.kernelVersion !== undefined && options.kernelVersion.trim() !== '') {
    const v = parseKernelVersion(options.kernelVersion);
    if (isVersionError(v)) return { code: 'bad-kernel-version', message: v.message };
    userKernel = v;
  }
  let libbpf = DEFAULT_LIBBPF_VERSION;
  if (options.libbpfVersion !== undefined && options.libbpfVersion.trim() !== '') {
    const v = parseLibbpfVersion(options.libbpfVersion);
    if (isVersionError(v)) return { code: 'bad-libbpf-version', message: v.message };
    libbpf = v;
  }
  const cache = options.cache ?? sharedCache;
  const log = options.logger;

  let objects: BtfObject[] | ProfileError;
  let btfSource: KernelProfile['btfSource'];
  let what: string;
  if (options.btf && options.btf.length > 0) {
    objects = await fromFiles(options.btf, cache, log);
    btfSource = 'files';
    what = `BTF files ${options.btf.join(', ')}`;
  } else {
    const sysfs = options.sysfsDir ?? '/sys/kernel/btf';
    objects = await fromSysfs(sysfs, options.procModules ?? '/proc/modules', cache, log);
    btfSource = 'live';
    what = `running kernel (${sysfs})`;
    if ('code' in objects) {
      log.info(`kernel profile: ${objects.message}; using the bundled profile`);
      return fromBundled(options, cache, userKernel, libbpf, objects.message);
    }
  }
  if ('code' in objects) return objects;

  let kernelVersion: KernelVersion;
  let kernelVersionSource: KernelProfile['kernelVersionSource'];
  if (userKernel) {
    kernelVersion = userKernel;
    kernelVersionSource = 'user';
  } else if (btfSource === 'live') {
    const v = parseKernelVersion(os.release());
    if (isVersionError(v)) return { code: 'bad-kernel-version', message: `running kernel: ${v.message}; set the kernel version explicitly` };
    kernelVersion = v;
    kernelVersionSource = 'uname';
  } else {
    // BTF files do not say which kernel they come from; assume the bundled profile's kernel.
    const meta = await readBundledMeta(options.bundledDir);
    const v = parseKernelVersion(meta && !('code' in meta) ? meta.kernelVersion : os.release());
    if (isVersionError(v)) return { code: 'bad-kernel-version', message: `${v.message}; set the kernel version explicitly` };
    kernelVersion = v;
    kernelVersionSource = 'default';
  }
  const modules = objects.filter((o) => o.isModule).length;
  return {
    objects,
    vmlinux: objects.find((o) => !o.isModule),
    kernelVersion,
    kernelVersionSource,
    libbpfVersion: libbpf,
    btfSource,
    description: `${what}: vmlinux + ${modules} module${modules === 1 ? '' : 's'}, kernel ${kernelVersion.text} (${kernelVersionSource})`,
  };
}

/** vmlinux plus every module file of a sysfs-like directory, modules in load order. */
async function fromSysfs(dir: string, procModules: string, cache: BtfFileCache, log: Logger): Promise<BtfObject[] | ProfileError> {
  const vmlinuxPath = path.join(dir, 'vmlinux');
  const vmlinux = await cache.parse(vmlinuxPath, 'vmlinux', undefined, true);
  if (!(vmlinux instanceof BtfSpec)) return asProfileError(vmlinux, vmlinuxPath);
  const objects: BtfObject[] = [{ name: 'vmlinux', objectId: 1, isModule: false, spec: vmlinux, source: vmlinuxPath }];
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n !== 'vmlinux');
  } catch {
    names = [];
  }
  for (const name of await loadOrder(names, procModules)) {
    const file = path.join(dir, name);
    const spec = await cache.parse(file, name, vmlinux, true);
    if (!(spec instanceof BtfSpec)) {
      log.warn(`kernel profile: skipping module BTF ${file}: ${spec.message}`);
      continue;
    }
    objects.push({ name, objectId: objects.length + 1, isModule: true, spec, source: file });
  }
  return objects;
}

/** Module names ordered as loaded: /proc/modules lists the newest first. */
async function loadOrder(names: string[], procModules: string): Promise<string[]> {
  let listed: string[] = [];
  try {
    listed = (await readFile(procModules, 'utf8')).split('\n').map((l) => l.split(' ')[0]).filter(Boolean).reverse();
  } catch {
    listed = [];
  }
  const rank = new Map(listed.map((n, i) => [n, i]));
  return [...names].sort((a, b) => (rank.get(a) ?? Infinity) - (rank.get(b) ?? Infinity) || (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * Explicit sources in the order given; directories contribute their vmlinux first, then other
 * files by name. One standalone BTF is vmlinux; the rest are parsed as modules on it.
 */
/** A file of the running kernel's /sys/kernel/btf, also when named explicitly (see FileParseOptions.kernelSysfs). */
function isKernelSysfsFile(file: string): boolean {
  return path.resolve(file).startsWith('/sys/kernel/btf/');
}

async function fromFiles(entries: string[], cache: BtfFileCache, log: Logger): Promise<BtfObject[] | ProfileError> {
  const files: string[] = [];
  for (const entry of entries) {
    let isDir: boolean;
    try {
      isDir = (await stat(entry)).isDirectory();
    } catch (e) {
      return { code: 'io', message: `cannot read ${entry}: ${(e as Error).message}`, path: entry };
    }
    if (!isDir) {
      files.push(entry);
      continue;
    }
    const names = (await readdir(entry)).sort((a, b) => rankFile(a) - rankFile(b) || (a < b ? -1 : a > b ? 1 : 0));
    for (const n of names) {
      const file = path.join(entry, n);
      if (isKernelSysfsFile(file)) {
        files.push(file);
        continue;
      }
      const head = await cache.read(file);
      if ('code' in head || !head.bytes) continue; // subdirectories and unreadable entries
      if (isElf(head.bytes) || looksLikeBtf(head.bytes)) files.push(file);
      else log.debug(`kernel profile: ${file} is neither ELF nor BTF, skipped`);
    }
  }
  // The base is the first file that parses on its own, vmlinux-named files tried first; every
  // other file is module BTF on it. Split BTF records nothing about its base, so a module on
  // the wrong base is caught only when its ids or names fall outside (as with libbpf).
  files.sort((a, b) => rankFile(path.basename(a)) - rankFile(path.basename(b)));
  let baseFile: string | undefined;
  let base: BtfSpec | undefined;
  let firstError: ProfileError | undefined;
  for (const file of files) {
    const spec = await cache.parse(file, 'vmlinux', undefined, isKernelSysfsFile(file));
    if (spec instanceof BtfSpec) {
      baseFile = file;
      base = spec;
      break;
    }
    firstError ??= asProfileError(spec, file);
  }
  if (!base || !baseFile) return firstError ?? { code: 'no-btf', message: `no BTF found in ${entries.join(', ')}` };
  const objects: BtfObject[] = [{ name: 'vmlinux', objectId: 1, isModule: false, spec: base, source: baseFile }];
  for (const file of files) {
    if (file === baseFile) continue;
    const spec = await cache.parse(file, objectName(file), base, isKernelSysfsFile(file));
    if (!(spec instanceof BtfSpec)) return asProfileError(spec, file, ` (parsed as module BTF on ${baseFile})`);
    objects.push({ name: objectName(file), objectId: objects.length + 1, isModule: true, spec, source: file });
  }
  return objects;
}

async function fromBundled(options: ProfileOptions, cache: BtfFileCache, userKernel: KernelVersion | undefined, libbpf: LibbpfVersion, why: string): Promise<KernelProfile | ProfileError> {
  const file = path.join(options.bundledDir, BUNDLED_BTF);
  const spec = await cache.parse(file, 'vmlinux');
  if (!(spec instanceof BtfSpec)) return asProfileError(spec, file, ` (bundled profile; the running kernel had none: ${why})`);
  const meta = await readBundledMeta(options.bundledDir);
  if ('code' in meta) return meta;
  const bundledKernel = parseKernelVersion(meta.kernelVersion);
  if (isVersionError(bundledKernel)) return { code: 'bad-kernel-version', message: `${path.join(options.bundledDir, BUNDLED_META)}: ${bundledKernel.message}` };
  const kernelVersion = userKernel ?? bundledKernel;
  return {
    objects: [{ name: 'vmlinux', objectId: 1, isModule: false, spec, source: file }],
    vmlinux: { name: 'vmlinux', objectId: 1, isModule: false, spec, source: file },
    kernelVersion,
    kernelVersionSource: userKernel ? 'user' : 'bundled',
    libbpfVersion: libbpf,
    btfSource: 'bundled',
    description: `bundled profile (struct_ops types of Linux ${meta.kernelVersion}, no modules) because ${why}; kernel ${kernelVersion.text}`,
  };
}

async function readBundledMeta(dir: string): Promise<BundledMeta | ProfileError> {
  const file = path.join(dir, BUNDLED_META);
  try {
    const meta = JSON.parse(await readFile(file, 'utf8')) as Partial<BundledMeta>;
    if (typeof meta.kernelVersion !== 'string') return { code: 'io', message: `${file}: missing kernelVersion`, path: file };
    return meta as BundledMeta;
  } catch (e) {
    return { code: 'io', message: `cannot read ${file}: ${(e as Error).message}`, path: file };
  }
}

function asProfileError(e: BtfError | ProfileError, file: string, extra = ''): ProfileError {
  if (e instanceof BtfError) return { code: 'btf', message: `${file}: ${e.message}${extra}`, path: file };
  return e;
}

function rankFile(name: string): number {
  return name === 'vmlinux' || name.startsWith('vmlinux') ? 0 : 1;
}

function looksLikeBtf(bytes: Uint8Array): boolean {
  return bytes.byteLength >= 2 && ((bytes[0] === 0x9f && bytes[1] === 0xeb) || (bytes[0] === 0xeb && bytes[1] === 0x9f));
}

/** "tcp_bbr.ko" → "tcp_bbr", "/sys/kernel/btf/nf_tables" → "nf_tables". */
function objectName(file: string): string {
  return path.basename(file).replace(/\.ko(\.(xz|gz|zst))?$/, '').replace(/\.btf$/, '');
}

// The project configuration the CLI and the language server share: `.struct-ops.json`, or the
// `structOps` key of package.json, found in a folder or its ancestors. It names kernel profiles,
// include paths, defines and checks to ignore per path glob; paths resolve against its folder.

import { existsSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
// NOTE: the ESM build: the UMD `main` requires its parts through a factory argument, which esbuild
// cannot follow, so the bundle would miss them. https://github.com/microsoft/node-jsonc-parser/issues/57
import { parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser/lib/esm/main.js';
import picomatch from 'picomatch';
import { LineIndex, type Range } from '../common/location';
import { CheckId } from '../sim/checks';
import { ExtraCheckId, type AnyCheckId } from '../sim/trace';

export const projectConfigFileName = '.struct-ops.json';
/** The package.json key that holds the same object as `.struct-ops.json`. */
export const packageJsonConfigKey = 'structOps';
/** The profile name meaning "the running kernel" (the default without a profile); no config profile may take it. */
export const liveProfileName = 'live';

export interface ConfigProfile {
  readonly name: string;
  readonly description?: string;
  /** Absolute paths: folders, raw BTF or ELF files; empty: the running kernel. */
  readonly btf: readonly string[];
  readonly kernelVersion?: string;
  readonly libbpfVersion?: string;
}

export interface IgnoreRule {
  /** A glob relative to the config file's folder, `/`-separated. */
  readonly pattern: string;
  readonly checks: readonly AnyCheckId[];
}

export interface ProjectConfig {
  /** The file it was read from (`.struct-ops.json` or package.json), absolute. */
  readonly file: string;
  /** The folder relative paths and globs resolve against. */
  readonly dir: string;
  /** The profile used when none is chosen on the command line or in the settings. */
  readonly defaultProfile?: string;
  /** Sorted by name. */
  readonly profiles: readonly ConfigProfile[];
  readonly includeDirs: readonly string[];
  readonly defines: readonly (readonly [string, string])[];
  readonly ignore: readonly IgnoreRule[];
}

export interface ConfigProblem {
  readonly file: string;
  /** 0-based, in the config file's text. */
  readonly range: Range;
  readonly message: string;
}

/** A config on success; otherwise no config and at least one problem. */
export type ConfigReadResult = { readonly config: ProjectConfig; readonly problems: readonly [] } | { readonly config?: undefined; readonly problems: readonly ConfigProblem[] };

const knownChecks = new Set<string>([...Object.values(CheckId), ...Object.values(ExtraCheckId)]);
const profileNamePattern = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const identifierPattern = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Splits `NAME` or `NAME=VALUE` as `-D` does (`NAME` alone defines it as 1). */
export function splitDefine(define: string): [string, string] {
  const eq = define.indexOf('=');
  return eq < 0 ? [define, '1'] : [define.slice(0, eq), define.slice(eq + 1)];
}

class Reader {
  readonly problems: ConfigProblem[] = [];
  private readonly lines: LineIndex;

  constructor(
    readonly file: string,
    text: string,
  ) {
    this.lines = new LineIndex(text);
  }

  problem(at: { offset: number; length: number }, message: string): undefined {
    this.problems.push({ file: this.file, range: this.lines.rangeOf(at.offset, at.offset + at.length), message });
    return undefined;
  }

  string(node: Node, what: string): string | undefined {
    return node.type === 'string' ? (node.value as string) : this.problem(node, `${what} must be a string`);
  }

  strings(node: Node, what: string): { value: string; node: Node }[] | undefined {
    if (node.type !== 'array') return this.problem(node, `${what} must be an array of strings`);
    return (node.children ?? []).flatMap((child, i) => {
      const value = this.string(child, `${what}[${i}]`);
      return value === undefined ? [] : [{ value, node: child }];
    });
  }

  /** The object's properties by key; problems for a non-object and for keys not in `known`. */
  properties(node: Node, what: string, known: readonly string[]): Map<string, Node> | undefined {
    if (node.type !== 'object') return this.problem(node, `${what} must be an object`);
    const out = new Map<string, Node>();
    for (const property of node.children ?? []) {
      const [key, value] = property.children ?? [];
      if (!key || !value) continue;
      const name = key.value as string;
      if (known.length > 0 && !known.includes(name)) this.problem(key, `unknown key '${name}' in ${what} (expected ${known.join(', ')})`);
      else out.set(name, value);
    }
    return out;
  }
}

const topLevelKeys = ['$schema', 'profile', 'profiles', 'includePaths', 'defines', 'ignore'];
const profileKeys = ['description', 'btf', 'kernel', 'libbpf'];

function readProfile(reader: Reader, name: string, node: Node, dir: string): ConfigProfile | undefined {
  const props = reader.properties(node, `profile '${name}'`, profileKeys);
  if (!props) return undefined;
  const field = (key: string) => {
    const value = props.get(key);
    return value && reader.string(value, `profiles.${name}.${key}`);
  };
  const btfNode = props.get('btf');
  const btf = (btfNode ? (reader.strings(btfNode, `profiles.${name}.btf`) ?? []) : []).flatMap(({ value, node: at }) => {
    const full = path.resolve(dir, value);
    if (!existsSync(full)) {
      reader.problem(at, `profiles.${name}.btf: no such file or folder: ${value} (resolved against ${dir})`);
      return [];
    }
    return [full];
  });
  const description = field('description');
  const kernelVersion = field('kernel');
  const libbpfVersion = field('libbpf');
  return { name, btf, ...(description !== undefined ? { description } : {}), ...(kernelVersion !== undefined ? { kernelVersion } : {}), ...(libbpfVersion !== undefined ? { libbpfVersion } : {}) };
}

function readIgnore(reader: Reader, node: Node): IgnoreRule[] {
  const props = reader.properties(node, 'ignore', []);
  if (!props) return [];
  return [...props].flatMap(([pattern, value]) => {
    const checks = (reader.strings(value, `ignore['${pattern}']`) ?? []).flatMap(({ value: id, node: at }) => {
      if (knownChecks.has(id)) return [id as AnyCheckId];
      reader.problem(at, `ignore['${pattern}']: unknown check ID '${id}'`);
      return [];
    });
    return [{ pattern, checks }];
  });
}

/**
 * Reads a config object: the whole of `.struct-ops.json`, or the `structOps` value of a
 * package.json (`root` is then that value's node). Never throws; problems name the key.
 */
function readConfig(reader: Reader, root: Node): ProjectConfig | undefined {
  const dir = path.dirname(reader.file);
  const props = reader.properties(root, 'the configuration', topLevelKeys);
  if (!props) return undefined;
  const profiles: ConfigProfile[] = [];
  const profilesNode = props.get('profiles');
  const profileProps = profilesNode ? reader.properties(profilesNode, 'profiles', []) : undefined;
  for (const [name, value] of profileProps ?? []) {
    const keyNode = value.parent?.children?.[0] ?? value;
    if (name === liveProfileName) reader.problem(keyNode, `profile name '${liveProfileName}' is reserved for the running kernel`);
    else if (!profileNamePattern.test(name)) reader.problem(keyNode, `profile name '${name}' must be letters, digits, '.', '_' or '-'`);
    else {
      const profile = readProfile(reader, name, value, dir);
      if (profile) profiles.push(profile);
    }
  }
  profiles.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const profileNode = props.get('profile');
  const defaultProfile = profileNode && reader.string(profileNode, 'profile');
  if (profileNode && defaultProfile !== undefined && defaultProfile !== liveProfileName && !profileProps?.has(defaultProfile)) {
    reader.problem(profileNode, `profile '${defaultProfile}' is not defined in profiles`);
  }
  const includeNode = props.get('includePaths');
  const includeDirs = (includeNode ? (reader.strings(includeNode, 'includePaths') ?? []) : []).map(({ value }) => path.resolve(dir, value));
  const definesNode = props.get('defines');
  const defines = (definesNode ? (reader.strings(definesNode, 'defines') ?? []) : []).flatMap(({ value, node }) => {
    const define = splitDefine(value);
    if (identifierPattern.test(define[0])) return [define];
    reader.problem(node, `defines: '${define[0]}' is not a macro name (NAME or NAME=VALUE)`);
    return [];
  });
  const ignoreNode = props.get('ignore');
  const ignore = ignoreNode ? readIgnore(reader, ignoreNode) : [];
  return { file: reader.file, dir, ...(defaultProfile !== undefined ? { defaultProfile } : {}), profiles, includeDirs, defines, ignore };
}

function parse(reader: Reader, text: string): Node | undefined {
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false });
  for (const error of errors) reader.problem(error, `invalid JSON: ${printParseErrorCode(error.error)}`);
  return errors.length === 0 ? root : undefined;
}

/**
 * Parses a config file's text. For a package.json without a `structOps` key the result is
 * undefined (it configures nothing). Never throws: bad JSON, wrong types, unknown keys or
 * check IDs and missing BTF paths are problems with their range in the file.
 */
export function parseProjectConfig(file: string, text: string): ConfigReadResult | undefined {
  const reader = new Reader(file, text);
  const root = parse(reader, text);
  let configRoot = root;
  if (root && path.basename(file) === 'package.json') {
    const property = root.type === 'object' ? root.children?.find((p) => p.children?.[0]?.value === packageJsonConfigKey) : undefined;
    if (!property) return undefined;
    configRoot = property.children?.[1];
  }
  const config = configRoot && readConfig(reader, configRoot);
  return config && reader.problems.length === 0 ? { config, problems: [] } : { problems: reader.problems };
}

/** Whether a changed file may be a project config (`.struct-ops.json` or any package.json). */
export function isProjectConfigFile(file: string): boolean {
  const name = path.basename(file);
  return name === projectConfigFileName || name === 'package.json';
}

function hasConfigKey(packageJson: string): boolean {
  try {
    const value: unknown = JSON.parse(readFileSync(packageJson, 'utf8'));
    return typeof value === 'object' && value !== null && packageJsonConfigKey in value;
  } catch {
    // A package.json that does not parse configures nothing here; npm reports it elsewhere.
    return false;
  }
}

/**
 * The config file that applies to `start` (a file or folder): `.struct-ops.json` or a package.json
 * with a `structOps` key in its folder or the nearest ancestor, not above `stopAt` (a workspace
 * root) when given. In one folder `.struct-ops.json` wins. Undefined when there is none.
 */
export function findProjectConfig(start: string, stopAt?: string): string | undefined {
  let dir = path.resolve(start);
  if (!isDirectory(dir)) dir = path.dirname(dir);
  const stop = stopAt && path.resolve(stopAt);
  for (;;) {
    const own = path.join(dir, projectConfigFileName);
    if (existsSync(own)) return own;
    const packageJson = path.join(dir, 'package.json');
    if (existsSync(packageJson) && hasConfigKey(packageJson)) return packageJson;
    const parent = path.dirname(dir);
    if (dir === stop || parent === dir) return undefined;
    dir = parent;
  }
}

function isDirectory(p: string): boolean {
  return statSync(p, { throwIfNoEntry: false })?.isDirectory() ?? false;
}

/** Reads and parses a config file; an unreadable file is a problem, not an exception. */
export function readProjectConfig(file: string): ConfigReadResult | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    return { problems: [{ file, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, message: `cannot read: ${(error as Error).message}` }] };
  }
  return parseProjectConfig(file, text);
}

/** `file:line:col: message`, the line and column 1-based, the file through `rel`. */
export function formatConfigProblem(problem: ConfigProblem, rel: (file: string) => string = (f) => f): string {
  return `${rel(problem.file)}:${problem.range.start.line + 1}:${problem.range.start.character + 1}: ${problem.message}`;
}

/** Decides whether a finding's check is ignored at a file by the config's `ignore` globs. */
export function ignoreMatcher(config: ProjectConfig): (file: string, check: string) => boolean {
  const rules = config.ignore.map((rule) => ({ matches: picomatch(rule.pattern, { dot: true }), checks: new Set<string>(rule.checks) }));
  return (file, check) => {
    const relative = path.relative(config.dir, file);
    if (relative.startsWith('..') || path.isAbsolute(relative)) return false;
    const posix = relative.split(path.sep).join('/');
    return rules.some((rule) => rule.checks.has(check) && rule.matches(posix));
  };
}

// Module identity from Kbuild/Makefile text: `obj-m += x.o` makes module x (BTF object "x"),
// `x-y := a.o b.o` / `x-objs` list its objects, `obj-y` objects go into vmlinux. Maps each
// source file to the BTF object its types and registrations end up in.

import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Location } from '../common/location';
import { LineIndex } from '../common/location';

export interface KbuildObject {
  /** Module name (`x` for `obj-m += x.o`), or `vmlinux` for built-in objects. */
  readonly module: string;
  /** The source file this object is built from (absolute). */
  readonly source: string;
  readonly location: Location;
}

export interface KbuildFacts {
  readonly file: string;
  /** Modules declared here, with where. `conditional` for `obj-$(CONFIG_X)`: a module or built-in. */
  readonly modules: readonly { readonly name: string; readonly location: Location; readonly kind: 'module' | 'builtin' | 'conditional' }[];
  readonly objects: readonly KbuildObject[];
}

/** The file names Kbuild reads, and its fragments' extension. */
const KBUILD_FILE_NAMES = ['Kbuild', 'Makefile', 'Kbuild.include'];
const KBUILD_FRAGMENT_EXTENSION = '.kbuild';

/** The names isKbuildFile accepts, as globs (for ripgrep's file types). */
export const KBUILD_FILE_GLOBS = [...KBUILD_FILE_NAMES, `*${KBUILD_FRAGMENT_EXTENSION}`];

/** True for the file names Kbuild reads. */
export function isKbuildFile(file: string): boolean {
  const base = path.basename(file);
  return KBUILD_FILE_NAMES.includes(base) || base.endsWith(KBUILD_FRAGMENT_EXTENSION);
}

/** Parses one Kbuild/Makefile; never throws (lines it does not understand are ignored). */
export function parseKbuild(file: string, text: string): KbuildFacts {
  const lines = new LineIndex(text);
  const dir = path.dirname(file);
  const top: { name: string; start: number; end: number; kind: 'module' | 'builtin' | 'conditional' }[] = [];
  const parts = new Map<string, { obj: string; start: number; end: number }[]>();
  // Logical lines: join `\`-continued lines, keeping each word's offset.
  const logical = /^[ \t]*([A-Za-z0-9_.$()-]+)[ \t]*(\+=|:=|\?=|=)((?:[^\n\\]|\\\r?\n|\\.)*)$/gm;
  for (let m = logical.exec(text); m; m = logical.exec(text)) {
    const lhs = m[1];
    const valueStart = m.index + m[0].length - m[3].length;
    const words: { word: string; start: number; end: number }[] = [];
    const wordRe = /[^\s\\]+/g;
    for (let w = wordRe.exec(m[3]); w; w = wordRe.exec(m[3])) {
      if (w[0].startsWith('#')) break;
      words.push({ word: w[0], start: valueStart + w.index, end: valueStart + w.index + w[0].length });
    }
    const objMatch = /^obj-(m|y|\$\([A-Za-z0-9_]+\))$/.exec(lhs);
    if (objMatch) {
      const kind = objMatch[1] === 'm' ? 'module' : objMatch[1] === 'y' ? 'builtin' : 'conditional';
      for (const w of words) if (w.word.endsWith('.o')) top.push({ name: w.word.slice(0, -2), start: w.start, end: w.end, kind });
      continue;
    }
    const partMatch = /^(.+?)-(y|objs|\$\([A-Za-z0-9_]+\))$/.exec(lhs);
    if (partMatch) {
      const list = parts.get(partMatch[1]) ?? [];
      for (const w of words) if (w.word.endsWith('.o')) list.push({ obj: w.word, start: w.start, end: w.end });
      parts.set(partMatch[1], list);
    }
  }
  const loc = (start: number, end: number): Location => ({ file, range: lines.rangeOf(start, end) });
  const modules = top.map((t) => ({ name: path.basename(t.name), location: loc(t.start, t.end), kind: t.kind }));
  const objects: KbuildObject[] = [];
  for (const t of top) {
    const module = t.kind === 'builtin' ? 'vmlinux' : path.basename(t.name);
    const composite = parts.get(t.name);
    if (composite && composite.length > 0) {
      for (const p of composite) objects.push({ module, source: path.resolve(dir, p.obj.slice(0, -2) + '.c'), location: loc(p.start, p.end) });
    } else {
      objects.push({ module, source: path.resolve(dir, t.name + '.c'), location: loc(t.start, t.end) });
    }
  }
  return { file, modules, objects };
}

/** The Kbuild (else Makefile) of a directory that names objects, read from disk; undefined when neither does. */
export function readKbuildOfDir(dir: string): KbuildFacts | undefined {
  for (const name of ['Kbuild', 'Makefile']) {
    const file = path.join(dir, name);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    const facts = parseKbuild(file, text);
    if (facts.objects.length > 0) return facts;
  }
  return undefined;
}

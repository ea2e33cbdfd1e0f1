// Plain helpers for the trace view: virtual document URIs of the `struct-ops-trace:` scheme and the
// `file:line[:col]` references in trace and explanation text that become DocumentLinks.

export const traceScheme = 'struct-ops-trace';

export type TraceKind = 'trace' | 'mapCreation' | 'registration' | 'unload' | 'explain';

export interface TraceRef {
  readonly kind: TraceKind;
  /** File URI (trace, mapCreation), module name (registration, unload) or an explain id. */
  readonly target: string;
  readonly map?: string;
}

/** The virtual document path for a report: readable in the tab title, the target in the query. */
export function traceDocument(ref: TraceRef): { path: string; query: string } {
  // The file's stem only (`broken_cc`, not `broken_cc.bpf.c`): the tab must not read like the source's.
  const base = ref.kind === 'trace' || ref.kind === 'mapCreation' ? decodeURIComponent(ref.target.slice(ref.target.lastIndexOf('/') + 1)).replace(/(\.bpf)?\.[ch]$/, '') : ref.target;
  const suffix = { trace: 'trace', mapCreation: 'map-creation', registration: 'registration', unload: 'unload', explain: 'explanation' }[ref.kind];
  const query = new URLSearchParams({ kind: ref.kind, target: ref.target, ...(ref.map ? { map: ref.map } : {}) }).toString();
  return { path: `/${ref.map ?? base}.${suffix}`, query };
}

export function parseTraceQuery(query: string): TraceRef | undefined {
  const params = new URLSearchParams(query);
  const kind = params.get('kind') as TraceKind | null;
  const target = params.get('target');
  if (!kind || !target || !['trace', 'mapCreation', 'registration', 'unload', 'explain'].includes(kind)) return undefined;
  return { kind, target, map: params.get('map') ?? undefined };
}

export interface TextLink {
  readonly line: number;
  readonly start: number;
  readonly end: number;
  /** As written: relative to the report's root, or absolute. */
  readonly file: string;
  /** 1-based, as written. */
  readonly targetLine: number;
  readonly targetColumn?: number;
}

/** `path/to/x.bpf.c:12:3` and `x.h:7` references (C sources only), in text order. */
export function findLinks(text: string): TextLink[] {
  const links: TextLink[] = [];
  const lines = text.split('\n');
  const re = /(?:^|[\s(])((?:[\w.~-]*\/)*[\w.+-]+\.[ch]):(\d+)(?::(\d+))?/g;
  lines.forEach((content, line) => {
    re.lastIndex = 0;
    for (let m = re.exec(content); m; m = re.exec(content)) {
      const start = m.index + m[0].indexOf(m[1]);
      const end = start + m[1].length + 1 + m[2].length + (m[3] ? 1 + m[3].length : 0);
      links.push({ line, start, end, file: m[1], targetLine: Number(m[2]), targetColumn: m[3] ? Number(m[3]) : undefined });
    }
  });
  return links;
}

/** Absolute path of a link target: absolute paths as they are, others joined to `root`. */
export function resolveLinkPath(file: string, root: string | undefined): string | undefined {
  if (file.startsWith('/')) return file;
  if (!root) return undefined;
  return `${root.replace(/\/$/, '')}/${file}`;
}

export interface DocLink {
  readonly line: number;
  readonly start: number;
  readonly end: number;
  /** Check ID, e.g. `LIB-12`. */
  readonly id: string;
}

/** `docs/checks/<ID>.md` references (explanations), resolved against the extension's own docs. */
export function findDocLinks(text: string): DocLink[] {
  const links: DocLink[] = [];
  text.split('\n').forEach((content, line) => {
    const re = /docs\/checks\/([A-Z]+-L?\d+)\.md/g;
    for (let m = re.exec(content); m; m = re.exec(content)) links.push({ line, start: m.index, end: m.index + m[0].length, id: m[1] });
  });
  return links;
}

// Handlers of the client's custom requests (protocol.ts, issue #7): the active profile, the Types
// view, simulation traces as text (load, map creation, registration, unload) and the log explainer.
// Each handler catches its own errors and answers with a report that says what went wrong.

import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Connection } from 'vscode-languageserver';
import {
  describeProfile, explainLog, formatExplanation, formatModuleTrace, formatTrace, kernelOpsInfo, outcomeText, traceFindings,
  type FileFacts, type KernelProfile, type Logger, type ModuleTrace, type ObjectTrace, type StructOpsEngine, type UnloadTrace,
} from '../engine';
import {
  explainLogRequest, mapCreationRequest, profileRequest, registrationRequest, traceRequest, typesRequest, unloadRequest,
  type ProfileInfo, type TextReport, type TypeGroup, type TypeInfo, type TypesData,
} from '../protocol';

export interface ClientRequestContext {
  readonly engine: StructOpsEngine;
  readonly folders: () => readonly string[];
  /** True once the first index is done. */
  readonly ready: () => boolean;
  readonly logger: Logger;
}

export function relativeTo(folders: readonly string[]): { root?: string; rel: (file: string) => string } {
  const root = folders[0];
  return {
    root,
    rel: (file) => {
      for (const folder of folders) {
        const r = path.relative(folder, file);
        if (!r.startsWith('..') && !path.isAbsolute(r)) return folders.length > 1 && folder !== root ? file : r;
      }
      return file;
    },
  };
}

export function profileInfo(engine: StructOpsEngine, ready: boolean): ProfileInfo {
  const profile = engine.profile;
  const error = engine.profileError?.message;
  const indexedFiles = engine.allFacts().length;
  if (!profile) return { loaded: false, description: error ? `no kernel profile: ${error}` : 'no kernel profile yet', objects: [], error, indexedFiles, ready };
  return {
    loaded: true,
    description: describeProfile(profile),
    kernel: profile.kernelVersion.text,
    kernelSource: profile.kernelVersionSource,
    libbpf: `${profile.libbpfVersion.major}.${profile.libbpfVersion.minor}`,
    btfSource: profile.btfSource,
    objects: profile.objects.map((o) => ({ name: o.name, isModule: o.isModule, source: o.source })),
    error,
    indexedFiles,
    ready,
  };
}

const btfGroups = new WeakMap<KernelProfile, TypeGroup[]>();

/** struct_ops types (value type bpf_struct_ops_<T> present) of every BTF object of the profile. */
function profileGroups(profile: KernelProfile): TypeGroup[] {
  const cached = btfGroups.get(profile);
  if (cached) return cached;
  const groups = profile.objects.map((object): TypeGroup => {
    const types = object.spec
      .structOpsValueTypes()
      .map((v) => v.typeName)
      .sort()
      .map((name): TypeInfo => {
        const info = kernelOpsInfo(profile, name);
        if (!info) return { name, registered: true, members: [] };
        return {
          name,
          registered: info.registered,
          size: info.size,
          members: info.members.map((m) => ({
            name: m.name, index: m.index, prototype: m.prototype, isFunctionPointer: m.isFunctionPointer,
            required: m.required, unsupported: m.unsupported, sleepableAllowed: m.sleepableAllowed,
          })),
        };
      });
    return { name: object.name, origin: object.isModule ? 'module' : 'vmlinux', source: object.source, types };
  });
  btfGroups.set(profile, groups);
  return groups;
}

/** Kernel-side sources of the workspace: one group per file with descriptors or registrations. */
function workspaceGroups(facts: readonly FileFacts[]): TypeGroup[] {
  const structs = new Map<string, { def: FileFacts['typeDefinitions'][number]; file: string }>();
  for (const f of facts) {
    for (const def of f.typeDefinitions) if (def.kind === 'struct' && def.members.length > 0 && !structs.has(def.name)) structs.set(def.name, { def, file: f.file });
  }
  const groups: TypeGroup[] = [];
  for (const f of facts) {
    if (f.registrations.length === 0 && f.descriptors.length === 0 && f.legacyTypes.length === 0) continue;
    const names = new Set<string>();
    for (const r of f.registrations) if (r.typeName) names.add(r.typeName);
    for (const d of f.descriptors) {
      const name = d.fields.find((m) => m.name === 'name');
      if (name?.value.kind === 'string') names.add(name.value.value);
    }
    for (const l of f.legacyTypes) names.add(l.name);
    const types = [...names].sort().map((name): TypeInfo => {
      const found = structs.get(name);
      if (!found) return { name, registered: f.registrations.some((r) => r.typeName === name), members: [] };
      const uri = pathToFileURL(found.file).toString();
      return {
        name,
        registered: f.registrations.some((r) => r.typeName === name) || f.legacyTypes.some((l) => l.name === name),
        uri,
        range: found.def.nameLocation.range,
        members: found.def.members.map((m, index) => ({
          name: m.name, index, prototype: m.text.trim().replace(/;$/, ''), isFunctionPointer: m.type.kind === 'pointer' && m.type.to.kind === 'function',
          required: false, uri, range: m.location.range,
        })),
      };
    });
    const stem = path.basename(f.file).replace(/\.[ch]$/, '');
    groups.push({ name: stem, origin: 'workspace', source: f.file, types });
  }
  return groups;
}

export function typesData(engine: StructOpsEngine): TypesData {
  const profile = engine.profile;
  const groups = [...(profile ? profileGroups(profile) : []), ...workspaceGroups(engine.allFacts())];
  return {
    profile: profile ? describeProfile(profile) : 'no kernel profile',
    groups,
    modules: engine.moduleNames(),
  };
}


function notFound(uri: string): TextReport {
  return { ok: false, title: 'struct_ops trace', text: `No struct_ops object is built from ${uri}: open a BPF source with SEC(".struct_ops") maps or SEC("struct_ops/...") programs.\n` };
}

function fileOf(uri: string): string | undefined {
  try {
    return uri.startsWith('file:') ? fileURLToPath(uri) : undefined;
  } catch {
    return undefined;
  }
}

function traceReport(ctx: ClientRequestContext, uri: string, map?: string): TextReport {
  const file = fileOf(uri);
  if (!file) return notFound(uri);
  if (!ctx.engine.profile) return { ok: false, title: 'struct_ops trace', text: `No kernel profile is loaded${ctx.engine.profileError ? `: ${ctx.engine.profileError.message}` : ''}. Run "struct_ops: Select Kernel Profile".\n` };
  const trace = ctx.engine.simulate(file);
  if (!trace) return notFound(uri);
  const { root, rel } = relativeTo(ctx.folders());
  const header = map ? `map ${map}: ${mapVerdict(trace, map)}\n\n` : '';
  return { ok: trace.outcome.ok, title: `Trace: ${path.basename(file)}`, text: header + formatTrace(trace, rel), root };
}

function mapVerdict(trace: ObjectTrace, map: string): string {
  const failure = traceFindings(trace).find((f) => f.severity === 'error' && f.message.includes(map));
  return failure ? `${failure.check} at ${failure.phase}: ${failure.message}` : `no error names this map; object ${outcomeText(trace)}`;
}

const creationPhases = new Set(['build', 'open', 'load', 'map_create']);

function mapCreationReport(ctx: ClientRequestContext, uri: string): TextReport {
  const full = traceReport(ctx, uri);
  const file = fileOf(uri);
  const trace = file && ctx.engine.profile ? ctx.engine.simulate(file) : undefined;
  if (!trace) return full;
  const steps = trace.steps.filter((s) => creationPhases.has(s.phase));
  const failure = steps.flatMap((s) => s.findings).find((f) => f.severity === 'error');
  const partial: ObjectTrace = {
    ...trace,
    steps,
    outcome: failure ? { ok: false, phase: failure.phase, errno: failure.errno, check: failure.check, message: failure.message, crash: failure.crash } : { ok: true },
  };
  const { root, rel } = relativeTo(ctx.folders());
  const verdict = failure ? 'BPF_MAP_CREATE is not reached or fails' : 'every struct_ops map is created (BPF_MAP_CREATE succeeds)';
  return { ok: !failure, title: `Map creation: ${path.basename(trace.file)}`, text: `Simulated up to BPF_MAP_CREATE: ${verdict}.\n\n${formatTrace(partial, rel)}`, root };
}

function moduleReport(ctx: ClientRequestContext, module: string, what: string, simulate: (module: string) => ModuleTrace | UnloadTrace | undefined): TextReport {
  const title = `${what}: ${module}`;
  const { root, rel } = relativeTo(ctx.folders());
  const trace = simulate(module);
  if (trace === undefined) {
    const known = ctx.engine.moduleNames();
    const hint = known.length > 0 ? `Workspace modules: ${known.join(', ')}.` : 'No kernel module sources (register_bpf_struct_ops, struct bpf_struct_ops descriptors) were found in the workspace.';
    return { ok: false, title, text: `${what}: '${module}' is not a kernel module whose sources are in the workspace${ctx.engine.profile ? '' : ' (no kernel profile is loaded)'}. ${hint}\n`, root };
  }
  return { ok: trace.outcome.ok, title, text: formatModuleTrace(trace, rel), root };
}

function explainReport(ctx: ClientRequestContext, text: string): TextReport {
  const { root, rel } = relativeTo(ctx.folders());
  const explanation = explainLog(text, { facts: ctx.engine.allFacts() });
  return { ok: explanation.lines.length > 0, title: 'Explain log', text: formatExplanation(explanation, rel), root };
}

function guarded<P, R>(ctx: ClientRequestContext, what: string, handler: (params: P) => R, fallback: (message: string) => R): (params: P) => R {
  return (params) => {
    try {
      return handler(params);
    } catch (error) {
      ctx.logger.error(`${what} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      return fallback(error instanceof Error ? error.message : String(error));
    }
  };
}

const failedReport = (title: string) => (message: string): TextReport => ({ ok: false, title, text: `The server failed: ${message}\n` });

export function registerClientRequests(connection: Connection, ctx: ClientRequestContext): void {
  connection.onRequest(profileRequest, guarded(ctx, 'profile request', () => profileInfo(ctx.engine, ctx.ready()), (m) => ({ loaded: false, description: m, objects: [], indexedFiles: 0, ready: false })));
  connection.onRequest(typesRequest, guarded(ctx, 'types request', () => typesData(ctx.engine), () => ({ profile: 'error', groups: [] })));
  connection.onRequest(traceRequest, guarded(ctx, 'trace request', (p) => traceReport(ctx, p.uri, p.map), failedReport('struct_ops trace')));
  connection.onRequest(mapCreationRequest, guarded(ctx, 'map creation request', (p) => mapCreationReport(ctx, p.uri), failedReport('Map creation')));
  connection.onRequest(registrationRequest, guarded(ctx, 'registration request', (p) => moduleReport(ctx, p.module, 'Registration simulation', (m) => ctx.engine.simulateRegistration(m)), failedReport('Registration')));
  connection.onRequest(unloadRequest, guarded(ctx, 'unload request', (p) => moduleReport(ctx, p.module, 'Module unload simulation', (m) => ctx.engine.simulateUnload(m)), failedReport('Unload')));
  connection.onRequest(explainLogRequest, guarded(ctx, 'explain request', (p) => explainReport(ctx, p.text), failedReport('Explain log')));
}

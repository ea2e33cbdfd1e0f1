// Runs the phases for one BPF object in the order `bpftool struct_ops register` drives libbpf:
// build → open → load (init_kern) → map_create → prog_load → attach. A failing phase stops the
// phases after it, as the real loader would; every finding of the phases that ran is kept.

import type { KernelProfile } from '../kernel/profile';
import { lintObject } from './lint';
import { simulateLoad, type LoadedMap } from './load';
import { simulateAttach, type RegisteredNames } from './mapUpdate';
import type { BpfObjectInput } from './objectModel';
import { simulateOpen } from './open';
import { simulateProgLoad } from './verify';
import type { Finding, LoaderOptions, ObjectTrace, SimulationOutcome, Step } from './trace';
import { formatVersion } from './versions';

export function describeProfile(profile: KernelProfile): string {
  return `kernel ${profile.kernelVersion.text} / libbpf ${formatVersion(profile.libbpfVersion)}`;
}

const step = (phase: Step['phase'], action: string, findings: Finding[]): Step => ({
  phase,
  action,
  outcome: findings.some((f) => f.severity === 'error') ? 'failed' : 'ok',
  findings,
});

const skipped = (phase: Step['phase'], action: string): Step => ({ phase, action, outcome: 'skipped', findings: [] });

function outcomeOf(steps: readonly Step[]): SimulationOutcome {
  for (const s of steps) {
    const failure = s.findings.find((f) => f.severity === 'error');
    if (failure) return { ok: false, phase: failure.phase, errno: failure.errno, check: failure.check, message: failure.message, crash: failure.crash };
  }
  return { ok: true };
}

/** What callers add to an object's simulation: workspace module types (sim/register.ts ModuleRegistry). */
export interface SimulationHooks {
  /** Steps shown before the object's own, e.g. which workspace modules the profile holds. */
  readonly preamble?: readonly Step[];
  /** Extra BPF_MAP_CREATE findings for one map (MAP-09 for an unregistered workspace type). */
  readonly mapCreate?: (map: LoadedMap) => Finding[];
  /** Extra BPF_PROG_LOAD findings (PRG-11 for workspace types); `already` holds the generic ones. */
  readonly progLoad?: (maps: readonly LoadedMap[], already: readonly Finding[]) => Finding[];
  /** The BPF_MAP_UPDATE_ELEM findings given the generic ones (workspace types: what their init_member consumes). */
  readonly mapUpdate?: (maps: readonly LoadedMap[], generic: readonly Finding[]) => Finding[];
}

/**
 * Simulates open, load and attach of one BPF object against a kernel profile, then lints it
 * (sim/lint.ts: a last `lint` step, present only when it has warnings; never part of the outcome).
 */
export function simulateObject(
  input: BpfObjectInput,
  profile: KernelProfile,
  registeredNames: RegisteredNames = () => undefined,
  loader: LoaderOptions = {},
  hooks: SimulationHooks = {},
): ObjectTrace {
  const steps = phaseSteps(input, profile, registeredNames, loader, hooks);
  const lint = lintObject(input, profile);
  if (lint.length > 0) steps.push({ phase: 'lint', action: 'lint: not kernel or libbpf rules (LINT-01..04)', outcome: 'ok', findings: lint });
  return { file: input.file, profile: describeProfile(profile), steps, outcome: outcomeOf(steps) };
}

/** The steps of every phase that runs; a failing phase stops the phases after it. */
function phaseSteps(input: BpfObjectInput, profile: KernelProfile, registeredNames: RegisteredNames, loader: LoaderOptions, hooks: SimulationHooks): Step[] {
  const libbpf = profile.libbpfVersion;
  const open = simulateOpen(input, libbpf);
  const steps: Step[] = [...(hooks.preamble ?? [])];
  const buildFindings = open.findings.filter((f) => f.phase === 'build');
  const openFindings = open.findings.filter((f) => f.phase !== 'build');
  const load = simulateLoad(input, profile, open.maps, loader);
  buildFindings.push(...load.findings.filter((f) => f.phase === 'build'));
  steps.push(step('build', 'clang -O2 -g --target=bpf', buildFindings));
  steps.push(step('open', 'bpf_object__open: sections, programs, struct_ops relocations', openFindings));
  const blocked = buildFindings.length > 0 || open.failed;
  if (blocked) {
    steps.push(skipped('load', 'bpf_object__load: init_kern_struct_ops_maps'));
    return steps;
  }
  const loadStep = step('load', 'bpf_object__load: init_kern_struct_ops_maps', load.findings.filter((f) => f.phase !== 'build'));
  steps.push(loadStep);
  if (loadStep.outcome === 'failed') {
    return steps;
  }
  for (const map of load.maps) {
    // LIB-22: a module type adds BPF_F_VTYPE_BTF_OBJ_FD (0x8000; 0xa000 with BPF_F_LINK, observed 6.12.117 / libbpf 1.5), libbpf 1.4+ on kernel 6.9+.
    const viaModule = map.kernel.object.isModule ? `, BPF_F_VTYPE_BTF_OBJ_FD with ${map.kernel.object.name}'s BTF fd (map_flags 0x${(map.link ? 0xa000 : 0x8000).toString(16)}), value_type_btf_obj_fd since libbpf 1.4 and Linux 6.9` : '';
    steps.push(step('map_create', `BPF_MAP_CREATE ${map.map.name}: value bpf_struct_ops_${map.kernel.typeName} [${map.kernel.valueId}] from ${map.kernel.object.name}${viaModule}; lookup: ${map.kernel.rule}`, hooks.mapCreate?.(map) ?? []));
  }
  if (steps.some((s) => s.phase === 'map_create' && s.outcome === 'failed')) {
    return steps;
  }
  const generic = simulateProgLoad(input, profile, load.maps, loader);
  const progLoad = step('prog_load', 'BPF_PROG_LOAD for every autoloaded program', [...generic, ...(hooks.progLoad?.(load.maps, generic) ?? [])]);
  steps.push(progLoad);
  if (progLoad.outcome === 'failed') {
    return steps;
  }
  const attach = simulateAttach(input, profile, load.maps, registeredNames);
  const updates = attach.filter((f) => f.phase === 'map_update');
  steps.push(step('map_update', 'bpf_map__attach_struct_ops: BPF_MAP_UPDATE_ELEM for each map', hooks.mapUpdate ? hooks.mapUpdate(load.maps, updates) : updates));
  const links = attach.filter((f) => f.phase === 'link_create');
  if (links.length > 0 || load.maps.some((m) => m.link)) steps.push(step('link_create', 'BPF_LINK_CREATE for each BPF_F_LINK map', links));
  return steps;
}

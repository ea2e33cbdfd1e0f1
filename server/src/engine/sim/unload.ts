// Phase `module_unload`: `rmmod` of a workspace module while the workspace's BPF objects use its
// struct_ops types (delete_module → try_stop_module; kernel/module/main.c, bpf_struct_ops.c map
// free, 6.9-6.12): MOD-01 (maps pin the module), MOD-02 (programs pin only its BTF), MOD-04 (a
// stale module BTF fd after unload), MOD-06 (plain maps outlive their loader), MOD-07 (no .owner).

import type { FileFacts, StructOpsMap } from '../c/facts';
import { Errno } from '../common/errno';
import type { Location } from '../common/location';
import type { KernelProfile } from '../kernel/profile';
import { isWorkspaceObject, type WorkspaceModule } from '../kernel/workspaceModules';
import { CheckId } from './checks';
import { findKernelOpsType, isLookupError } from './kernelTypes';
import { classifyMapSection, structOpsMaps } from './objectModel';
import type { ModuleTrace } from './register';
import { describeProfile } from './simulate';
import type { Finding, ObjectTrace, SimulationOutcome, Step } from './trace';
import { atLeast } from './versions';

/** Who still holds the BPF objects' fds and links when `rmmod` runs. */
export interface UnloadScenario {
  /**
   * `running` (default): the loader is still running and holds every map fd and link.
   * `exited`: it has exited (bpftool struct_ops register without a pin): link maps are gone with
   * their links, plain `.struct_ops` maps stay registered (MOD-06).
   */
  readonly loader?: 'running' | 'exited';
}

/** One BPF object of the workspace and its simulation on the same (extended) profile. */
export interface UnloadObject {
  readonly facts: FileFacts;
  readonly trace: ObjectTrace;
}

export interface UnloadTrace {
  readonly module: string;
  readonly profile: string;
  readonly steps: readonly Step[];
  /** rmmod's result. */
  readonly outcome: SimulationOutcome;
  readonly notes: readonly string[];
}

interface ModuleMap {
  readonly facts: FileFacts;
  readonly map: StructOpsMap;
  readonly typeName: string;
  readonly link: boolean;
  readonly created: boolean;
  /** Its programs were loaded (the object got past prog_load). */
  readonly programsLoaded: boolean;
  /** Attached (map update / link create succeeded). */
  readonly attached: boolean;
}

function phaseOk(trace: ObjectTrace, phase: Step['phase'], prefix?: string): boolean {
  return trace.steps.some((s) => s.phase === phase && s.outcome === 'ok' && (prefix === undefined || s.action.startsWith(prefix)));
}

/** Maps of the BPF objects whose kernel type libbpf finds in `module`'s BTF on `profile`. */
function mapsOfModule(module: WorkspaceModule, profile: KernelProfile, objects: readonly UnloadObject[]): ModuleMap[] {
  const out: ModuleMap[] = [];
  for (const { facts, trace } of objects) {
    for (const map of structOpsMaps(facts)) {
      const kernel = findKernelOpsType(profile, map.typeName);
      if (isLookupError(kernel) || !isWorkspaceObject(kernel.object) || kernel.object.workspace.name !== module.name) continue;
      const section = classifyMapSection(map.section, profile.libbpfVersion);
      if (section.optional || !section.known) continue;
      const created = phaseOk(trace, 'map_create', `BPF_MAP_CREATE ${map.name}:`);
      out.push({
        facts, map, typeName: kernel.typeName, link: section.link, created,
        programsLoaded: created && phaseOk(trace, 'prog_load'),
        attached: created && trace.outcome.ok,
      });
    }
  }
  return out;
}

const finding = (check: CheckId, severity: Finding['severity'], errno: number | undefined, message: string, location: Location, explanation: string, extra: Partial<Finding> = {}): Finding => ({
  check, severity, phase: 'module_unload', errno, message, channel: 'none', location, related: [], explanation, ...extra,
});

/**
 * Simulates `rmmod <module>` with the workspace's BPF objects in the state `scenario` describes,
 * then what a loader meets after a successful unload. `registration` is the module's register
 * trace on the same profile. Never throws.
 */
export function simulateUnload(module: WorkspaceModule, profile: KernelProfile, registration: ModuleTrace | undefined, objects: readonly UnloadObject[], scenario: UnloadScenario = {}): UnloadTrace {
  const loader = scenario.loader ?? 'running';
  const steps: Step[] = [];
  const notes = [
    loader === 'running' ? 'the loaders of the workspace BPF objects are still running (they hold their map fds and links)' : 'the loaders have exited without pinning anything',
    'CONFIG_MODULE_FORCE_UNLOAD not used (rmmod without -f)',
  ];
  const where = module.kbuild ?? registration?.steps.flatMap((s) => s.findings)[0]?.location ?? { file: module.sources[0].file, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } };
  const maps = mapsOfModule(module, profile, objects);

  // MOD-07: descriptors without .owner: nothing ever pins the module.
  const pre: Finding[] = [];
  for (const { item: d } of module.descriptors) {
    const owner = d.fields.find((f) => f.name === 'owner');
    const isNull = !owner || owner.value.kind === 'null' || (owner.value.kind === 'integer' && owner.value.value === 0n);
    if (!isNull) continue;
    pre.push(finding(CheckId['MOD-07'], 'warning', undefined, '', owner?.location ?? d.nameLocation,
      `\`${d.varName}\` has no \`.owner = THIS_MODULE\`: maps of its type take no module reference, so rmmod succeeds while they still call the module's reg/unreg/ops code — a use-after-free once the module's memory is gone.`,
      { rule: 'REG-23: without .owner the desc lives in vmlinux BTF and pins nothing' }));
  }

  // MOD-01 / MOD-06: which maps still exist at rmmod.
  const findings: Finding[] = [...pre];
  const holding: ModuleMap[] = [];
  for (const m of maps) {
    if (!m.created) continue;
    if (!m.link && m.attached) {
      findings.push(finding(CheckId['MOD-06'], 'warning', undefined, '', m.map.sectionLocation,
        `\`${m.map.name}\` is a plain \`.struct_ops\` map: once attached it holds a reference on itself, so it stays registered after its loader exits and keeps ${module.name} pinned until someone runs \`bpftool struct_ops unregister name ${m.map.name}\` (or deletes the element). Use \`SEC(".struct_ops.link")\` to tie the registration to a link.`));
    }
    const alive = loader === 'running' || (!m.link && m.attached);
    if (alive) holding.push(m);
  }
  const hasOwner = module.descriptors.some((d) => d.item.fields.some((f) => f.name === 'owner' && f.value.kind !== 'null'));
  if (holding.length > 0 && hasOwner) {
    const first = holding[0];
    findings.push(finding(CheckId['MOD-01'], 'error', Errno.EAGAIN, `rmmod: ERROR: Module ${module.name} is in use`, where,
      `${holding.length} struct_ops map${holding.length === 1 ? '' : 's'} of ${module.name}'s types exist (${holding.map((h) => h.map.name).join(', ')}): a map created with BPF_F_VTYPE_BTF_OBJ_FD holds a reference on the module from creation until it is freed, populated or not, link or not. delete_module fails with EWOULDBLOCK (11) until the last map fd and link are closed.`,
      { related: holding.map((h) => ({ location: h.map.nameLocation, message: `map \`${h.map.name}\` (${h.link ? 'link' : 'plain'}) of struct ${h.typeName}` })), channel: 'none', rule: first.link ? 'link maps pin the module while their link or fd is open' : 'plain maps pin the module while registered or open' }));
  }
  // MOD-02: programs alone do not pin the module.
  const loaded = maps.filter((m) => m.programsLoaded);
  if (loaded.length > 0 && holding.length === 0) {
    findings.push(finding(CheckId['MOD-02'], 'information', undefined, '', loaded[0].map.nameLocation,
      `Loaded struct_ops programs hold only ${module.name}'s BTF object, not the module: they do not keep it loaded.`));
  }
  const busy = findings.some((f) => f.check === CheckId['MOD-01']);
  steps.push({ phase: 'module_unload', action: `rmmod ${module.name}: delete_module → try_stop_module (refcount)`, outcome: busy ? 'failed' : 'ok', findings });

  // MOD-04: after a successful unload, what a loader sees.
  if (!busy && maps.length > 0) {
    const after: Finding[] = [];
    const libbpf = profile.libbpfVersion;
    for (const m of maps) {
      after.push(finding(CheckId['MOD-04'], 'warning', Errno.EINVAL, '', m.map.typeLocation,
        `After rmmod, a loader that kept ${module.name}'s BTF fd gets EINVAL from BPF_MAP_CREATE for \`${m.map.name}\` (btf_try_get_module fails, MAP-07), and ENOTSUPP (524) with \`struct_ops module ${module.name} is not found\` from BPF_PROG_LOAD (PRG-07). A fresh libbpf${atLeast(libbpf, 1, 4) ? ` fails at load with ESRCH: \`struct_ops init_kern: struct ${m.typeName} is not found in kernel BTF\`` : ' never looked at module BTF anyway'} (LIB-09) until the module is loaded again.`,
        { channel: 'none', related: [{ location: where, message: `${module.name} unloaded` }] }));
    }
    steps.push({ phase: 'module_unload', action: `after rmmod ${module.name}: loaders using its types`, outcome: 'ok', findings: after });
  }
  const failure = findings.find((f) => f.check === CheckId['MOD-01']);
  const outcome: SimulationOutcome = failure ? { ok: false, phase: 'module_unload', errno: failure.errno, check: failure.check, message: failure.message } : { ok: true };
  return { module: module.name, profile: describeProfile(profile), steps, outcome, notes };
}

// Runs the phases for one BPF object in the order `bpftool struct_ops register` drives libbpf:
// build → open → load (init_kern) → map_create → prog_load → attach. A failing phase stops the
// phases after it, as the real loader would; every finding of the phases that ran is kept.

import { Errno } from '../common/errno';
import type { KernelProfile } from '../kernel/profile';
import { CheckId } from './checks';
import { simulateLoad, type LoadedMap } from './load';
import { classifyProgramSection, type BpfObjectInput } from './objectModel';
import { simulateOpen } from './open';
import type { Finding, ObjectTrace, SimulationOutcome, Step } from './trace';
import { atLeast, formatVersion } from './versions';

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

/** LIB-20 / PRG-06: a struct_ops program that no created map references. */
function unreferencedPrograms(input: BpfObjectInput, profile: KernelProfile, maps: readonly LoadedMap[]): Finding[] {
  const referenced = new Set(maps.flatMap((m) => m.wired.map((w) => w.program)));
  const libbpf = profile.libbpfVersion;
  const findings: Finding[] = [];
  for (const program of input.facts.programs) {
    const section = classifyProgramSection(program.section, libbpf);
    if (!section.structOps || section.autoloadOff || referenced.has(program.name)) continue;
    if (atLeast(libbpf, 1, 5)) {
      findings.push({
        check: CheckId['LIB-20'], severity: 'error', phase: 'prog_load', errno: Errno.EINVAL,
        message: `prog '${program.name}': SEC("struct_ops") program isn't referenced anywhere, did you forget to use it?`,
        channel: 'libbpf', location: program.nameLocation, related: [],
        explanation: `No struct_ops map that libbpf creates places \`${program.name}\` in a member, so the kernel could not tell which member it is for. Reference it from a map initializer, or mark it \`SEC("?${program.section}")\` to keep it from loading.`,
        rule: 'libbpf >= 1.5 checks unreferenced struct_ops programs itself',
      });
      continue;
    }
    const oldKernel = !atLeast(profile.kernelVersion, 6, 9);
    findings.push({
      check: CheckId['PRG-06'], severity: 'error', phase: 'prog_load', errno: Errno.ENOTSUPP,
      message: oldKernel ? 'attach_btf_id 0 is not a supported struct' : 'BPF program load failed: attach_btf_id 0 (no verifier message)',
      channel: 'verifier', location: program.nameLocation, related: [],
      explanation: `No struct_ops map references \`${program.name}\`, so libbpf ${formatVersion(libbpf)} loads it with attach_btf_id 0 and the kernel refuses it with errno 524 (ENOTSUPP). Reference it from a map initializer or mark its section with a \`?\` prefix.`,
      rule: `libbpf ${formatVersion(libbpf)} sends unreferenced programs to the kernel; Linux ${oldKernel ? '< 6.9 logs a message' : '>= 6.9 logs nothing'}`,
    });
  }
  return findings;
}

function outcomeOf(steps: readonly Step[]): SimulationOutcome {
  for (const s of steps) {
    const failure = s.findings.find((f) => f.severity === 'error');
    if (failure) return { ok: false, phase: failure.phase, errno: failure.errno, check: failure.check, message: failure.message };
  }
  return { ok: true };
}

/** Simulates open, load and attach of one BPF object against a kernel profile. */
export function simulateObject(input: BpfObjectInput, profile: KernelProfile): ObjectTrace {
  const libbpf = profile.libbpfVersion;
  const open = simulateOpen(input, libbpf);
  const steps: Step[] = [];
  const buildFindings = open.findings.filter((f) => f.phase === 'build');
  const openFindings = open.findings.filter((f) => f.phase !== 'build');
  const load = simulateLoad(input, profile, open.maps);
  buildFindings.push(...load.findings.filter((f) => f.phase === 'build'));
  steps.push(step('build', 'clang -O2 -g --target=bpf', buildFindings));
  steps.push(step('open', 'bpf_object__open: sections, programs, struct_ops relocations', openFindings));
  const blocked = buildFindings.length > 0 || open.failed;
  if (blocked) {
    steps.push(skipped('load', 'bpf_object__load: init_kern_struct_ops_maps'));
    return { file: input.file, profile: describeProfile(profile), steps, outcome: outcomeOf(steps) };
  }
  const loadStep = step('load', 'bpf_object__load: init_kern_struct_ops_maps', load.findings.filter((f) => f.phase !== 'build'));
  steps.push(loadStep);
  if (loadStep.outcome === 'failed') {
    return { file: input.file, profile: describeProfile(profile), steps, outcome: outcomeOf(steps) };
  }
  for (const map of load.maps) {
    const viaModule = map.kernel.object.isModule ? `, BPF_F_VTYPE_BTF_OBJ_FD with ${map.kernel.object.name}'s BTF fd` : '';
    steps.push(step('map_create', `BPF_MAP_CREATE ${map.map.name}: value bpf_struct_ops_${map.kernel.typeName} [${map.kernel.valueId}] from ${map.kernel.object.name}${viaModule}`, []));
  }
  steps.push(step('prog_load', 'BPF_PROG_LOAD for every autoloaded program', unreferencedPrograms(input, profile, load.maps)));
  return { file: input.file, profile: describeProfile(profile), steps, outcome: outcomeOf(steps) };
}

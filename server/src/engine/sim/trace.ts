// What a simulation produces: ordered steps, each with its findings. A Finding is the engine's
// diagnostic: check ID, errno, the exact kernel/libbpf message, where, related places and why.

import type { Location } from '../common/location';
import type { CheckId, Phase } from './checks';

/** Checks that are not kernel or libbpf rules: what the compiler would reject, and lint (sim/lint.ts). */
export enum ExtraCheckId {
  /** clang rejects the file (what libbpf never gets to see). */
  'BUILD-01' = 'BUILD-01',
  /** A program's declared prototype differs from the kernel member it fills. */
  'LINT-01' = 'LINT-01',
  /** The SEC("struct_ops/NAME") suffix names another member than the one the program fills. */
  'LINT-02' = 'LINT-02',
  /** A BPF-side copy of a module's ops struct has drifted from the module's definition. */
  'LINT-03' = 'LINT-03',
  /** An ops type defined by more than one module: libbpf takes the first loaded. */
  'LINT-04' = 'LINT-04',
}

/** Phases outside the kernel and libbpf: the compiler, and lint (never part of an outcome). */
export type ExtraPhase = 'build' | 'lint';

export type AnyCheckId = CheckId | ExtraCheckId;

export type Severity = 'error' | 'warning' | 'information';

/** Where the real system prints the message. */
export type MessageChannel = 'libbpf' | 'verifier' | 'dmesg' | 'clang' | 'none';

export interface RelatedInformation {
  readonly location: Location;
  readonly message: string;
}

export interface Finding {
  readonly check: AnyCheckId;
  readonly severity: Severity;
  readonly phase: Phase | ExtraPhase;
  readonly errno?: number;
  /** The message exactly as the kernel or libbpf prints it (without the `libbpf: ` prefix). */
  readonly message: string;
  readonly channel: MessageChannel;
  readonly location: Location;
  readonly related: readonly RelatedInformation[];
  /** Why this happens and how to fix it, one paragraph. */
  readonly explanation: string;
  /** Which version rule applied, e.g. "libbpf >= 1.4: zero members missing in the kernel are skipped". */
  readonly rule?: string;
  readonly tags?: readonly ('unnecessary' | 'deprecated')[];
  /** The loader itself crashes here (no errno): libbpf <= 1.3 without vmlinux BTF, LIB-08. */
  readonly crash?: boolean;
}

export interface Step {
  readonly phase: Phase | ExtraPhase;
  /** What the real system does here, e.g. `bpf_object__load: init_kern_struct_ops_maps`. */
  readonly action: string;
  readonly outcome: 'ok' | 'failed' | 'skipped';
  readonly findings: readonly Finding[];
}

export interface SimulationOutcome {
  readonly ok: boolean;
  readonly phase?: Phase | ExtraPhase;
  readonly errno?: number;
  readonly check?: AnyCheckId;
  readonly message?: string;
  readonly crash?: boolean;
}

/** What a custom loader does through the libbpf API before load, which the source cannot show. */
export interface LoaderOptions {
  /** Programs given BPF_F_SLEEPABLE with bpf_program__set_flags(). */
  readonly sleepable?: readonly string[];
}

export interface ObjectTrace {
  /** The BPF source file the object is built from. */
  readonly file: string;
  readonly profile: string;
  readonly steps: readonly Step[];
  readonly outcome: SimulationOutcome;
}

/** Every finding of a trace, in step order. */
export function traceFindings(trace: ObjectTrace): Finding[] {
  return trace.steps.flatMap((s) => s.findings);
}

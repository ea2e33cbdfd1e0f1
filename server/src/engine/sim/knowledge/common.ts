// Pieces every subsystem entry shares: the verifier's check_struct_ops_btf_id message, the generic
// pre-6.3 refusal of sleepable struct_ops programs, and how a reg() failure is reported (UPD-14 for
// plain maps at map_update, UPD-15 for BPF_F_LINK maps at link_create).

import { Errno } from '../../common/errno';
import type { DmesgOutcome, OpsSnapshot, RegistrationOutcome, SleepableRule } from './types';

/** kernel/bpf/verifier.c check_struct_ops_btf_id (6.12): PRG-11 and PRG-12 share it; %s = member, struct. */
export const UNSUPPORTED_MEMBER_MESSAGE = 'attach to unsupported member %s of struct %s';

/**
 * Before sleepable struct_ops (~6.3) the generic attach check refuses BPF_F_SLEEPABLE for every
 * struct_ops program (kernel/bpf/verifier.c check_attach_btf_id, 6.1).
 */
export const PRE_SLEEPABLE: SleepableRule = {
  members: [],
  check: 'PRG-04',
  errno: Errno.EINVAL,
  message: 'Only fentry/fexit/fmod_ret, lsm, and kprobe/uprobe programs can be sleepable',
  versions: { until: [6, 3] },
  source: 'kernel/bpf/verifier.c check_attach_btf_id (6.1)',
  unverified: 'release that first allowed sleepable struct_ops (~6.3) taken from the spec version map',
};

/** A reg() failure: plain maps call reg() inside the update, link maps at BPF_LINK_CREATE. */
export function reported(ops: OpsSnapshot, outcome: DmesgOutcome): RegistrationOutcome {
  return ops.link
    ? { ...outcome, phase: 'link_create', check: 'UPD-15' }
    : { ...outcome, phase: 'map_update', check: 'UPD-14' };
}

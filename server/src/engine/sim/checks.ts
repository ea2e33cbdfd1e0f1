// The check catalogue: every check of struct-ops-semantics.md by ID, with the phase it belongs
// to and a one-line title. IDs are the diagnostic codes; the enum is not const so tests can list it.

export enum CheckId {
  'REG-01' = 'REG-01', 'REG-02' = 'REG-02', 'REG-03' = 'REG-03', 'REG-04' = 'REG-04', 'REG-05' = 'REG-05',
  'REG-06' = 'REG-06', 'REG-07' = 'REG-07', 'REG-08' = 'REG-08', 'REG-09' = 'REG-09', 'REG-10' = 'REG-10',
  'REG-11' = 'REG-11', 'REG-12' = 'REG-12', 'REG-13' = 'REG-13', 'REG-14' = 'REG-14', 'REG-15' = 'REG-15',
  'REG-16' = 'REG-16', 'REG-17' = 'REG-17', 'REG-18' = 'REG-18', 'REG-19' = 'REG-19', 'REG-20' = 'REG-20',
  'REG-21' = 'REG-21', 'REG-22' = 'REG-22', 'REG-23' = 'REG-23', 'REG-24' = 'REG-24', 'REG-25' = 'REG-25',
  'REG-L1' = 'REG-L1', 'REG-L2' = 'REG-L2', 'REG-L3' = 'REG-L3', 'REG-L4' = 'REG-L4', 'REG-L5' = 'REG-L5', 'REG-L6' = 'REG-L6',
  'LIB-01' = 'LIB-01', 'LIB-02' = 'LIB-02', 'LIB-03' = 'LIB-03', 'LIB-04' = 'LIB-04', 'LIB-05' = 'LIB-05',
  'LIB-06' = 'LIB-06', 'LIB-07' = 'LIB-07', 'LIB-08' = 'LIB-08', 'LIB-09' = 'LIB-09', 'LIB-10' = 'LIB-10',
  'LIB-11' = 'LIB-11', 'LIB-12' = 'LIB-12', 'LIB-13' = 'LIB-13', 'LIB-14' = 'LIB-14', 'LIB-15' = 'LIB-15',
  'LIB-16' = 'LIB-16', 'LIB-17' = 'LIB-17', 'LIB-18' = 'LIB-18', 'LIB-19' = 'LIB-19', 'LIB-20' = 'LIB-20',
  'LIB-21' = 'LIB-21', 'LIB-22' = 'LIB-22', 'LIB-23' = 'LIB-23', 'LIB-24' = 'LIB-24', 'LIB-25' = 'LIB-25',
  'LIB-26' = 'LIB-26', 'LIB-27' = 'LIB-27', 'LIB-28' = 'LIB-28', 'LIB-29' = 'LIB-29',
  'MAP-01' = 'MAP-01', 'MAP-02' = 'MAP-02', 'MAP-03' = 'MAP-03', 'MAP-04' = 'MAP-04', 'MAP-05' = 'MAP-05',
  'MAP-06' = 'MAP-06', 'MAP-07' = 'MAP-07', 'MAP-08' = 'MAP-08', 'MAP-09' = 'MAP-09', 'MAP-10' = 'MAP-10',
  'MAP-11' = 'MAP-11', 'MAP-12' = 'MAP-12', 'MAP-13' = 'MAP-13', 'MAP-14' = 'MAP-14', 'MAP-15' = 'MAP-15',
  'MAP-16' = 'MAP-16', 'MAP-17' = 'MAP-17', 'MAP-18' = 'MAP-18',
  'PRG-01' = 'PRG-01', 'PRG-02' = 'PRG-02', 'PRG-03' = 'PRG-03', 'PRG-04' = 'PRG-04', 'PRG-05' = 'PRG-05',
  'PRG-06' = 'PRG-06', 'PRG-07' = 'PRG-07', 'PRG-08' = 'PRG-08', 'PRG-09' = 'PRG-09', 'PRG-10' = 'PRG-10',
  'PRG-11' = 'PRG-11', 'PRG-12' = 'PRG-12', 'PRG-13' = 'PRG-13', 'PRG-14' = 'PRG-14', 'PRG-15' = 'PRG-15',
  'PRG-16' = 'PRG-16', 'PRG-17' = 'PRG-17', 'PRG-18' = 'PRG-18', 'PRG-19' = 'PRG-19', 'PRG-20' = 'PRG-20',
  'UPD-01' = 'UPD-01', 'UPD-02' = 'UPD-02', 'UPD-03' = 'UPD-03', 'UPD-04' = 'UPD-04', 'UPD-05' = 'UPD-05',
  'UPD-06' = 'UPD-06', 'UPD-07' = 'UPD-07', 'UPD-08' = 'UPD-08', 'UPD-09' = 'UPD-09', 'UPD-10' = 'UPD-10',
  'UPD-11' = 'UPD-11', 'UPD-12' = 'UPD-12', 'UPD-13' = 'UPD-13', 'UPD-14' = 'UPD-14', 'UPD-15' = 'UPD-15',
  'UPD-16' = 'UPD-16', 'UPD-17' = 'UPD-17', 'UPD-18' = 'UPD-18',
  'MOD-01' = 'MOD-01', 'MOD-02' = 'MOD-02', 'MOD-03' = 'MOD-03', 'MOD-04' = 'MOD-04', 'MOD-05' = 'MOD-05',
  'MOD-06' = 'MOD-06', 'MOD-07' = 'MOD-07', 'MOD-08' = 'MOD-08',
}

/** Where a check fires, in the vocabulary of struct-ops-semantics.md. */
export type Phase =
  | 'register'
  | 'open'
  | 'load'
  | 'map_create'
  | 'prog_load'
  | 'map_update'
  | 'link_create'
  | 'link_update'
  | 'module_unload';

export interface CheckInfo {
  readonly id: CheckId;
  readonly phase: Phase;
  readonly title: string;
}

const info = (id: CheckId, phase: Phase, title: string): CheckInfo => ({ id, phase, title });

/** One entry per CheckId, in spec order. */
export const checkCatalogue: readonly CheckInfo[] = [
  info(CheckId['REG-01'], 'register', 'Module without BTF registers nothing'),
  info(CheckId['REG-02'], 'register', 'Built-in registration without vmlinux BTF'),
  info(CheckId['REG-03'], 'register', 'Kernel without BPF JIT or BPF syscall'),
  info(CheckId['REG-04'], 'register', 'struct_ops name too long'),
  info(CheckId['REG-05'], 'register', 'Descriptor has no cfi_stubs'),
  info(CheckId['REG-06'], 'register', 'Ops struct not found in the chosen BTF'),
  info(CheckId['REG-07'], 'register', 'Ops struct has more than 64 members'),
  info(CheckId['REG-08'], 'register', 'Value type bpf_struct_ops_<name> missing'),
  info(CheckId['REG-09'], 'register', 'Value type does not have exactly two members'),
  info(CheckId['REG-10'], 'register', 'Value type first member is not bpf_struct_ops_common_value'),
  info(CheckId['REG-11'], 'register', 'Value type second member is not the ops struct'),
  info(CheckId['REG-12'], 'register', 'Anonymous member in the ops struct'),
  info(CheckId['REG-13'], 'register', 'Bitfield member in the ops struct'),
  info(CheckId['REG-14'], 'register', "struct module pointer member without 'struct module' BTF"),
  info(CheckId['REG-15'], 'register', 'Member with a NULL cfi stub is skipped'),
  info(CheckId['REG-16'], 'register', 'Function pointer returns a non-struct pointer'),
  info(CheckId['REG-17'], 'register', 'Function pointer prototype the trampoline cannot handle'),
  info(CheckId['REG-18'], 'register', 'Function pointer returns more than 8 bytes'),
  info(CheckId['REG-19'], 'register', 'Stub function argument tags'),
  info(CheckId['REG-20'], 'register', 'init() of the descriptor fails'),
  info(CheckId['REG-21'], 'register', 'Same descriptor registered twice'),
  info(CheckId['REG-22'], 'register', 'Mandatory descriptor callback is NULL'),
  info(CheckId['REG-23'], 'register', 'Descriptor without .owner = THIS_MODULE'),
  info(CheckId['REG-24'], 'register', 'Earlier registrations stay after a later failure'),
  info(CheckId['REG-25'], 'register', 'Types unusable until the module is live'),
  info(CheckId['REG-L1'], 'register', 'Legacy: struct module missing in vmlinux BTF'),
  info(CheckId['REG-L2'], 'register', 'Legacy: struct_ops name too long'),
  info(CheckId['REG-L3'], 'register', 'Legacy: value type or ops struct missing in vmlinux BTF'),
  info(CheckId['REG-L4'], 'register', 'Legacy: more than 64 members'),
  info(CheckId['REG-L5'], 'register', 'Legacy: anonymous, bitfield or undistillable member'),
  info(CheckId['REG-L6'], 'register', 'Legacy: init() fails'),
  info(CheckId['LIB-01'], 'open', 'Unrecognised struct_ops section name'),
  info(CheckId['LIB-02'], 'open', 'Object has no usable .BTF'),
  info(CheckId['LIB-03'], 'open', 'DATASEC for the struct_ops section missing'),
  info(CheckId['LIB-04'], 'open', 'struct_ops variable type is not a named struct'),
  info(CheckId['LIB-05'], 'open', 'Variable beyond the end of its DATASEC'),
  info(CheckId['LIB-06'], 'open', 'Map definition defaults'),
  info(CheckId['LIB-07'], 'open', 'struct_ops relocation errors'),
  info(CheckId['LIB-08'], 'load', 'vmlinux BTF needed but not loadable'),
  info(CheckId['LIB-09'], 'load', 'Ops type not found in kernel BTF'),
  info(CheckId['LIB-10'], 'load', '___flavor suffix of the ops type name'),
  info(CheckId['LIB-11'], 'load', 'Value type has no member of the ops type'),
  info(CheckId['LIB-12'], 'load', 'Member not found in the kernel ops type'),
  info(CheckId['LIB-13'], 'load', 'Bitfield member'),
  info(CheckId['LIB-14'], 'load', 'Member kind differs from the kernel'),
  info(CheckId['LIB-15'], 'load', 'Pointer member that is not a struct_ops program'),
  info(CheckId['LIB-16'], 'load', 'Kernel member is not a function pointer'),
  info(CheckId['LIB-17'], 'load', 'Program reused for another type or member'),
  info(CheckId['LIB-18'], 'load', 'Member size differs from the kernel'),
  info(CheckId['LIB-19'], 'load', 'Map with autocreate off'),
  info(CheckId['LIB-20'], 'prog_load', 'struct_ops program referenced by no map'),
  info(CheckId['LIB-21'], 'load', 'Object BTF upload failed'),
  info(CheckId['LIB-22'], 'map_create', 'BPF_MAP_CREATE attributes libbpf passes'),
  info(CheckId['LIB-23'], 'prog_load', 'BPF_PROG_LOAD attributes libbpf passes'),
  info(CheckId['LIB-24'], 'map_update', 'Program fds written into the value'),
  info(CheckId['LIB-25'], 'map_update', 'bpf_map__attach_struct_ops'),
  info(CheckId['LIB-26'], 'link_update', 'bpf_link__update_map'),
  info(CheckId['LIB-27'], 'load', 'Skeleton shadow types and auto-attach'),
  info(CheckId['LIB-28'], 'load', 'bpf_program__assoc_struct_ops'),
  info(CheckId['LIB-29'], 'open', 'Static program in a program section'),
  info(CheckId['MAP-01'], 'map_create', 'Unknown non-zero attribute bytes'),
  info(CheckId['MAP-02'], 'map_create', 'btf_vmlinux_value_type_id on a non-struct_ops map'),
  info(CheckId['MAP-03'], 'map_create', 'btf_vmlinux_value_type_id with key/value type ids'),
  info(CheckId['MAP-04'], 'map_create', 'map_extra or file flags'),
  info(CheckId['MAP-05'], 'map_create', 'Key size, max_entries, flags or value type id'),
  info(CheckId['MAP-06'], 'map_create', 'No CAP_BPF'),
  info(CheckId['MAP-07'], 'map_create', 'value_type_btf_obj_fd not a live module BTF'),
  info(CheckId['MAP-08'], 'map_create', 'vmlinux BTF used without the flag'),
  info(CheckId['MAP-09'], 'map_create', 'Value type not registered in the chosen BTF'),
  info(CheckId['MAP-10'], 'map_create', 'value_size differs from the value type'),
  info(CheckId['MAP-11'], 'map_create', 'BPF_F_LINK type without validate/update (6.4-6.5)'),
  info(CheckId['MAP-12'], 'map_create', 'btf_fd invalid or a kernel BTF'),
  info(CheckId['MAP-13'], 'map_create', 'Invalid map name'),
  info(CheckId['MAP-14'], 'map_create', 'bpf_map_info fields'),
  info(CheckId['MAP-15'], 'map_update', 'Other map operations'),
  info(CheckId['MAP-16'], 'map_update', 'Map element delete'),
  info(CheckId['MAP-17'], 'map_create', 'BPF token fd'),
  info(CheckId['MAP-18'], 'map_create', 'bpf(2) attr too large or non-zero tail'),
  info(CheckId['PRG-01'], 'prog_load', 'Missing CAP_BPF or CAP_PERFMON'),
  info(CheckId['PRG-02'], 'prog_load', 'attach_btf_obj_fd is not a kernel BTF'),
  info(CheckId['PRG-03'], 'prog_load', 'attach_btf_id out of range or missing'),
  info(CheckId['PRG-04'], 'prog_load', 'Sleepable struct_ops program'),
  info(CheckId['PRG-05'], 'prog_load', 'License not GPL-compatible'),
  info(CheckId['PRG-06'], 'prog_load', 'attach_btf_id is 0'),
  info(CheckId['PRG-07'], 'prog_load', 'Module of the attach BTF is not live'),
  info(CheckId['PRG-08'], 'prog_load', 'attach_btf_id is not a registered struct_ops type'),
  info(CheckId['PRG-09'], 'prog_load', 'Member index out of range'),
  info(CheckId['PRG-10'], 'prog_load', 'Member is not a function pointer'),
  info(CheckId['PRG-11'], 'prog_load', 'Member has a NULL cfi stub (unsupported)'),
  info(CheckId['PRG-12'], 'prog_load', 'check_member rejects the program'),
  info(CheckId['PRG-13'], 'prog_load', 'Private stack not supported by the JIT'),
  info(CheckId['PRG-14'], 'prog_load', '__ref argument with a tail call'),
  info(CheckId['PRG-15'], 'prog_load', 'Verifier context of a loaded program'),
  info(CheckId['PRG-16'], 'prog_load', 'Program reads an argument the member does not have'),
  info(CheckId['PRG-17'], 'prog_load', 'Program does not set a return value'),
  info(CheckId['PRG-18'], 'prog_load', 'Helper not available to this type or member'),
  info(CheckId['PRG-19'], 'prog_load', 'Write through a pointer argument refused'),
  info(CheckId['PRG-20'], 'prog_load', '__nullable argument dereferenced without a NULL check'),
  info(CheckId['UPD-01'], 'map_update', 'Update flags not zero'),
  info(CheckId['UPD-02'], 'map_update', 'Update key not zero'),
  info(CheckId['UPD-03'], 'map_update', 'Non-zero padding in the value'),
  info(CheckId['UPD-04'], 'map_update', 'common.state or common.refcnt not zero'),
  info(CheckId['UPD-05'], 'map_update', 'Map value already set'),
  info(CheckId['UPD-06'], 'map_update', 'struct module pointer member set'),
  info(CheckId['UPD-07'], 'map_update', 'init_member rejects a member'),
  info(CheckId['UPD-08'], 'map_update', 'Non-zero member that init_member does not take'),
  info(CheckId['UPD-09'], 'map_update', 'Function member slot'),
  info(CheckId['UPD-10'], 'map_update', 'Program fd not open or not a program'),
  info(CheckId['UPD-11'], 'map_update', 'Program type, attach type or member index mismatch'),
  info(CheckId['UPD-12'], 'map_update', 'Trampoline pages exhausted'),
  info(CheckId['UPD-13'], 'map_update', 'validate() rejects the value'),
  info(CheckId['UPD-14'], 'map_update', 'reg() of a non-link map'),
  info(CheckId['UPD-15'], 'link_create', 'BPF_LINK_CREATE for a link map'),
  info(CheckId['UPD-16'], 'link_update', 'BPF_LINK_UPDATE with a new map'),
  info(CheckId['UPD-17'], 'link_update', 'Link detach'),
  info(CheckId['UPD-18'], 'map_update', 'Trampoline symbols'),
  info(CheckId['MOD-01'], 'module_unload', 'Module pinned by a struct_ops map'),
  info(CheckId['MOD-02'], 'module_unload', 'Programs pin only the module BTF'),
  info(CheckId['MOD-03'], 'module_unload', 'Map free order'),
  info(CheckId['MOD-04'], 'module_unload', 'BTF fd of an unloaded module'),
  info(CheckId['MOD-05'], 'module_unload', 'Module still in its init function'),
  info(CheckId['MOD-06'], 'module_unload', 'Non-link map outlives its loader'),
  info(CheckId['MOD-07'], 'module_unload', 'Nothing pins a module without .owner'),
  info(CheckId['MOD-08'], 'module_unload', 'bpftool reports module types through vmlinux BTF'),
];

const byId = new Map(checkCatalogue.map((c) => [c.id, c]));

export function checkInfo(id: CheckId): CheckInfo {
  const found = byId.get(id);
  if (!found) throw new Error(`check ${id} missing from the catalogue`);
  return found;
}

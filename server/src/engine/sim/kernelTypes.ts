// Finding a struct_ops type in the kernel the way libbpf does (libbpf.c find_struct_ops_kern_types
// and find_ksym_btf_id): which BTF object, the ids of T and bpf_struct_ops_T, and the error libbpf
// prints when that fails. The search order changed in libbpf 1.4 (module BTFs) and 1.7 (value type first).

import { BtfKind, type BtfSpec } from '../btf';
import { Errno } from '../common/errno';
import { memoPer } from '../common/memo';
import type { BtfObject, KernelProfile } from '../kernel/profile';
import { atLeast } from './versions';

export const STRUCT_OPS_VALUE_PREFIX = 'bpf_struct_ops_';

export interface KernelOpsType {
  readonly object: BtfObject;
  readonly typeName: string;
  readonly typeId: number;
  readonly valueId: number;
  /** Index of the value type's member whose type is T (LIB-11). */
  readonly dataMemberIndex: number;
  /** The lookup rule of the profile's libbpf version that found it (for traces). */
  readonly rule: string;
}

export interface KernelTypeLookupError {
  readonly errno: number;
  readonly message: string;
  /** The name libbpf searched for and did not find. */
  readonly missing: string;
  readonly rule: string;
}

/** libbpf's bpf_core_essential_name_len: the name without a `___flavor` suffix. */
export function essentialName(name: string): string {
  const at = name.indexOf('___');
  return at > 0 ? name.slice(0, at) : name;
}

const idsByName = new WeakMap<BtfSpec, Map<string, number | undefined>>();

/** spec.findByNameKind, remembered per spec: a BtfSpec never changes, and the verifier checks ask for the same structs per program. */
export function typeIdByName(spec: BtfSpec, name: string, kind: BtfKind): number | undefined {
  return memoPer(idsByName, spec, `${kind}:${name}`, () => spec.findByNameKind(name, kind));
}

/** find_ksym_btf_id: vmlinux first, then each module's own types in load order; first hit wins. */
function findKsym(profile: KernelProfile, name: string): { object: BtfObject; id: number } | undefined {
  const vmlinux = profile.vmlinux;
  if (vmlinux) {
    const id = vmlinux.spec.findByNameKind(name, BtfKind.Struct);
    if (id !== undefined) return { object: vmlinux, id };
  }
  for (const object of profile.objects) {
    if (!object.isModule) continue;
    const id = object.spec.findByNameKind(name, BtfKind.Struct, { ownOnly: true });
    if (id !== undefined) return { object, id };
  }
  return undefined;
}

function dataMember(spec: BtfSpec, valueId: number, typeId: number): number {
  const value = spec.typeById(valueId);
  if (!value || value.kind !== BtfKind.Struct) return -1;
  return value.members.findIndex((m) => m.type === typeId);
}

const notFound = (name: string, errno: number, rule: string): KernelTypeLookupError => ({
  errno,
  message: `struct_ops init_kern: struct ${name} is not found in kernel BTF`,
  missing: name,
  rule,
});

/** Lookups per profile object: profiles are never changed once built (a new profile is a new object). */
const lookups = new WeakMap<KernelProfile, Map<string, KernelOpsType | KernelTypeLookupError>>();

/**
 * Finds the kernel side of a BPF-side struct_ops type name as the profile's libbpf would.
 * Returns the lookup error libbpf reports when it fails (LIB-09/LIB-10/LIB-11 material).
 */
export function findKernelOpsType(profile: KernelProfile, bpfTypeName: string): KernelOpsType | KernelTypeLookupError {
  return memoPer(lookups, profile, bpfTypeName, () => lookUp(profile, bpfTypeName));
}

function lookUp(profile: KernelProfile, bpfTypeName: string): KernelOpsType | KernelTypeLookupError {
  const libbpf = profile.libbpfVersion;
  if (!atLeast(libbpf, 1, 4)) {
    // libbpf <= 1.3: vmlinux only, literal name (no ___flavor stripping), T looked up first.
    const rule = 'libbpf <= 1.3 searches vmlinux BTF only, with the literal type name';
    const vmlinux = profile.vmlinux;
    const typeId = vmlinux?.spec.findByNameKind(bpfTypeName, BtfKind.Struct);
    if (!vmlinux || typeId === undefined) return notFound(bpfTypeName, Errno.ENOENT, rule);
    const valueName = STRUCT_OPS_VALUE_PREFIX + bpfTypeName;
    const valueId = vmlinux.spec.findByNameKind(valueName, BtfKind.Struct);
    if (valueId === undefined) return notFound(valueName, Errno.ENOENT, rule);
    return { object: vmlinux, typeName: bpfTypeName, typeId, valueId, dataMemberIndex: dataMember(vmlinux.spec, valueId, typeId), rule };
  }
  const typeName = essentialName(bpfTypeName);
  const valueName = STRUCT_OPS_VALUE_PREFIX + typeName;
  if (!atLeast(libbpf, 1, 7)) {
    const rule = 'libbpf 1.4-1.6 looks up T in vmlinux, then in each module BTF in load order (module BTFs since 1.4), then bpf_struct_ops_T in the same BTF';
    const found = findKsym(profile, typeName);
    if (!found) return notFound(typeName, Errno.ESRCH, rule);
    const valueId = found.object.spec.findByNameKind(valueName, BtfKind.Struct);
    if (valueId === undefined) return notFound(valueName, Errno.ENOENT, rule);
    return { object: found.object, typeName, typeId: found.id, valueId, dataMemberIndex: dataMember(found.object.spec, valueId, found.id), rule };
  }
  const rule = 'libbpf >= 1.7 looks up bpf_struct_ops_T in vmlinux, then in each module BTF in load order, then T in the same BTF';
  const found = findKsym(profile, valueName);
  if (!found) return notFound(valueName, Errno.ESRCH, rule);
  const typeId = found.object.spec.findByNameKind(typeName, BtfKind.Struct);
  if (typeId === undefined) return notFound(typeName, Errno.ENOENT, rule);
  return { object: found.object, typeName, typeId, valueId: found.id, dataMemberIndex: dataMember(found.object.spec, found.id, typeId), rule };
}

export function isLookupError(result: KernelOpsType | KernelTypeLookupError): result is KernelTypeLookupError {
  return 'errno' in result;
}

// Public API of the type layer: C layout rules (LP64: x86-64 and BPF) and BTF synthesis from
// source facts (module BTF split on vmlinux, as clang -g + pahole -J produce it).

export { layoutRecord, CACHELINE_BYTES_X86_64, type LayoutMember, type LayoutOptions, type MemberPlacement, type RecordLayout } from './layout';
export { parseBaseType, KERNEL_TYPEDEFS, type BaseType } from './builtins';
export { synthesizeBtf, type SynthesisInput, type SynthesisProblem, type SynthesizedBtf } from './synthesize';

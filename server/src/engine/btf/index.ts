// Public API of the BTF layer: parsing raw and ELF BTF (split on a base), the type model, name
// lookups, C printing, building and minimising BTF. Other layers import only from here.

export { BtfKind, BtfFuncLinkage, BtfVarLinkage, kindName, kindSince, BTF_KIND_MAX } from './kinds';
export { BtfError, isBtfError, type BtfErrorCode } from './errors';
export { parseBtf, BtfSpec, MAX_RESOLVE_DEPTH, type ParseOptions, type StructOpsValueType } from './spec';
export { parseElfBtf, readElfSections, isElf, type ElfSection } from './elf';
export { parseAnyBtf, parseBtfFile, type FileParseOptions } from './file';
export { BtfBuilder, type BuilderOptions } from './writer';
export { minimizeBtf, minimizeStructOps, structOpsRoots, closureOf, type MinimizeOptions } from './minimize';
export { formatType, formatMember, formatStruct } from './print';
export type * from './types';

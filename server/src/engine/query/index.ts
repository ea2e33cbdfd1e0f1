// Engine-side queries for editor features (hover, definition, completion, quick fixes): pure
// functions over facts and the kernel profile, with no LSP types.

export { kernelOpsInfo, missingRequiredOps, type KernelOpsInfo, type KernelMemberInfo, type KernelParam } from './kernelOps';
export { kernelTypeCView, type CView } from './cView';
export { closestName, editDistance } from './closest';
export { programStub, wiringLine, freshName } from './stubs';
export { symbolAt, containsPosition, wiredNameRange, membersFilledBy, type SymbolAt } from './symbolAt';

// Public API of the engine: the only module lsp/, server.ts and cli.ts import from the engine.

export { StructOpsEngine, type EngineOptions, type ProfileSettings } from './engine';
export type { IndexPhases, IndexSummary } from './index/workspace';
export { ripgrepOnPath } from './index/ripgrep';
export type { BootedWorker } from './index/workerBoot';
export type { Position, Range, Location } from './common/location';
export { LineIndex } from './common/location';
export type { Logger } from './common/logger';
export { nodeModulesWasm, type CParserOptions } from './c/parser';
export { errnoName } from './common/errno';
export { memoPer } from './common/memo';
export type * from './c/facts';
export { CheckId, checkCatalogue, checkInfo, type CheckInfo, type Phase } from './sim/checks';
export { ExtraCheckId, traceFindings, type AnyCheckId, type Finding, type ObjectTrace, type Step, type Severity, type SimulationOutcome, type LoaderOptions } from './sim/trace';
export { describeProfile } from './sim/simulate';
export { formatModuleTrace, formatTrace, outcomeText } from './sim/traceText';
export type { KernelProfile, BtfObject, ProfileError } from './kernel/profile';
export type { ModuleTrace, RegisteredType } from './sim/register';
export type { UnloadScenario, UnloadTrace } from './sim/unload';
export * from './query';
export * from './explain';
export * from './config/projectConfig';
export * from './config/workspaceConfig';
export { checkDocumentation, specParagraph } from './sim/checkDocs';

// Public API of the log explainer: `explainLog` and its text form, plus the message table.

export { explainLog, formatExplanation, errnoInLine, normaliseLogLine, type ExplainOptions, type ExplainedCheck, type ExplainedLine, type LogExplanation, type LogSubject, type SourceHit } from './explain';
export { logPatterns, errnoChecks, type LogPattern, type LogChannel } from './patterns';

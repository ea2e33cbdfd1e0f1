// The subcommands that parse C and simulate, bundled together (server/out/cli/commands.js);
// `btf` has a bundle of its own, as it needs neither.

export { runCheckCommand } from './checkCommand';
export { runExplainCommand } from './explainCommand';
export { runIndexCommand } from './indexCommand';
export { runSimulateCommand } from './simulateCommand';

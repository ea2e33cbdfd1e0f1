// Stands in for the `vscode` module when client modules are imported by vitest outside VS Code.
// Only module-load-time names are needed: client code touches the API inside handlers.

export const window = {};
export const workspace = {};
export const commands = {};
export class EventEmitter {}
export class TreeItem {}
export class ThemeIcon {}
export class Range {}
export const Uri = {};

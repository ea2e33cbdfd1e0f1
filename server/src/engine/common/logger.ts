// The engine logs through an injected Logger: the server forwards it to the LSP log, the CLI
// to stderr, tests to a buffer. There is no global logger.

export interface Logger {
  error(message: string): void;
  warn(message: string): void;
  info(message: string): void;
  debug(message: string): void;
}

export const silentLogger: Logger = {
  error: () => undefined,
  warn: () => undefined,
  info: () => undefined,
  debug: () => undefined,
};

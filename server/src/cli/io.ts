// What a CLI command writes to; the entry point passes process streams, tests pass buffers.

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** Directory relative paths are resolved against and printed relative to. */
  readonly cwd: string;
}

/** Exit statuses shared by every subcommand (stable: scripts depend on them). */
export enum ExitStatus {
  Clean = 0,
  Findings = 1,
  UsageError = 2,
  InternalError = 3,
}

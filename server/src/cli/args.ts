// A small argv parser for the subcommands: flags with values (repeatable), boolean flags,
// positionals, and a usage error that names the bad argument.

export interface ParsedArgs {
  readonly positionals: string[];
  readonly values: Map<string, string[]>;
  readonly flags: Set<string>;
}

export class UsageError extends Error {}

/** `valueFlags` take a value (`--btf X` or `--btf=X`); `booleanFlags` take none. */
export function parseArgs(argv: readonly string[], valueFlags: readonly string[], booleanFlags: readonly string[] = []): ParsedArgs {
  const positionals: string[] = [];
  const values = new Map<string, string[]>();
  const flags = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq >= 0 ? arg.slice(0, eq) : arg;
    if (booleanFlags.includes(name)) {
      if (eq >= 0) throw new UsageError(`${name} takes no value`);
      flags.add(name);
      continue;
    }
    if (!valueFlags.includes(name)) throw new UsageError(`unknown option ${name}`);
    const value = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined) throw new UsageError(`${name} needs a value`);
    values.set(name, [...(values.get(name) ?? []), value]);
  }
  return { positionals, values, flags };
}

export function lastValue(args: ParsedArgs, name: string): string | undefined {
  const all = args.values.get(name);
  return all ? all[all.length - 1] : undefined;
}

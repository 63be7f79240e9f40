import { type ParseArgsConfig, parseArgs } from "node:util";

/** A bgsim sub-command: its help text and what it does. */
export interface Command {
  name: string;
  summary: string;
  usage: string;
  options: NonNullable<ParseArgsConfig["options"]>;
  /** Detailed help shown by `bgsim <name> --help`, after the usage line. */
  help: string;
  run(args: ParsedArgs): Promise<void> | void;
}

export interface ParsedArgs {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

/** An error the user can fix: printed as one line, exit code 2, no stack trace. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly code = 2,
  ) {
    super(message);
  }
}

export function parse(cmd: Command, argv: string[]): ParsedArgs {
  try {
    const r = parseArgs({
      args: argv,
      options: { ...cmd.options, help: { type: "boolean", short: "h" } },
      allowPositionals: true,
      strict: true,
    });
    return { values: r.values as ParsedArgs["values"], positionals: r.positionals };
  } catch (e) {
    throw new UsageError(`${(e as Error).message.split("\n")[0]} (see bgsim ${cmd.name} --help)`);
  }
}

/** Parse an integer option, naming the option and the allowed range on failure. */
export function intOption(
  v: string | boolean | undefined,
  name: string,
  min: number,
  max: number,
  dflt?: number,
): number {
  if (v === undefined || v === false) {
    if (dflt === undefined)
      throw new UsageError(`--${name} is required (an integer from ${min} to ${max})`);
    return dflt;
  }
  const x = Number(v);
  if (!Number.isInteger(x) || x < min || x > max)
    throw new UsageError(
      `--${name} = ${JSON.stringify(v)}: must be an integer from ${min} to ${max}`,
    );
  return x;
}

export function numberOption(
  v: string | boolean | undefined,
  name: string,
  min: number,
  max: number,
  dflt: number,
): number {
  if (v === undefined || v === false) return dflt;
  const x = Number(v);
  if (!Number.isFinite(x) || x < min || x > max)
    throw new UsageError(
      `--${name} = ${JSON.stringify(v)}: must be a number from ${min} to ${max}`,
    );
  return x;
}

export function stringOption(v: string | boolean | undefined, name: string): string {
  if (typeof v !== "string" || !v) throw new UsageError(`--${name} is required`);
  return v;
}

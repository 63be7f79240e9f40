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

/**
 * Join a value that starts with "-" to its option (`--workers -1` -> `--workers=-1`), so that a
 * negative number reaches the option's own range check instead of parseArgs' "ambiguous".
 */
function joinNegativeValues(cmd: Command, argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = argv[i + 1];
    const name = a.startsWith("--") ? a.slice(2) : undefined;
    if (
      name !== undefined &&
      cmd.options[name]?.type === "string" &&
      next !== undefined &&
      /^-[\d.]/.test(next)
    ) {
      out.push(`${a}=${next}`);
      i++;
    } else out.push(a);
  }
  return out;
}

export function parse(cmd: Command, argv: string[]): ParsedArgs {
  try {
    const r = parseArgs({
      args: joinNegativeValues(cmd, argv),
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

/** Most worker threads per core: more only cost memory (about 6 MB each) and gain nothing. */
export const WORKERS_PER_CORE = 4;

/**
 * Parse --workers: an integer of at least 1 (default `dflt`). More than WORKERS_PER_CORE per
 * core (as `cores` counts them) is capped there with a warning on stderr: results do not
 * depend on the number of workers, only memory does.
 */
export function workersOption(
  v: string | boolean | undefined,
  dflt: number,
  cores: number,
): number {
  const cap = Math.max(WORKERS_PER_CORE, WORKERS_PER_CORE * cores);
  const w = intOption(v, "workers", 1, 1_000_000, dflt);
  if (w <= cap) return w;
  process.stderr.write(
    `warning: --workers ${w} capped at ${cap} (${WORKERS_PER_CORE} per core, ${cores} cores); results do not depend on it\n`,
  );
  return cap;
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

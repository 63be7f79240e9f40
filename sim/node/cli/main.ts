import { VERSION } from "../../core/version.ts";
import { type Command, parse, UsageError } from "./command.ts";
import { COMMANDS } from "./registry.ts";

function overview(): string {
  const w = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    `bgsim ${VERSION}: Born Global Lab, simulations after Knight & Cavusgil (2004)`,
    "",
    "Usage: bgsim <command> [options]    (bgsim <command> --help for details)",
    "",
    "Commands:",
    ...COMMANDS.map((c) => `  ${c.name.padEnd(w)}  ${c.summary}`),
  ].join("\n");
}

function commandHelp(c: Command): string {
  return `Usage: ${c.usage}\n\n${c.summary}.\n\n${c.help}`;
}

/** Run bgsim with the given arguments; returns the exit code (0 ok, 2 user error, 1 bug). */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    console.log(overview());
    return name ? 0 : 0;
  }
  if (name === "--version") {
    console.log(VERSION);
    return 0;
  }
  const cmd = COMMANDS.find((c) => c.name === name);
  if (!cmd) {
    console.error(
      `bgsim: unknown command "${name}"; commands: ${COMMANDS.map((c) => c.name).join(", ")}`,
    );
    return 2;
  }
  try {
    const args = parse(cmd, rest);
    if (args.values.help) {
      console.log(commandHelp(cmd));
      return 0;
    }
    await cmd.run(args);
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`bgsim ${cmd.name}: ${e.message}`);
      return e.code;
    }
    console.error(`bgsim ${cmd.name}: internal error: ${(e as Error).message}`);
    if (process.env.BGSIM_DEBUG) console.error((e as Error).stack);
    return 1;
  }
}

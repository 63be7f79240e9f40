import type { Command } from "./command.ts";
import { estimate } from "./commands/estimate.ts";
import { generate } from "./commands/generate.ts";
import { replicate } from "./commands/replicate.ts";

/** Every bgsim sub-command, in the order `bgsim --help` lists them. Add new commands here. */
export const COMMANDS: Command[] = [replicate, generate, estimate];

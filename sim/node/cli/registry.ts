import type { Command } from "./command.ts";
import { calibrateCommand } from "./commands/calibrate.ts";
import { calibrateSurvey, selection } from "./commands/calibrateSurvey.ts";
import { compare } from "./commands/compare.ts";
import { estimate } from "./commands/estimate.ts";
import { generate } from "./commands/generate.ts";
import { merge } from "./commands/merge.ts";
import { power } from "./commands/power.ts";
import { replicate } from "./commands/replicate.ts";
import { run } from "./commands/run.ts";
import { survey } from "./commands/survey.ts";
import { sweep } from "./commands/sweep.ts";
import { validate } from "./commands/validate.ts";

/** Every bgsim sub-command, in the order `bgsim --help` lists them. Add new commands here. */
export const COMMANDS: Command[] = [
  replicate,
  generate,
  estimate,
  survey,
  power,
  run,
  calibrateCommand,
  calibrateSurvey,
  selection,
  validate,
  sweep,
  compare,
  merge,
];

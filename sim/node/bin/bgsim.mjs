#!/usr/bin/env node
// bgsim: the Born Global Lab command-line tool. Runs the TypeScript sources through tsx.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../cli/main.ts");
process.exitCode = await main(process.argv.slice(2));

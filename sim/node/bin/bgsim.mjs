#!/usr/bin/env node
// bgsim: the Born Global Lab command-line tool. Runs the compiled CLI in dist-cli/, which
// `npm install` / `npm ci` build through the `prepare` script (sim/node/build.mjs, esbuild).
// Never stale: when the build is missing, or a source it was built from is newer than the build
// (a developer editing TypeScript), it is rebuilt first with a one-line note on stderr.
import { readFileSync, statSync } from "node:fs";
import v8 from "node:v8";

// The young generation (where short-lived objects are allocated) grows straight to its full
// size (16 MB semi-spaces) the first time V8 grows it, instead of doubling from 1 MB as the
// objects that survive accumulate: a run of replications otherwise spends its first thousand or
// so with a smaller young generation and collects it up to twice as often (bgsim power, paper's
// design, 3,000 replications: 253 young-generation collections instead of 140). Memory: at most
// the 32 MB the young generation reaches anyway. Set before anything is allocated in quantity.
v8.setFlagsFromString("--semi-space-growth-factor=16");

const ROOT = new URL("../../../", import.meta.url);
const DIST = new URL("dist-cli/", ROOT);

/** Why the build must be redone (a reason for the note), or undefined if it is up to date. */
function staleness() {
  let meta;
  try {
    meta = JSON.parse(readFileSync(new URL("meta.json", DIST), "utf8"));
    for (const out of meta.outputs) statSync(new URL(out, DIST));
  } catch {
    return "no build yet";
  }
  for (const input of meta.inputs) {
    let mtime;
    try {
      mtime = statSync(new URL(input, ROOT)).mtimeMs;
    } catch {
      return `${input} is gone`;
    }
    if (mtime > meta.startedAt) return `${input} changed`;
  }
  return undefined;
}

const reason = staleness();
if (reason) {
  const { build } = await import("../build.mjs");
  const ms = await build({ quiet: true });
  process.stderr.write(`bgsim: ${reason}, rebuilt the CLI in ${Math.round(ms)} ms\n`);
}
if (process.env.BGSIM_DEBUG) process.setSourceMapsEnabled(true);
const { main } = await import(new URL("main.mjs", DIST).href);
process.exitCode = await main(process.argv.slice(2));

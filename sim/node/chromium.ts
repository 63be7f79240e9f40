import { existsSync } from "node:fs";

/** Debian's Chromium, driven by playwright-core (no browser download), for benches and tests. */
export const CHROMIUM = "/usr/bin/chromium";
export const HAS_CHROMIUM = existsSync(CHROMIUM);
/** Headless, sandbox-free, and silent on the network (this machine allows no outside traffic). */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

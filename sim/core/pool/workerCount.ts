/**
 * How many workers a pool starts, decided in one place. In Node every core works (the CLI's
 * `--workers` default); in a page one core stays with the user interface, with at least two
 * workers (so a sweep never stalls the page on a one-core report) and at most eight (beyond
 * that a page's sweep gains little and costs memory).
 */
export type Host = "node" | "page";

export function workerCount(cores: number, host: Host): number {
  const c = Number.isFinite(cores) && cores >= 1 ? Math.floor(cores) : 1;
  return host === "node" ? c : Math.max(2, Math.min(c - 1, 8));
}

/** Cores the host reports through navigator.hardwareConcurrency (browsers), else 2. */
export function browserCores(): number {
  const n = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator
    ?.hardwareConcurrency;
  return typeof n === "number" && n > 0 ? n : 2;
}

/** Median wall time in milliseconds of `fn` over `runs` runs after `warmup` runs. */
export function medianMs(fn: () => void, runs = 200, warmup = 20): number {
  for (let i = 0; i < warmup; i++) fn();
  const t: number[] = [];
  for (let i = 0; i < runs; i++) {
    const a = performance.now();
    fn();
    t.push(performance.now() - a);
  }
  t.sort((a, b) => a - b);
  return t[Math.floor(t.length / 2)];
}

/** Browser worker count for sweeps: leave one core to the page, use at least two workers. */
export function workerCount(): number {
  const hc = navigator.hardwareConcurrency || 2;
  return Math.max(2, Math.min(hc - 1, 8));
}

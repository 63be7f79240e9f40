/**
 * Full factorial grid: every combination of the factors' levels. The first factor varies
 * slowest (row-major order), so points of one level of factor 1 are contiguous.
 */
export function gridPoints(levels: readonly (readonly number[])[]): number[][] {
  let points: number[][] = [[]];
  for (const ls of levels) {
    const next: number[][] = [];
    for (const p of points) for (const x of ls) next.push([...p, x]);
    points = next;
  }
  return points;
}

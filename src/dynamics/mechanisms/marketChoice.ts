import type { Stream } from "../../random/stream.ts";

/**
 * Which market an entering firm picks: probability proportional to attractiveness A_m among
 * the markets it does not serve. Walker's alias table draws from all markets in O(1);
 * a draw that lands on a served market is rejected. When the served markets hold more than
 * half the attractiveness, a linear scan over the unserved ones is used instead (exact).
 */
export interface AliasTable {
  prob: Float64Array;
  alias: Int32Array;
  total: number;
}

export function aliasTable(w: Float64Array): AliasTable {
  const n = w.length;
  let total = 0;
  for (let i = 0; i < n; i++) total += w[i];
  const prob = new Float64Array(n);
  const alias = new Int32Array(n);
  const scaled = Float64Array.from(w, (x) => (x * n) / total);
  const small: number[] = [];
  const large: number[] = [];
  for (let i = 0; i < n; i++) (scaled[i] < 1 ? small : large).push(i);
  while (small.length && large.length) {
    const s = small.pop() as number;
    const l = large[large.length - 1];
    prob[s] = scaled[s];
    alias[s] = l;
    scaled[l] = scaled[l] + scaled[s] - 1;
    if (scaled[l] < 1) {
      large.pop();
      small.push(l);
    }
  }
  for (const i of large) prob[i] = 1;
  for (const i of small) prob[i] = 1;
  return { prob, alias, total };
}

/**
 * Draw a market not yet served by the firm whose presence row starts at `row` in `presence`
 * (value 1 = served now). `servedAttr` is the attractiveness of the served markets.
 */
export function chooseMarket(
  s: Stream,
  t: AliasTable,
  a: Float64Array,
  presence: Uint8Array,
  row: number,
  servedAttr: number,
): number {
  const n = a.length;
  if (servedAttr < 0.5 * t.total) {
    for (;;) {
      const u = s.next() * n;
      const i = Math.floor(u);
      const m = u - i < t.prob[i] ? i : t.alias[i];
      if (presence[row + m] !== 1) return m;
    }
  }
  let target = s.next() * (t.total - servedAttr);
  let last = -1;
  for (let m = 0; m < n; m++) {
    if (presence[row + m] === 1) continue;
    last = m;
    target -= a[m];
    if (target < 0) return m;
  }
  return last;
}

import type { ParRow } from "./parse.ts";

const CULTURE = ["IEO", "IMO"];
const STRATEGIES = ["GTC", "UPD", "QF", "LFDC"];
const OUTCOME = "PERF";

/**
 * The paper's theory as defined parameters: the model's rows with the paths culture -> strategy
 * and strategy -> PERF labelled `IEO_GTC`, `GTC_PERF`, ..., followed by the eight specific
 * indirect effects (`IEO_GTC_PERF := IEO_GTC*GTC_PERF`, ...) and the two total indirect effects
 * (`IEO_total`, `IMO_total`). Paths the model lacks are left out of the sums; a path that
 * already has a label keeps it.
 */
export function withIndirectEffects(rows: readonly ParRow[]): ParRow[] {
  const out = rows.map((r) => ({ ...r }));
  const labelOf = (from: string, to: string): string | null => {
    const r = out.find((x) => x.op === "~" && x.lhs === to && x.rhs === from);
    if (!r) return null;
    if (r.fixed !== null) return r.label || String(r.fixed);
    r.label ||= `${from}_${to}`;
    return r.label;
  };
  const defined: ParRow[] = [];
  for (const x of CULTURE) {
    const terms: string[] = [];
    for (const m of STRATEGIES) {
      const a = labelOf(x, m);
      const b = labelOf(m, OUTCOME);
      if (!a || !b) continue;
      const name = `${x}_${m}_${OUTCOME}`;
      defined.push({ lhs: name, op: ":=", rhs: `${a}*${b}`, label: name, fixed: null });
      terms.push(`${a}*${b}`);
    }
    if (terms.length > 1) {
      const name = `${x}_total`;
      defined.push({ lhs: name, op: ":=", rhs: terms.join(" + "), label: name, fixed: null });
    }
  }
  return [...out, ...defined];
}

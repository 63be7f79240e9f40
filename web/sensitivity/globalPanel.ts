import { scaleBand, scaleLinear, select } from "d3";
import { browserSpawn } from "../../sim/browser/browserSpawn.ts";
import { buildPlan, type SweepPlan } from "../../sim/core/designs/plan.ts";
import { createPool, type Pool } from "../../sim/core/pool/pool.ts";
import { displayPathLabel, pathLabel } from "../../src/model/pathLabel.ts";
import type { ResolvedSweep } from "../../src/scenario/sweep.ts";
import { validateSweep } from "../../src/scenario/sweep.ts";
import { formatIssue, validateScenario } from "../../src/scenario/validate.ts";
import { exportToolbar } from "../export/export.ts";
import { scenarioSpec } from "../pathModel/compute.ts";
import type { AppState } from "../state/urlState.ts";
import type { ViewContext } from "../state/view.ts";
import { bindUi } from "../ui/bindUi.ts";
import { clear, fmt, h, labelled, runControls } from "../ui/dom.ts";
import { newSvg } from "../ui/lineChart.ts";
import { PALETTE } from "../ui/palette.ts";
import { type FactorIndex, morrisTable, PointMeans, srcTable } from "./global.ts";
import { progressText } from "./power.ts";

/** The project's sweep files and the scenarios they may name as their base (bundled by Vite). */
const SWEEPS = import.meta.glob("../../scenarios/sweeps/*.json", {
  eager: true,
  import: "default",
});
const BASES = import.meta.glob("../../scenarios/*.json", { eager: true, import: "default" });

function resolveBase(ref: string) {
  const name = ref.split("/").pop() ?? ref;
  const hit = Object.entries(BASES).find(([p]) => p.endsWith(`/${name}`));
  return hit
    ? { ok: true as const, value: hit[1] }
    : { ok: false as const, message: `no bundled scenario named ${name}` };
}

export interface GlobalSweepFile {
  id: string;
  json: Record<string, unknown>;
  type: string;
}

export const GLOBAL_SWEEPS: GlobalSweepFile[] = Object.entries(SWEEPS)
  .map(([p, json]) => ({
    id: p
      .split("/")
      .pop()!
      .replace(/\.json$/, ""),
    json: json as Record<string, unknown>,
    type: String((json as { design?: { type?: string } }).design?.type ?? ""),
  }))
  .filter((s) => s.type === "morris" || s.type === "latin-hypercube")
  .sort((a, b) => a.id.localeCompare(b.id));

function factorLabel(path: string): string {
  if (path === "population.firms") return "sample size n";
  const m = path.match(/^model\.paths\.(\w+)->(\w+)$/);
  return m ? `${m[1]} → ${m[2]}` : path;
}

/** Global sensitivity of a sweep file's design (Morris mu* or LHS standardized regression). */
export function createGlobalPanel(ctx: ViewContext): {
  root: HTMLElement;
  apply(state: AppState): void;
} {
  const root = h("section", { class: "global", id: "glob", "aria-labelledby": "glob-title" });
  const sweepSel = h("select", { id: "glob-sweep" });
  for (const s of GLOBAL_SWEEPS)
    sweepSel.append(
      h(
        "option",
        { value: s.id },
        `${s.id} (${s.type === "morris" ? "Morris screening" : "Latin hypercube"})`,
      ),
    );
  const about = h("p", { class: "note", id: "glob-about" });
  const reps = h("input", { type: "number", id: "glob-reps", min: 1, max: 1000, step: 1 });
  const quantity = h("select", { id: "glob-quantity" });
  const { run, cancel, progress, progressLabel, status } = runControls(
    "glob",
    "Run design",
    "Design",
  );
  const svg = newSvg("glob-chart", "Sensitivity index of each factor");
  const table = h("table", { class: "data", id: "glob-table" });

  let plan: SweepPlan | null = null;
  let means = new Map<string, PointMeans>();
  let rows: FactorIndex[] = [];
  let r2 = Number.NaN;
  let pool: Pool | null = null;
  let abort: AbortController | null = null;

  root.append(
    h("h2", { id: "glob-title" }, "Global sensitivity: which inputs matter?"),
    h(
      "p",
      { class: "lede" },
      "Runs a sweep file's design (scenarios/sweeps) in the same Web Workers. Morris screening ranks factors by μ*, the mean absolute elementary effect over each factor's full range (σ: interactions and non-linearity); a Latin hypercube is summarised by standardized regression coefficients.",
    ),
    h(
      "div",
      { class: "split" },
      h(
        "div",
        { class: "chart-wrap" },
        svg,
        exportToolbar({
          name: "global-sensitivity",
          svg: () => svg,
          rows: () =>
            rows.map((r) => ({
              factor: r.factor,
              quantity: quantity.value,
              importance: r.importance,
              signed: r.signed,
              spread: r.spread,
              n: r.n,
            })),
        }),
      ),
      h(
        "div",
        { class: "panel controls" },
        labelled("Sweep file", sweepSel),
        about,
        labelled("Replications per design point", reps),
        labelled("Quantity", quantity),
        h("div", { class: "timeline" }, run, cancel),
        progress,
        progressLabel,
        status,
      ),
    ),
    h("div", { class: "table-wrap" }, table),
  );

  function current(): { file: GlobalSweepFile; sweep: ResolvedSweep } | { error: string } {
    const file = GLOBAL_SWEEPS.find((s) => s.id === sweepSel.value) ?? GLOBAL_SWEEPS[0];
    if (!file) return { error: "no Morris or Latin hypercube sweep file is bundled" };
    const r = Number(reps.value);
    const json =
      Number.isInteger(r) && r >= 1 && r <= 1000 ? { ...file.json, replications: r } : file.json;
    const v = validateSweep(json, resolveBase);
    if (!v.ok) return { error: v.issues.map(formatIssue).join("; ") };
    return { file, sweep: v.sweep };
  }

  function fillQuantities(sweep: ResolvedSweep): void {
    const keep = quantity.value;
    clear(quantity);
    const base = validateScenario(sweep.base);
    const labels = base.ok
      ? scenarioSpec(base.scenario).paths.map((p) => pathLabel(p.from, p.to))
      : [];
    const opts: [string, string][] = [
      ...labels.map((l): [string, string] => [
        `${l}.sig`,
        `power of ${displayPathLabel(l)} (share supported)`,
      ]),
      ...labels.map((l): [string, string] => [`${l}.std`, `estimate of ${displayPathLabel(l)}`]),
      ["fit.cfi", "CFI of the fitted model"],
      ["fit.rmsea", "RMSEA of the fitted model"],
    ];
    for (const [v, t] of opts) quantity.append(h("option", { value: v }, t));
    if (opts.some(([v]) => v === keep)) quantity.value = keep;
    else if (opts.some(([v]) => v === "IEO->LFDC.sig")) quantity.value = "IEO->LFDC.sig";
  }

  function syncFile(): void {
    const file = GLOBAL_SWEEPS.find((s) => s.id === sweepSel.value) ?? GLOBAL_SWEEPS[0];
    if (!file) {
      status.textContent = "No Morris or Latin hypercube sweep file is bundled.";
      run.disabled = true;
      return;
    }
    about.textContent = String(file.json.description ?? "");
    reps.value = String(Math.min(Number(file.json.replications ?? 10), 20));
    const c = current();
    if ("error" in c) {
      status.textContent = `This sweep file is not valid: ${c.error}`;
      return;
    }
    fillQuantities(c.sweep);
  }

  function compute(): void {
    if (!plan) return;
    const pm = means.get(quantity.value);
    if (!pm) return;
    const y = pm.means();
    if (plan.morris) {
      rows = morrisTable(plan, y);
      r2 = Number.NaN;
    } else {
      const s = srcTable(plan, y);
      rows = s.rows;
      r2 = s.r2;
    }
    draw();
  }

  function draw(): void {
    const s = select(svg);
    s.selectAll("*").remove();
    const morris = !!plan?.morris;
    const data = [...rows].sort((a, b) => (b.importance || 0) - (a.importance || 0));
    const W = 700;
    const H = 70 + 34 * Math.max(1, data.length);
    svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
    const left = 170;
    const max = Math.max(
      1e-9,
      ...data.flatMap((d) => [d.importance, morris ? d.spread : 0]).filter(Number.isFinite),
    );
    const x = scaleLinear()
      .domain([0, max * 1.1])
      .range([left, W - 30]);
    const y = scaleBand<string>()
      .domain(data.map((d) => d.factor))
      .range([40, H - 30])
      .padding(0.25);
    const q = (quantity.selectedOptions[0]?.textContent ?? "").replace(" (share supported)", "");
    s.append("text")
      .attr("x", 12)
      .attr("y", 22)
      .attr("font-size", 15)
      .attr("font-weight", 700)
      .attr("fill", PALETTE.text)
      .text(
        morris
          ? `Morris μ* (bars), σ (dots): ${q}`
          : `|SRC| of ${q}${Number.isFinite(r2) ? ` (R² ${fmt(r2, 2)})` : ""}`,
      );
    const g = s.append("g").selectAll("g").data(data).join("g");
    g.append("rect")
      .attr("x", left)
      .attr("y", (d) => y(d.factor)!)
      .attr("width", (d) => (Number.isFinite(d.importance) ? x(d.importance) - left : 0))
      .attr("height", y.bandwidth())
      .attr("fill", (d) => (d.signed >= 0 ? PALETTE.positive : PALETTE.negative))
      .attr("data-factor", (d) => d.factor)
      .append("title")
      .text(
        (d) =>
          `${d.factor}: ${morris ? `μ* ${fmt(d.importance, 3)}, μ ${fmt(d.signed, 3)}, σ ${fmt(d.spread, 3)}` : `SRC ${fmt(d.signed, 3)}`}`,
      );
    if (morris) {
      g.append("circle")
        .attr("cx", (d) => (Number.isFinite(d.spread) ? x(d.spread) : left))
        .attr("cy", (d) => y(d.factor)! + y.bandwidth() / 2)
        .attr("r", 6)
        .attr("fill", PALETTE.gradual)
        .attr("stroke", "#000");
    }
    g.append("text")
      .attr("x", left - 8)
      .attr("y", (d) => y(d.factor)! + y.bandwidth() / 2)
      .attr("dy", "0.35em")
      .attr("text-anchor", "end")
      .attr("font-size", 14)
      .attr("fill", PALETTE.text)
      .text((d) => factorLabel(d.factor));
    s.append("text")
      .attr("x", left)
      .attr("y", H - 8)
      .attr("font-size", 12)
      .attr("fill", PALETTE.muted)
      .text("blue: raises the quantity, vermillion: lowers it (sign of μ or of the coefficient)");
    clear(table);
    table.append(
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          ...(morris
            ? ["Factor", "μ*", "μ", "σ", "effects"]
            : ["Factor", "|SRC|", "SRC", "points"]
          ).map((c) => h("th", { scope: "col" }, c)),
        ),
      ),
    );
    const body = h("tbody", {});
    for (const d of data) {
      body.append(
        h(
          "tr",
          {},
          h("th", { scope: "row" }, factorLabel(d.factor)),
          h("td", {}, fmt(d.importance, 3)),
          h("td", {}, fmt(d.signed, 3)),
          ...(morris ? [h("td", {}, fmt(d.spread, 3))] : []),
          h("td", {}, String(d.n)),
        ),
      );
    }
    table.append(body);
  }

  async function start(): Promise<void> {
    status.classList.remove("warn");
    const c = current();
    if ("error" in c) {
      status.textContent = `Not possible: ${c.error}`;
      status.classList.add("warn");
      return;
    }
    plan = buildPlan(c.sweep);
    const p = plan;
    means = new Map(
      [...quantity.options].map((o) => [o.value, new PointMeans(p.points.length, o.value)]),
    );
    rows = [];
    draw();
    run.disabled = true;
    cancel.disabled = false;
    root.dataset.sweep = "running";
    abort = new AbortController();
    try {
      pool = createPool({ spawn: browserSpawn() }); // a page's share of the cores (workerCount.ts)
      await pool.prepare(c.sweep);
      const summary = await pool.run({
        signal: abort.signal,
        progressIntervalMs: 150,
        onResult: (o) => {
          if (!o.ok) return;
          for (const pm of means.values()) pm.add(o.spec.point, o.keys, o.values);
        },
        onProgress: (pr) => {
          progress.value = pr.total ? pr.done / pr.total : 0;
          progressLabel.textContent = progressText(pr.done, pr.total, pr.runsPerSec);
        },
      });
      compute();
      status.textContent = summary.cancelled
        ? `Cancelled after ${summary.done} of ${summary.total} runs; indices use the points that finished.`
        : `Done: ${summary.done} runs (${p.points.length} design points × ${c.sweep.replications} replications) in ${summary.elapsedSec.toFixed(1)} s${summary.failed ? `; ${summary.failed} failed` : ""}.`;
      root.dataset.sweep = summary.cancelled ? "cancelled" : "done";
    } catch (e) {
      status.textContent = `The design stopped: ${(e as Error).message}`;
      status.classList.add("warn");
      root.dataset.sweep = "failed";
    } finally {
      pool?.close();
      pool = null;
      abort = null;
      run.disabled = false;
      cancel.disabled = true;
    }
  }

  sweepSel.addEventListener("change", () => {
    syncFile();
    // replications and quantity were the previous file's
    const { "glob-reps": _r, "glob-quantity": _q, ...rest } = ctx.store.state.ui;
    ctx.store.set({ ui: { ...rest, "glob-sweep": sweepSel.value } });
  });
  quantity.addEventListener("change", compute);
  run.addEventListener("click", () => void start());
  cancel.addEventListener("click", () => abort?.abort());
  syncFile();
  draw();
  const ui = bindUi(ctx, [
    { key: "glob-sweep", el: sweepSel, applied: syncFile },
    {
      key: "glob-reps",
      el: reps,
      check: (v) => (Number.isInteger(Number(v)) ? null : "must be a whole number"),
    },
    { key: "glob-quantity", el: quantity, applied: compute },
  ]);
  return { root, apply: (state) => void ui.apply(state) };
}

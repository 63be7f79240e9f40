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
import { chartTextScale, TEXT_SCALE_EVENT } from "../ui/textScale.ts";
import { type FactorIndex, morrisTable, noiseShare, PointMeans, srcTable } from "./global.ts";
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

/** Below this R² a Latin hypercube's coefficients are flagged as a weak fit, in words. */
export const WEAK_R2 = 0.5;

/** The unit of a quantity, as the indices are read in it. */
export function quantityUnit(q: string): string {
  if (q.endsWith(".sig")) return "share of surveys (0–1)";
  if (q.endsWith(".std")) return "standardized coefficient";
  if (q === "fit.cfi") return "CFI (0–1)";
  if (q === "fit.rmsea") return "RMSEA";
  return "the quantity's unit";
}

/** The paths a design varies ("FROM->TO"), from its factors. */
function variedPaths(sweep: ResolvedSweep): string[] {
  return sweep.factors
    .map((f) => f.path.match(/^model\.paths\.(\w+->\w+)$/)?.[1])
    .filter((x): x is string => !!x);
}

function factorRange(f: { min: number; max: number; integer: boolean }): string {
  const d = (x: number) => (f.integer ? x.toLocaleString("en-US") : String(x));
  return `${d(f.min)}–${d(f.max)}`;
}

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
  const tableWrap = h("div", { class: "table-wrap" }, table);
  /** Before a run: what a run will show, instead of an empty chart and a header-only table. */
  const empty = h("p", { class: "note empty-chart", id: "glob-empty" });
  /** After a run: the reading in words (units, Monte Carlo error, weak fit). */
  const summary = h("p", { class: "reading", id: "glob-summary", "aria-live": "polite" });

  let plan: SweepPlan | null = null;
  let means = new Map<string, PointMeans>();
  let rows: FactorIndex[] = [];
  let r2 = Number.NaN;
  let noise = Number.NaN;
  let ranSweep: ResolvedSweep | null = null;
  let ranFile = "";
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
        empty,
        svg,
        summary,
        exportToolbar({
          name: "global-sensitivity",
          svg: () => svg,
          rows: () =>
            rows.map((r) => {
              const f = ranSweep?.factors.find((x) => x.path === r.factor);
              const morris = !!plan?.morris;
              return {
                factor: r.factor,
                range_min: f?.min ?? "",
                range_max: f?.max ?? "",
                quantity: quantity.value,
                unit: quantityUnit(quantity.value),
                [morris ? "mu_star_per_full_range" : "abs_src"]: r.importance,
                [morris ? "mu_per_full_range" : "src"]: r.signed,
                ...(morris ? { sigma: r.spread } : {}),
                [morris ? "mc_se_of_mu" : "src_se"]: Number.isFinite(r.error) ? r.error : "",
                [morris ? "effects" : "points"]: r.n,
                ...(morris ? {} : { r2 }),
                distinguishable: distinguishable(r) ? "yes" : "no",
              };
            }),
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
    tableWrap,
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
    const paths = base.ok ? scenarioSpec(base.scenario).paths : [];
    const labels = paths.map((p) => pathLabel(p.from, p.to));
    const varied = variedPaths(sweep).filter((l) => labels.includes(l));
    const rest = labels.filter((l) => !varied.includes(l));
    const power = (l: string): [string, string] => [
      `${l}.sig`,
      `power of ${displayPathLabel(l)} (share supported)`,
    ];
    const est = (l: string): [string, string] => [`${l}.std`, `estimate of ${displayPathLabel(l)}`];
    const groups: [string, [string, string][]][] = [
      // first what the design varies: these answer "which input moves this?"
      ["Paths this design varies", [...varied.map(power), ...varied.map(est)]],
      [
        "Fit of the published model",
        [
          ["fit.cfi", "CFI of the fitted model"],
          ["fit.rmsea", "RMSEA of the fitted model"],
        ],
      ],
      ["Other paths (not varied)", [...rest.map(power), ...rest.map(est)]],
    ];
    const all: string[] = [];
    for (const [label, opts] of groups) {
      if (!opts.length) continue;
      const g = h("optgroup", { label });
      for (const [v, t] of opts) {
        g.append(h("option", { value: v }, t));
        all.push(v);
      }
      quantity.append(g);
    }
    if (all.includes(keep)) quantity.value = keep;
    else {
      // default: the power of the weakest path the design varies (the hardest to detect, so
      // the one whose power moves most), else the fit
      const weakest = [...varied].sort(
        (a, b) =>
          Math.abs(paths[labels.indexOf(a)].value) - Math.abs(paths[labels.indexOf(b)].value),
      )[0];
      quantity.value = weakest ? `${weakest}.sig` : "fit.cfi";
    }
  }

  /** Whether a factor's index stands out from its error (2 standard errors). */
  function distinguishable(r: FactorIndex): boolean {
    if (!Number.isFinite(r.error)) return Number.isFinite(r.importance) && r.importance > 0;
    return r.importance > 2 * r.error;
  }

  function showEmpty(): void {
    const file = current();
    const q = quantity.selectedOptions[0]?.textContent ?? "the quantity";
    const points =
      "error" in file
        ? ""
        : ` (${buildPlan(file.sweep).points.length} design points × ${file.sweep.replications} replications)`;
    empty.textContent = `Run the design${points} to see which of its inputs move the ${q.replace(" (share supported)", "")}, in its own unit, with the Monte Carlo error of each index.`;
    empty.hidden = false;
    svg.style.display = "none";
    tableWrap.hidden = true;
    summary.textContent = "";
  }

  function syncFile(): void {
    const file = GLOBAL_SWEEPS.find((s) => s.id === sweepSel.value) ?? GLOBAL_SWEEPS[0];
    if (!file) {
      status.textContent = "No Morris or Latin hypercube sweep file is bundled.";
      run.disabled = true;
      return;
    }
    about.textContent = String(file.json.description ?? "");
    if (plan && ranFile !== file.id && root.dataset.sweep !== "running") {
      // the results shown were another file's
      plan = null;
      rows = [];
    }
    reps.value = String(Math.min(Number(file.json.replications ?? 10), 20));
    const c = current();
    if ("error" in c) {
      status.textContent = `This sweep file is not valid: ${c.error}`;
      return;
    }
    fillQuantities(c.sweep);
    draw();
  }

  function compute(): void {
    const pm = plan ? means.get(quantity.value) : undefined;
    if (!plan || !pm) {
      draw();
      return;
    }
    const y = pm.means();
    const mv = pm.meanVariances();
    noise = noiseShare(y, mv);
    if (plan.morris) {
      rows = morrisTable(plan, y, mv);
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
    if (!plan || !rows.length || !rows.some((r) => Number.isFinite(r.importance))) {
      showEmpty();
      if (plan && root.dataset.sweep === "running") {
        empty.textContent = "Running the design… the indices appear when it finishes.";
      }
      return;
    }
    empty.hidden = true;
    svg.style.display = "";
    tableWrap.hidden = false;
    const morris = !!plan.morris;
    const unit = quantityUnit(quantity.value);
    const q = (quantity.selectedOptions[0]?.textContent ?? "").replace(" (share supported)", "");
    const data = [...rows].sort((a, b) => (b.importance || 0) - (a.importance || 0));
    const factors = ranSweep?.factors ?? plan.sweep.factors;
    const rangeOf = (path: string) => {
      const f = factors.find((x) => x.path === path);
      return f ? factorRange(f) : "";
    };
    const weak = !morris && Number.isFinite(r2) && r2 < WEAK_R2;
    const W = 760;
    const H = 92 + 34 * Math.max(1, data.length);
    svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
    // room for the longest factor label at the current text size (Larger text scales it)
    const longest = Math.max(
      ...data.map((d) => `${factorLabel(d.factor)} (${rangeOf(d.factor)})`.length),
    );
    const left = Math.min(380, 20 + longest * 14 * 0.6 * chartTextScale());
    const max = Math.max(
      1e-9,
      ...data
        .flatMap((d) => [
          d.importance + (Number.isFinite(d.error) ? 2 * d.error : 0),
          morris ? d.spread : 0,
        ])
        .filter(Number.isFinite),
    );
    const x = scaleLinear()
      .domain([0, max * 1.1])
      .range([left, W - 30]);
    const y = scaleBand<string>()
      .domain(data.map((d) => d.factor))
      .range([44, H - 50])
      .padding(0.25);
    s.append("text")
      .attr("x", 12)
      .attr("y", 20)
      .attr("font-size", 15)
      .attr("font-weight", 700)
      .attr("fill", PALETTE.text)
      .text(
        morris
          ? `Morris μ* (bars), σ (dots) of the ${q}`
          : `|SRC| of the ${q}${Number.isFinite(r2) ? ` (R² ${fmt(r2, 2)}${weak ? ", weak fit" : ""})` : ""}`,
      );
    s.append("text")
      .attr("x", 12)
      .attr("y", 36)
      .attr("font-size", 12)
      .attr("fill", PALETTE.muted)
      .text(
        morris
          ? `unit: ${unit} per full range of the factor; whiskers: ±2 Monte Carlo SE`
          : "unit: SD of the quantity per SD of the factor; whiskers: ±2 standard errors",
      );
    const colourOf = (d: FactorIndex) =>
      weak || !distinguishable(d) ? "#9a9a9a" : d.signed >= 0 ? PALETTE.positive : PALETTE.negative;
    const g = s.append("g").selectAll("g").data(data).join("g");
    g.append("rect")
      .attr("x", left)
      .attr("y", (d) => y(d.factor)!)
      .attr("width", (d) => (Number.isFinite(d.importance) ? x(d.importance) - left : 0))
      .attr("height", y.bandwidth())
      .attr("fill", colourOf)
      .attr("data-factor", (d) => d.factor)
      .attr("data-distinguishable", (d) => String(!weak && distinguishable(d)))
      .append("title")
      .text(
        (d) =>
          `${factorLabel(d.factor)} (${rangeOf(d.factor)}): ${morris ? `μ* ${fmt(d.importance, 3)}, μ ${fmt(d.signed, 3)} ± ${fmt(d.error, 3)} (Monte Carlo SE), σ ${fmt(d.spread, 3)} — ${unit} per full range` : `SRC ${fmt(d.signed, 3)} ± ${fmt(d.error, 3)} (SE)`}`,
      );
    // error whiskers: ±2 standard errors around the index
    g.filter((d) => Number.isFinite(d.error) && Number.isFinite(d.importance))
      .append("line")
      .attr("class", "err")
      .attr("x1", (d) => x(Math.max(0, d.importance - 2 * d.error)))
      .attr("x2", (d) => x(d.importance + 2 * d.error))
      .attr("y1", (d) => y(d.factor)! + y.bandwidth() / 2)
      .attr("y2", (d) => y(d.factor)! + y.bandwidth() / 2)
      .attr("stroke", PALETTE.text)
      .attr("stroke-width", 1.5);
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
      .text((d) => `${factorLabel(d.factor)} (${rangeOf(d.factor)})`);
    s.append("text")
      .attr("x", 12)
      .attr("y", H - 26)
      .attr("font-size", 12)
      .attr("fill", PALETTE.muted)
      .text(
        weak
          ? "grey: weak fit, the coefficients are not a reliable ranking"
          : "blue: raises it, vermillion: lowers it; grey: within 2 errors of zero (noise)",
      );
    s.append("text")
      .attr("x", 12)
      .attr("y", H - 10)
      .attr("font-size", 12)
      .attr("fill", PALETTE.muted)
      .text(
        `${plan.points.length} points × ${ranSweep?.replications ?? "?"} replications${Number.isFinite(noise) ? `; Monte Carlo noise ≈ ${Math.round(noise * 100)}% of the spread` : ""}`,
      );

    // the reading in words
    const strong = data.filter((d) => !weak && distinguishable(d));
    const noisy = data.filter((d) => weak || !distinguishable(d));
    const names = (ds: FactorIndex[]) => ds.map((d) => factorLabel(d.factor)).join(", ");
    const noiseText = Number.isFinite(noise)
      ? ` Monte Carlo noise (${ranSweep?.replications ?? "?"} replications per point) is about ${Math.round(noise * 100)}% of the variation between design points.`
      : "";
    if (morris) {
      summary.textContent = `μ* is the mean absolute change in the ${q} when a factor moves across its full range (the range in brackets), in ${unit}; each step moves a factor by ${fmt(plan.morris?.delta ?? 1, 2)} of its range and is scaled up to the full range, so a share can reach ${fmt(1 / (plan.morris?.delta ?? 1), 2)}. The error is the Monte Carlo standard error of μ (an upper bound: common random numbers make it smaller).${noiseText} ${strong.length ? `Stand out from the noise: ${names(strong)}.` : "No factor stands out from the Monte Carlo noise."}${noisy.length && strong.length ? ` Within noise: ${names(noisy)}.` : ""}`;
    } else if (weak) {
      summary.textContent = `Weak fit: R² = ${fmt(r2, 2)}, the ${factors.length} factors explain only ${Math.round(r2 * 100)}% of the variation of the ${q} across the design points, so the coefficients below are not a finding.${noiseText} Choose a quantity this design varies, or run more replications.`;
    } else {
      summary.textContent = `R² = ${fmt(r2, 2)}: the factors explain ${Math.round(r2 * 100)}% of the variation of the ${q} across the design points; each SRC is the change in the quantity, in its standard deviations, per standard deviation of the factor.${noiseText} ${strong.length ? `Clear effects: ${names(strong)}.` : ""}${noisy.length ? ` Not distinguishable from zero: ${names(noisy)}.` : ""}`;
    }
    summary.classList.toggle("warn", weak);
    root.dataset.fit = weak ? "weak" : "ok";

    clear(table);
    const heads = morris
      ? [
          "Factor",
          "Range",
          `μ* (${unit} per full range)`,
          "μ",
          "± Monte Carlo SE",
          "σ",
          "Effects",
          "Reading",
        ]
      : ["Factor", "Range", "|SRC|", "SRC", "± SE", "Points", "Reading"];
    table.append(
      h(
        "caption",
        {},
        `${morris ? "Morris screening" : "Latin hypercube"}: ${q}${morris ? "" : `, R² ${fmt(r2, 2)}`}`,
      ),
      h("thead", {}, h("tr", {}, ...heads.map((c) => h("th", { scope: "col" }, c)))),
    );
    const body = h("tbody", {});
    for (const d of data) {
      body.append(
        h(
          "tr",
          { "data-factor": d.factor },
          h("th", { scope: "row" }, factorLabel(d.factor)),
          h("td", {}, rangeOf(d.factor)),
          h("td", {}, fmt(d.importance, 3)),
          h("td", {}, fmt(d.signed, 3)),
          h("td", { class: "err" }, fmt(d.error, 3)),
          ...(morris ? [h("td", {}, fmt(d.spread, 3))] : []),
          h("td", {}, String(d.n)),
          h(
            "td",
            {},
            weak
              ? "weak fit"
              : distinguishable(d)
                ? d.signed >= 0
                  ? "raises it"
                  : "lowers it"
                : "within noise",
          ),
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
    ranSweep = c.sweep;
    ranFile = c.file.id;
    const p = plan;
    means = new Map(
      [...quantity.options].map((o) => [o.value, new PointMeans(p.points.length, o.value)]),
    );
    rows = [];
    root.dataset.sweep = "running";
    draw();
    run.disabled = true;
    cancel.disabled = false;
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
      if (summary.cancelled)
        progressLabel.textContent = `${summary.done.toLocaleString("en-US")} / ${summary.total.toLocaleString("en-US")} runs · cancelled`;
      status.textContent = summary.cancelled
        ? `Cancelled after ${summary.done} of ${summary.total} runs; indices use the points that finished.`
        : `Done: ${summary.done} runs (${p.points.length} design points × ${c.sweep.replications} replications) in ${summary.elapsedSec.toFixed(1)} s${summary.failed ? `; ${summary.failed} failed` : ""}.`;
      root.dataset.sweep = summary.cancelled ? "cancelled" : "done";
    } catch (e) {
      status.textContent = `The design stopped: ${(e as Error).message}`;
      progressLabel.textContent = "";
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
  document.addEventListener(TEXT_SCALE_EVENT, () => {
    if (rows.length) draw();
  });
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

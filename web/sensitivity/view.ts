import { interpolateViridis, scaleBand, select } from "d3";
import { browserSpawn } from "../../sim/browser/browserSpawn.ts";
import { createPool, type Pool } from "../../sim/core/pool/pool.ts";
import { displayPathLabel, pathLabel } from "../../src/model/pathLabel.ts";
import { TABLE2 } from "../../src/paper/table2.ts";
import { validateSweep } from "../../src/scenario/sweep.ts";
import { formatIssue } from "../../src/scenario/validate.ts";
import { exportToolbar } from "../export/export.ts";
import { scenarioSpec } from "../pathModel/compute.ts";
import type { ViewContext, ViewHandle } from "../state/view.ts";
import { bindUi } from "../ui/bindUi.ts";
import { h, labelled, runControls } from "../ui/dom.ts";
import { PALETTE } from "../ui/palette.ts";
import { chartTextScale, TEXT_SCALE_EVENT } from "../ui/textScale.ts";
import { createGlobalPanel } from "./globalPanel.ts";
import { PowerGrid, parseLevels, progressText } from "./power.ts";

const SVGNS = "http://www.w3.org/2000/svg";
const N_LEVELS = "50, 100, 150, 203, 300, 500, 800"; // 203 = the paper's n (Method)
const COEF_LEVELS = "0, 0.05, 0.1, 0.15, 0.2, 0.3";

/** View 5: a power heatmap (hypothesis x n, or x a path's coefficient) computed by a sweep in Web Workers. */
export function createSensitivityView(ctx: ViewContext): ViewHandle {
  const { store } = ctx;
  const root = h("section", { class: "view view-sens", "aria-labelledby": "sens-title" });
  const axis = h(
    "select",
    { id: "sens-axis" },
    h("option", { value: "n" }, "Sample size n"),
    h("option", { value: "coef" }, "One path's population coefficient"),
  );
  const pathSel = h("select", { id: "sens-path" });
  for (const t of TABLE2)
    pathSel.append(
      h("option", { value: pathLabel(t.from, t.to) }, `${t.hypothesis} ${t.from} → ${t.to}`),
    );
  pathSel.value = "IEO->LFDC";
  const levels = h("input", { type: "text", id: "sens-levels", value: N_LEVELS, size: 34 });
  const reps = h("input", {
    type: "number",
    id: "sens-reps",
    min: 10,
    max: 5000,
    step: 10,
    value: 200,
  });
  const { run, cancel, progress, progressLabel, status } = runControls(
    "sens",
    "Run sweep",
    "Sweep",
  );
  const svg = document.createElementNS(SVGNS, "svg") as SVGSVGElement;
  svg.id = "sens-heatmap";
  svg.setAttribute("class", "chart");
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", "Power heatmap: share of surveys that support each hypothesis");
  svg.setAttribute("font-family", "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif");

  let grid: PowerGrid | null = null;
  let gridMeta = { axisLabel: "n", reps: 0, seed: 0 };
  let pool: Pool | null = null;
  let abort: AbortController | null = null;

  const toolbar = exportToolbar({
    name: "power-heatmap",
    svg: () => svg,
    rows: () =>
      (grid?.cells() ?? []).map((c) => ({
        path: c.label,
        hypothesis: TABLE2.find((t) => pathLabel(t.from, t.to) === c.label)?.hypothesis ?? "",
        [gridMeta.axisLabel]: c.level,
        runs: c.runs,
        supported: c.supported,
        power: Number.isFinite(c.power) ? c.power : "",
        mc_se: Number.isFinite(c.se) ? Number(c.se.toFixed(6)) : "",
      })),
  });

  root.append(
    h("h2", { id: "sens-title" }, "Sensitivity: how often would a survey find each hypothesis?"),
    h(
      "p",
      { class: "lede" },
      "Each cell re-runs the virtual survey many times and shows the share of runs in which the path comes out supported (its statistical power). The sweep runs in background Web Workers; the page stays responsive and can be cancelled.",
    ),
    h(
      "div",
      { class: "split" },
      h("div", { class: "chart-wrap" }, svg, toolbar),
      h(
        "div",
        { class: "panel controls" },
        h("h3", {}, "Design"),
        labelled("Across", axis),
        labelled("Path (for the coefficient axis)", pathSel),
        labelled("Values", levels, "comma-separated"),
        labelled("Replications per cell", reps, "10–5000"),
        h("div", { class: "timeline" }, run, cancel),
        progress,
        progressLabel,
        status,
      ),
    ),
  );

  pathSel.disabled = true;
  axis.addEventListener("change", () => {
    levels.value = axis.value === "n" ? N_LEVELS : COEF_LEVELS;
    pathSel.disabled = axis.value === "n";
    store.set({ ui: { ...store.state.ui, "sens-axis": axis.value, "sens-levels": levels.value } });
  });
  const ui = bindUi(ctx, [
    { key: "sens-axis", el: axis, applied: () => (pathSel.disabled = axis.value === "n") },
    { key: "sens-path", el: pathSel },
    { key: "sens-levels", el: levels },
    {
      key: "sens-reps",
      el: reps,
      check: (v) => (Number.isInteger(Number(v)) ? null : "must be a whole number"),
    },
  ]);

  function draw(): void {
    const s = select(svg);
    s.selectAll("*").remove();
    if (!grid) {
      svg.setAttribute("viewBox", "0 0 900 120");
      s.append("text")
        .attr("x", 20)
        .attr("y", 60)
        .attr("font-size", 18)
        .attr("fill", PALETTE.muted)
        .text("Press “Run sweep” to compute the power of each hypothesis.");
      return;
    }
    const g = grid;
    const left = Math.round(170 * chartTextScale());
    const top = 50;
    const cellH = 30;
    const width = 900;
    const height = top + cellH * g.labels.length + 70;
    svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
    const x = scaleBand<number>()
      .domain(g.levels as number[])
      .range([left, width - 78])
      .padding(0.04);
    const y = scaleBand<string>()
      .domain(g.labels as string[])
      .range([top, top + cellH * g.labels.length])
      .padding(0.06);
    s.append("text")
      .attr("x", 12)
      .attr("y", 18)
      .attr("font-size", 15)
      .attr("fill", PALETTE.text)
      .text(
        `Power across ${gridMeta.axisLabel} →, ${gridMeta.reps} surveys per cell, seed ${gridMeta.seed}`,
      );
    s.append("text")
      .attr("x", 12)
      .attr("y", 36)
      .attr("font-size", 12)
      .attr("fill", PALETTE.muted)
      .text(
        `Monte Carlo SE ≤ ${(50 / Math.sqrt(gridMeta.reps)).toFixed(1)} points per cell (hover one); 80% is the usual target`,
      );
    const cells = s.append("g").selectAll("g").data(g.cells()).join("g");
    cells
      .append("rect")
      .attr("x", (c) => x(c.level)!)
      .attr("y", (c) => y(c.label)!)
      .attr("width", x.bandwidth())
      .attr("height", y.bandwidth())
      .attr("fill", (c) => (Number.isFinite(c.power) ? interpolateViridis(c.power) : "#eeeeee"))
      .attr("data-power", (c) => (Number.isFinite(c.power) ? c.power.toFixed(4) : ""))
      .attr("data-se", (c) => (Number.isFinite(c.se) ? c.se.toFixed(4) : ""))
      .append("title")
      .text(
        (c) =>
          `${displayPathLabel(c.label)}, ${gridMeta.axisLabel} = ${c.level}: ${c.supported} of ${c.runs} supported${Number.isFinite(c.power) ? `, power ${(100 * c.power).toFixed(1)}% ± ${(100 * c.se).toFixed(1)} points (Monte Carlo SE; 95% interval ±${(196 * c.se).toFixed(1)})` : ""}`,
      );
    cells
      .append("text")
      .attr("x", (c) => x(c.level)! + x.bandwidth() / 2)
      .attr("y", (c) => y(c.label)! + y.bandwidth() / 2)
      .attr("dy", "0.35em")
      .attr("text-anchor", "middle")
      .attr("font-size", 14)
      .attr("pointer-events", "none") // the cell's tooltip shows over its label too
      .attr("fill", (c) => (Number.isFinite(c.power) && c.power > 0.55 ? "#000000" : "#ffffff"))
      .text((c) => (Number.isFinite(c.power) ? `${Math.round(c.power * 100)}%` : ""));
    s.append("g")
      .selectAll("text")
      .data(g.labels)
      .join("text")
      .attr("x", left - 8)
      .attr("y", (l) => y(l)! + y.bandwidth() / 2)
      .attr("dy", "0.35em")
      .attr("text-anchor", "end")
      .attr("font-size", 14)
      .attr("fill", PALETTE.text)
      .text((l) => {
        const t = TABLE2.find((p) => pathLabel(p.from, p.to) === l);
        return `${t ? `${t.hypothesis} ` : ""}${displayPathLabel(l)}`;
      });
    // the paper's verdict (Table 2) beside each row
    s.append("text")
      .attr("x", width - 40)
      .attr("y", top - 8)
      .attr("text-anchor", "middle")
      .attr("font-size", 12)
      .attr("fill", PALETTE.muted)
      .text("paper");
    s.append("g")
      .selectAll("text")
      .data(g.labels)
      .join("text")
      .attr("x", width - 40)
      .attr("y", (l) => y(l)! + y.bandwidth() / 2)
      .attr("dy", "0.35em")
      .attr("text-anchor", "middle")
      .attr("font-size", 14)
      .attr("font-weight", 700)
      .attr("fill", PALETTE.text)
      .text((l) => TABLE2.find((p) => pathLabel(p.from, p.to) === l)?.verdict ?? "–");
    const bottom = top + cellH * g.labels.length;
    s.append("g")
      .selectAll("text")
      .data(g.levels)
      .join("text")
      .attr("x", (l) => x(l)! + x.bandwidth() / 2)
      .attr("y", bottom + 18)
      .attr("text-anchor", "middle")
      .attr("font-size", 14)
      .attr("font-weight", (l) => (gridMeta.axisLabel === "n" && l === 203 ? 700 : 400))
      .attr("fill", PALETTE.text)
      .text((l) => (gridMeta.axisLabel === "n" && l === 203 ? "203 (paper)" : String(l)));
    // colour legend
    const lg = s.append("g").attr("transform", `translate(${left},${bottom + 36})`);
    const steps = 10;
    for (let i = 0; i < steps; i++) {
      lg.append("rect")
        .attr("x", i * 30)
        .attr("width", 30)
        .attr("height", 12)
        .attr("fill", interpolateViridis((i + 0.5) / steps));
    }
    lg.append("text")
      .attr("x", 0)
      .attr("y", 26)
      .attr("font-size", 12)
      .attr("fill", PALETTE.muted)
      .text("0%");
    lg.append("text")
      .attr("x", steps * 30)
      .attr("y", 26)
      .attr("text-anchor", "end")
      .attr("font-size", 12)
      .attr("fill", PALETTE.muted)
      .text("100%");
    lg.append("text")
      .attr("x", steps * 30 + 10)
      .attr("y", 11)
      .attr("font-size", 12)
      .attr("fill", PALETTE.muted)
      .text("share of surveys that find the path");
  }

  async function start(): Promise<void> {
    status.classList.remove("warn");
    const isN = axis.value === "n";
    const lv = isN
      ? parseLevels(levels.value, 30, 100_000, true)
      : parseLevels(levels.value, -0.9, 0.9, false);
    if (!lv.ok) {
      status.textContent = `Values: ${lv.message}.`;
      status.classList.add("warn");
      return;
    }
    const r = Number(reps.value);
    if (!Number.isInteger(r) || r < 10 || r > 5000) {
      status.textContent = "Replications per cell must be a whole number from 10 to 5000.";
      status.classList.add("warn");
      return;
    }
    const scenario = store.scenario();
    const factorPath = isN ? "population.firms" : `model.paths.${pathSel.value}`;
    const v = validateSweep({
      name: "web power heatmap",
      base: { ...store.state.scenario, mode: "cross-section" },
      design: { type: "grid", factors: [{ path: factorPath, levels: lv.levels }] },
      replications: r,
      seed: scenario.seed,
    });
    if (!v.ok) {
      status.textContent = `This sweep is not possible: ${v.issues.map(formatIssue).join("; ")}`;
      status.classList.add("warn");
      return;
    }
    const labels = scenarioSpec(scenario).paths.map((p) => pathLabel(p.from, p.to));
    grid = new PowerGrid(labels, lv.levels);
    gridMeta = {
      axisLabel: isN ? "n" : displayPathLabel(pathSel.value),
      reps: r,
      seed: scenario.seed,
    };
    draw();
    run.disabled = true;
    cancel.disabled = false;
    progress.value = 0;
    progressLabel.textContent = "Starting workers…";
    status.textContent = "";
    abort = new AbortController();
    let dirty = false;
    const timer = setInterval(() => {
      if (dirty) {
        dirty = false;
        draw();
      }
    }, 250);
    try {
      pool = createPool({ spawn: browserSpawn() }); // a page's share of the cores (workerCount.ts)
      await pool.prepare(v.sweep);
      const g = grid;
      let failedMsg = "";
      const summary = await pool.run({
        signal: abort.signal,
        progressIntervalMs: 150,
        onResult: (o) => {
          if (o.ok) g.add(o.spec.params[factorPath], o.keys, o.values);
          else failedMsg ||= o.message;
          dirty = true;
        },
        onProgress: (p) => {
          progress.value = p.total ? p.done / p.total : 0;
          progressLabel.textContent = progressText(p.done, p.total, p.runsPerSec);
        },
      });
      draw();
      if (summary.cancelled)
        progressLabel.textContent = `${summary.done.toLocaleString("en-US")} / ${summary.total.toLocaleString("en-US")} runs · cancelled`;
      const rate = summary.elapsedSec > 0 ? summary.done / summary.elapsedSec : 0;
      status.textContent = summary.cancelled
        ? `Cancelled after ${summary.done} of ${summary.total} runs; the heatmap shows the runs that finished.`
        : `Done: ${summary.done} runs in ${summary.elapsedSec.toFixed(1)} s (${Math.round(rate)} runs/s) on ${pool.size} workers${summary.failed ? `; ${summary.failed} failed: ${failedMsg}` : ""}.`;
      root.dataset.sweep = summary.cancelled ? "cancelled" : "done";
    } catch (e) {
      status.textContent = `The sweep stopped: ${(e as Error).message}`;
      progressLabel.textContent = "";
      status.classList.add("warn");
      root.dataset.sweep = "failed";
    } finally {
      clearInterval(timer);
      pool?.close();
      pool = null;
      abort = null;
      run.disabled = false;
      cancel.disabled = true;
    }
  }

  run.addEventListener("click", () => {
    root.dataset.sweep = "running";
    void start();
  });
  cancel.addEventListener("click", () => abort?.abort());
  document.addEventListener(TEXT_SCALE_EVENT, () => draw());
  draw();
  const globalPanel = createGlobalPanel(ctx);
  root.append(globalPanel.root);

  return {
    id: "sensitivity",
    root,
    update(state) {
      ui.apply(state);
      globalPanel.apply(state);
    },
  };
}

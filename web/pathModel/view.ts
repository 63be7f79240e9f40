import { select } from "d3";
import { displayPathLabel, pathLabel } from "../../src/model/pathLabel.ts";
import { CONSTRUCT_NAMES, type Construct } from "../../src/paper/constructs.ts";
import { exportToolbar } from "../export/export.ts";
import { SURVEY_N } from "../state/urlState.ts";
import type { ViewContext, ViewHandle } from "../state/view.ts";
import { clear, fmt, h, labelled, perFrame } from "../ui/dom.ts";
import { PALETTE } from "../ui/palette.ts";
import { chartTextScale, TEXT_SCALE_EVENT } from "../ui/textScale.ts";
import {
  fitToTable1,
  type Reestimate,
  reestimate,
  scenarioSpec,
  setPath,
  type Table1Fit,
} from "./compute.ts";
import {
  DIAGRAM,
  edgeGeometry,
  nodePositions,
  pathColour,
  pathWidth,
  placeLabels,
} from "./layout.ts";

const SVGNS = "http://www.w3.org/2000/svg";
const LABEL_FONT = 13;
/** Height below the diagram for the constructs spelled out. */
const GLOSSARY_H = 86;

/** View 3: the paper's Figure 1 with editable population coefficients and a re-estimate. */
export function createPathModelView(ctx: ViewContext): ViewHandle {
  const { store } = ctx;
  const root = h("section", { class: "view view-path", "aria-labelledby": "pm-title" });
  const title = h("h2", { id: "pm-title" }, "Path model: culture → strategies → performance");
  const intro = h(
    "p",
    { class: "lede" },
    "Figure 1 of Knight & Cavusgil (2004). Set the population's standardized coefficients; a virtual survey of n firms re-estimates them. Line width shows the population value, colour its sign, a dashed line a re-estimate that is not significant.",
  );
  const svg = document.createElementNS(SVGNS, "svg") as SVGSVGElement;
  svg.setAttribute("viewBox", `0 0 ${DIAGRAM.width} ${DIAGRAM.height + GLOSSARY_H}`);
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-labelledby", "pm-title");
  svg.setAttribute("class", "chart path-diagram");
  svg.setAttribute("font-family", "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif");
  svg.id = "path-diagram";

  const status = h("p", {
    class: "status",
    role: "status",
    "aria-live": "polite",
    id: "pm-status",
  });
  const nInput = h("input", {
    type: "number",
    min: SURVEY_N.min,
    max: SURVEY_N.max,
    step: 1,
    id: "pm-n",
  });
  const seedInput = h("input", { type: "number", min: 0, max: 4294967295, step: 1, id: "pm-seed" });
  const reseed = h("button", { type: "button", id: "pm-reseed" }, "New survey seed");
  const full = h("input", { type: "checkbox", id: "pm-full" });
  const fullField = h(
    "div",
    { class: "field inline" },
    full,
    h("label", { for: "pm-full" }, "Full survey: mail the frame, non-response, 7-point items"),
  );
  const surveyNote = h("p", { class: "hint", id: "pm-survey-note" });
  const sliders = h("div", { class: "sliders", id: "pm-sliders" });
  const fitBox = h("div", { class: "fit", id: "pm-fit", "aria-live": "polite" });
  const table = h("table", { class: "data", id: "pm-table" });

  let result: Reestimate | null = null;
  let fit: Table1Fit | { error: string } | null = null;

  const toolbar = exportToolbar({
    name: "path-model",
    svg: () => svg,
    rows: () =>
      (result?.rows ?? []).map((r) => ({
        hypothesis: r.hypothesis,
        path: r.label,
        paper: r.paper,
        paper_verdict: r.paperVerdict,
        population: r.population,
        estimate: r.est,
        ci_low: r.lo,
        ci_high: r.hi,
        p: r.p,
        verdict: r.verdict,
        n: result?.n ?? null,
        survey_seed: result?.seed ?? null,
      })),
  });

  const controls = h(
    "div",
    { class: "panel controls" },
    h("h3", {}, "Virtual survey"),
    labelled("Sample size n", nInput, `${SURVEY_N.min}–${SURVEY_N.max}; the paper had 203`),
    labelled("Survey seed", seedInput),
    reseed,
    fullField,
    surveyNote,
    h("h3", {}, "Population coefficients"),
    status,
    sliders,
    h("h3", {}, "Fit of this model to Table 1"),
    fitBox,
  );
  root.append(
    title,
    intro,
    h("div", { class: "split" }, h("div", { class: "chart-wrap" }, svg, toolbar), controls),
    h("h3", {}, "Paths: paper, population and re-estimate"),
    h("div", { class: "table-wrap" }, table),
  );

  function clearStatus(): void {
    status.textContent = "";
    status.classList.remove("warn");
  }
  nInput.addEventListener("change", () => {
    const n = Number(nInput.value);
    if (!Number.isInteger(n) || n < SURVEY_N.min || n > SURVEY_N.max) {
      status.textContent = `Sample size must be a whole number from ${SURVEY_N.min} to ${SURVEY_N.max}.`;
      status.classList.add("warn");
      nInput.value = String(store.state.survey.n);
      return;
    }
    clearStatus();
    store.set({ survey: { ...store.state.survey, n } });
  });
  seedInput.addEventListener("change", () => {
    const seed = Number(seedInput.value);
    if (!Number.isInteger(seed) || seed < 0 || seed > 4294967295) {
      status.textContent = "Survey seed must be a whole number from 0 to 4294967295.";
      status.classList.add("warn");
      seedInput.value = String(store.state.survey.seed);
      return;
    }
    clearStatus();
    store.set({ survey: { ...store.state.survey, seed } });
  });
  full.addEventListener("change", () => {
    store.set({ survey: { ...store.state.survey, full: full.checked } });
  });
  reseed.addEventListener("click", () => {
    store.set({ survey: { ...store.state.survey, seed: store.state.survey.seed + 1 } });
  });

  // One slider + number box per population path; rebuilt when the set of paths changes.
  let sliderKeys = "";
  const pending = new Map<string, number>();
  const apply = perFrame(() => {
    let scenario = store.state.scenario;
    for (const [label, value] of pending) {
      const r = setPath(scenario, label, value);
      if (r.ok) {
        scenario = r.scenario;
        status.textContent = "";
      } else {
        status.textContent = `Not possible: ${r.message}. The previous value is kept.`;
        status.classList.add("warn");
      }
    }
    pending.clear();
    if (scenario !== store.state.scenario) {
      status.classList.remove("warn");
      store.set({ scenario });
    } else syncSliders(true);
  });

  function buildSliders(): void {
    const spec = scenarioSpec(store.scenario());
    const keys = spec.paths.map((p) => pathLabel(p.from, p.to)).join(",");
    if (keys === sliderKeys) return;
    sliderKeys = keys;
    clear(sliders);
    for (const p of spec.paths) {
      const label = pathLabel(p.from, p.to);
      const hyp = result?.rows.find((r) => r.label === label)?.hypothesis;
      const text = `${hyp ? `${hyp} ` : ""}${p.from} → ${p.to}`;
      const range = h("input", {
        type: "range",
        min: -0.9,
        max: 0.9,
        step: 0.01,
        "data-path": label,
        "aria-label": `${text} population coefficient (slider)`,
      });
      const num = h("input", {
        type: "number",
        min: -0.99,
        max: 0.99,
        step: 0.01,
        "data-path-number": label,
        "aria-label": `${text} population coefficient`,
      });
      const onInput = (v: string) => {
        pending.set(label, Number(v));
        apply();
      };
      range.addEventListener("input", () => onInput(range.value));
      num.addEventListener("change", () => {
        // an empty box (or text a number box cannot hold: its value is then "") is not 0
        const v = num.value.trim();
        if (v === "" || !Number.isFinite(Number(v))) {
          status.textContent = `Not possible: ${text} needs a number from -0.99 to 0.99; the box was ${num.validity.badInput ? "not a number" : "empty"}. The previous value is kept.`;
          status.classList.add("warn");
          syncSliders(true);
          return;
        }
        onInput(v);
      });
      sliders.append(
        h("div", { class: "slider-row" }, h("span", { class: "slider-label" }, text), range, num),
      );
    }
  }

  /** Show the population values; `force` also resets the box being typed in (after a refusal). */
  function syncSliders(force = false): void {
    const spec = scenarioSpec(store.scenario());
    for (const p of spec.paths) {
      const label = pathLabel(p.from, p.to);
      const range = sliders.querySelector<HTMLInputElement>(`input[data-path="${label}"]`);
      const num = sliders.querySelector<HTMLInputElement>(`input[data-path-number="${label}"]`);
      if (range) range.value = String(p.value);
      if (num && (force || document.activeElement !== num)) num.value = fmt(p.value, 2);
    }
  }

  document.addEventListener(TEXT_SCALE_EVENT, () => drawDiagram());
  function drawDiagram(): void {
    const spec = scenarioSpec(store.scenario());
    const pos = nodePositions(spec.variables);
    const rows = new Map((result?.rows ?? []).map((r) => [r.label, r]));
    const s = select(svg);
    s.selectAll("*").remove();
    s.append("defs")
      .selectAll("marker")
      .data([
        ["arrow-pos", PALETTE.positive],
        ["arrow-neg", PALETTE.negative],
      ])
      .join("marker")
      .attr("id", (d) => d[0])
      .attr("viewBox", "0 0 10 10")
      .attr("refX", 9)
      .attr("refY", 5)
      .attr("markerWidth", 16)
      .attr("markerHeight", 16)
      .attr("markerUnits", "userSpaceOnUse")
      .attr("orient", "auto")
      .append("path")
      .attr("d", "M0,0L10,5L0,10z")
      .attr("fill", (d) => d[1]);

    const scale = chartTextScale();
    const labelText = (label: string, value: number) => {
      const r = rows.get(label);
      const hyp = r?.hypothesis ? `${r.hypothesis} ` : "";
      return r ? `${hyp}${fmt(value)} → ${fmt(r.est)} ${r.verdict}` : fmt(value);
    };
    const edges = spec.paths.map((p) => {
      const a = pos.get(p.from)!;
      const b = pos.get(p.to)!;
      const skip = Math.abs(b.x - a.x) > 500; // culture -> outcome: curve around the strategies
      const g = edgeGeometry(a, b);
      let d = `M${g.x1},${g.y1}L${g.x2},${g.y2}`;
      let at = (t: number) => ({ x: g.x1 + (g.x2 - g.x1) * t, y: g.y1 + (g.y2 - g.y1) * t });
      if (skip) {
        const cx = DIAGRAM.width / 2;
        const cy = a.y < DIAGRAM.height / 2 ? -60 : DIAGRAM.height + 60;
        d = `M${g.x1},${g.y1}Q${cx},${cy} ${g.x2},${g.y2}`;
        at = (t: number) => ({
          x: (1 - t) ** 2 * g.x1 + 2 * (1 - t) * t * cx + t * t * g.x2,
          y: (1 - t) ** 2 * g.y1 + 2 * (1 - t) * t * cy + t * t * g.y2,
        });
      }
      const label = pathLabel(p.from, p.to);
      const text = labelText(label, p.value);
      // box from the text length (the view may be hidden, so no measuring): 0.6 em a character
      const w = Math.ceil(text.length * LABEL_FONT * 0.6 * scale + 10);
      const hgt = Math.ceil(LABEL_FONT * 1.45 * scale);
      return { p, label, text, d, at, w, h: hgt, lx: 0, ly: 0, r: rows.get(label) };
    });
    const nodeBoxes = [...pos.values()].map((n) => ({
      x: n.x - DIAGRAM.nodeW / 2 - 2,
      y: n.y - DIAGRAM.nodeH / 2 - 2,
      w: DIAGRAM.nodeW + 4,
      h: DIAGRAM.nodeH + 4,
    }));
    const spots = placeLabels(edges, nodeBoxes);
    edges.forEach((e, i) => {
      e.lx = spots[i].x;
      e.ly = spots[i].y;
    });

    const eg = s.append("g").attr("class", "edges");
    eg.selectAll("path")
      .data(edges)
      .join("path")
      .attr("d", (e) => e.d)
      .attr("fill", "none")
      .attr("stroke", (e) => pathColour(e.p.value))
      .attr("stroke-opacity", 0.85)
      .attr("stroke-width", (e) => pathWidth(Math.abs(e.p.value)))
      .attr("stroke-dasharray", (e) => (e.r && e.r.verdict === "NS" ? "8 5" : null))
      .attr("marker-end", (e) => `url(#${e.p.value >= 0 ? "arrow-pos" : "arrow-neg"})`)
      .attr("data-path", (e) => e.label)
      .append("title")
      .text((e) => edgeTitle(e.label, e.p.value, e.r));

    const lg = s
      .append("g")
      .attr("class", "edge-labels")
      .attr("font-size", LABEL_FONT * scale);
    const labels = lg
      .selectAll("g")
      .data(edges)
      .join("g")
      .attr("transform", (e) => `translate(${e.lx},${e.ly})`)
      .attr("data-label", (e) => e.label);
    labels
      .append("rect")
      .attr("x", (e) => -e.w / 2)
      .attr("y", (e) => -e.h / 2)
      .attr("width", (e) => e.w)
      .attr("height", (e) => e.h)
      .attr("rx", 4)
      .attr("fill", "#ffffff")
      .attr("fill-opacity", 0.92)
      .attr("stroke", "#bbbbbb");
    labels
      .append("text")
      .attr("text-anchor", "middle")
      .attr("dy", "0.35em")
      .attr("fill", PALETTE.text)
      .text((e) => e.text);

    const ng = s.append("g").attr("class", "nodes");
    const nodes = ng
      .selectAll("g")
      .data([...pos.values()])
      .join("g")
      .attr("transform", (d) => `translate(${d.x},${d.y})`);
    nodes
      .append("rect")
      .attr("x", -DIAGRAM.nodeW / 2)
      .attr("y", -DIAGRAM.nodeH / 2)
      .attr("width", DIAGRAM.nodeW)
      .attr("height", DIAGRAM.nodeH)
      .attr("rx", 8)
      .attr("fill", "#f4f4f4")
      .attr("stroke", PALETTE.text)
      .attr("stroke-width", 1.5);
    nodes
      .append("text")
      .attr("text-anchor", "middle")
      .attr("dy", "0.35em")
      .attr("font-size", 20)
      .attr("font-weight", 700)
      .attr("fill", PALETTE.text)
      .text((d) => d.key);
    nodes.append("title").text((d) => CONSTRUCT_NAMES[d.key as Construct] ?? d.key);

    const legend = s
      .append("g")
      .attr("transform", `translate(12,${DIAGRAM.height - 8})`)
      .attr("font-size", 13)
      .attr("fill", PALETTE.muted);
    legend
      .append("text")
      .text(
        `label: population → re-estimate (n = ${result?.n ?? "?"}, seed ${result?.seed ?? "?"}), S = supported at α = ${result?.alpha ?? 0.05}`,
      );
    // the constructs spelled out, in two columns below the diagram
    const glossary = s
      .append("g")
      .attr("class", "glossary")
      .attr("transform", `translate(12,${DIAGRAM.height + 14})`)
      .attr("font-size", 14)
      .attr("fill", PALETTE.text);
    const keys = [...pos.keys()];
    const perCol = Math.ceil(keys.length / 2);
    keys.forEach((k, i) => {
      const t = glossary
        .append("text")
        .attr("x", i < perCol ? 0 : DIAGRAM.width / 2)
        .attr("y", (i % perCol) * 19)
        .attr("data-construct", k);
      t.append("tspan").attr("font-weight", 700).text(`${k} `);
      t.append("tspan").text(CONSTRUCT_NAMES[k as Construct] ?? "");
    });
  }

  function drawTable(): void {
    clear(table);
    table.append(
      h(
        "caption",
        {},
        `Virtual survey: n = ${result?.n}, seed ${result?.seed}, 95% Wald intervals`,
      ),
    );
    const head = h("tr", {});
    for (const c of [
      "Hyp.",
      "Path",
      "Paper (Table 2)",
      "Population",
      "Re-estimate",
      "95% CI",
      "p",
      "Verdict",
    ]) {
      head.append(h("th", { scope: "col" }, c));
    }
    table.append(h("thead", {}, head));
    const body = h("tbody", {});
    for (const r of result?.rows ?? []) {
      const changed = r.paperVerdict && r.paperVerdict !== r.verdict;
      body.append(
        h(
          "tr",
          { "data-path": r.label },
          h("td", {}, r.hypothesis ?? "–"),
          h("th", { scope: "row" }, `${r.from} → ${r.to}`),
          h("td", {}, r.paper === null ? "–" : `${fmt(r.paper)} ${r.paperVerdict}`),
          h("td", {}, fmt(r.population)),
          h("td", { class: "est" }, fmt(r.est)),
          h("td", {}, `[${fmt(r.lo)}, ${fmt(r.hi)}]`),
          h("td", {}, r.p < 0.001 ? "<0.001" : fmt(r.p, 3)),
          h(
            "td",
            { class: changed ? "verdict differs" : "verdict" },
            r.verdict === "S" ? "S (supported)" : "NS",
            changed ? ` ≠ paper` : "",
          ),
        ),
      );
    }
    table.append(body);
  }

  function drawFit(): void {
    clear(fitBox);
    if (!fit) return;
    if ("error" in fit) {
      fitBox.append(h("p", { class: "warn" }, `Cannot fit: ${fit.error}`));
      return;
    }
    const f = fit;
    fitBox.append(
      h(
        "p",
        {},
        `χ²(${f.df}) = ${fmt(f.chisq, 1)}, p ${f.df > 0 ? (f.pvalue < 0.001 ? "< 0.001" : `= ${fmt(f.pvalue, 3)}`) : "n/a (saturated)"}; CFI ${fmt(f.cfi, 3)}, RMSEA ${fmt(f.rmsea, 3)}, SRMR ${fmt(f.srmr, 3)} (this structure fitted to Table 1, n = 203).`,
      ),
      h(
        "p",
        {},
        `Largest gap between this population's correlations and Table 1: ${fmt(f.maxResidual, 3)} (${f.maxResidualPair}).`,
      ),
    );
  }

  let fitKey = "";
  function recompute(): void {
    const s = store.scenario();
    const { n, seed } = store.state.survey;
    full.checked = store.state.survey.full;
    try {
      result = reestimate(s, n, seed, store.state.survey.full);
      surveyNote.textContent =
        result.mailed !== null
          ? `Mailed ${result.mailed.toLocaleString("en-US")} firms of the frame, ${result.responded?.toLocaleString("en-US")} responded; ${result.n} usable answers analysed as composites of 7-point items.`
          : `${result.n} firms drawn directly from the population (composite scores, no non-response).`;
    } catch (e) {
      result = null;
      status.textContent = `Re-estimate failed: ${(e as Error).message}`;
    }
    const key = JSON.stringify(s.model);
    if (key !== fitKey) {
      fitKey = key;
      fit = fitToTable1(scenarioSpec(s));
    }
    // never overwrite a box the user is typing in
    if (document.activeElement !== nInput) nInput.value = String(n);
    if (document.activeElement !== seedInput) seedInput.value = String(seed);
    buildSliders();
    syncSliders();
    drawDiagram();
    drawTable();
    drawFit();
  }

  return {
    id: "pathModel",
    root,
    update(_state, changed) {
      if (changed.has("scenario") || changed.has("survey") || !result) recompute();
    },
  };
}

function edgeTitle(
  label: string,
  value: number,
  r:
    | { est: number; lo: number; hi: number; verdict: string; hypothesis: string | null }
    | undefined,
): string {
  const base = `${r?.hypothesis ? `${r.hypothesis}: ` : ""}${displayPathLabel(label)} population ${fmt(value)}`;
  return r ? `${base}; re-estimate ${fmt(r.est)} [${fmt(r.lo)}, ${fmt(r.hi)}], ${r.verdict}` : base;
}

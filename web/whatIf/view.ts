import {
  analystSummary,
  describePolicy,
  type PolicyMetrics,
  policyMetrics,
} from "../../src/pipeline/policyMetrics.ts";
import type { Scenario } from "../../src/scenario/schema.ts";
import { formatIssue, validateScenario } from "../../src/scenario/validate.ts";
import { runDynamics } from "../dynamics/client.ts";
import type { ViewHistory } from "../dynamics/summarise.ts";
import { exportToolbar } from "../export/export.ts";
import type { ViewContext, ViewHandle } from "../state/view.ts";
import { bindUi } from "../ui/bindUi.ts";
import { clear, h, labelled } from "../ui/dom.ts";
import { drawLineChart, newSvg } from "../ui/lineChart.ts";
import { PALETTE } from "../ui/palette.ts";
import {
  band,
  type CostRow,
  costRows,
  type Difference,
  differences,
  OUTCOMES,
  outcomesOf,
  POLICIES,
  policyScenario,
  rowText,
  TRAJECTORIES,
  type TrajectoryKey,
  trajectory,
} from "./compare.ts";
import { POLICY_FILES } from "./policyFiles.ts";

/** View 4: baseline vs a policy scenario over replications, with bands and paired differences. */
export function createWhatIfView(ctx: ViewContext): ViewHandle {
  const { store } = ctx;
  const root = h("section", { class: "view view-whatif", "aria-labelledby": "wi-title" });
  const policySel = h("select", { id: "wi-policy" });
  const options = [...POLICIES, ...POLICY_FILES];
  for (const p of options) policySel.append(h("option", { value: p.id }, p.title));
  const policyText = h("p", { class: "note", id: "wi-policy-text" });
  const lever = h("input", { type: "range", id: "wi-lever" });
  const leverOut = h("output", { id: "wi-lever-value", for: "wi-lever" });
  const leverField = labelled("Lever", lever);
  const reps = h("input", { type: "number", id: "wi-reps", min: 2, max: 40, step: 1, value: 6 });
  const measure = h("select", { id: "wi-measure" });
  for (const t of TRAJECTORIES) measure.append(h("option", { value: t.key }, t.label));
  const run = h("button", { type: "button", id: "wi-run" }, "Compare");
  const progress = h("progress", {
    id: "wi-progress",
    max: 1,
    value: 0,
    "aria-label": "Comparison progress",
  });
  const status = h("p", {
    class: "status",
    id: "wi-status",
    role: "status",
    "aria-live": "polite",
  });
  const chart = newSvg(
    "wi-chart",
    "Outcome over time, baseline and policy, with bands across replications",
  );
  const table = h("table", { class: "data", id: "wi-table" });
  const notes = h("div", { class: "note", id: "wi-notes" });
  const summary = h("p", {
    class: "summary",
    id: "wi-summary",
    "aria-live": "polite",
    "aria-label": "Summary of the comparison",
  });
  const costTable = h("table", { class: "data", id: "wi-cost" });

  let base: ViewHistory[] = [];
  let pol: ViewHistory[] = [];
  let diffs: Difference[] = [];
  let costs: CostRow[] = [];
  let sentence = "";
  /** The scenarios of the shown result (the summary and the chart's policy marker read them). */
  let ran: { base: Scenario; pol: Scenario; metrics: PolicyMetrics } | null = null;
  let generation = 0;

  root.append(
    h("h2", { id: "wi-title" }, "What if? Baseline against a policy"),
    h(
      "p",
      { class: "lede" },
      "Both scenarios run several replications with the same random numbers (replication r of each uses the same streams), so differences come from the policy, not from luck. Bands: 10th to 90th percentile across replications.",
    ),
    summary,
    h(
      "div",
      { class: "split" },
      h(
        "div",
        { class: "chart-wrap" },
        chart,
        exportToolbar({
          name: "what-if",
          svg: () => chart,
          rows: () => {
            const key = measure.value as TrajectoryKey;
            const b = band(base.map((x) => trajectory(x, key)));
            const p = band(pol.map((x) => trajectory(x, key)));
            return b.mean.map((_, s) => ({
              date: base[0]?.labels[s] ?? s,
              measure: key,
              baseline_mean: b.mean[s],
              baseline_p10: b.lo[s],
              baseline_p90: b.hi[s],
              policy_mean: p.mean[s],
              policy_p10: p.lo[s],
              policy_p90: p.hi[s],
            }));
          },
        }),
      ),
      h(
        "div",
        { class: "panel controls" },
        labelled("Policy", policySel),
        policyText,
        leverField,
        leverOut,
        labelled("Replications", reps, "2–40 per scenario"),
        labelled("Show over time", measure),
        run,
        progress,
        status,
      ),
    ),
    h(
      "h3",
      {},
      "Differences at the survey date (policy − baseline, 95% t interval over paired replications)",
    ),
    h("div", { class: "table-wrap" }, table),
    notes,
    h(
      "h3",
      {},
      "Cost-effectiveness (ratios of the paired mean differences, Fieller 95% intervals)",
    ),
    h("div", { class: "table-wrap" }, costTable),
    h(
      "p",
      { class: "note" },
      "The cost is the programme's over the whole run; the exports are one year's, the survey year's. A ratio's interval is Fieller's (t with replications − 1 df), the same as bgsim compare --summary prints; it is unbounded when the gain in its denominator is not distinguishable from zero.",
    ),
    exportToolbar({
      name: "what-if-differences",
      svg: () => null,
      csvOnly: true,
      header: () => (sentence ? [`Summary: ${sentence}`] : []),
      rows: () => [
        ...diffs.map((d) => ({
          outcome: d.key,
          label: d.label,
          unit: d.pct ? "share" : "value",
          baseline: d.baseline,
          policy: d.policy,
          difference: d.diff,
          ci95_low: d.lo,
          ci95_high: d.hi,
          interval: "t",
          replications: base.length,
          policy_id: option().id,
          lever: option().lever ? Number(lever.value) : "",
        })),
        ...costs.map((c) => ({
          outcome: c.key,
          label: c.label,
          unit: c.unit,
          baseline: "",
          policy: "",
          difference: c.estimate,
          ci95_low: c.lo,
          ci95_high: c.hi,
          interval: c.key.startsWith("costPer") ? "Fieller" : "t",
          replications: base.length,
          policy_id: option().id,
          lever: option().lever ? Number(lever.value) : "",
        })),
      ],
    }),
  );

  function option() {
    return options.find((p) => p.id === policySel.value) ?? options[0];
  }
  function syncLever(value?: number): void {
    const o = option();
    policyText.textContent = o.text;
    leverField.hidden = !o.lever;
    leverOut.hidden = !o.lever;
    if (!o.lever) return;
    leverField.querySelector("label")!.textContent = o.lever.label;
    lever.min = String(o.lever.min);
    lever.max = String(o.lever.max);
    lever.step = String(o.lever.step);
    lever.value = String(value ?? o.lever.value);
    leverOut.textContent = lever.value;
  }
  policySel.addEventListener("change", () => {
    syncLever();
    // the lever's value belonged to the previous policy
    const { "wi-lever": _old, ...ui } = store.state.ui;
    store.set({ policy: policySel.value, ui });
  });
  const ui = bindUi(ctx, [
    { key: "wi-lever", el: lever, applied: () => (leverOut.textContent = lever.value) },
    {
      key: "wi-reps",
      el: reps,
      check: (v) => (Number.isInteger(Number(v)) ? null : "must be a whole number"),
    },
    { key: "wi-measure", el: measure, applied: () => drawChart() },
  ]);
  lever.addEventListener("input", () => {
    leverOut.textContent = lever.value;
  });
  measure.addEventListener("change", () => drawChart());
  run.addEventListener("click", () => void compare());

  function drawChart(): void {
    if (!base.length) return;
    const key = measure.value as TrajectoryKey;
    const t = TRAJECTORIES.find((x) => x.key === key)!;
    const years = base[0].labels.map((_, s) => base[0].startYear + (s + 1) / base[0].stepsPerYear);
    const b = band(base.map((x) => trajectory(x, key)));
    const p = band(pol.map((x) => trajectory(x, key)));
    const policyStart = ran ? describePolicy(ran.base, ran.pol).startYear : null;
    drawLineChart(chart, {
      title: t.label,
      xLabel: "year",
      yLabel: t.pct ? "share" : t.label.toLowerCase(),
      yTickFormat: t.pct ? (v) => `${Math.round(v * 1000) / 10}%` : undefined,
      xTickFormat: (v) => String(Math.round(v)),
      width: 760,
      height: 360,
      series: [
        {
          name: "baseline",
          colour: PALETTE.baseline,
          x: years,
          y: b.mean,
          lo: b.lo,
          hi: b.hi,
          dash: "6 3",
        },
        { name: option().title, colour: PALETTE.policy, x: years, y: p.mean, lo: p.lo, hi: p.hi },
      ],
      marks: [
        ...(policyStart !== null
          ? [{ axis: "x" as const, value: policyStart, label: `policy from ${policyStart}` }]
          : []),
        {
          axis: "x",
          value: base[0].startYear + (base[0].surveyStep + 1) / base[0].stepsPerYear,
          label: "survey",
        },
      ],
    });
  }

  function drawTable(): void {
    clear(table);
    clear(notes);
    const head = h("tr", {});
    for (const c of ["Outcome", "Baseline", "Policy", "Difference", "95% CI"])
      head.append(h("th", { scope: "col" }, c));
    table.append(h("thead", {}, head));
    const body = h("tbody", {});
    for (const d of diffs) {
      const t = rowText(d);
      const sig = d.lo > 0 || d.hi < 0;
      const note = OUTCOMES.find((o) => o.key === d.key)?.note;
      const name = h("th", { scope: "row" }, d.label);
      if (note) {
        name.title = note;
        name.append(h("sup", { class: "note-mark", "aria-hidden": "true" }, "*"));
        notes.append(h("p", { "data-note": d.key }, h("strong", {}, `* ${d.label}: `), note));
      }
      body.append(
        h(
          "tr",
          { "data-outcome": d.key },
          name,
          h("td", {}, t.baseline),
          h("td", {}, t.policy),
          h("td", { class: sig ? "diff sig" : "diff" }, t.diff),
          h("td", { class: "ci" }, `${t.ci}${sig ? "" : " (includes 0)"}`),
        ),
      );
    }
    table.append(body);
    clear(costTable);
    const ch = h("tr", {});
    for (const c of ["Quantity", "Estimate", "95% CI"]) ch.append(h("th", { scope: "col" }, c));
    costTable.append(h("thead", {}, ch));
    const cb = h("tbody", {});
    for (const c of costs)
      cb.append(
        h(
          "tr",
          { "data-cost": c.key },
          h("th", { scope: "row" }, `${c.label} (${c.unit})`),
          h("td", {}, c.text.estimate),
          h("td", { class: "ci" }, c.text.ci),
        ),
      );
    costTable.append(cb);
    summary.textContent = sentence;
  }

  async function compare(): Promise<void> {
    const R = Number(reps.value);
    status.classList.remove("warn");
    if (!Number.isInteger(R) || R < 2 || R > 40) {
      status.textContent = "Replications must be a whole number from 2 to 40.";
      status.classList.add("warn");
      return;
    }
    const o = option();
    const value = Number(lever.value);
    const polInput = policyScenario(store.state.scenario, o, value);
    const v = validateScenario(polInput);
    if (!v.ok) {
      status.textContent = `The policy scenario is not valid: ${v.issues.map(formatIssue).join("; ")}`;
      status.classList.add("warn");
      return;
    }
    const baseScenario = store.scenario();
    const gen = ++generation;
    root.dataset.ready = "0";
    run.disabled = true;
    let done = 0;
    const total = 2 * R;
    progress.value = 0;
    status.textContent = `Running ${total} simulations in Web Workers…`;
    const tick = () => {
      done++;
      if (gen === generation) {
        progress.value = done / total;
        status.textContent = `${done} of ${total} simulations done…`;
      }
    };
    try {
      const jobs = (s: typeof baseScenario) =>
        Array.from({ length: R }, (_, r) =>
          runDynamics(s, r, false).then((x) => {
            tick();
            return x;
          }),
        );
      const [b, p] = await Promise.all([
        Promise.all(jobs(baseScenario)),
        Promise.all(jobs(v.scenario)),
      ]);
      if (gen !== generation) return;
      base = b;
      pol = p;
      diffs = differences(b.map(outcomesOf), p.map(outcomesOf));
      // the analyst's numbers: one pure function with bgsim compare --summary
      const metrics = policyMetrics(
        b.map((x) => x.outcomes),
        p.map((x) => x.outcomes),
      );
      ran = { base: baseScenario, pol: v.scenario, metrics };
      costs = costRows(metrics, v.scenario.dynamics.surveyYear);
      sentence = analystSummary(baseScenario, v.scenario, metrics);
      drawChart();
      drawTable();
      status.textContent = `${R} replications of each scenario (seed ${baseScenario.seed})${o.lever ? `; ${o.lever.label.toLowerCase()} = ${value}` : `; levers from the file: ${Object.keys(o.patch ?? {}).join(", ")}`}.`;
      root.dataset.ready = "1";
    } catch (e) {
      status.textContent = `The comparison failed: ${(e as Error).message}`;
      status.classList.add("warn");
    } finally {
      run.disabled = false;
    }
  }

  syncLever();
  let refusedPolicy = "";
  return {
    id: "whatIf",
    root,
    update(state, changed) {
      const policy = state.policy || options[0].id;
      let policyMoved = false;
      if (policy !== policySel.value) {
        if (options.some((p) => p.id === policy)) {
          policySel.value = policy;
          syncLever();
          policyMoved = true;
        } else if (policy !== refusedPolicy) {
          refusedPolicy = policy;
          ctx.showErrors("This link could not be fully restored", [
            `"policy" = ${JSON.stringify(policy)}: no such policy; ${JSON.stringify(policySel.value)} (${option().title}) is shown instead. Known policies: ${options.map((p) => p.id).join(", ")}`,
          ]);
        }
      }
      const uiMoved = ui.apply(state);
      if ((changed.has("scenario") || policyMoved || uiMoved || !base.length) && !run.disabled)
        void compare();
    },
  };
}

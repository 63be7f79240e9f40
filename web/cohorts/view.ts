import { SAMPLE } from "../../src/paper/sample.ts";
import { entryIncidence, marketsByAge } from "../dynamics/aggregate.ts";
import { runDynamics } from "../dynamics/client.ts";
import type { ViewHistory } from "../dynamics/summarise.ts";
import { exportToolbar } from "../export/export.ts";
import type { ViewContext, ViewHandle } from "../state/view.ts";
import { clear, h } from "../ui/dom.ts";
import { drawLineChart, newSvg } from "../ui/lineChart.ts";
import { PALETTE } from "../ui/palette.ts";
import { cohortFacts } from "./facts.ts";

/** View 2: cohort curves of internationalisation, born globals vs gradual exporters. */
export function createCohortView(ctx: ViewContext): ViewHandle {
  const { store } = ctx;
  const root = h("section", { class: "view view-cohorts", "aria-labelledby": "coh-title" });
  const status = h("p", {
    class: "status",
    id: "coh-status",
    role: "status",
    "aria-live": "polite",
  });
  const inc = newSvg(
    "coh-incidence",
    "Cumulative incidence of the first foreign entry by years since founding",
  );
  const ages = newSvg(
    "coh-markets",
    "Markets served by firm age, born globals and gradual exporters",
  );
  const facts = h("table", { class: "data", id: "coh-facts" });
  let hist: ViewHistory | null = null;
  let runKey = "";
  let curves: { chart: "incidence" | "ages"; name: string; x: number[]; y: number[] }[] = [];

  // each chart's CSV holds that chart's series only, with its own column names
  const incidenceRows = () =>
    curves
      .filter((c) => c.chart === "incidence")
      .flatMap((c) =>
        c.x.map((x, i) => ({ series: c.name, firm_age_years: x, share_entered_abroad: c.y[i] })),
      );
  const ageRows = () =>
    curves
      .filter((c) => c.chart === "ages")
      .flatMap((c) =>
        c.x.map((x, i) => ({ series: c.name, firm_age_years: x, mean_markets_served: c.y[i] })),
      );
  root.append(
    h("h2", { id: "coh-title" }, "Cohort curves: how fast do firms go abroad?"),
    h(
      "p",
      { class: "lede" },
      "Left: the share of firms that have entered a first foreign market by each age (firm closure is a competing risk). Right: how many markets firms serve as they age. Dashed lines mark the paper's sample facts.",
    ),
    status,
    h(
      "div",
      { class: "two-charts" },
      h(
        "div",
        { class: "chart-wrap" },
        inc,
        exportToolbar({ name: "first-entry-incidence", svg: () => inc, rows: incidenceRows }),
      ),
      h(
        "div",
        { class: "chart-wrap" },
        ages,
        exportToolbar({ name: "markets-by-age", svg: () => ages, rows: ageRows }),
      ),
    ),
    h("h3", {}, "The simulated survey frame against the paper's sample"),
    h("div", { class: "table-wrap" }, facts),
  );

  function draw(H: ViewHistory): void {
    const f = H.firms;
    const yearOf = (i: number) => H.startYear + f.foundingStep[i] / H.stepsPerYear;
    const all = entryIncidence(H);
    const c80 = entryIncidence(H, (i) => yearOf(i) < 1990);
    const c90 = entryIncidence(H, (i) => yearOf(i) >= 1990);
    const maxY = 20;
    const cut = (c: ReturnType<typeof entryIncidence>) => {
      const k = c.years.findIndex((y) => y > maxY);
      return {
        x: c.years.slice(0, k < 0 ? undefined : k),
        y: c.incidence.slice(0, k < 0 ? undefined : k),
      };
    };
    const sAll = { name: "all firms", colour: PALETTE.text, ...cut(all) };
    const s80 = { name: "founded 1980s", colour: PALETTE.gradual, dash: "6 3", ...cut(c80) };
    const s90 = { name: "founded 1990s", colour: PALETTE.bornGlobal, ...cut(c90) };
    drawLineChart(inc, {
      title: "First foreign entry (cumulative incidence)",
      xLabel: "years since founding",
      yLabel: "share of firms",
      yTickFormat: (v) => `${Math.round(v * 100)}%`,
      series: [sAll, s80, s90],
      legend: "bottom-right",
      marks: [
        { axis: "x", value: SAMPLE.bornGlobalYearsToEntry, label: "3-year born-global window" },
        { axis: "x", value: SAMPLE.medianYearsToFirstForeignSale, label: "paper: median 2 y" },
      ],
    });
    const bg = marketsByAge(H, (i) => f.bornGlobal[i] === 1);
    const gr = marketsByAge(H, (i) => f.bornGlobal[i] === 0 && f.firstEntryStep[i] >= 0);
    const sBg = {
      name: `born globals (${count(f.bornGlobal, 1)})`,
      colour: PALETTE.bornGlobal,
      x: bg.years,
      y: bg.mean,
    };
    const sGr = {
      name: "gradual exporters",
      colour: PALETTE.gradual,
      dash: "6 3",
      x: gr.years,
      y: gr.mean,
    };
    drawLineChart(ages, {
      title: "Markets served by firm age",
      xLabel: "firm age (years)",
      yLabel: "mean markets served",
      series: [sBg, sGr],
      marks: [
        { axis: "y", value: SAMPLE.medianCountries, label: "paper: median 20 countries targeted" },
      ],
    });
    curves = [sAll, s80, s90, sBg, sGr].map((c, i) => ({
      chart: i < 3 ? ("incidence" as const) : ("ages" as const),
      name: c.name,
      x: [...c.x],
      y: [...c.y],
    }));

    clear(facts);
    facts.append(
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          h("th", { scope: "col" }, "Fact"),
          h("th", { scope: "col" }, "Simulated"),
          h("th", { scope: "col" }, "Paper"),
        ),
      ),
    );
    const body = h("tbody", {});
    for (const r of cohortFacts(H)) {
      body.append(
        h(
          "tr",
          {},
          h("th", { scope: "row" }, r.fact),
          h("td", {}, r.simulated),
          h("td", {}, r.paper),
        ),
      );
    }
    facts.append(body);
  }

  async function load(): Promise<void> {
    const scenario = store.scenario();
    const key = JSON.stringify(scenario);
    if (key === runKey) return;
    runKey = key;
    root.dataset.ready = "0";
    status.textContent = "Simulating…";
    try {
      const r = await runDynamics(scenario, 0, true);
      if (runKey !== key) return;
      hist = r;
      draw(r);
      status.textContent = `${r.firms.n.toLocaleString("en-US")} firms, ${r.labels[0]}–${r.labels[r.steps - 1]}, seed ${scenario.seed}, replication 1.`;
      root.dataset.ready = "1";
    } catch (e) {
      status.textContent = `The simulation failed: ${(e as Error).message}`;
      status.classList.add("warn");
    }
  }

  return {
    id: "cohorts",
    root,
    update(_s, changed) {
      if (changed.has("scenario") || !hist) void load();
    },
  };
}

function count(a: Uint8Array, v: number): number {
  let n = 0;
  for (const x of a) if (x === v) n++;
  return n;
}

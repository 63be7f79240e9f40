import { interpolateYlGnBu, scaleSequentialSqrt, select } from "d3";
import {
  firmPath,
  marketHistory,
  maxPresence,
  pickFirm,
  presenceAt,
} from "../dynamics/aggregate.ts";
import { runDynamics } from "../dynamics/client.ts";
import type { ViewHistory } from "../dynamics/summarise.ts";
import { exportToolbar } from "../export/export.ts";
import type { ViewContext, ViewHandle } from "../state/view.ts";
import { bindUi } from "../ui/bindUi.ts";
import { clear, h, labelled } from "../ui/dom.ts";
import { PALETTE } from "../ui/palette.ts";
import { chartTextScale, TEXT_SCALE_EVENT } from "../ui/textScale.ts";
import { firmStory, worldStory } from "./story.ts";
import { createWorldMap, MAP_SIZE } from "./worldMap.ts";

const SVGNS = "http://www.w3.org/2000/svg";

/** Colour of a market served by n firms: YlGnBu (colour-blind safe), sqrt scale, fixed domain. */
export function presenceColour(max: number) {
  const scale = scaleSequentialSqrt(interpolateYlGnBu).domain([0, Math.max(1, max)]);
  return (n: number) => (n > 0 ? scale(n) : "#f2f2f2");
}

/** View 1: market entry over time on a world map, with a timeline and a followed firm. */
export function createMapView(ctx: ViewContext): ViewHandle {
  const { store } = ctx;
  const root = h("section", { class: "view view-map", "aria-labelledby": "map-title" });
  const status = h("p", {
    class: "status",
    id: "map-status",
    role: "status",
    "aria-live": "polite",
  });
  const play = h("button", { type: "button", id: "map-play", "aria-pressed": "false" }, "▶ Play");
  const back = h("button", { type: "button", id: "map-back", "aria-label": "Step back" }, "◀ Step");
  const fwd = h(
    "button",
    { type: "button", id: "map-fwd", "aria-label": "Step forward" },
    "Step ▶",
  );
  const speed = h(
    "select",
    { id: "map-speed" },
    ...[2, 4, 8, 16, 60].map((v) =>
      h("option", { value: v, selected: v === 4 }, v === 60 ? "fastest" : `${v} steps/s`),
    ),
  );
  const scrub = h("input", {
    type: "range",
    id: "map-date",
    min: 0,
    max: 0,
    step: 1,
    value: 0,
    "aria-label": "Date",
  });
  const dateLabel = h("output", { class: "date-label", id: "map-date-label", for: "map-date" });
  const firmInput = h("input", {
    type: "number",
    id: "map-firm",
    min: 0,
    step: 1,
    placeholder: "firm #",
  });
  const followBg = h("button", { type: "button", id: "map-follow-bg" }, "Follow a born global");
  const followGr = h(
    "button",
    { type: "button", id: "map-follow-gradual" },
    "Follow a gradual exporter",
  );
  const unfollow = h("button", { type: "button", id: "map-unfollow" }, "Show all firms");
  const countryBox = h("div", { id: "map-country", "aria-live": "polite" });
  const countrySel = h("select", { id: "map-country-select" });
  const firmBox = h("div", { id: "map-firm-info", "aria-live": "polite" });
  /** The classroom story: what happens at the date shown, from the event log. */
  const story = h("p", { id: "map-story", class: "story", "aria-live": "polite" });
  const legend = document.createElementNS(SVGNS, "svg") as SVGSVGElement;
  legend.setAttribute("viewBox", "0 0 640 82");
  legend.id = "map-legend";
  legend.setAttribute("class", "legend");
  legend.setAttribute("aria-hidden", "true");

  let hist: ViewHistory | null = null;
  let colour = presenceColour(1);
  let selected: number | null = null;
  let playing = false;
  let raf = 0;
  let runKey = "";

  const map = createWorldMap((iso) => {
    if (!hist) return;
    const m = hist.markets.findIndex((x) => x.iso === iso);
    selected = m >= 0 ? m : null;
    countrySel.value = m >= 0 ? String(m) : "";
    if (m >= 0) store.setUi("map-country", String(m));
    drawCountry(iso);
    // on a small screen the history sits below the map: bring it into view
    // (centred, not at the edge: the side panel scrolls too, and a sub-pixel edge stays cut off)
    if (countryBox.getBoundingClientRect().bottom > window.innerHeight)
      countryBox.scrollIntoView({ block: "center" });
  });
  map.svg.id = "world-map";
  map.svg.setAttribute("role", "img");
  map.svg.setAttribute(
    "aria-label",
    "World map: firms serving each foreign market at the current date",
  );

  /** The map as a figure: title, date and mode above it, its legend below (SVG and PNG). */
  function figure(): SVGSVGElement {
    const W = MAP_SIZE.width;
    const top = 56;
    const lh = 82 * 1.2;
    const fig = document.createElementNS(SVGNS, "svg") as SVGSVGElement;
    fig.setAttribute("viewBox", `0 0 ${W} ${top + MAP_SIZE.height + lh + 40}`);
    fig.setAttribute("font-family", "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif");
    const text = (y: number, size: number, weight: number, t: string) => {
      const el = document.createElementNS(SVGNS, "text");
      el.setAttribute("x", "12");
      el.setAttribute("y", String(y));
      el.setAttribute("font-size", String(size));
      el.setAttribute("font-weight", String(weight));
      el.setAttribute("fill", PALETTE.text);
      el.textContent = t;
      fig.append(el);
      return el;
    };
    const sc = store.scenario();
    const date = hist ? hist.labels[clampDate(store.state.date)] : "";
    const firm = store.state.firm;
    text(
      24,
      20,
      700,
      firm !== null && hist && firm < hist.firms.n
        ? `Firm ${firm}'s markets abroad, ${date}`
        : `Foreign markets served, ${date}`,
    ).setAttribute("class", "fig-title");
    text(
      46,
      14,
      400,
      `Born Global Lab · scenario ${sc.name}, seed ${sc.seed} · ${hist ? `${hist.firms.n.toLocaleString("en-US")} firms founded ${hist.labels[0]}–${hist.labels[hist.steps - 1]}` : ""}`,
    );
    const nest = (src: SVGSVGElement, y: number, w: number, hgt: number) => {
      const c = src.cloneNode(true) as SVGSVGElement;
      c.removeAttribute("id");
      c.removeAttribute("class");
      c.removeAttribute("style");
      c.setAttribute("x", "0");
      c.setAttribute("y", String(y));
      c.setAttribute("width", String(w));
      c.setAttribute("height", String(hgt));
      fig.append(c);
    };
    nest(map.svg, top, W, MAP_SIZE.height);
    nest(legend, top + MAP_SIZE.height + 8, 640 * 1.2, lh);
    text(top + MAP_SIZE.height + lh + 30, 12, 400, story.textContent ?? "");
    return fig;
  }

  const toolbar = exportToolbar({
    name: "market-entry-map",
    svg: figure,
    rows: () => {
      if (!hist) return [];
      const s = clampDate(store.state.date);
      const firm = store.state.firm;
      if (firm !== null && firm < hist.firms.n) {
        // follow mode: the map shows this firm's path abroad, so the file holds it
        const H = hist;
        return firmPath(H, firm, s).map((st, i) => ({
          firm,
          order: i + 1,
          iso3: H.markets[st.market].iso3,
          country: H.markets[st.market].name,
          entered: H.labels[st.step],
          left: st.exit >= 0 ? H.labels[st.exit] : "",
          served_at_date: st.exit < 0 ? 1 : 0,
          date: H.labels[s],
          distributor_quality_sd: st.distributors.map((d) => d.toFixed(2)).join(" "),
          replacements: st.replacements,
        }));
      }
      const p = presenceAt(hist, s);
      return hist.markets.map((m, i) => ({
        date: hist!.labels[s],
        iso3: m.iso3,
        iso_numeric: m.iso,
        country: m.name,
        region: m.region,
        firms_serving: p[i],
        entries_this_step: hist!.entries[i * hist!.steps + s],
      }));
    },
  });

  root.append(
    h("h2", { id: "map-title" }, "Market entry over time"),
    h(
      "p",
      { class: "lede" },
      "Firms founded from 1980 enter foreign markets through independent distributors. Shading: how many firms serve each country at the date shown (or, when you follow one firm, where it sells). Click a country for its entry history.",
    ),
    status,
    h(
      "div",
      { class: "timeline", role: "group", "aria-label": "Timeline" },
      play,
      back,
      fwd,
      labelled("Speed", speed),
      scrub,
      dateLabel,
    ),
    h(
      "div",
      { class: "split" },
      h("div", { class: "chart-wrap" }, map.svg, legend, toolbar),
      h(
        "div",
        { class: "panel controls" },
        h("h3", {}, "What happens"),
        story,
        h("h3", {}, "Follow one firm"),
        h("div", { class: "timeline" }, followBg, followGr),
        h("div", { class: "timeline" }, labelled("Firm number", firmInput), unfollow),
        firmBox,
        h("h3", {}, "Country"),
        labelled("Entry history of", countrySel, "or click a country on the map"),
        countryBox,
      ),
    ),
  );

  /** The step shown: the state's date within the run, or the survey date when none is set. */
  function clampDate(d: number | null): number {
    if (!hist) return 0;
    return Math.max(0, Math.min(hist.steps - 1, d ?? hist.surveyStep));
  }

  /** Swatches for grey (not a market) and the dashed home outline, shared by both legends. */
  function legendKey(s: ReturnType<typeof select<SVGSVGElement, unknown>>, x0: number): void {
    const H = hist;
    s.append("rect")
      .attr("x", x0)
      .attr("y", 42)
      .attr("width", 14)
      .attr("height", 14)
      .attr("fill", "#e4e4e4")
      .attr("stroke", "#bbbbbb");
    s.append("text")
      .attr("x", x0 + 20)
      .attr("y", 54)
      .attr("font-size", 13)
      .text("grey: not a foreign market in this scenario");
    s.append("rect")
      .attr("x", x0)
      .attr("y", 62)
      .attr("width", 14)
      .attr("height", 14)
      .attr("fill", "none")
      .attr("stroke", "#333")
      .attr("stroke-dasharray", "4 2");
    s.append("text")
      .attr("x", x0 + 20)
      .attr("y", 74)
      .attr("font-size", 13)
      .text(`dashed: home country${H ? ` (${H.home.name})` : ""}`);
  }

  /** Legend of the firm being followed: what blue, orange and pale mean for one firm. */
  function drawFollowLegend(): void {
    const s = select(legend);
    s.selectAll("*").remove();
    legend.dataset.mode = "firm";
    const items: [string, string][] = [
      [PALETTE.positive, "served by this firm now"],
      [PALETTE.gradual, "served earlier, left"],
      ["#f2f2f2", "not served by this firm"],
    ];
    let x = 10;
    for (const [c, t] of items) {
      s.append("rect")
        .attr("x", x)
        .attr("y", 8)
        .attr("width", 14)
        .attr("height", 14)
        .attr("fill", c)
        .attr("stroke", "#bbbbbb");
      s.append("text")
        .attr("x", x + 20)
        .attr("y", 20)
        .attr("font-size", 13)
        .text(t);
      // the next item starts after this one's text (wider with Larger text)
      x += 20 + t.length * 13 * 0.6 * chartTextScale() + 24;
    }
    // with Larger text the three items may need more than 640 units: widen, do not cut off
    const lw = Math.max(640, Math.ceil(x));
    legend.setAttribute("viewBox", `0 0 ${lw} 82`);
    legend.style.width = `${lw}px`; // same text size as the other legend (CSS caps it at 100%)
    legendKey(s, 10);
  }

  function drawLegend(max: number): void {
    const s = select(legend);
    s.selectAll("*").remove();
    legend.dataset.mode = "all";
    legend.setAttribute("viewBox", "0 0 640 82");
    legend.style.width = "";
    const n = 40;
    for (let i = 0; i < n; i++) {
      s.append("rect")
        .attr("x", 10 + i * 10)
        .attr("y", 4)
        .attr("width", 10)
        .attr("height", 14)
        .attr("fill", colour(((i + 0.5) / n) ** 2 * max || 0.0001));
    }
    s.append("text").attr("x", 10).attr("y", 34).attr("font-size", 13).text("1 firm");
    s.append("text")
      .attr("x", 410)
      .attr("y", 34)
      .attr("font-size", 13)
      .attr("text-anchor", "end")
      .text(`${max.toLocaleString("en-US")} firms serving the country`);
    legendKey(s, 10);
  }
  let legendMax = 1;
  document.addEventListener(TEXT_SCALE_EVENT, () => {
    if (legend.dataset.mode === "firm") drawFollowLegend();
  });

  function paint(): void {
    if (!hist) return;
    const H = hist;
    const s = clampDate(store.state.date);
    scrub.value = String(s);
    dateLabel.textContent = H.labels[s];
    const firm = store.state.firm;
    const byIso = new Map(H.markets.map((m, i) => [m.iso, i]));
    if (firm !== null && firm < H.firms.n) {
      if (legend.dataset.mode !== "firm") drawFollowLegend();
      const stops = firmPath(H, firm, s);
      const state = new Map<number, "now" | "left">();
      for (const st of stops)
        state.set(st.market, st.exit < 0 ? "now" : state.get(st.market) === "now" ? "now" : "left");
      map.paint(
        (iso) => {
          const m = byIso.get(iso);
          if (m === undefined) return null;
          const v = state.get(m);
          return v === "now" ? PALETTE.positive : v === "left" ? PALETTE.gradual : "#f2f2f2";
        },
        (iso, name) => {
          const m = byIso.get(iso);
          const v = m === undefined ? undefined : state.get(m);
          return `${name}: ${v === "now" ? "served by this firm" : v === "left" ? "served earlier, left" : "not served"}`;
        },
      );
      map.setTrail(
        H.home,
        stops.map((st) => ({
          ...H.markets[st.market],
          colour: st.exit < 0 ? PALETTE.positive : PALETTE.gradual,
          label: `${H.markets[st.market].name}: entered ${H.labels[st.step]}${st.exit >= 0 ? `, left ${H.labels[st.exit]}` : ""}`,
        })),
      );
      drawFirm(firm, stops);
    } else {
      if (legend.dataset.mode !== "all") drawLegend(legendMax);
      const p = presenceAt(H, s);
      map.paint(
        (iso) => {
          const m = byIso.get(iso);
          return m === undefined ? null : colour(p[m]);
        },
        (iso, name) => {
          const m = byIso.get(iso);
          if (iso === H.home.iso) return `${name}: home country`;
          return m === undefined
            ? `${name}: not a market in this scenario`
            : `${name}: ${p[m]} firms`;
        },
      );
      map.setTrail(null, []);
      clear(firmBox);
      firmBox.append(
        h("p", { class: "note" }, "Showing all firms. Pick a firm to follow its path abroad."),
      );
    }
    story.textContent = (
      firm !== null && firm < H.firms.n ? firmStory(H, firm, s) : worldStory(H, s)
    ).text;
    if (selected !== null) drawCountry(H.markets[selected].iso);
  }

  function drawFirm(firm: number, stops: ReturnType<typeof firmPath>): void {
    const H = hist!;
    clear(firmBox);
    const f = H.firms;
    const found = f.foundingStep[firm];
    const closed = f.exitStep[firm];
    const closedBeforeSurvey = closed >= 0 && closed <= H.surveyStep;
    const kind = f.bornGlobal[firm]
      ? "a born global"
      : f.firstEntryStep[firm] >= 0
        ? "an exporter"
        : "never abroad";
    const fate = closedBeforeSurvey
      ? `closed ${H.labels[closed]}, before the survey date; ${kind === "never abroad" ? "it never sold abroad" : `it was ${kind}`}`
      : `${kind === "never abroad" ? "domestic" : kind.replace(/^an? /, "")} at the survey date${closed >= 0 ? `, closed ${H.labels[closed]}` : ""}`;
    firmBox.append(
      h(
        "p",
        {},
        `Firm ${firm}: founded ${H.labels[found] ?? "?"}, ${fate}. Distributor leverage (LFDC) ${f.lfdc[firm].toFixed(2)} SD.`,
      ),
    );
    firmBox.append(
      h(
        "p",
        { class: "legend-text" },
        "Numbers: order of entry. Blue: served at this date; orange: served earlier, left since. Distributor quality is the competence of each independent distributor the firm used in that market (SD units: 0 = average, +1 = good, -1 = poor), in order, replacements included.",
      ),
    );
    if (!stops.length) {
      const s = clampDate(store.state.date);
      const text =
        closed >= 0 && closed <= s
          ? `It closed ${H.labels[closed]} without ever selling abroad.`
          : s < found
            ? "Not founded yet at this date."
            : "No foreign market yet at this date.";
      firmBox.append(h("p", { class: "note" }, text));
      return;
    }
    const ol = h("ol", { class: "stops" });
    for (const st of stops) {
      ol.append(
        h(
          "li",
          {},
          `${H.markets[st.market].name}, ${H.labels[st.step]}${st.exit >= 0 ? ` – left ${H.labels[st.exit]}` : ""}; distributor quality ${st.distributors.map(qualityLabel).join(" → ")}${st.replacements ? ` (replaced ${st.replacements}×)` : ""}`,
        ),
      );
    }
    firmBox.append(ol);
  }

  function drawCountry(iso: string): void {
    clear(countryBox);
    if (!hist) return;
    const m = hist.markets.findIndex((x) => x.iso === iso);
    if (m < 0) {
      countryBox.append(
        h(
          "p",
          {},
          iso === hist.home.iso
            ? `${hist.home.name} is the firms' home country.`
            : "Not a foreign market in this scenario.",
        ),
      );
      return;
    }
    const mk = hist.markets[m];
    const { presence, entries } = marketHistory(hist, m);
    const s = clampDate(store.state.date);
    const first = entries.findIndex((e) => e > 0);
    const toDate = entries.slice(0, s + 1).reduce((a, b) => a + b, 0);
    countryBox.append(
      h("p", { id: "map-country-name" }, `${mk.name} (${mk.region})`),
      h(
        "p",
        {},
        `${presence[s]} firms serve it at ${hist.labels[s]}; ${toDate} entries so far${first >= 0 ? `, the first in ${hist.labels[first]}` : ""}.`,
      ),
    );
    // sparkline of presence with a cursor at the current date
    const w = 340;
    const hgt = 70;
    const max = Math.max(1, ...presence);
    const svg = select(countryBox)
      .append("svg")
      .attr("viewBox", `0 0 ${w} ${hgt + 16}`)
      .attr("class", "chart")
      .attr("role", "img")
      .attr("aria-label", `Firms serving ${mk.name} over time`);
    const steps = hist.steps;
    const x = (i: number) => 4 + (i / Math.max(1, steps - 1)) * (w - 8);
    const y = (v: number) => 4 + (1 - v / max) * (hgt - 8);
    svg
      .append("path")
      .attr("d", presence.map((v, i) => `${i ? "L" : "M"}${x(i)},${y(v)}`).join(""))
      .attr("fill", "none")
      .attr("stroke", PALETTE.positive)
      .attr("stroke-width", 2);
    svg
      .append("line")
      .attr("x1", x(s))
      .attr("x2", x(s))
      .attr("y1", 0)
      .attr("y2", hgt)
      .attr("stroke", PALETTE.text);
    svg
      .append("text")
      .attr("x", 4)
      .attr("y", hgt + 14)
      .attr("font-size", 12)
      .text(hist.labels[0]);
    svg
      .append("text")
      .attr("x", w - 4)
      .attr("y", hgt + 14)
      .attr("font-size", 12)
      .attr("text-anchor", "end")
      .text(`${hist.labels[hist.steps - 1]} · max ${max}`);
  }

  function setPlaying(on: boolean): void {
    playing = on && hist !== null;
    play.textContent = playing ? "⏸ Pause" : "▶ Play";
    play.setAttribute("aria-pressed", String(playing));
    cancelAnimationFrame(raf);
    if (!playing) return;
    if (clampDate(store.state.date) >= hist!.steps - 1) store.set({ date: 0 });
    let last = performance.now();
    let acc = 0;
    const tick = (t: number) => {
      if (!playing || !hist) return;
      acc += t - last;
      last = t;
      const every = 1000 / Number(speed.value);
      if (acc >= every) {
        const adv = Math.min(Math.floor(acc / every), 4);
        acc -= adv * every;
        const next = clampDate(store.state.date) + adv;
        if (next >= hist.steps - 1) {
          store.set({ date: hist.steps - 1 });
          setPlaying(false);
          return;
        }
        store.set({ date: next });
      }
      raf = requestAnimationFrame(tick);
    };
    raf = requestAnimationFrame(tick);
  }

  function step(by: number): void {
    if (!hist) return;
    setPlaying(false);
    store.set({ date: clampDate(clampDate(store.state.date) + by) });
  }

  const ui = bindUi(ctx, [
    { key: "map-speed", el: speed },
    {
      key: "map-country",
      el: countrySel,
      applied: () => {
        selected = countrySel.value === "" ? null : Number(countrySel.value);
        if (hist && selected !== null) drawCountry(hist.markets[selected].iso);
      },
    },
  ]);
  countrySel.addEventListener("change", () => {
    if (!hist || countrySel.value === "") return;
    selected = Number(countrySel.value);
    drawCountry(hist.markets[selected].iso);
  });
  play.addEventListener("click", () => setPlaying(!playing));
  back.addEventListener("click", () => step(-1));
  fwd.addEventListener("click", () => step(1));
  scrub.addEventListener("input", () => {
    setPlaying(false);
    store.set({ date: Number(scrub.value) });
  });
  const nth = { bornGlobal: 0, gradual: 0 };
  const follow = (kind: "bornGlobal" | "gradual") => {
    if (!hist) return;
    let f = pickFirm(hist, kind, nth[kind]++);
    if (f === null && nth[kind] > 1) {
      nth[kind] = 1;
      f = pickFirm(hist, kind, 0);
    }
    if (f === null) {
      status.textContent = `No ${kind === "bornGlobal" ? "born global" : "gradual exporter"} in this run.`;
      return;
    }
    store.set({ firm: f });
  };
  followBg.addEventListener("click", () => follow("bornGlobal"));
  followGr.addEventListener("click", () => follow("gradual"));
  unfollow.addEventListener("click", () => store.set({ firm: null }));
  firmInput.addEventListener("change", () => {
    const v = Number(firmInput.value);
    if (!hist) return;
    if (!Number.isInteger(v) || v < 0 || v >= hist.firms.n) {
      status.textContent = `Firm number must be a whole number from 0 to ${hist.firms.n - 1}.`;
      return;
    }
    store.set({ firm: v });
  });

  async function load(): Promise<void> {
    const scenario = store.scenario();
    const key = JSON.stringify(scenario);
    if (key === runKey) return;
    runKey = key;
    setPlaying(false);
    status.textContent = `Simulating ${scenario.dynamics.firms.toLocaleString("en-US")} firms, ${scenario.dynamics.startYear}–${scenario.dynamics.endYear}…`;
    root.dataset.ready = "0";
    try {
      const r = await runDynamics(scenario, 0, true, (done, all) => {
        if (runKey === key && root.dataset.ready !== "1")
          status.textContent = `Simulating… ${Math.round((100 * done) / all)}%`;
      });
      if (runKey !== key) return;
      hist = r;
      const max = maxPresence(r);
      colour = presenceColour(max);
      legendMax = max;
      drawLegend(max);
      map.setPoints([...r.markets]);
      while (countrySel.firstChild) countrySel.removeChild(countrySel.firstChild);
      countrySel.append(h("option", { value: "" }, "Choose a country…"));
      r.markets
        .map((mk, i) => ({ mk, i }))
        .sort((a, b) => a.mk.name.localeCompare(b.mk.name))
        .forEach(({ mk, i }) => countrySel.append(h("option", { value: i }, mk.name)));
      map.setHome(r.home.iso);
      scrub.max = String(r.steps - 1);
      status.textContent = `${r.firms.n.toLocaleString("en-US")} firms founded ${r.labels[0]}–${r.labels[r.steps - 1]}, ${r.markets.length} foreign markets, home ${r.home.name}; seed ${scenario.seed}.`;
      const problems: string[] = [];
      const d = store.state.date;
      if (d !== null && d > r.steps - 1) {
        problems.push(
          `"date" = ${d}: this run has ${r.steps} steps (0 to ${r.steps - 1}, ${r.labels[0]} to ${r.labels[r.steps - 1]}); the last step is shown`,
        );
        store.set({ date: r.steps - 1 });
      }
      const firm = store.state.firm;
      if (firm !== null && firm >= r.firms.n) {
        problems.push(
          `"firm" = ${firm}: this run has ${r.firms.n.toLocaleString("en-US")} firms (0 to ${r.firms.n - 1}); all firms are shown`,
        );
        store.set({ firm: null });
      }
      if (problems.length) ctx.showErrors("This link could not be fully restored", problems);
      ui.apply(store.state);
      paint();
      root.dataset.ready = "1";
    } catch (e) {
      status.textContent = `The simulation failed: ${(e as Error).message}`;
      status.classList.add("warn");
    }
  }

  return {
    id: "map",
    root,
    update(state, changed) {
      if (changed.has("scenario") || !hist) void load();
      else if (changed.has("ui")) ui.apply(state);
      if (changed.has("date") || changed.has("firm")) {
        firmInput.value = state.firm === null ? "" : String(state.firm);
        paint();
      }
    },
    onKey(e) {
      if (e.key === " ") {
        setPlaying(!playing);
        return true;
      }
      if (e.key === "ArrowRight" || e.key === "ArrowLeft") {
        const by = (e.key === "ArrowRight" ? 1 : -1) * (e.shiftKey && hist ? hist.stepsPerYear : 1);
        step(by);
        return true;
      }
      return false;
    },
    hide() {
      setPlaying(false);
    },
  };
}

/** A distributor's competence (SD units) as a short label for the trail list. */
function qualityLabel(d: number): string {
  const word = d >= 0.5 ? "good" : d <= -0.5 ? "poor" : "average";
  return `${word} (${d >= 0 ? "+" : ""}${d.toFixed(1)})`;
}

import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HAS_CHROMIUM, type Harness, openPage, shot, startHarness } from "./harness.ts";

if (!HAS_CHROMIUM) {
  console.warn(
    "SKIPPED browser tests: /usr/bin/chromium is absent (CI installs it; apt install chromium)",
  );
}

describe.skipIf(!HAS_CHROMIUM)("the web app in headless Chromium", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness("e2e-app");
  });
  afterAll(async () => {
    await h?.close();
  });

  it("loads with no console errors and no network requests outside the app", async () => {
    const { page, problems } = await openPage(h);
    // the first screen is the map; the tour's second step opens the path model
    await page.waitForSelector("section.view-map[data-ready='1']");
    await page.locator("#tour-next").click();
    await page.waitForSelector("#path-diagram g.edges path");
    expect(await page.locator("#path-diagram g.edges path").count()).toBe(12);
    expect(await page.locator("#pm-table tbody tr").count()).toBe(12);
    await shot(page, "path-model-tour");
    // the guided first run opens on a first visit and walks through the controls
    expect(await page.locator("#tour").isVisible()).toBe(true);
    await page.locator("#tour-next").click();
    await page.waitForSelector("#pm-sliders.tour-highlight");
    expect(await page.locator("#tour").getAttribute("class")).toContain("tour-left");
    await page.locator("#tour-close").click();
    expect(await page.locator("#tour").isHidden()).toBe(true);
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it("changing a path coefficient changes the diagram and the re-estimate", async () => {
    const { page, problems } = await openPage(h, "?view=pathModel");
    const edge = page.locator('#path-diagram g.edges path[data-path="IEO->GTC"]');
    const estCell = page.locator('#pm-table tr[data-path="IEO->GTC"] td.est');
    const width0 = Number(await edge.getAttribute("stroke-width"));
    const est0 = Number(await estCell.textContent());
    await page.locator('input[data-path-number="IEO->GTC"]').fill("0.6");
    await page.locator('input[data-path-number="IEO->GTC"]').press("Enter");
    await page.waitForFunction(
      (w) =>
        Number(
          document
            .querySelector('#path-diagram g.edges path[data-path="IEO->GTC"]')
            ?.getAttribute("stroke-width"),
        ) > w,
      width0,
    );
    const est1 = Number(await estCell.textContent());
    expect(est1).toBeGreaterThan(est0 + 0.15);
    expect(page.url()).toContain("scenario=");
    // an impossible value is refused with the reason
    await page.locator('input[data-path-number="IEO->GTC"]').fill("0.98");
    await page.locator('input[data-path-number="IEO->GTC"]').press("Enter");
    await page.waitForSelector("#pm-status.warn");
    // the refused value is not kept in the box
    expect(await page.locator('input[data-path-number="IEO->GTC"]').inputValue()).toBe("0.60");
    expect(await page.locator("#pm-status").textContent()).toMatch(/residual variance|must/);
    await shot(page, "path-model-edited");
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it("a sweep runs in workers, reports progress and can be cancelled", async () => {
    const { page, problems } = await openPage(h, "?view=sensitivity");
    await page.locator("#sens-reps").fill("3000");
    await page.locator("#sens-run").click();
    await page.waitForFunction(() => {
      const p = document.querySelector<HTMLProgressElement>("#sens-progress");
      return p !== null && p.value > 0.02;
    });
    expect(await page.locator("#sens-progress-text").textContent()).toMatch(/runs\/s/);
    await page.locator("#sens-cancel").click();
    await page.waitForSelector("section.view-sens[data-sweep='cancelled']");
    expect(await page.locator("#sens-status").textContent()).toMatch(
      /Cancelled after \d+ of 21000 runs/,
    );
    // a small sweep to completion fills every cell
    await page.locator("#sens-reps").fill("40");
    await page.locator("#sens-run").click();
    await page.waitForSelector("section.view-sens[data-sweep='done']");
    const powers = await page
      .locator("#sens-heatmap rect[data-power]")
      .evaluateAll((els) => els.map((e) => e.getAttribute("data-power")));
    expect(powers).toHaveLength(12 * 7);
    expect(powers.every((p) => p !== "" && Number(p) >= 0 && Number(p) <= 1)).toBe(true);
    expect(await page.locator("#sens-status").textContent()).toMatch(/Done: 280 runs/);
    await shot(page, "sensitivity");
    // global sensitivity: a Morris screening design from scenarios/sweeps, in the same workers
    await page.locator("#glob-sweep").selectOption("morris-screen");
    await page.locator("#glob-reps").fill("4");
    await page.locator("#glob-run").click();
    await page.waitForSelector("#glob[data-sweep='done']");
    expect(await page.locator("#glob-chart rect[data-factor]").count()).toBe(7);
    expect(await page.locator("#glob-status").textContent()).toMatch(
      /Done: 320 runs \(80 design points × 4 replications\)/,
    );
    await page.locator("#glob").scrollIntoViewIfNeeded();
    await shot(page, "sensitivity-morris");
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it("play advances the date and changes the map; arrows step", async () => {
    const { page, problems } = await openPage(h, "?view=map&date=12");
    await page.waitForSelector("section.view-map[data-ready='1']", { timeout: 60_000 });
    const label = page.locator("#map-date-label");
    const fills = () =>
      page
        .locator("#world-map g.countries path")
        .evaluateAll((els) => els.map((e) => e.getAttribute("fill")).join());
    const date0 = await label.textContent();
    expect(date0).toBe("1983-Q1");
    const fills0 = await fills();
    await page.locator("#map-speed").selectOption("16");
    await page.locator("body").focus();
    await page.keyboard.press("Space");
    await page.waitForFunction(
      () => document.querySelector("#map-date-label")?.textContent?.startsWith("199"),
      undefined,
      { timeout: 30_000 },
    );
    await page.keyboard.press("Space");
    expect(await page.locator("#map-play").getAttribute("aria-pressed")).toBe("false");
    await shot(page, "map-shading");
    const fills1 = await fills();
    expect(fills1).not.toBe(fills0);
    const before = await label.textContent();
    await page.keyboard.press("ArrowRight");
    const after = await label.textContent();
    expect(after).not.toBe(before);
    await page.waitForFunction(() => new URL(location.href).searchParams.get("date") !== "12");
    // follow a born global: its trail is drawn in entry order
    await page.locator("#map-follow-bg").click();
    await page.locator("#map-date").fill("91");
    await page.waitForSelector("#world-map g.trail g[data-stop]");
    expect(await page.locator("#map-firm-info ol li").count()).toBeGreaterThan(0);
    await page.locator("#world-map path[data-iso='124']").click();
    expect(await page.locator("#map-country-name").textContent()).toMatch(/Canada/);
    await shot(page, "map");
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it("a what-if comparison renders with bands and a table of differences", async () => {
    // a smaller population keeps the test quick (12 simulations of 20,000 firms)
    const small = Buffer.from(
      JSON.stringify({ name: "small", seed: 2004, dynamics: { firms: 20_000 } }),
    ).toString("base64url");
    const { page, problems } = await openPage(
      h,
      `?view=whatIf&policy=export-promotion&scenario=${small}`,
    );
    await page.waitForSelector("section.view-whatif[data-ready='1']", { timeout: 60_000 });
    expect(await page.locator("#wi-chart path[data-series]").count()).toBe(2);
    expect(await page.locator("#wi-table tbody tr").count()).toBe(7);
    const exp = await page
      .locator("#wi-table tr[data-outcome='dynamics.shareExporting'] td.diff")
      .textContent();
    expect(exp).toMatch(/^[+-]?\d+\.\d pp$/);
    await shot(page, "what-if");
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it("a shared URL restores the same view", async () => {
    const { page, problems } = await openPage(h, "?view=pathModel");
    await page.locator('input[data-path-number="IMO->QF"]').fill("0.5");
    await page.locator('input[data-path-number="IMO->QF"]').press("Enter");
    await page.waitForFunction(
      () =>
        document.querySelector('#pm-table tr[data-path="IMO->QF"] td:nth-child(4)')?.textContent ===
        "0.50",
    );
    await page.locator("#pm-n").fill("400");
    await page.locator("#pm-n").press("Enter");
    await page.locator("#pm-reseed").click();
    await page.waitForFunction(() => new URL(location.href).searchParams.get("sseed") === "2");
    await page.waitForFunction(() => new URL(location.href).searchParams.get("n") === "400");
    const url = page.url();
    const table = await page.locator("#pm-table").textContent();
    const second = await openPage(h, new URL(url).search);
    expect(await second.page.locator('input[data-path-number="IMO->QF"]').inputValue()).toBe(
      "0.50",
    );
    expect(await second.page.locator("#pm-n").inputValue()).toBe("400");
    expect(await second.page.locator("#pm-table").textContent()).toBe(table);
    expect(await second.page.locator("#link-error").isHidden()).toBe(true);
    expect([...problems, ...second.problems]).toEqual([]);
    await page.context().close();
    await second.page.context().close();
  });

  it("a malformed URL shows the error message and falls back to the baseline", async () => {
    const { page } = await openPage(
      h,
      "?view=globe&n=3&scenario=eyJwb3B1bGF0aW9uIjp7ImZpcm1zIjoyfX0",
    );
    const alert = page.locator("#link-error");
    await alert.waitFor({ state: "visible" });
    const text = await alert.textContent();
    expect(text).toMatch(/could not be fully restored/);
    expect(text).toMatch(/"view" = "globe"/);
    expect(text).toMatch(/"n" = "3"/);
    expect(text).toMatch(/scenario: population\.firms = 2/);
    expect(text).toMatch(/baseline scenario is shown instead/);
    // the default first screen (the map) is shown
    await page.waitForSelector("section.view-map[data-ready='1']");
    await shot(page, "malformed-url");
    await page.context().close();
  });

  it("exports SVG, PNG, CSV and scenario JSON, and imports a scenario file (bad files are refused)", async () => {
    const { page, problems } = await openPage(h, "?view=pathModel");
    const download = async (name: string) => {
      const [d] = await Promise.all([
        page.waitForEvent("download"),
        page.locator(`.view-path .export-bar button:text-is("${name}")`).click(),
      ]);
      const path = await d.path();
      return { file: d.suggestedFilename(), bytes: readFileSync(path) };
    };
    const svg = await download("SVG");
    expect(svg.file).toBe("path-model.svg");
    expect(svg.bytes.toString("utf8")).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    const png = await download("PNG");
    expect([...png.bytes.subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
    const csv = await download("CSV");
    // a "# " header names the scenario, seed and settings; then the table
    const lines = csv.bytes
      .toString("utf8")
      .trim()
      .split("\n")
      .filter((l) => !l.startsWith("# "));
    expect(lines[0]).toMatch(
      /^hypothesis,path,paper,paper_verdict,population,estimate,ci_low,ci_high/,
    );
    expect(lines).toHaveLength(13);
    const [sj] = await Promise.all([
      page.waitForEvent("download"),
      page.locator("#export-scenario").click(),
    ]);
    const saved = JSON.parse(readFileSync(await sj.path(), "utf8"));
    expect(saved.name).toBe("baseline");
    // import: a bad file is refused with the field named, a good one is applied
    await page.locator("#import-scenario").setInputFiles({
      name: "bad.json",
      mimeType: "application/json",
      buffer: Buffer.from(
        JSON.stringify({ population: { firms: -5 }, name: "<img src=x onerror=alert(1)>" }),
      ),
    });
    await page.locator("#link-error").waitFor({ state: "visible" });
    expect(await page.locator("#link-error").textContent()).toMatch(
      /bad\.json is not a valid scenario.*population\.firms = -5/s,
    );
    await page.locator("#link-error-close").click();
    await page.locator("#import-scenario").setInputFiles({
      name: "good.json",
      mimeType: "application/json",
      buffer: Buffer.from(
        JSON.stringify({
          ...saved,
          name: "<b>class A</b>",
          model: { base: "published", paths: { "IMO->LFDC": 0.45 } },
        }),
      ),
    });
    await page.waitForFunction(
      () =>
        document.querySelector<HTMLInputElement>('input[data-path-number="IMO->LFDC"]')?.value ===
        "0.45",
    );
    // user text is shown as text, never parsed as HTML
    expect(await page.locator("#scenario-label").textContent()).toContain("<b>class A</b>");
    expect(await page.locator("#scenario-label b").count()).toBe(0);
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it("the calibrated-world preset loads the world calibrated to the paper's survey", async () => {
    const { page, problems } = await openPage(h, "?view=map");
    await page.locator("#preset").selectOption("calibrated-world");
    await page.waitForSelector("section.view-cohorts[data-ready='1']", { timeout: 120_000 });
    expect(await page.locator("#preset-text").textContent()).toMatch(/Table 1/);
    expect(await page.locator("#scenario-label").textContent()).toContain("dynamics-calibrated");
    await shot(page, "preset-calibrated-world");
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it("a classroom preset opens its view with its explanation", async () => {
    const { page, problems } = await openPage(h, "?view=pathModel");
    await page.locator("#preset").selectOption("cheaper-communication");
    await page.waitForSelector("section.view-whatif");
    expect(await page.locator("#wi-policy").inputValue()).toBe("cheaper-communication");
    expect(await page.locator("#preset-text").textContent()).toMatch(/cheaper communication/i);
    expect(new URL(page.url()).searchParams.get("policy")).toBe("cheaper-communication");
    await page.locator("#large-text").click();
    expect(await page.locator("#large-text").getAttribute("aria-pressed")).toBe("true");
    await shot(page, "preset-what-if-large-text");
    expect(problems).toEqual([]);
    await page.context().close();
  });
});

import { readFileSync } from "node:fs";
import path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HAS_CHROMIUM, type Harness, openPage, RESULTS, shot, startHarness } from "./harness.ts";

/** End-to-end checks of issue 14's findings, each against the built app in real Chromium. */

async function rangeTo(page: Page, sel: string, value: string): Promise<void> {
  await page.locator(sel).evaluate((el, v) => {
    const input = el as HTMLInputElement;
    input.value = v;
    input.dispatchEvent(new Event("input", { bubbles: true }));
    input.dispatchEvent(new Event("change", { bubbles: true }));
  }, value);
}

async function waitUrl(page: Page, part: string): Promise<void> {
  await page.waitForFunction((p) => location.search.includes(p), part);
}

/** Text of every cell of a table, row by row. */
function tableText(page: Page, sel: string): Promise<string[]> {
  return page.locator(`${sel} tr`).allTextContents();
}

describe.skipIf(!HAS_CHROMIUM)("issue 14 findings in headless Chromium", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness("e2e-findings");
  });
  afterAll(async () => {
    await h?.close();
  });

  it("1 What-if: the link carries the lever; opening it reproduces the differences", {
    timeout: 300_000,
  }, async () => {
    const { page, problems } = await openPage(h, "?view=whatIf");
    await page.waitForSelector("section.view-whatif[data-ready='1']");
    const defaultDiff = await page
      .locator('#wi-table tr[data-outcome="dynamics.shareExporting"] td.diff')
      .textContent();
    await rangeTo(page, "#wi-lever", "1");
    await page.locator("#wi-reps").fill("4");
    await page.locator("#wi-reps").dispatchEvent("change");
    await page.locator("#wi-measure").selectOption({ index: 1 });
    await page.locator("#wi-run").click();
    await page.waitForFunction(() =>
      document.querySelector("#wi-status")?.textContent?.startsWith("4 replications"),
    );
    await waitUrl(page, "wi-lever=1");
    const table = await tableText(page, "#wi-table");
    const diff = await page
      .locator('#wi-table tr[data-outcome="dynamics.shareExporting"] td.diff')
      .textContent();
    expect(diff).not.toBe(defaultDiff);
    const link = page.url();
    expect(link).toContain("wi-reps=4");
    expect(link).toContain("wi-measure=");
    const other = await openPage(h, new URL(link).search);
    await other.page.waitForSelector("section.view-whatif[data-ready='1']");
    expect(await other.page.locator("#wi-lever").inputValue()).toBe("1");
    expect(await other.page.locator("#wi-reps").inputValue()).toBe("4");
    expect(await other.page.locator("#wi-measure").inputValue()).toBe(
      await page.locator("#wi-measure").inputValue(),
    );
    expect(await tableText(other.page, "#wi-table")).toEqual(table);
    expect(problems).toEqual([]);
    expect(other.problems).toEqual([]);
    await other.page.context().close();
    await page.context().close();
  });

  it("1 Map: date, followed firm, speed and country come back from the link", async () => {
    const { page, problems } = await openPage(h, "?view=map");
    await page.waitForSelector("section.view-map[data-ready='1']");
    await page.locator("#map-follow-bg").click();
    await page.locator("#map-fwd").click();
    await page.locator("#map-speed").selectOption("16");
    await page.locator("#map-country-select").selectOption({ index: 5 });
    await waitUrl(page, "map-country=");
    await waitUrl(page, "date=");
    const firm = await page.locator("#map-firm-info").textContent();
    const country = await page.locator("#map-country").textContent();
    const date = await page.locator("#map-date-label").textContent();
    const other = await openPage(h, new URL(page.url()).search);
    await other.page.waitForSelector("section.view-map[data-ready='1']");
    expect(await other.page.locator("#map-firm-info").textContent()).toBe(firm);
    expect(await other.page.locator("#map-country").textContent()).toBe(country);
    expect(await other.page.locator("#map-date-label").textContent()).toBe(date);
    expect(await other.page.locator("#map-speed").inputValue()).toBe("16");
    expect(problems).toEqual([]);
    expect(other.problems).toEqual([]);
    await other.page.context().close();
    await page.context().close();
  });

  it("1 Path model and Cohorts: the link reproduces the re-estimate and the cohort facts", async () => {
    const { page, problems } = await openPage(h, "?view=pathModel");
    await page.waitForSelector("#pm-table tbody tr");
    await page.locator("#pm-n").fill("400");
    await page.locator("#pm-n").press("Enter");
    await page.locator('input[data-path-number="IEO->GTC"]').fill("0.5");
    await page.locator('input[data-path-number="IEO->GTC"]').press("Enter");
    await waitUrl(page, "n=400");
    await page.waitForFunction(() =>
      document.querySelector("#pm-table caption")?.textContent?.includes("n = 400"),
    );
    await page.waitForFunction(
      () =>
        document.querySelector('#pm-table tr[data-path="IEO->GTC"] td:nth-of-type(3)')
          ?.textContent === "0.50",
    );
    await waitUrl(page, "scenario=");
    await page.waitForTimeout(300); // the address is written at most every 250 ms
    const pm = await tableText(page, "#pm-table");
    const link = page.url();
    const other = await openPage(h, new URL(link).search);
    await other.page.waitForFunction(
      () =>
        document.querySelector("#pm-table caption")?.textContent?.includes("n = 400") &&
        document.querySelector('#pm-table tr[data-path="IEO->GTC"] td:nth-of-type(3)')
          ?.textContent === "0.50",
    );
    expect(await tableText(other.page, "#pm-table")).toEqual(pm);
    // cohorts of the same (edited) scenario: the same facts on both pages
    await page.locator('#tabs button[data-view="cohorts"]').click();
    await page.waitForSelector("#coh-facts tbody tr");
    const facts = await tableText(page, "#coh-facts");
    const third = await openPage(h, new URL(page.url()).search);
    await third.page.waitForSelector("#coh-facts tbody tr");
    expect(await tableText(third.page, "#coh-facts")).toEqual(facts);
    expect([...problems, ...other.problems, ...third.problems]).toEqual([]);
    for (const p of [page, other.page, third.page]) await p.context().close();
  });

  it("1 Sensitivity: the design travels in the link and the sweep gives the same cells", async () => {
    const { page, problems } = await openPage(h, "?view=sensitivity");
    await page.locator("#sens-levels").fill("60, 203");
    await page.locator("#sens-levels").dispatchEvent("change");
    await page.locator("#sens-reps").fill("20");
    await page.locator("#sens-reps").dispatchEvent("change");
    await page.locator("#glob-quantity").selectOption("fit.cfi");
    await waitUrl(page, "sens-reps=20");
    await page.locator("#sens-run").click();
    await page.waitForSelector("section.view-sens[data-sweep='done']");
    const cells = await page
      .locator("#sens-heatmap rect[data-power]")
      .evaluateAll((r) => r.map((x) => x.getAttribute("data-power")));
    expect(cells.length).toBe(24);
    const other = await openPage(h, new URL(page.url()).search);
    expect(await other.page.locator("#sens-levels").inputValue()).toBe("60, 203");
    expect(await other.page.locator("#sens-reps").inputValue()).toBe("20");
    expect(await other.page.locator("#glob-quantity").inputValue()).toBe("fit.cfi");
    await other.page.locator("#sens-run").click();
    await other.page.waitForSelector("section.view-sens[data-sweep='done']");
    expect(
      await other.page
        .locator("#sens-heatmap rect[data-power]")
        .evaluateAll((r) => r.map((x) => x.getAttribute("data-power"))),
    ).toEqual(cells);
    expect([...problems, ...other.problems]).toEqual([]);
    await other.page.context().close();
    await page.context().close();
  });

  it("1 Tab switches are history entries: Back returns to the previous view", async () => {
    const { page, problems } = await openPage(h, "?view=map");
    await page.locator('#tabs button[data-view="cohorts"]').click();
    await waitUrl(page, "view=cohorts");
    await page.locator('#tabs button[data-view="pathModel"]').click();
    await waitUrl(page, "view=pathModel");
    await page.goBack();
    await waitUrl(page, "view=cohorts");
    expect(
      await page.locator('#tabs button[data-view="cohorts"]').getAttribute("aria-current"),
    ).toBe("page");
    await page.waitForSelector("section.view-cohorts:not([hidden])");
    await page.goBack();
    await waitUrl(page, "view=map");
    await page.waitForSelector("section.view-map:not([hidden])");
    await page.goForward();
    await waitUrl(page, "view=cohorts");
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it("2 Space plays and pauses the map after clicking a button or the tab, not in text fields", async () => {
    const { page, problems } = await openPage(h, "?view=pathModel");
    await page.locator("#preset").selectOption("born-global-vs-gradual");
    await page.waitForSelector("section.view-map[data-ready='1']");
    await page.locator("#map-follow-bg").click();
    await waitUrl(page, "firm=");
    const firm = new URL(page.url()).searchParams.get("firm");
    const date0 = await page.locator("#map-date").inputValue();
    await page.keyboard.press("Space");
    expect(await page.locator("#map-play").getAttribute("aria-pressed")).toBe("true");
    await page.waitForFunction(
      (d) => document.querySelector<HTMLInputElement>("#map-date")!.value !== d,
      date0,
    );
    await page.keyboard.press("Space");
    expect(await page.locator("#map-play").getAttribute("aria-pressed")).toBe("false");
    await page.waitForTimeout(300);
    // the focused button was not pressed again: still the same firm
    expect(new URL(page.url()).searchParams.get("firm")).toBe(firm);
    // after clicking the World map tab, Space still plays
    await page.locator('#tabs button[data-view="map"]').click();
    await page.keyboard.press("Space");
    expect(await page.locator("#map-play").getAttribute("aria-pressed")).toBe("true");
    await page.keyboard.press("Space");
    expect(await page.locator("#map-play").getAttribute("aria-pressed")).toBe("false");
    // typing a space in a text field types it
    await page.locator("#map-firm").focus();
    await page.keyboard.press("Space");
    expect(await page.locator("#map-play").getAttribute("aria-pressed")).toBe("false");
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it("3 an empty or non-numeric coefficient is refused with the reason", async () => {
    const { page, problems } = await openPage(h, "?view=pathModel");
    await page.waitForSelector("#pm-table tbody tr");
    await page.locator("#pm-n").fill("300");
    await page.locator("#pm-n").press("Enter");
    await waitUrl(page, "n=300");
    const before = page.url();
    const box = page.locator('input[data-path-number="IEO->GTC"]');
    const value = await box.inputValue();
    await box.fill("");
    await box.press("Enter");
    await page.waitForSelector("#pm-status.warn");
    expect(await page.locator("#pm-status").textContent()).toMatch(/needs a number.*empty/);
    expect(await box.inputValue()).toBe(value);
    await page.waitForTimeout(400);
    expect(page.url()).toBe(before);
    expect(await page.locator('#pm-table tr[data-path="IEO->GTC"]').textContent()).toContain(value);
    // a number box cannot hold "abc": what reaches the app is an empty value with badInput
    await box.focus();
    await page.keyboard.type("-");
    await box.press("Enter");
    expect(await page.locator("#pm-status").textContent()).toMatch(/not a number|empty/);
    expect(await box.inputValue()).toBe(value);
    expect(problems).toEqual([]);
    await page.context().close();
  });

  for (const [query, pattern] of [
    ["?view=whatIf&policy=does-not-exist", /"policy" = "does-not-exist": no such policy/],
    ["?view=map&firm=5000000", /"firm" = 5000000: this run has [\d,]+ firms/],
    ["?view=map&date=5000", /"date" = 5000: this run has \d+ steps/],
    ["?view=whatIf&wi-lever=7", /"wi-lever" = "7": must be a number from/],
  ] as const) {
    it(`7 the bad link ${query} shows a message`, async () => {
      const { page, problems } = await openPage(h, query);
      await page.waitForSelector("#link-error:not([hidden])");
      expect(await page.locator("#link-error-list").textContent()).toMatch(pattern);
      expect(problems).toEqual([]);
      await page.context().close();
    });
  }

  it("8 a refused sample size's message goes once a valid one runs", async () => {
    const { page, problems } = await openPage(h, "?view=pathModel");
    await page.waitForSelector("#pm-table tbody tr");
    await page.locator("#pm-n").fill("20");
    await page.locator("#pm-n").press("Enter");
    expect(await page.locator("#pm-status").textContent()).toMatch(/Sample size must be/);
    await page.locator("#pm-n").fill("5000");
    await page.locator("#pm-n").press("Enter");
    await waitUrl(page, "n=5000");
    expect(await page.locator("#pm-status").textContent()).toBe("");
    await page.locator("#pm-n").fill("203");
    await page.locator("#pm-n").press("Enter");
    await waitUrl(page, "n=203");
    expect(await page.locator("#pm-status").textContent()).toBe("");
    expect(await page.locator("#pm-status.warn").count()).toBe(0);
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it("5 the first screen is the map at the survey date with shading; the tour does not cover it", async () => {
    const { page, problems } = await openPage(h);
    await page.waitForSelector("section.view-map[data-ready='1']");
    expect(await page.locator('#tabs button[data-view="map"]').getAttribute("aria-current")).toBe(
      "page",
    );
    expect(await page.locator("#tour").isVisible()).toBe(true);
    // the tour points at the timeline, not over the map
    const tour = (await page.locator("#tour").boundingBox())!;
    const map = (await page.locator("#world-map").boundingBox())!;
    const overlap =
      Math.max(0, Math.min(tour.x + tour.width, map.x + map.width) - Math.max(tour.x, map.x)) *
      Math.max(0, Math.min(tour.y + tour.height, map.y + map.height) - Math.max(tour.y, map.y));
    expect(overlap / (map.width * map.height)).toBeLessThan(0.25);
    const label = await page.locator("#map-date-label").textContent();
    expect(label).toMatch(/^2002/);
    const fills = await page
      .locator("#world-map path[fill]")
      .evaluateAll((p) => p.map((x) => x.getAttribute("fill")));
    const shaded = fills.filter(
      (f) => f && !["#f2f2f2", "#e4e4e4", "#eef3f7", "#dddddd", "none"].includes(f),
    );
    expect(shaded.length).toBeGreaterThan(10);
    await shot(page, "findings-first-screen");
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it("5 the path diagram spells out the constructs and puts each label on its own arrow", async () => {
    const { page, problems } = await openPage(h, "?view=pathModel");
    await page.waitForSelector("#path-diagram g.edge-labels g");
    const glossary = await page.locator("#path-diagram g.glossary text").allTextContents();
    for (const name of [
      "IEO International entrepreneurial orientation",
      "IMO International marketing orientation",
      "GTC Global technological competence",
      "UPD Unique products development",
      "QF Quality focus",
      "LFDC Leveraging foreign distributor competences",
      "PERF Performance in international markets",
    ])
      expect(glossary).toContain(name);
    for (const large of [false, true]) {
      if (large) {
        await page.locator("#large-text").click();
        await page.waitForTimeout(200);
      }
      const facts = await page.evaluate(() => {
        const svg = document.querySelector<SVGSVGElement>("#path-diagram")!;
        const labels = [...svg.querySelectorAll<SVGGElement>("g.edge-labels g")];
        const boxes = labels.map((g) => {
          const r = g.querySelector("rect")!.getBoundingClientRect();
          return { id: g.dataset.label!, l: r.left, t: r.top, r: r.right, b: r.bottom };
        });
        const overlaps: string[] = [];
        for (let i = 0; i < boxes.length; i++)
          for (let j = i + 1; j < boxes.length; j++) {
            const a = boxes[i];
            const b = boxes[j];
            if (a.l < b.r && b.l < a.r && a.t < b.b && b.t < a.b) overlaps.push(`${a.id}/${b.id}`);
          }
        const ctm = svg.getScreenCTM()!;
        const offOwnPath: string[] = [];
        for (const box of boxes) {
          const path = svg.querySelector<SVGPathElement>(`g.edges path[data-path="${box.id}"]`)!;
          const len = path.getTotalLength();
          let touches = false;
          for (let k = 0; k <= 200 && !touches; k++) {
            const p = path.getPointAtLength((len * k) / 200).matrixTransform(ctm);
            touches = p.x >= box.l && p.x <= box.r && p.y >= box.t && p.y <= box.b;
          }
          if (!touches) offOwnPath.push(box.id);
        }
        const text = labels.map((g) => g.querySelector("text")!.getBoundingClientRect());
        const clipped = labels.filter((g, i) => {
          const r = g.querySelector("rect")!.getBoundingClientRect();
          return text[i].width > r.width + 0.5;
        }).length;
        return { n: boxes.length, overlaps, offOwnPath, clipped };
      });
      expect(facts.n).toBe(12);
      expect(facts.overlaps).toEqual([]);
      expect(facts.offOwnPath).toEqual([]);
      expect(facts.clipped).toBe(0);
    }
    await shot(page, "findings-path-diagram-large");
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it("4 Larger text enlarges chart text; the map legend stays in view at 1920x1080", async () => {
    const { page, problems } = await openPage(h, "?view=cohorts");
    await page.waitForSelector("section.view-cohorts[data-ready='1']");
    const size = () =>
      page.evaluate(() => {
        const t = document.querySelector("section.view-cohorts svg text")!;
        return t.getBoundingClientRect().height;
      });
    const small = await size();
    await page.locator("#large-text").click();
    const big = await size();
    expect(big / small).toBeGreaterThan(1.25);
    await page.setViewportSize({ width: 1920, height: 1080 });
    await page.locator('#tabs button[data-view="map"]').click();
    await page.waitForSelector("section.view-map[data-ready='1']");
    const legend = await page.locator("#map-legend").boundingBox();
    expect(legend).not.toBeNull();
    expect(legend!.y + legend!.height).toBeLessThanOrEqual(1080);
    const legendText = await page.evaluate(
      () => document.querySelector("#map-legend text")!.getBoundingClientRect().height,
    );
    expect(legendText).toBeGreaterThan(14);
    await shot(page, "findings-map-large-1920");
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it("6 follow mode has its own legend; grey and the dashed home are explained; history in view", async () => {
    const { page, problems } = await openPage(h, "?view=map");
    await page.waitForSelector("section.view-map[data-ready='1']");
    const all = await page.locator("#map-legend").textContent();
    expect(all).toMatch(/firms serving the country/);
    expect(all).toMatch(/grey: not a foreign market/);
    expect(all).toMatch(/dashed: home country/);
    await page.locator("#map-follow-bg").click();
    await page.waitForSelector("#map-legend[data-mode='firm']");
    const firm = await page.locator("#map-legend").textContent();
    expect(firm).not.toMatch(/firms serving the country/);
    expect(firm).toMatch(/served by this firm now/);
    expect(firm).toMatch(/served earlier, left/);
    await page.locator("#map-unfollow").click();
    // click a country on the map: its history comes into view at 1280x720
    const target = page.locator("#world-map path[fill]:not([fill='#e4e4e4'])").nth(40);
    await target.click({ force: true });
    await page.waitForSelector("#map-country-name");
    await page.waitForTimeout(400);
    const box = await page.locator("#map-country svg").boundingBox();
    expect(box).not.toBeNull();
    expect(box!.y + box!.height).toBeLessThanOrEqual(720);
    expect(box!.y).toBeGreaterThanOrEqual(0);
    await shot(page, "findings-map-country-1280");
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it("12 the built page allows no WebSocket; a preset's text leaves with its view", async () => {
    const html = readFileSync(path.join(RESULTS, "e2e-findings", "index.html"), "utf8");
    const csp = html.match(/Content-Security-Policy" content="([^"]+)"/)?.[1] ?? "";
    expect(csp).toMatch(/connect-src 'self' blob:/);
    expect(csp).not.toMatch(/ws:/);
    const { page, problems } = await openPage(h, "?view=map");
    await page.locator("#preset").selectOption("paper");
    await waitUrl(page, "view=pathModel");
    expect(await page.locator("#preset-text").textContent()).toMatch(/re-surveyed/);
    await page.locator('#tabs button[data-view="cohorts"]').click();
    await waitUrl(page, "view=cohorts");
    expect(await page.locator("#preset-text").textContent()).toBe("");
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it("10 each CSV holds its own chart's data under a settings header; no empty files", async () => {
    const { page, problems } = await openPage(h, "?view=cohorts");
    await page.waitForSelector("section.view-cohorts[data-ready='1']");
    const csv = async (bar: string) => {
      const [d] = await Promise.all([
        page.waitForEvent("download"),
        page.locator(`div[aria-label="Export ${bar}"] button`, { hasText: "CSV" }).click(),
      ]);
      return readFileSync((await d.path())!, "utf8");
    };
    const inc = await csv("first-entry-incidence");
    const ages = await csv("markets-by-age");
    expect(inc).not.toBe(ages);
    expect(inc).toMatch(
      /^# Born Global Lab export: first-entry-incidence\n# scenario: baseline; seed 2004/,
    );
    expect(inc).toMatch(/\nseries,firm_age_years,share_entered_abroad\n/);
    expect(ages).toMatch(/\nseries,firm_age_years,mean_markets_served\n/);
    expect(inc).not.toMatch(/born globals \(/);
    expect(ages).toMatch(/born globals \(/);
    // map in follow mode: the followed firm's path abroad
    await page.locator('#tabs button[data-view="map"]').click();
    await page.waitForSelector("section.view-map[data-ready='1']");
    await page.locator("#map-follow-bg").click();
    await waitUrl(page, "firm=");
    const firm = new URL(page.url()).searchParams.get("firm");
    const path = await csv("market-entry-map");
    expect(path).toMatch(/\nfirm,order,iso3,country,entered,left,served_at_date/);
    expect(path).toContain(`followed firm ${firm}`);
    expect(path.split("\n").filter((l) => l.startsWith(`${firm},`)).length).toBeGreaterThan(0);
    // the heatmap before a run: a message, not a 0-byte file
    await page.locator('#tabs button[data-view="sensitivity"]').click();
    await page.waitForSelector("#sens-run");
    let downloaded = false;
    page.on("download", () => {
      downloaded = true;
    });
    await page.locator('div[aria-label="Export power-heatmap"] button', { hasText: "CSV" }).click();
    await page.waitForTimeout(300);
    expect(downloaded).toBe(false);
    expect(
      await page.locator('div[aria-label="Export power-heatmap"] .export-note').textContent(),
    ).toMatch(/Nothing to export yet/);
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it("10 the What-if differences table is exported with its intervals", async () => {
    const { page, problems } = await openPage(h, "?view=whatIf&wi-reps=3");
    await page.waitForSelector("section.view-whatif[data-ready='1']");
    const [d] = await Promise.all([
      page.waitForEvent("download"),
      page
        .locator('div[aria-label="Export what-if-differences"] button', { hasText: "CSV" })
        .click(),
    ]);
    const text = readFileSync((await d.path())!, "utf8");
    expect(text).toMatch(/settings: wi-reps=3/);
    const rows = text.split("\n").filter((l) => l && !l.startsWith("# "));
    expect(rows[0]).toBe(
      "outcome,label,unit,baseline,policy,difference,ci95_low,ci95_high,interval,replications,policy_id,lever",
    );
    const exporters = rows.find((r) => r.startsWith("dynamics.shareExporting,"))!.split(",");
    const cell = await page
      .locator('#wi-table tr[data-outcome="dynamics.shareExporting"] td.diff')
      .textContent();
    // the table shows the same difference, in percentage points
    expect(cell).toContain((100 * Number(exporters[5])).toFixed(1));
    expect(Number(exporters[6])).toBeLessThan(Number(exporters[5]));
    expect(Number(exporters[7])).toBeGreaterThan(Number(exporters[5]));
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it("12 a firm that closed before the survey is not called domestic at the survey date", async () => {
    const { page, problems } = await openPage(h, "?view=map");
    await page.waitForSelector("section.view-map[data-ready='1']");
    // find a firm that closed early without going abroad, through the app's own firm box
    let found = "";
    for (let f = 0; f < 400 && !found; f++) {
      await page.locator("#map-firm").fill(String(f));
      await page.locator("#map-firm").press("Enter");
      const t = (await page.locator("#map-firm-info").textContent()) ?? "";
      if (/before the survey date/.test(t)) found = t;
    }
    expect(found).toMatch(/closed \d{4}-Q\d, before the survey date/);
    expect(found).not.toMatch(/domestic at the survey date/);
    expect(problems).toEqual([]);
    await page.context().close();
  });
});

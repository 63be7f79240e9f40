import { readFileSync } from "node:fs";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HAS_CHROMIUM, type Harness, openPage, shot, startHarness } from "./harness.ts";

/**
 * Issue 14, finding 9 (global sensitivity that answers a real question), the Cancel leftover of
 * finding 12, and the heatmap's Monte Carlo error ("Researchers"), in real Chromium.
 */

async function setReps(page: Page, sel: string, v: string): Promise<void> {
  await page.locator(sel).fill(v);
  await page.locator(sel).dispatchEvent("change");
}

describe.skipIf(!HAS_CHROMIUM)("sensitivity view in headless Chromium", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness("e2e-sensitivity");
  });
  afterAll(async () => {
    await h?.close();
  });

  it("9 the global panel's default varies its quantity, shows units and Monte Carlo error, flags weak fits", {
    timeout: 300_000,
  }, async () => {
    const { page, problems } = await openPage(h, "?view=sensitivity");
    await page.waitForSelector("#glob-quantity option", { state: "attached" });
    // the default design is the Latin hypercube over H5a-H5d; its quantity is one it varies
    expect(await page.locator("#glob-sweep").inputValue()).toBe("lhs-strategy-paths");
    const q = await page.locator("#glob-quantity").inputValue();
    expect(q).toMatch(/^(GTC|UPD|QF|LFDC)->PERF\.sig$/);
    // before a run: a sentence, not an empty chart and a header-only table
    expect(await page.locator("#glob-chart").isVisible()).toBe(false);
    expect(await page.locator("#glob-table").isVisible()).toBe(false);
    expect(await page.locator("#glob-empty").textContent()).toMatch(
      /^Run the design \(40 design points × \d+ replications\) to see which of its inputs move the power of/,
    );
    await setReps(page, "#glob-reps", "6");
    await page.locator("#glob-run").click();
    await page.waitForSelector("#glob[data-sweep='done']");
    expect(await page.locator("#glob-empty").isVisible()).toBe(false);
    expect(await page.locator("#glob-chart").isVisible()).toBe(true);
    // the varied path's own coefficient moves its power: a clear, positive effect
    const path = q.replace(".sig", "");
    const own = page.locator(`#glob-table tr[data-factor="model.paths.${path}"] td`);
    expect(await own.last().textContent()).toBe("raises it");
    expect(await page.locator("#glob").getAttribute("data-fit")).toBe("ok");
    expect(await page.locator("#glob-summary").textContent()).toMatch(
      /^R² = 0\.\d\d: the factors explain \d+% .* Monte Carlo noise \(6 replications per point\) is about \d+% /,
    );
    const heads = await page.locator("#glob-table thead th").allTextContents();
    expect(heads).toEqual(["Factor", "Range", "|SRC|", "SRC", "± SE", "Points", "Reading"]);
    const se = Number(await own.nth(3).textContent());
    expect(se).toBeGreaterThan(0);
    expect(se).toBeLessThan(0.5);
    await page.locator("#glob").scrollIntoViewIfNeeded();
    await shot(page, "sensitivity-lhs-default");

    // a quantity the design does not vary: R² is low, and the panel says so in words
    await page.locator("#glob-quantity").selectOption("IEO->LFDC.sig");
    await page.waitForSelector("#glob[data-fit='weak']");
    expect(await page.locator("#glob-summary").textContent()).toMatch(
      /^Weak fit: R² = 0\.\d\d, the 4 factors explain only \d+% of the variation of the power of IEO → LFDC/,
    );
    const readings = await page.locator("#glob-table tbody tr td:last-child").allTextContents();
    expect(readings).toEqual(["weak fit", "weak fit", "weak fit", "weak fit"]);
    expect(
      await page
        .locator("#glob-chart rect[data-factor]")
        .evaluateAll((r) => r.map((x) => x.getAttribute("data-distinguishable"))),
    ).toEqual(["false", "false", "false", "false"]);
    expect(await page.locator("#glob-chart").textContent()).toContain("weak fit");
    await shot(page, "sensitivity-lhs-weak");

    // Morris: μ* in the quantity's unit per full factor range, with its Monte Carlo error
    await page.locator("#glob-sweep").selectOption("morris-screen");
    expect(await page.locator("#glob-quantity").inputValue()).toBe("IEO->LFDC.sig");
    expect(await page.locator("#glob-chart").isVisible()).toBe(false);
    await setReps(page, "#glob-reps", "4");
    await page.locator("#glob-run").click();
    await page.waitForSelector("#glob[data-sweep='done']");
    const mh = await page.locator("#glob-table thead th").allTextContents();
    expect(mh).toEqual([
      "Factor",
      "Range",
      "μ* (share of surveys (0–1) per full range)",
      "μ",
      "± Monte Carlo SE",
      "σ",
      "Effects",
      "Reading",
    ]);
    const n = page.locator('#glob-table tr[data-factor="population.firms"] td');
    expect(await n.first().textContent()).toBe("100–600");
    const err = await page.locator("#glob-table td.err").allTextContents();
    expect(err).toHaveLength(7);
    for (const e of err) expect(Number(e)).toBeGreaterThan(0);
    // a step covers 2/3 of the range (4 levels), scaled to the full range: a share's mu* can
    // reach 1.5, and the reading says why
    const mus = await page.locator("#glob-table tbody tr td:nth-of-type(2)").allTextContents();
    for (const m of mus) expect(Number(m)).toBeLessThanOrEqual(1.5);
    expect(await page.locator("#glob-summary").textContent()).toContain(
      "each step moves a factor by 0.67 of its range and is scaled up to the full range, so a share can reach 1.50",
    );
    expect(await page.locator("#glob-summary").textContent()).toMatch(
      /^μ\* is the mean absolute change in the power of IEO → LFDC when a factor moves across its full range/,
    );
    await shot(page, "sensitivity-morris-units");
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it("12 after Cancel the progress line says cancelled, not seconds left", {
    timeout: 120_000,
  }, async () => {
    const { page, problems } = await openPage(h, "?view=sensitivity");
    await setReps(page, "#sens-reps", "3000");
    await page.locator("#sens-run").click();
    await page.waitForFunction(
      () => (document.querySelector<HTMLProgressElement>("#sens-progress")?.value ?? 0) > 0.01,
    );
    expect(await page.locator("#sens-progress-text").textContent()).toMatch(/s left/);
    await page.locator("#sens-cancel").click();
    await page.waitForSelector("section.view-sens[data-sweep='cancelled']");
    await page.waitForTimeout(400); // no late progress report may bring the estimate back
    const t = await page.locator("#sens-progress-text").textContent();
    expect(t).not.toMatch(/left/);
    expect(t).toMatch(/^[\d,]+ \/ 21,000 runs · cancelled$/);
    // the global panel likewise
    await page.locator("#glob-sweep").selectOption("morris-screen");
    await setReps(page, "#glob-reps", "1000");
    await page.locator("#glob-run").click();
    await page.waitForFunction(
      () => (document.querySelector<HTMLProgressElement>("#glob-progress")?.value ?? 0) > 0.002,
    );
    await page.locator("#glob-cancel").click();
    await page.waitForSelector("#glob[data-sweep='cancelled']");
    await page.waitForTimeout(400);
    expect(await page.locator("#glob-progress-text").textContent()).toMatch(
      /^[\d,]+ \/ 80,000 runs · cancelled$/,
    );
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it("each heatmap cell shows its Monte Carlo error on hover and in the CSV", {
    timeout: 120_000,
  }, async () => {
    const { page, problems } = await openPage(h, "?view=sensitivity");
    await page.locator("#sens-levels").fill("60, 203");
    await page.locator("#sens-levels").dispatchEvent("change");
    await setReps(page, "#sens-reps", "40");
    await page.locator("#sens-run").click();
    await page.waitForSelector("section.view-sens[data-sweep='done']");
    const cells = await page.locator("#sens-heatmap rect[data-power]").evaluateAll((r) =>
      r.map((x) => ({
        power: Number(x.getAttribute("data-power")),
        se: Number(x.getAttribute("data-se")),
        title: x.querySelector("title")?.textContent ?? "",
      })),
    );
    expect(cells).toHaveLength(24);
    let interior = 0;
    for (const c of cells) {
      const se = Math.sqrt((c.power * (1 - c.power)) / 40);
      expect(c.se).toBeCloseTo(se, 4);
      expect(c.title).toContain(
        `power ${(100 * c.power).toFixed(1)}% ± ${(100 * se).toFixed(1)} points (Monte Carlo SE`,
      );
      if (c.power > 0 && c.power < 1) interior++;
    }
    expect(interior).toBeGreaterThan(0);
    // hovering a cell shows its tooltip text (the SVG <title> of the cell)
    await page.locator("#sens-heatmap rect[data-power]").first().hover();
    const [d] = await Promise.all([
      page.waitForEvent("download"),
      page.locator('div[aria-label="Export power-heatmap"] button', { hasText: "CSV" }).click(),
    ]);
    const rows = readFileSync((await d.path())!, "utf8")
      .trim()
      .split("\n")
      .filter((l) => !l.startsWith("# "));
    expect(rows[0]).toBe("path,hypothesis,n,runs,supported,power,mc_se");
    expect(rows).toHaveLength(25);
    for (const r of rows.slice(1)) {
      const [, , , runs, supported, power, se] = r.split(",");
      const p = Number(supported) / Number(runs);
      expect(Number(power)).toBeCloseTo(p, 10);
      expect(Number(se)).toBeCloseTo(Math.sqrt((p * (1 - p)) / Number(runs)), 5);
    }
    await shot(page, "sensitivity-heatmap-se");
    expect(problems).toEqual([]);
    await page.context().close();
  });
});

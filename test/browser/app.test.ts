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
    await page.waitForSelector("#path-diagram g.edges path");
    expect(await page.locator("#path-diagram g.edges path").count()).toBe(12);
    expect(await page.locator("#pm-table tbody tr").count()).toBe(12);
    await shot(page, "path-model-tour");
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
    await page.waitForSelector("section[data-sweep='cancelled']");
    expect(await page.locator("#sens-status").textContent()).toMatch(
      /Cancelled after \d+ of 21000 runs/,
    );
    // a small sweep to completion fills every cell
    await page.locator("#sens-reps").fill("40");
    await page.locator("#sens-run").click();
    await page.waitForSelector("section[data-sweep='done']");
    const powers = await page
      .locator("#sens-heatmap rect[data-power]")
      .evaluateAll((els) => els.map((e) => e.getAttribute("data-power")));
    expect(powers).toHaveLength(12 * 7);
    expect(powers.every((p) => p !== "" && Number(p) >= 0 && Number(p) <= 1)).toBe(true);
    expect(await page.locator("#sens-status").textContent()).toMatch(/Done: 280 runs/);
    await shot(page, "sensitivity");
    expect(problems).toEqual([]);
    await page.context().close();
  });
});

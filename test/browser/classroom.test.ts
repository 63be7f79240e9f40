import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HAS_CHROMIUM, type Harness, openPage, RESULTS, startHarness } from "./harness.ts";

/**
 * Issue 14 "Beyond the fixes": the classroom story beside the map, a "what to notice" line per
 * view, the print layout; the map PNG as a figure (finding 10); and screenshots of every view at
 * 1280x720 and 1920x1080 with Larger text.
 */

async function rangeTo(page: Page, sel: string, value: string): Promise<void> {
  await page.locator(sel).evaluate((el, v) => {
    const input = el as HTMLInputElement;
    input.value = v;
    input.dispatchEvent(new Event("input", { bubbles: true }));
    input.dispatchEvent(new Event("change", { bubbles: true }));
  }, value);
}

const story = (page: Page) => page.locator("#map-story").textContent();

describe.skipIf(!HAS_CHROMIUM)("classroom mode in headless Chromium", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness("e2e-classroom");
  });
  afterAll(async () => {
    await h?.close();
  });

  it("the story beside the map follows the timeline and names the followed firm's real events", {
    timeout: 120_000,
  }, async () => {
    const { page, problems } = await openPage(h, "?view=map");
    await page.waitForSelector("section.view-map[data-ready='1']");
    // all firms: the story speaks of the date shown
    await rangeTo(page, "#map-date", "20");
    const d20 = await page.locator("#map-date-label").textContent();
    const all20 = await story(page);
    expect(all20).toMatch(
      new RegExp(
        `^${d20}: [\\d,]+ firms in business, \\d+% of them have sold abroad; they serve \\d+ of \\d+ foreign markets, most of all .+ \\([\\d,]+ firms\\)\\.`,
      ),
    );
    await rangeTo(page, "#map-date", "60");
    expect(await story(page)).not.toBe(all20);

    // follow a born global and walk its timeline from the start
    await page.locator("#map-follow-bg").click();
    await page.waitForFunction(() => new URL(location.href).searchParams.has("firm"));
    const firm = new URL(page.url()).searchParams.get("firm")!;
    const max = Number(await page.locator("#map-date").getAttribute("max"));
    const seen = new Set<string>();
    let entry: { date: string; country: string; count: number; step: number } | null = null;
    for (let s = 0; s <= max; s++) {
      await rangeTo(page, "#map-date", String(s));
      const t = (await story(page)) ?? "";
      seen.add(t);
      const m = t.match(
        new RegExp(
          `^(\\d{4}-Q\\d): firm ${firm} enters (.+?) through an? (good|average|poor) distributor\\. .* (?:already )?sells in (\\w+) foreign countr`,
        ),
      );
      const label = await page.locator("#map-date-label").textContent();
      if (m && m[1] === label) {
        entry = { date: m[1], country: m[2], count: 0, step: s };
        const words = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight"];
        entry.count = words.indexOf(m[4]) >= 0 ? words.indexOf(m[4]) : Number(m[4]);
        break;
      }
    }
    expect(entry).not.toBeNull();
    // the event is the firm's own: its list of markets has that country entered at that date
    const stops = await page.locator("#map-firm-info ol.stops li").allTextContents();
    expect(stops.some((li) => li.startsWith(`${entry!.country}, ${entry!.date}`))).toBe(true);
    // and "sells in N countries" counts the markets it serves at that date
    expect(stops.filter((li) => !/ – left /.test(li)).length).toBe(entry!.count);
    expect(seen.size).toBeGreaterThan(1);
    await page.screenshot({ path: path.join(RESULTS, "classroom-story.png") });

    // playing the timeline changes the story
    await rangeTo(page, "#map-date", String(Math.max(0, entry!.step - 2)));
    const before = await story(page);
    await page.locator("#map-speed").selectOption("8");
    await page.locator("body").press("Space");
    await page.waitForFunction(
      (b) => document.querySelector("#map-story")?.textContent !== b,
      before,
    );
    await page.locator("body").press("Space");
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it("each view has a 'what to notice' line beside its picture; a preset's text sits beside the picture", {
    timeout: 120_000,
  }, async () => {
    const { page, problems } = await openPage(h, "?view=map");
    for (const v of ["map", "cohorts", "pathModel", "whatIf", "sensitivity"]) {
      await page.locator(`#tabs button[data-view="${v}"]`).click();
      const n = page.locator(`#notice-${v}`);
      await n.waitFor({ state: "visible" });
      expect(await n.textContent()).toMatch(/^What to notice: .{40,}/);
    }
    await page.locator("#preset").selectOption("power");
    await page.waitForSelector(".view-sens .split > .panel > #preset-text");
    expect(await page.locator("#preset-text").textContent()).toMatch(/^How many firms/);
    // the text sits to the right of the chart, not above it
    const chart = await page.locator("#sens-heatmap").boundingBox();
    const text = await page.locator("#preset-text").boundingBox();
    expect(text!.x).toBeGreaterThan(chart!.x + chart!.width - 1);
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it("print layout: the picture, its story and the notice, without the controls", {
    timeout: 120_000,
  }, async () => {
    const { page, problems } = await openPage(h, "?view=map&date=40");
    await page.waitForSelector("section.view-map[data-ready='1']");
    await page.locator("#map-follow-bg").click();
    await page.emulateMedia({ media: "print" });
    for (const sel of ["#tabs", ".view-map .export-bar", "#map-play", "#map-date", "#preset"])
      expect(await page.locator(sel).first().isVisible(), sel).toBe(false);
    expect(await page.locator("#map-story").isVisible()).toBe(true);
    expect(await page.locator("#notice-map").isVisible()).toBe(true);
    // one column: the map takes the page's width, the story follows below it
    const map = await page.locator("#world-map").boundingBox();
    const st = await page.locator("#map-story").boundingBox();
    expect(map!.width).toBeGreaterThan(1280 * 0.9);
    expect(st!.y).toBeGreaterThan(map!.y + map!.height - 1);
    await page.screenshot({ path: path.join(RESULTS, "classroom-print.png"), fullPage: true });
    const pdf = await page.pdf({ path: path.join(RESULTS, "classroom-print.pdf"), format: "A4" });
    expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it("10 the map PNG and SVG are a figure: title with the date, the map, its legend", {
    timeout: 120_000,
  }, async () => {
    const { page, problems } = await openPage(h, "?view=map&date=50");
    await page.waitForSelector("section.view-map[data-ready='1']");
    await page.locator("#map-follow-bg").click();
    await page.waitForFunction(() => new URL(location.href).searchParams.has("firm"));
    const firm = new URL(page.url()).searchParams.get("firm");
    const date = await page.locator("#map-date-label").textContent();
    const download = async (name: string) => {
      const [d] = await Promise.all([
        page.waitForEvent("download"),
        page.locator('div[aria-label="Export market-entry-map"] button', { hasText: name }).click(),
      ]);
      return readFileSync((await d.path())!);
    };
    const svg = (await download("SVG")).toString("utf8");
    expect(svg).toContain(`Firm ${firm}'s markets abroad, ${date}`);
    expect(svg).toContain("scenario baseline, seed 2004");
    expect(svg).toContain("served by this firm now"); // the legend
    expect(svg).toContain("dashed: home country");
    expect(svg).toContain((await story(page))!.slice(0, 30)); // the story line
    const png = await download("PNG");
    expect([...png.subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
    const w = png.readUInt32BE(16);
    const ht = png.readUInt32BE(20);
    // taller than the bare map (960 x 500): title above, legend below
    expect(w).toBe(1920);
    expect(ht).toBeGreaterThan(1300);
    writeFileSync(path.join(RESULTS, "map-figure.png"), png);
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it("screenshots of every view at 1280x720 and 1920x1080 with Larger text", {
    timeout: 300_000,
  }, async () => {
    const dir = path.join(RESULTS, "views");
    mkdirSync(dir, { recursive: true });
    for (const vp of [
      { width: 1280, height: 720 },
      { width: 1920, height: 1080 },
    ]) {
      const { page, problems } = await openPage(h, "?view=map&date=56", vp);
      await page.locator("#large-text").click();
      await page.waitForSelector("html.large");
      const size = `${vp.width}x${vp.height}`;
      const save = async (name: string, top = true) => {
        // clicking a control below the fold scrolled the page: show the view from its top
        if (top) await page.evaluate(() => window.scrollTo(0, 0));
        await page.screenshot({ path: path.join(dir, `${name}-${size}-large.png`) });
      };
      // map, following a born global: map and legend in view, no sideways scrolling
      await page.waitForSelector("section.view-map[data-ready='1']");
      await page.locator("#map-follow-bg").click();
      await page.waitForFunction(() => !!document.querySelector("#map-story")?.textContent);
      await page.evaluate(() => window.scrollTo(0, 0));
      const legend = await page.locator("#map-legend").boundingBox();
      expect(legend!.y + legend!.height).toBeLessThanOrEqual(vp.height);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
        vp.width,
      );
      await save("map");
      await page.locator('#tabs button[data-view="cohorts"]').click();
      await page.waitForSelector("section.view-cohorts[data-ready='1']");
      await save("cohorts");
      await page.locator('#tabs button[data-view="pathModel"]').click();
      await page.waitForSelector("#pm-table tbody tr");
      await save("path-model");
      await page.locator('#tabs button[data-view="whatIf"]').click();
      await page.waitForSelector("section.view-whatif[data-ready='1']");
      await save("what-if");
      await page.locator('#tabs button[data-view="sensitivity"]').click();
      await page.locator("#sens-reps").fill("40");
      await page.locator("#sens-run").click();
      await page.waitForSelector("section.view-sens[data-sweep='done']");
      await save("sensitivity");
      await page.locator("#glob-reps").fill("6");
      await page.locator("#glob-run").click();
      await page.waitForSelector("#glob[data-sweep='done']");
      await page.locator("#glob").evaluate((e) => e.scrollIntoView());
      await save("sensitivity-global", false);
      // chart text is scaled: an SVG label drawn at 14 px reads 18.9 px
      const px = await page
        .locator("#sens-heatmap text[font-size='14']")
        .first()
        .evaluate((e) => getComputedStyle(e).fontSize);
      expect(px).toBe("18.9px");
      for (const v of ["map", "cohorts", "path-model", "what-if", "sensitivity"]) {
        const f = path.join(dir, `${v}-${size}-large.png`);
        const b = readFileSync(f);
        expect(b.readUInt32BE(16)).toBe(vp.width);
        expect(b.readUInt32BE(20)).toBe(vp.height);
      }
      expect(problems).toEqual([]);
      await page.context().close();
    }
  });

  it("README screenshots: the map with its story, the path model, the global sensitivity panel", {
    timeout: 180_000,
  }, async () => {
    const dir = path.join(RESULTS, "readme");
    mkdirSync(dir, { recursive: true });
    // firm 18 at 1988-Q4: the story names its latest event up to that date (the event itself is
    // checked against the firm's own markets in the story test above)
    const map = await openPage(h, "?view=map&firm=18&date=35", { width: 1280, height: 860 });
    await map.page.waitForSelector("section.view-map[data-ready='1']");
    expect(await map.page.locator("#map-story").textContent()).toMatch(
      /^198\d-Q[1-4]: firm 18 (enters|leaves|replaces) /,
    );
    await map.page.screenshot({ path: path.join(dir, "web-map.png") });
    expect(map.problems).toEqual([]);
    await map.page.context().close();
    const pm = await openPage(h, "?view=pathModel", { width: 1280, height: 720 });
    await pm.page.waitForSelector("#pm-table tbody tr");
    await pm.page.screenshot({ path: path.join(dir, "web-path-model.png") });
    await pm.page.context().close();
    const gs = await openPage(h, "?view=sensitivity&glob-reps=10", { width: 1280, height: 860 });
    await gs.page.locator("#glob-run").click();
    await gs.page.waitForSelector("#glob[data-sweep='done']");
    await gs.page.locator("#glob").evaluate((e) => e.scrollIntoView());
    await gs.page.screenshot({ path: path.join(dir, "web-sensitivity.png") });
    expect(gs.problems).toEqual([]);
    await gs.page.context().close();
  });
});

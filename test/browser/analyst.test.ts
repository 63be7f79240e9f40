import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bgsim, tmp } from "../helpers/bgsim.ts";
import { HAS_CHROMIUM, type Harness, openPage, RESULTS, startHarness } from "./harness.ts";

/**
 * Issue 14, finding 11 (the What-if table for an analyst) and the analyst's summary, against the
 * built app in real Chromium; the summary sentence is compared with `bgsim compare --summary`'s.
 */

const MINUS = "\u2212";
/** Decimals of every number in a cell ("+2.6 pp" -> [1], "[−1,360, 325]" -> [0, 0]). */
const decimals = (s: string) =>
  [...s.matchAll(/[+\u2212]?\d[\d,]*(?:\.(\d+))?/g)].map((m) => m[1]?.length ?? 0);

describe.skipIf(!HAS_CHROMIUM)(
  "What-if for an analyst (issue 14, finding 11 and the summary)",
  () => {
    let h: Harness;
    beforeAll(async () => {
      h = await startHarness("e2e-analyst");
    });
    afterAll(async () => {
      await h?.close();
    });

    it("11 one number format, performance explained, the policy start marked, cost per additional exporter", {
      timeout: 300_000,
    }, async () => {
      const { page, problems } = await openPage(h, "?view=whatIf&wi-reps=3");
      await page.waitForSelector("section.view-whatif[data-ready='1']");
      const rows = await page.locator("#wi-table tbody tr").evaluateAll((trs) =>
        trs.map((tr) => ({
          key: (tr as HTMLElement).dataset.outcome ?? "",
          cells: [...tr.querySelectorAll("td")].map((td) => td.textContent ?? ""),
          title: tr.querySelector("th")?.getAttribute("title") ?? "",
        })),
      );
      expect(rows.length).toBe(7);
      for (const r of rows) {
        const [base, pol, diff, ci] = r.cells;
        // the same decimals for baseline, policy, difference and both bounds of its interval
        const d = [base, pol, diff, ci.replace(" (includes 0)", "")].flatMap(decimals);
        expect(new Set(d).size, `${r.key}: ${r.cells.join(" | ")}`).toBe(1);
        expect(r.cells.join(" "), r.key).not.toMatch(/(^|[\s[(])-\d/); // true minus signs only
      }
      const share = rows.find((r) => r.key === "dynamics.shareExporting")!;
      expect(share.cells[0]).toMatch(/^\d+\.\d%$/);
      expect(share.cells[2]).toMatch(/^\+\d+\.\d pp$/);
      expect(share.cells[3]).toMatch(/^\[\d+\.\d, \d+\.\d\]$/);
      // the finding's "+0.0 pp": a share's difference is never shown as zero
      for (const r of rows.filter((x) => x.cells[0].endsWith("%")))
        expect(r.cells[2], r.key).not.toMatch(/^[+\u2212]?0\.0+ pp$/);
      // thousands separators
      const entries = rows.find((r) => r.key === "dynamics.foreignEntries")!;
      expect(entries.cells[0]).toMatch(/^\d{1,3}(,\d{3})+$/);
      // performance abroad: a tooltip and visible text in words
      const perf = rows.find((r) => r.key === "dynamics.performanceAbroad")!;
      expect(perf.title).toMatch(/standard deviations of the paper's performance construct/);
      const note = page.locator('#wi-notes p[data-note="dynamics.performanceAbroad"]');
      expect(await note.isVisible()).toBe(true);
      expect(await note.textContent()).toMatch(/0 is a firm of average capabilities/);
      // a marker where the policy starts, at 1990 on the time axis
      const marks = await page.locator("#wi-chart g.mark").evaluateAll((gs) =>
        gs.map((g) => ({
          label: g.querySelector("text")?.textContent ?? "",
          x: Number(g.querySelector("line")?.getAttribute("x1")),
        })),
      );
      const start = marks.find((m) => m.label === "policy from 1990");
      expect(start, JSON.stringify(marks)).toBeDefined();
      const ticks = await page.locator("#wi-chart g.tick").evaluateAll((gs) =>
        gs.map((g) => ({
          text: g.textContent ?? "",
          x: Number(/translate\(([\d.]+),/.exec(g.getAttribute("transform") ?? "")?.[1]),
        })),
      );
      const t1990 = ticks.find((t) => t.text === "1990");
      expect(t1990).toBeDefined();
      expect(Math.abs(start!.x - t1990!.x)).toBeLessThanOrEqual(0.5); // d3 offsets ticks by 0.5 px
      // the marker follows the chart when another measure is shown
      await page.locator("#wi-measure").selectOption("entries");
      expect(
        await page.locator("#wi-chart g.mark text", { hasText: "policy from 1990" }).count(),
      ).toBe(1);
      // cost per additional exporter and per US$ of exports, with intervals
      const cost = await page
        .locator("#wi-cost tbody tr")
        .evaluateAll((trs) =>
          Object.fromEntries(
            trs.map((tr) => [
              (tr as HTMLElement).dataset.cost,
              [...tr.querySelectorAll("td")].map((td) => td.textContent ?? ""),
            ]),
          ),
        );
      const [per, perCi] = cost.costPerAdditionalExporter;
      expect(per).toMatch(/^\d{3},\d{3}$/);
      const [lo, hi] = perCi
        .replace(/[[\]]/g, "")
        .split(", ")
        .map((s: string) => Number(s.replace(/,/g, "")));
      expect(lo).toBeLessThan(Number(per.replace(/,/g, "")));
      expect(hi).toBeGreaterThan(Number(per.replace(/,/g, "")));
      expect(cost.costPerAdditionalExportUsd[0]).toMatch(/^0\.\d+$/);
      expect(cost.additionalCostUsdM[0]).toMatch(/^\+\d+$/);
      expect(Object.values(cost).flat().join(" ")).not.toContain(`${MINUS}∞`);
      expect(problems).toEqual([]);
      await page.context().close();
    });

    it("the summary sentence equals bgsim compare --summary's; the CSV holds it, the cost rows and the settings; README screenshot", {
      timeout: 300_000,
    }, async () => {
      const { page, problems } = await openPage(h, "?view=whatIf&wi-reps=6", {
        width: 1280,
        height: 900,
      });
      await page.waitForSelector("section.view-whatif[data-ready='1']");
      const sentence = (await page.locator("#wi-summary").textContent()) ?? "";
      expect(sentence).toMatch(
        /^Treating 30% of eligible firms \(not yet exporting\) with export promotion from 1990 raises the share of firms exporting in 2002 from \d+\.\d% to \d+\.\d% \(\+\d+\.\d points, 95% CI \d+\.\d–\d+\.\d\) at a cost of US\$ [\d,]+ m over the programme, about US\$ [\d,]+ per additional exporter \(95% CI [\d,]+–[\d,]+\) and US\$ [\d.]+ per additional US\$ of exports in 2002 \(95% CI [\d.]+–[\d.]+\); 6 paired replications\.$/,
      );

      // the same scenario, policy, seed and replications through the bgsim executable
      const dir = tmp("bgsim-analyst-");
      const base = JSON.parse(readFileSync("scenarios/baseline.json", "utf8"));
      delete base.$schema;
      const a = { ...base, mode: "dynamics" };
      const b = {
        ...a,
        name: "baseline + export-promotion",
        policy: { exportPromotion: { takeUp: 0.3 } },
      };
      writeFileSync(path.join(dir, "A.json"), JSON.stringify(a));
      writeFileSync(path.join(dir, "B.json"), JSON.stringify(b));
      const cli = bgsim(
        "compare",
        path.join(dir, "A.json"),
        path.join(dir, "B.json"),
        "--reps",
        "6",
        "--seed",
        "2004",
        "--workers",
        "1",
        "--summary",
        "-q",
      );
      expect(cli.code, cli.err).toBe(0);
      const lines = cli.out.split("\n");
      const cliSentence = lines[lines.indexOf("Analyst summary") + 1];
      expect(sentence).toBe(cliSentence);
      // and the sentence's share numbers are the compare table's means, rounded
      const row = lines.find((l) => l.trim().startsWith("outcome.dynamics.shareExporting "))!;
      const [, mA, mB] = row.trim().split(/\s+/).map(Number);
      const [sA, sB] = /from ([\d.]+)% to ([\d.]+)%/.exec(sentence)!.slice(1).map(Number);
      // (the table prints 4 decimals of the share: 0.05 pp of rounding, plus 0.005 pp)
      expect(Math.abs(sA - 100 * mA)).toBeLessThanOrEqual(0.0501);
      expect(Math.abs(sB - 100 * mB)).toBeLessThanOrEqual(0.0501);

      // the downloadable table: settings, the summary, differences and cost rows
      const [d] = await Promise.all([
        page.waitForEvent("download"),
        page
          .locator('div[aria-label="Export what-if-differences"] button', { hasText: "CSV" })
          .click(),
      ]);
      const text = readFileSync((await d.path())!, "utf8");
      expect(text).toMatch(/^# .*settings: .*wi-reps=6/m);
      expect(text).toContain(`# Summary: ${sentence}\n`);
      const csv = text.split("\n").filter((l) => l && !l.startsWith("# "));
      expect(csv[0]).toBe(
        "outcome,label,unit,baseline,policy,difference,ci95_low,ci95_high,interval,replications,policy_id,lever",
      );
      const per = csv.find((l) => l.startsWith("costPerAdditionalExporter,"))!.split(",");
      expect(per[8]).toBe("Fieller");
      const cliPer = lines.find((l) => l.trim().startsWith("cost per additional exporter (US$)"))!;
      const cliNums = cliPer
        .replace(/.*\(US\$\)/, "")
        .match(/[\d.]+/g)!
        .map(Number);
      // the CSV's full-precision ratio and interval are the CLI's (printed to 4 decimals)
      expect(Number(per[5])).toBeCloseTo(cliNums[0], 3);
      expect(Number(per[6])).toBeCloseTo(cliNums[1], 3);
      expect(Number(per[7])).toBeCloseTo(cliNums[2], 3);
      expect(csv.some((l) => l.startsWith("dynamics.shareExporting,"))).toBe(true);

      // the README's screenshot
      const out = path.join(RESULTS, "readme");
      mkdirSync(out, { recursive: true });
      await page.locator("#wi-title").scrollIntoViewIfNeeded();
      await page.screenshot({ path: path.join(out, "web-whatif.png") });
      await page.locator("#wi-table").evaluate((e) => e.scrollIntoView());
      await page.screenshot({ path: path.join(out, "web-whatif-table.png") });
      expect(problems).toEqual([]);
      await page.context().close();
    });
  },
);

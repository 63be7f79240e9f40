import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { COUNTRIES } from "../src/dynamics/markets/countries.ts";
import { bgsim, tmp as tmpDir } from "./helpers/bgsim.ts";

const tmp = () => tmpDir("bgsim-dyn-");

describe("bgsim run", () => {
  it("writes timeseries.csv, firms.csv, run.json and events.csv, and prints the calibration table", () => {
    const dir = tmp();
    const scen = join(dir, "s.json");
    writeFileSync(scen, JSON.stringify({ mode: "dynamics", seed: 5, dynamics: { firms: 20000 } }));
    const out = join(dir, "out");
    const r = bgsim("run", scen, "--out", out, "--events");
    expect(r.code).toBe(0);
    expect(r.out).toContain("Calibration: target vs simulated");
    expect(r.out).toContain("median markets served");
    expect(r.out).toContain("Selection effects");
    expect(r.err).toContain("92/92");
    const ts = readFileSync(join(out, "timeseries.csv"), "utf8").trim().split("\n");
    expect(ts[0]).toBe("step,date,group,measure,value");
    expect(ts[1]).toBe(`0,1980-Q1,all,firms,${ts[1].split(",")[4]}`);
    expect(ts.some((l) => l.includes('"country:DEU",entries'))).toBe(true);
    expect(ts.some((l) => l.includes("NaN"))).toBe(false);
    const firms = readFileSync(join(out, "firms.csv"), "utf8").trim().split("\n");
    expect(firms).toHaveLength(20001);
    expect(firms[0]).toContain("years_to_first_entry");
    const run = JSON.parse(readFileSync(join(out, "run.json"), "utf8"));
    expect(run.calibration).toHaveLength(11);
    expect(run.result.paths).toHaveLength(12);
    const ev = readFileSync(join(out, "events.csv"), "utf8").split("\n");
    expect(ev[0]).toBe("step,date,firm,market,type,distributor_competence");
    const entries = ev.filter((l) => l.split(",")[4] === "entry");
    expect(entries.length).toBeGreaterThan(0);
    // every entry names its distributor's competence (a finite number, SD units)
    for (const l of entries.slice(0, 200))
      expect(Number.isFinite(Number(l.split(",")[5]))).toBe(true);
    expect(
      ev.filter((l) => l.split(",")[4] === "founding").every((l) => l.split(",")[5] === ""),
    ).toBe(true);
  });

  it("rejects bad scenarios and market files with the field named, exit code 2", () => {
    const dir = tmp();
    const scen = join(dir, "bad.json");
    writeFileSync(scen, JSON.stringify({ dynamics: { startYear: 1999, endYear: 1990 } }));
    const r = bgsim("run", scen, "--out", join(dir, "o"));
    expect(r.code).toBe(2);
    expect(r.err).toContain("dynamics.endYear");
    expect(existsSync(join(dir, "o", "run.json"))).toBe(false);

    const good = join(dir, "good.json");
    writeFileSync(good, JSON.stringify({ dynamics: { firms: 1000 } }));
    const markets = join(dir, "markets.json");
    const rows = COUNTRIES.slice(0, 4).map((c) => ({ ...c })) as Record<string, unknown>[];
    delete rows[2].lat;
    writeFileSync(markets, JSON.stringify(rows));
    const m = bgsim("run", good, "--out", join(dir, "o2"), "--markets", markets);
    expect(m.code).toBe(2);
    expect(m.err).toContain("markets.countries[2].lat");

    const home = join(dir, "home.json");
    writeFileSync(home, JSON.stringify({ markets: { home: "ZZZ" } }));
    const h = bgsim("run", home, "--out", join(dir, "o3"));
    expect(h.code).toBe(2);
    expect(h.err).toContain('markets.home = "ZZZ"');
  });
});

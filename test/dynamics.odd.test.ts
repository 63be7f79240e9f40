import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { BEGIN, END, parameterTables } from "../sim/node/tools/oddParameters.ts";
import { TARGETS } from "../src/dynamics/calibration.ts";

const odd = readFileSync(new URL("../docs/ODD.md", import.meta.url), "utf8");

describe("docs/ODD.md stays true to the code", () => {
  it("lists every dynamics, markets and policy parameter with its current default", () => {
    const block = odd.slice(odd.indexOf(BEGIN), odd.indexOf(END) + END.length);
    // If this fails: node --import tsx sim/node/tools/write-odd-parameters.ts
    expect(block).toBe(parameterTables());
    expect(block).toContain("| `dynamics.entry.baseRate` |");
    expect(block).toContain("| `policy.exportPromotion.takeUp` | 0 |");
  });

  it("describes every calibration target and every mechanism file", () => {
    for (const t of TARGETS) expect(odd).toContain(`| ${t.label} |`);
    const dir = new URL("../src/dynamics/mechanisms/", import.meta.url);
    for (const f of readdirSync(dir)) expect(odd).toContain(f);
  });
});

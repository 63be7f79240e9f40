import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { scenarioJsonSchema } from "../src/scenario/jsonSchema.ts";
import { formatIssue, parseScenarioText, validateScenario } from "../src/scenario/validate.ts";

const root = new URL("..", import.meta.url).pathname;
function scenarioFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return f === "schema" || f === "sweeps" ? [] : scenarioFiles(p);
    return f.endsWith(".json") ? [p] : [];
  });
}

describe("scenario schema", () => {
  it("fills defaults for an empty scenario", () => {
    const r = validateScenario({});
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.scenario.model.base).toBe("published");
      expect(r.scenario.seed).toBe(1);
    }
  });
  it("rejects unknown fields, naming the JSON path", () => {
    const r = validateScenario({ model: { bse: "published" } });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(formatIssue(r.issues[0])).toMatch(/^model\.bse = "published": unknown field/);
  });
  it("names the path, the value and the allowed range of out-of-range numbers", () => {
    const r = validateScenario({ seed: -1, model: { paths: { "IEO->GTC": 1.5 } } });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      const text = r.issues.map(formatIssue).join("\n");
      expect(text).toMatch(/seed = -1: .*>=0/);
      expect(text).toMatch(/model\.paths\.IEO->GTC = 1\.5: .*<1/);
    }
  });
  it("rejects a malformed path key and impossible models", () => {
    const r = validateScenario({ model: { paths: { "IEO=>GTC": 0.1 } } });
    expect(r.ok).toBe(false);
    const m = validateScenario({ model: { paths: { "PERF->IEO": 0.2 } } });
    expect(m.ok).toBe(false);
    if (!m.ok) expect(m.issues[0].message).toMatch(/cycle/);
  });
  it("reports JSON syntax errors", () => {
    const r = parseScenarioText("{ seed: 1 }");
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues[0].message).toMatch(/not valid JSON/);
  });
  it("every shipped scenario validates and references the JSON Schema", () => {
    const files = scenarioFiles(join(root, "scenarios"));
    expect(files.length).toBeGreaterThanOrEqual(2);
    for (const f of files) {
      const text = readFileSync(f, "utf8");
      const r = parseScenarioText(text);
      expect(r.ok, `${f}: ${r.ok ? "" : r.issues.map(formatIssue).join("; ")}`).toBe(true);
      expect(JSON.parse(text).$schema, f).toMatch(/schema\/scenario\.schema\.json$/);
    }
  });
  it("the committed JSON Schema is up to date (npm run schema)", () => {
    const committed = JSON.parse(
      readFileSync(join(root, "scenarios/schema/scenario.schema.json"), "utf8"),
    );
    expect(committed).toEqual(JSON.parse(JSON.stringify(scenarioJsonSchema())));
  });
});

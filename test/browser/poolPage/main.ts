// Test page: runs a sweep in browser Web Workers through sim/pool and returns every run's
// values as the hex of their IEEE-754 bits, for comparison with Node (test/browser/pool.test.ts).
import { browserSpawn } from "../../../sim/pool/browserSpawn.ts";
import { createPool } from "../../../sim/pool/pool.ts";
import { validateSweep } from "../../../src/scenario/sweep.ts";

function bitsHex(values: ArrayLike<number>): string {
  const f = Float64Array.from(values);
  return Array.from(new Uint8Array(f.buffer), (b) => b.toString(16).padStart(2, "0")).join("");
}

async function runSweep(input: unknown, size: number): Promise<[number, string, string][]> {
  const v = validateSweep(input);
  if (!v.ok) throw new Error(JSON.stringify(v.issues));
  const pool = createPool({ size, spawn: browserSpawn() });
  const out: [number, string, string][] = [];
  try {
    await pool.prepare(v.sweep);
    await pool.run({
      onResult: (r) =>
        out.push(
          r.ok
            ? [r.spec.run, r.keys.join(","), bitsHex(r.values)]
            : [r.spec.run, "error", r.message],
        ),
    });
  } finally {
    pool.close();
  }
  return out.sort((a, b) => a[0] - b[0]);
}

(window as unknown as { runSweep: typeof runSweep }).runSweep = runSweep;
document.documentElement.dataset.ready = "1";

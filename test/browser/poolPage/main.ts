// Test page: runs a sweep in browser Web Workers through sim/pool and returns every run's
// values as the hex of their IEEE-754 bits, for comparison with Node (test/browser/pool.test.ts).
import { browserSpawn } from "../../../sim/browser/browserSpawn.ts";
import { createPool } from "../../../sim/core/pool/pool.ts";
import { exp, log } from "../../../src/math/fdlibm.ts";
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

/** Bits of src/math/fdlibm's log and exp over a fixed set of inputs (compared with Node's). */
function fdlibmBits(): string {
  const out = new Float64Array(40_000);
  for (let i = 0; i < 20_000; i++) {
    const x = (i + 1) * 0.000731 + 1e-3;
    out[2 * i] = log(x);
    out[2 * i + 1] = exp((x % 30) - 10);
  }
  return bitsHex(out);
}

const w = window as unknown as { runSweep: typeof runSweep; fdlibmBits: typeof fdlibmBits };
w.runSweep = runSweep;
w.fdlibmBits = fdlibmBits;
document.documentElement.dataset.ready = "1";

// npm run bench: runs every sim/node/bench/*.bench.ts in name order; each prints its own figures.
// A bench module exports `run(): Promise<void> | void`. Speed goals live here, never in tests.
import { readdirSync } from "node:fs";
import os from "node:os";

const dir = new URL("./", import.meta.url);
const only = process.argv[2];
const files = readdirSync(dir)
  .filter((f) => f.endsWith(".bench.ts") && (!only || f.includes(only)))
  .sort();
console.log(
  `Born Global Lab benchmarks: node ${process.version}, ${os.cpus().length} cores (${os.cpus()[0]?.model ?? "?"})\n`,
);
for (const f of files) {
  const mod = await import(new URL(f, dir).href);
  console.log(`== ${f.replace(".bench.ts", "")}`);
  await mod.run();
  console.log("");
}

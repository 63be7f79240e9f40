// Build the bgsim CLI and its Node worker entries to JavaScript (npm's `prepare` runs this on
// `npm install` / `npm ci`; the bin reruns it when a source is newer than the build).
// esbuild is already installed for Vite; it bundles each entry with its dependencies into one
// ESM file under dist-cli/ (gitignored; dist/ is the web app's), so `bgsim` starts without
// compiling TypeScript.
//
// Worker rule: a spawner resolves its worker as `./<name>.mjs` next to its own module. From the
// sources (Vitest, tsx, benches) that is the tsx bootstrap beside the .ts spawner; in the bundle
// every module's import.meta.url is dist-cli/main.mjs, so it is the compiled worker written here.
import { existsSync, mkdirSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, "../..");
/** Where the compiled files go; the bin reads `meta.json` there to tell whether they are stale. */
export const DIST = join(ROOT, "dist-cli");

/** Output name (no extension) -> TypeScript entry, relative to sim/node/. */
const ENTRIES = {
  main: "cli/main.ts",
  nodeWorker: "pool/nodeWorker.ts",
  // The power study's own worker_threads scheduler (montecarlo/parallel.ts resolves ./worker.mjs);
  // it goes away when power moves onto the pool (issue 10), hence built only while it exists.
  worker: "montecarlo/worker.ts",
};

/**
 * Bundle every entry; write each file atomically (temporary file, then rename), so a bgsim
 * started during a rebuild never loads a half-written file. Returns the build time in ms.
 */
export async function build({ quiet = false } = {}) {
  const t0 = performance.now();
  const startedAt = Date.now();
  const esbuild = await import("esbuild");
  const entryPoints = Object.entries(ENTRIES)
    .filter(([, src]) => existsSync(join(HERE, src)))
    .map(([out, src]) => ({ out, in: join(HERE, src) }));
  const result = await esbuild.build({
    entryPoints,
    outdir: DIST,
    outExtension: { ".js": ".mjs" },
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    sourcemap: true,
    metafile: true,
    write: false,
    logLevel: quiet ? "error" : "warning",
    // CommonJS dependencies (seedrandom) call require(); give the ESM bundle one.
    banner: {
      js: 'import { createRequire as __bgsimRequire } from "node:module"; const require = __bgsimRequire(import.meta.url);',
    },
  });
  mkdirSync(DIST, { recursive: true });
  const put = (path, contents) => {
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, contents);
    renameSync(tmp, path);
  };
  for (const f of result.outputFiles) put(f.path, f.contents);
  const outputs = result.outputFiles.map((f) => relative(DIST, f.path));
  // Inputs as paths relative to the root, plus this script: the bin compares their mtimes with
  // meta.json's, which is written last.
  const inputs = Object.keys(result.metafile.inputs)
    .map((p) => relative(ROOT, join(process.cwd(), p)))
    .filter((p) => !p.startsWith("..") && !p.split(/[\\/]/).includes("node_modules"));
  inputs.push(relative(ROOT, fileURLToPath(import.meta.url)));
  const ms = performance.now() - t0;
  put(
    join(DIST, "meta.json"),
    `${JSON.stringify({ startedAt, ms: Math.round(ms), outputs, inputs }, null, 1)}\n`,
  );
  return ms;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const ms = await build();
  const n = Object.keys(ENTRIES).filter((k) => existsSync(join(DIST, `${k}.mjs`))).length;
  console.log(
    `bgsim: built ${n} files into ${relative(process.cwd(), DIST) || "."} in ${Math.round(ms)} ms`,
  );
}

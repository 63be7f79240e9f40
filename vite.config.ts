/// <reference types="vitest/config" />
import { defineConfig } from "vite";

// One config for the web app (root: web/) and for Vitest (tests under test/).
export default defineConfig({
  root: "web",
  base: "./",
  build: { outDir: "../dist", emptyOutDir: true, target: "es2022" },
  worker: { format: "es" },
  server: { port: 5173, strictPort: false },
  test: {
    root: ".",
    include: ["test/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: "forks",
  },
});

/// <reference types="vitest/config" />
import { defineConfig, type Plugin } from "vite";

/**
 * The page's Content-Security-Policy (web/index.html) allows no WebSocket. The dev server alone
 * needs one, to its own host, for hot reload; this adds exactly that, and nothing to the build.
 */
function devServerWebSocket(): Plugin {
  return {
    name: "csp-dev-server-websocket",
    apply: "serve",
    transformIndexHtml(html) {
      return html.replace(
        "connect-src 'self' blob:",
        "connect-src 'self' blob: ws://localhost:* ws://127.0.0.1:*",
      );
    },
  };
}

// One config for the web app (root: web/) and for Vitest (tests under test/).
export default defineConfig({
  root: "web",
  base: "./",
  build: { outDir: "../dist", emptyOutDir: true, target: "es2022" },
  plugins: [devServerWebSocket()],
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

import { mkdirSync } from "node:fs";
import path from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";
import { build, type PreviewServer, preview } from "vite";
import { CHROMIUM, CHROMIUM_ARGS } from "../../sim/node/chromium.ts";

/** Shared set-up of the browser tests: a production build served by `vite preview`, and Chromium. */
export { CHROMIUM, HAS_CHROMIUM } from "../../sim/node/chromium.ts";
export const ARGS = CHROMIUM_ARGS;
export const RESULTS = path.resolve("test-results");

export interface Harness {
  browser: Browser;
  server: PreviewServer;
  url: string;
  close(): Promise<void>;
}

export async function startHarness(outName: string): Promise<Harness> {
  mkdirSync(RESULTS, { recursive: true });
  const outDir = path.join(RESULTS, outName);
  const configFile = path.resolve("vite.config.ts");
  await build({ configFile, logLevel: "warn", build: { outDir, emptyOutDir: true } });
  const server = await preview({
    configFile,
    logLevel: "warn",
    build: { outDir },
    preview: { port: 0, host: "127.0.0.1", strictPort: false, open: false },
  });
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error("vite preview did not report a URL");
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  return {
    browser,
    server,
    url,
    async close() {
      await browser.close();
      await server.close();
    },
  };
}

export interface Watched {
  page: Page;
  /** Console errors, page errors and requests to anything but the app's own origin. */
  problems: string[];
}

export async function openPage(
  h: Harness,
  query = "",
  viewport = { width: 1280, height: 720 },
): Promise<Watched> {
  const context = await h.browser.newContext({
    viewport,
    acceptDownloads: true,
  });
  const page = await context.newPage();
  const problems: string[] = [];
  const origin = new URL(h.url).origin;
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console error: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("request", (r) => {
    const u = r.url();
    if (!u.startsWith(origin) && !u.startsWith("blob:") && !u.startsWith("data:"))
      problems.push(`network request outside the app: ${u}`);
  });
  await page.goto(`${h.url}${query}`);
  await page.waitForSelector("html[data-ready='1']");
  return { page, problems };
}

export function shot(page: Page, name: string): Promise<Buffer> {
  return page.screenshot({ path: path.join(RESULTS, `${name}.png`), fullPage: false });
}

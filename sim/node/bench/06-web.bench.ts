// Web app figures in real headless Chromium: frames per second of the world-map animation on
// the baseline population, and the longest main-thread task while a power sweep runs in Web
// Workers (PerformanceObserver "longtask": Chromium reports every task over 50 ms).
import { existsSync, mkdirSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { CHROMIUM, CHROMIUM_ARGS } from "../chromium.ts";

export async function run(): Promise<void> {
  if (!existsSync(CHROMIUM)) {
    console.log(
      "skipped: /usr/bin/chromium is absent (install Debian's chromium to run the web benchmark)",
    );
    return;
  }
  const { chromium } = await import("playwright-core");
  const { build, preview } = await import("vite");
  const outDir = path.join(os.tmpdir(), `bgl-bench-web-${process.pid}`);
  mkdirSync(outDir, { recursive: true });
  const configFile = path.resolve("vite.config.ts");
  await build({ configFile, logLevel: "error", build: { outDir, emptyOutDir: true } });
  const server = await preview({
    configFile,
    logLevel: "error",
    build: { outDir },
    preview: { port: 0, host: "127.0.0.1", open: false },
  });
  const url = server.resolvedUrls?.local[0] as string;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    // tsx (esbuild keepNames) wraps functions passed to page.evaluate in __name(...)
    await page.addInitScript("globalThis.__name = (f) => f;");
    await page.addInitScript(() => {
      const w = window as unknown as { __long: number[] };
      w.__long = [];
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) w.__long.push(e.duration);
      }).observe({ type: "longtask", buffered: true });
    });

    // 1. Map animation: play the baseline's whole timeline at the fastest speed.
    await page.goto(`${url}?view=map&date=0`);
    await page.waitForSelector("section.view-map[data-ready='1']", { timeout: 120_000 });
    const firms = await page.locator("#map-status").textContent();
    await page.locator("#map-speed").selectOption("60");
    const anim = await page.evaluate(async () => {
      const w = window as unknown as { __long: number[] };
      w.__long.length = 0;
      const btn = document.querySelector<HTMLButtonElement>("#map-play")!;
      const label = document.querySelector("#map-date-label")!;
      const frames: number[] = [];
      const dates = new Set<string>();
      let playing = true;
      const t0 = performance.now();
      const loop = (t: number) => {
        frames.push(t);
        dates.add(label.textContent ?? "");
        if (playing) requestAnimationFrame(loop);
      };
      requestAnimationFrame(loop);
      btn.click();
      await new Promise<void>((resolve) => {
        const check = () => {
          if (btn.getAttribute("aria-pressed") === "false") resolve();
          else setTimeout(check, 20);
        };
        setTimeout(check, 50);
      });
      playing = false;
      const sec = (performance.now() - t0) / 1000;
      let worst = 0;
      for (let i = 1; i < frames.length; i++) worst = Math.max(worst, frames[i] - frames[i - 1]);
      return { fps: frames.length / sec, sec, worst, dates: dates.size, long: [...w.__long] };
    });
    console.log(
      `map animation (${firms?.split(" founded")[0]}): ${anim.fps.toFixed(1)} frames/s over ${anim.sec.toFixed(2)} s, ${anim.dates} dates drawn, worst frame interval ${anim.worst.toFixed(1)} ms, long tasks ${anim.long.length ? anim.long.map((d) => d.toFixed(0)).join("/") + " ms" : "none"}`,
    );

    // 2. Power sweep in Web Workers: the longest main-thread task while it runs.
    await page.goto(`${url}?view=sensitivity`);
    await page.locator("#sens-reps").fill("2000");
    const sweep = await page.evaluate(async () => {
      const w = window as unknown as { __long: number[] };
      w.__long.length = 0;
      const root = document.querySelector<HTMLElement>("section.view-sens")!;
      const t0 = performance.now();
      document.querySelector<HTMLButtonElement>("#sens-run")!.click();
      await new Promise<void>((resolve) => {
        const check = () =>
          root.dataset.sweep === "done" || root.dataset.sweep === "failed"
            ? resolve()
            : setTimeout(check, 50);
        check();
      });
      return {
        sec: (performance.now() - t0) / 1000,
        status: document.querySelector("#sens-status")?.textContent ?? "",
        long: [...w.__long],
      };
    });
    const longest = sweep.long.length ? Math.max(...sweep.long) : 0;
    console.log(`power sweep (14,000 runs): ${sweep.status}`);
    console.log(
      `longest main-thread task during the sweep: ${sweep.long.length ? `${longest.toFixed(0)} ms (${sweep.long.length} tasks over 50 ms)` : "none over 50 ms (no longtask entries)"}`,
    );
  } finally {
    await browser.close();
    await server.close();
  }
}

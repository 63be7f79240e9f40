import { csvFormat } from "d3";
import { h } from "../ui/dom.ts";

/** Save a blob as a file through a temporary link (no network involved). */
export function downloadBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = h("a", { href: url, download: filename });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** A standalone SVG document for a chart (fonts and background set inline). */
export function svgText(svg: SVGSVGElement): string {
  const clone = svg.cloneNode(true) as SVGSVGElement;
  clone.setAttribute("xmlns", "http://www.w3.org/2000/svg");
  const vb = svg.viewBox.baseVal;
  const w = vb?.width || svg.clientWidth || 800;
  const hgt = vb?.height || svg.clientHeight || 600;
  clone.setAttribute("width", String(w));
  clone.setAttribute("height", String(hgt));
  const bg = document.createElementNS("http://www.w3.org/2000/svg", "rect");
  bg.setAttribute("width", "100%");
  bg.setAttribute("height", "100%");
  bg.setAttribute("fill", "#ffffff");
  clone.insertBefore(bg, clone.firstChild);
  return new XMLSerializer().serializeToString(clone);
}

export function svgBlob(svg: SVGSVGElement): Blob {
  return new Blob([svgText(svg)], { type: "image/svg+xml" });
}

/** Rasterise a chart at `scale` times its size. */
export async function pngBlob(svg: SVGSVGElement, scale = 2): Promise<Blob> {
  const text = svgText(svg);
  const vb = svg.viewBox.baseVal;
  const w = vb?.width || svg.clientWidth || 800;
  const hgt = vb?.height || svg.clientHeight || 600;
  const url = URL.createObjectURL(new Blob([text], { type: "image/svg+xml" }));
  try {
    const img = new Image();
    img.decoding = "async";
    await new Promise<void>((resolve, reject) => {
      img.onload = () => resolve();
      img.onerror = () => reject(new Error("the chart could not be rasterised"));
      img.src = url;
    });
    const canvas = h("canvas", { width: Math.round(w * scale), height: Math.round(hgt * scale) });
    const ctx = canvas.getContext("2d")!;
    ctx.scale(scale, scale);
    ctx.drawImage(img, 0, 0, w, hgt);
    return await new Promise<Blob>((resolve, reject) =>
      canvas.toBlob(
        (b) => (b ? resolve(b) : reject(new Error("PNG encoding failed"))),
        "image/png",
      ),
    );
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** Rows of plain values as CSV (d3's quoting rules). */
export function csvText(rows: readonly Record<string, string | number | null>[]): string {
  return csvFormat(rows as Record<string, string>[]);
}

export interface ExportSource {
  name: string;
  svg: () => SVGSVGElement | null;
  rows: () => Record<string, string | number | null>[];
  /** A table, not a chart: only the CSV button. */
  csvOnly?: boolean;
  /** More "# " lines after the settings (e.g. a summary of the result). */
  header?: () => string[];
}

let contextLines: () => string[] = () => [];
/** What every CSV starts with: the app sets this to the scenario, seed, settings and link. */
export function setExportContext(fn: () => string[]): void {
  contextLines = fn;
}

/** A CSV file: "# " comment lines naming what and how (scenario, seed, settings), then the table. */
export function csvWithHeader(
  name: string,
  rows: readonly Record<string, string | number | null>[],
  extra: readonly string[] = [],
): string {
  const head = [`Born Global Lab export: ${name}`, ...contextLines(), ...extra]
    .map((l) => `# ${l.replace(/[\r\n]+/g, " ")}`)
    .join("\n");
  return `${head}\n${csvText(rows)}\n`;
}

/** "SVG", "PNG", "CSV" buttons for one chart. */
export function exportToolbar(src: ExportSource): HTMLElement {
  const bar = h("div", { class: "export-bar", role: "group", "aria-label": `Export ${src.name}` });
  const note = h("span", { class: "export-note", role: "status" });
  const svgBtn = h("button", { type: "button", title: "Download the chart as SVG" }, "SVG");
  const pngBtn = h("button", { type: "button", title: "Download the chart as PNG" }, "PNG");
  const csvBtn = h("button", { type: "button", title: "Download the chart's data as CSV" }, "CSV");
  svgBtn.addEventListener("click", () => {
    const svg = src.svg();
    if (svg) downloadBlob(svgBlob(svg), `${src.name}.svg`);
  });
  pngBtn.addEventListener("click", async () => {
    const svg = src.svg();
    if (svg) downloadBlob(await pngBlob(svg), `${src.name}.png`);
  });
  csvBtn.addEventListener("click", () => {
    const rows = src.rows();
    if (!rows.length) {
      // no empty file: say why there is nothing yet
      note.textContent = "Nothing to export yet: run it first.";
      return;
    }
    note.textContent = "";
    downloadBlob(
      new Blob([csvWithHeader(src.name, rows, src.header?.() ?? [])], { type: "text/csv" }),
      `${src.name}.csv`,
    );
  });
  bar.append(
    h("span", { class: "export-label" }, "Export:"),
    ...(src.csvOnly ? [] : [svgBtn, pngBtn]),
    csvBtn,
    note,
  );
  return bar;
}

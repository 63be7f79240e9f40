import { area, axisBottom, axisLeft, extent, line, scaleLinear, select } from "d3";
import { PALETTE } from "./palette.ts";
import { chartTextScale, TEXT_SCALE_EVENT } from "./textScale.ts";

const SVGNS = "http://www.w3.org/2000/svg";

export interface Series {
  name: string;
  colour: string;
  dash?: string;
  x: readonly number[];
  y: readonly number[];
  /** Optional band (e.g. 90% across replications). */
  lo?: readonly number[];
  hi?: readonly number[];
}

export interface Mark {
  axis: "x" | "y";
  value: number;
  label: string;
}

export interface LineChartSpec {
  title: string;
  xLabel: string;
  yLabel: string;
  series: Series[];
  marks?: Mark[];
  yDomain?: [number, number];
  xTickFormat?: (x: number) => string;
  yTickFormat?: (y: number) => string;
  width?: number;
  height?: number;
  legend?: "top-left" | "bottom-right";
}

export function newSvg(id: string, label: string): SVGSVGElement {
  const svg = document.createElementNS(SVGNS, "svg") as SVGSVGElement;
  svg.id = id;
  svg.setAttribute("class", "chart");
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", label);
  svg.setAttribute("font-family", "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif");
  return svg;
}

/** Each chart's last spec, to redraw it when Larger text changes the room its text needs. */
const drawn = new Map<SVGSVGElement, LineChartSpec>();
if (typeof document !== "undefined")
  document.addEventListener(TEXT_SCALE_EVENT, () => {
    for (const [svg, spec] of drawn) {
      if (svg.isConnected) drawLineChart(svg, spec);
      else drawn.delete(svg);
    }
  });

/** A line chart with optional bands, reference marks and a legend (all text via d3 .text). */
export function drawLineChart(svg: SVGSVGElement, spec: LineChartSpec): void {
  drawn.set(svg, spec);
  const W = spec.width ?? 620;
  const H = spec.height ?? 340;
  const scale = chartTextScale();
  // larger text needs wider tick labels and a lower axis title
  const m = { top: 34, right: 16, bottom: 46 + 14 * (scale - 1), left: Math.round(58 * scale) };
  svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
  const s = select(svg);
  s.selectAll("*").remove();
  const xs = spec.series.flatMap((d) => d.x);
  const ys = spec.series
    .flatMap((d) => [...d.y, ...(d.lo ?? []), ...(d.hi ?? [])])
    .filter(Number.isFinite);
  const [x0, x1] = extent(xs) as [number, number];
  const yMax = Math.max(
    ...ys,
    ...(spec.marks ?? []).filter((k) => k.axis === "y").map((k) => k.value),
    0,
  );
  const x = scaleLinear()
    .domain([x0 ?? 0, x1 ?? 1])
    .range([m.left, W - m.right]);
  const y = scaleLinear()
    .domain(spec.yDomain ?? [Math.min(0, ...ys), yMax * 1.05 || 1])
    .nice()
    .range([H - m.bottom, m.top]);
  s.append("text")
    .attr("x", m.left)
    .attr("y", 18)
    .attr("font-size", 15)
    .attr("font-weight", 700)
    .attr("fill", PALETTE.text)
    .text(spec.title);
  const gx = s
    .append("g")
    .attr("transform", `translate(0,${H - m.bottom})`)
    .call(
      axisBottom(x)
        .ticks(8)
        .tickFormat((v) => (spec.xTickFormat ?? String)(Number(v))),
    );
  const gy = s
    .append("g")
    .attr("transform", `translate(${m.left},0)`)
    .call(
      axisLeft(y)
        .ticks(6)
        .tickFormat((v) => (spec.yTickFormat ?? String)(Number(v))),
    );
  for (const g of [gx, gy]) g.attr("font-size", 13).attr("font-family", null);
  s.append("text")
    .attr("x", (m.left + W - m.right) / 2)
    .attr("y", H - 8)
    .attr("text-anchor", "middle")
    .attr("font-size", 13)
    .attr("fill", PALETTE.text)
    .text(spec.xLabel);
  s.append("text")
    .attr("transform", `translate(14,${(m.top + H - m.bottom) / 2}) rotate(-90)`)
    .attr("text-anchor", "middle")
    .attr("font-size", 13)
    .attr("fill", PALETTE.text)
    .text(spec.yLabel);
  let xMarks = 0;
  for (const k of spec.marks ?? []) {
    const g = s.append("g").attr("class", "mark");
    if (k.axis === "x") {
      g.append("line")
        .attr("x1", x(k.value))
        .attr("x2", x(k.value))
        .attr("y1", m.top)
        .attr("y2", H - m.bottom)
        .attr("stroke", PALETTE.muted)
        .attr("stroke-dasharray", "5 4");
      const nearRight = x(k.value) > W - m.right - 80;
      g.append("text")
        .attr("x", x(k.value) + (nearRight ? -4 : 4))
        .attr("text-anchor", nearRight ? "end" : "start")
        .attr("y", m.top + 12 + 15 * scale * xMarks++)
        .attr("font-size", 12)
        .attr("fill", PALETTE.muted)
        .text(k.label);
    } else {
      g.append("line")
        .attr("x1", m.left)
        .attr("x2", W - m.right)
        .attr("y1", y(k.value))
        .attr("y2", y(k.value))
        .attr("stroke", PALETTE.muted)
        .attr("stroke-dasharray", "5 4");
      g.append("text")
        .attr("x", W - m.right - 4)
        .attr("y", y(k.value) - 5)
        .attr("text-anchor", "end")
        .attr("font-size", 12)
        .attr("fill", PALETTE.muted)
        .text(k.label);
    }
  }
  for (const d of spec.series) {
    const idx = d.x.map((_, i) => i);
    if (d.lo && d.hi) {
      const lo = d.lo;
      const hi = d.hi;
      s.append("path")
        .attr(
          "d",
          area<number>()
            .x((i) => x(d.x[i]))
            .y0((i) => y(lo[i]))
            .y1((i) => y(hi[i]))(idx) ?? "",
        )
        .attr("fill", d.colour)
        .attr("fill-opacity", 0.18);
    }
    s.append("path")
      .attr(
        "d",
        line<number>()
          .defined((i) => Number.isFinite(d.y[i]))
          .x((i) => x(d.x[i]))
          .y((i) => y(d.y[i]))(idx) ?? "",
      )
      .attr("fill", "none")
      .attr("stroke", d.colour)
      .attr("stroke-width", 2.5)
      .attr("stroke-dasharray", d.dash ?? null)
      .attr("data-series", d.name);
  }
  const bottomRight = spec.legend === "bottom-right";
  const lgX = bottomRight ? W - m.right - 190 : m.left + 10;
  const lgY = bottomRight ? H - m.bottom - 10 - 18 * spec.series.length : m.top + 6;
  const lg = s.append("g").attr("transform", `translate(${lgX},${lgY})`);
  spec.series.forEach((d, i) => {
    const g = lg.append("g").attr("transform", `translate(0,${i * 18})`);
    g.append("line")
      .attr("x2", 22)
      .attr("y1", 6)
      .attr("y2", 6)
      .attr("stroke", d.colour)
      .attr("stroke-width", 3)
      .attr("stroke-dasharray", d.dash ?? null);
    g.append("text")
      .attr("x", 28)
      .attr("y", 10)
      .attr("font-size", 13)
      .attr("fill", PALETTE.text)
      .text(d.name);
  });
}

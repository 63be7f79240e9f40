import { geoNaturalEarth1, geoPath, select } from "d3";
import type { Feature, FeatureCollection, Geometry } from "geojson";
import { feature, mesh } from "topojson-client";
import type { GeometryCollection, Topology } from "topojson-specification";
import world from "world-atlas/countries-110m.json";
import { PALETTE } from "../ui/palette.ts";

const SVGNS = "http://www.w3.org/2000/svg";
export const MAP_SIZE = { width: 960, height: 500 } as const;

type CountryFeature = Feature<Geometry, { name: string }> & { id?: string };

const topo = world as unknown as Topology<{ countries: GeometryCollection<{ name: string }> }>;
const countries = (
  feature(topo, topo.objects.countries) as unknown as FeatureCollection<Geometry, { name: string }>
).features as CountryFeature[];
const borders = mesh(topo, topo.objects.countries, (a, b) => a !== b);

export interface MapPoint {
  iso: string;
  name: string;
  lat: number;
  lon: number;
}

export interface WorldMap {
  svg: SVGSVGElement;
  /** Fill every country: fill(iso) returns a colour, or null for "not a market". */
  paint(fill: (iso: string) => string | null, title: (iso: string, name: string) => string): void;
  /** Countries without a polygon at 1:110m (Hong Kong, Singapore) drawn as dots. */
  setPoints(points: MapPoint[]): void;
  setHome(iso: string | null): void;
  /** The followed firm's trail: home -> each market in entry order. */
  setTrail(home: MapPoint | null, stops: (MapPoint & { colour: string; label: string })[]): void;
  project(lon: number, lat: number): [number, number];
}

/** The world (world-atlas countries-110m, bundled: no network) as an SVG of country paths. */
export function createWorldMap(onClick: (iso: string, name: string) => void): WorldMap {
  const svg = document.createElementNS(SVGNS, "svg") as SVGSVGElement;
  svg.setAttribute("viewBox", `0 0 ${MAP_SIZE.width} ${MAP_SIZE.height}`);
  svg.setAttribute("class", "chart world-map");
  svg.setAttribute("font-family", "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif");
  const projection = geoNaturalEarth1().fitExtent(
    [
      [4, 4],
      [MAP_SIZE.width - 4, MAP_SIZE.height - 4],
    ],
    { type: "Sphere" },
  );
  const path = geoPath(projection);
  const s = select(svg);
  s.append("path")
    .attr("d", path({ type: "Sphere" }) ?? "")
    .attr("fill", "#eef3f7")
    .attr("stroke", "#bbbbbb");
  const countryPaths = s
    .append("g")
    .attr("class", "countries")
    .selectAll<SVGPathElement, CountryFeature>("path")
    .data(countries.filter((c) => c.id !== undefined))
    .join("path")
    .attr("d", (d) => path(d) ?? "")
    .attr("data-iso", (d) => d.id ?? "")
    .attr("fill", "#dddddd")
    .style("cursor", "pointer")
    .on("click", (_ev, d) => onClick(d.id ?? "", d.properties.name));
  countryPaths.append("title");
  s.append("path")
    .attr("d", path(borders) ?? "")
    .attr("fill", "none")
    .attr("stroke", "#ffffff")
    .attr("stroke-width", 0.5)
    .attr("pointer-events", "none");
  const homeLayer = s.append("g").attr("class", "home").attr("pointer-events", "none");
  const pointLayer = s.append("g").attr("class", "points");
  const trailLayer = s.append("g").attr("class", "trail").attr("pointer-events", "none");
  let points: MapPoint[] = [];
  const project = (lon: number, lat: number) => projection([lon, lat]) ?? [0, 0];

  return {
    svg,
    project,
    paint(fill, title) {
      countryPaths
        .attr("fill", (d) => fill(d.id ?? "") ?? "#e4e4e4")
        .select("title")
        .text((d) => title(d.id ?? "", d.properties.name));
      pointLayer
        .selectAll<SVGCircleElement, MapPoint>("circle")
        .data(points, (p) => p.iso)
        .join((enter) => {
          const c = enter
            .append("circle")
            .attr("r", 5)
            .attr("stroke", "#333")
            .style("cursor", "pointer");
          c.append("title");
          return c;
        })
        .attr("cx", (p) => project(p.lon, p.lat)[0])
        .attr("cy", (p) => project(p.lon, p.lat)[1])
        .attr("data-iso", (p) => p.iso)
        .attr("fill", (p) => fill(p.iso) ?? "#e4e4e4")
        .on("click", (_ev, p) => onClick(p.iso, p.name))
        .select("title")
        .text((p) => title(p.iso, p.name));
    },
    setPoints(p) {
      const have = new Set(countries.map((c) => c.id));
      points = p.filter((x) => !have.has(x.iso));
    },
    setHome(iso) {
      homeLayer.selectAll("*").remove();
      const f = countries.find((c) => c.id === iso);
      if (!f) return;
      homeLayer
        .append("path")
        .attr("d", path(f) ?? "")
        .attr("fill", "none")
        .attr("stroke", PALETTE.text)
        .attr("stroke-width", 2)
        .attr("stroke-dasharray", "4 2");
    },
    setTrail(home, stops) {
      trailLayer.selectAll("*").remove();
      if (!home || !stops.length) return;
      const [hx, hy] = project(home.lon, home.lat);
      const lines = trailLayer
        .selectAll("g")
        .data(stops)
        .join("g")
        .attr("data-stop", (_d, i) => i);
      lines
        .append("line")
        .attr("x1", hx)
        .attr("y1", hy)
        .attr("x2", (d) => project(d.lon, d.lat)[0])
        .attr("y2", (d) => project(d.lon, d.lat)[1])
        .attr("stroke", (d) => d.colour)
        .attr("stroke-width", 2.5)
        .attr("stroke-opacity", 0.9);
      lines
        .append("circle")
        .attr("cx", (d) => project(d.lon, d.lat)[0])
        .attr("cy", (d) => project(d.lon, d.lat)[1])
        .attr("r", 9)
        .attr("fill", (d) => d.colour)
        .attr("stroke", "#ffffff");
      lines
        .append("text")
        .attr("x", (d) => project(d.lon, d.lat)[0])
        .attr("y", (d) => project(d.lon, d.lat)[1])
        .attr("dy", "0.35em")
        .attr("text-anchor", "middle")
        .attr("font-size", 11)
        .attr("font-weight", 700)
        .attr("fill", "#ffffff")
        .text((_d, i) => String(i + 1));
      lines.append("title").text((d) => d.label);
      trailLayer
        .append("circle")
        .attr("cx", hx)
        .attr("cy", hy)
        .attr("r", 6)
        .attr("fill", PALETTE.text);
    },
  };
}

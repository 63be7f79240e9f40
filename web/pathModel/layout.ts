import { scaleLinear } from "d3";
import { CONSTRUCT_LEVEL, type Construct } from "../../src/paper/constructs.ts";
import { PALETTE } from "../ui/palette.ts";

/** Figure 1 of the paper as a left-to-right diagram: culture -> strategies -> performance. */
export const DIAGRAM = { width: 900, height: 520, nodeW: 118, nodeH: 54 } as const;

const COLUMN_X = { culture: 110, strategy: 450, outcome: 790 } as const;

export interface NodePos {
  key: string;
  x: number;
  y: number;
}

/** Node centres: each level's constructs spread evenly down its column. */
export function nodePositions(variables: readonly string[]): Map<string, NodePos> {
  const byLevel = new Map<string, string[]>();
  for (const v of variables) {
    const level = CONSTRUCT_LEVEL[v as Construct] ?? "strategy";
    if (!byLevel.has(level)) byLevel.set(level, []);
    byLevel.get(level)!.push(v);
  }
  const out = new Map<string, NodePos>();
  for (const [level, keys] of byLevel) {
    const step = (DIAGRAM.height - 40) / keys.length;
    keys.forEach((key, i) => {
      out.set(key, {
        key,
        x: COLUMN_X[level as keyof typeof COLUMN_X],
        y: 20 + step * (i + 0.5),
      });
    });
  }
  return out;
}

/** Stroke width of a path from |coefficient|: 1.5 px at 0, 16 px at 0.6 or more. */
export const pathWidth = scaleLinear().domain([0, 0.6]).range([1.5, 16]).clamp(true);

/** Colour of a path from its sign (Okabe-Ito blue / vermillion: colour-blind safe). */
export function pathColour(value: number): string {
  return value >= 0 ? PALETTE.positive : PALETTE.negative;
}

/** Straight edge between node borders, and the point where its label goes. */
export function edgeGeometry(a: NodePos, b: NodePos, labelAt = 0.5) {
  const half = DIAGRAM.nodeW / 2;
  const x1 = a.x + (b.x > a.x ? half : b.x < a.x ? -half : 0);
  const x2 = b.x + (b.x > a.x ? -half : b.x < a.x ? half : 0);
  const y1 = a.y;
  const y2 = b.y;
  return {
    x1,
    y1,
    x2,
    y2,
    lx: x1 + (x2 - x1) * labelAt,
    ly: y1 + (y2 - y1) * labelAt,
  };
}

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

export function boxesIntersect(a: Box, b: Box): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

/** Label positions to try along a path, from its middle outwards. */
const CANDIDATES = [0.5, 0.42, 0.58, 0.34, 0.66, 0.27, 0.73, 0.2, 0.8, 0.14, 0.86];

/**
 * Place one label per edge, centred on a point of its own path (so each label touches its
 * arrow), with no two labels overlapping and none over a node: a depth-first search over points
 * along each path, middle first. When no overlap-free placement exists the one with the fewest
 * overlaps found is used.
 */
export function placeLabels(
  edges: { at: (t: number) => { x: number; y: number }; w: number; h: number }[],
  obstacles: Box[],
): { x: number; y: number; t: number }[] {
  const boxAt = (i: number, t: number): Box => {
    const p = edges[i].at(t);
    return { x: p.x - edges[i].w / 2, y: p.y - edges[i].h / 2, w: edges[i].w, h: edges[i].h };
  };
  // edges with the fewest free spots go first
  const free = edges.map(
    (_, i) =>
      CANDIDATES.filter((t) => !obstacles.some((o) => boxesIntersect(boxAt(i, t), o))).length,
  );
  const order = edges.map((_, i) => i).sort((a, b) => free[a] - free[b]);
  const chosen: number[] = new Array(edges.length).fill(0.5);
  const placed: Box[] = [];
  let budget = 200_000;
  const search = (k: number): boolean => {
    if (k === order.length) return true;
    const i = order[k];
    for (const t of CANDIDATES) {
      if (--budget < 0) return false;
      const b = boxAt(i, t);
      if (obstacles.some((o) => boxesIntersect(b, o))) continue;
      if (placed.some((o) => boxesIntersect(b, o))) continue;
      chosen[i] = t;
      placed.push(b);
      if (search(k + 1)) return true;
      placed.pop();
    }
    return false;
  };
  if (!search(0)) {
    // fallback: greedy, fewest overlaps
    placed.length = 0;
    for (const i of order) {
      let best = 0.5;
      let bestHits = Infinity;
      for (const t of CANDIDATES) {
        const b = boxAt(i, t);
        const hits =
          placed.filter((o) => boxesIntersect(b, o)).length +
          obstacles.filter((o) => boxesIntersect(b, o)).length;
        if (hits < bestHits) {
          bestHits = hits;
          best = t;
        }
      }
      chosen[i] = best;
      placed.push(boxAt(i, best));
    }
  }
  return chosen.map((t, i) => ({ ...edges[i].at(t), t }));
}

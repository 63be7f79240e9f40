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

import { normal } from "../../random/deviates.ts";
import type { World } from "../world.ts";

/**
 * Step 2: one market-period shock per market (a firm's firm-period shock is drawn when the
 * relationship pass first visits one of its relationships: firms without foreign markets
 * need none).
 */
export function drawMarketShocks(w: World): void {
  const sd = w.d.performance.marketShockSd;
  for (let m = 0; m < w.M; m++) w.marketShock[m] = sd * normal(w.sMShock);
}

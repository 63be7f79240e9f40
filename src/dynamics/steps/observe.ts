import {
  G_BORN_GLOBAL,
  G_DOMESTIC,
  G_GRADUAL,
  M_EXPORTERS,
  M_FIRMS,
  M_MARKETS,
  M_SHARE,
} from "../aggregates.ts";
import { foreignShare } from "../mechanisms/sales.ts";
import { isBornGlobal } from "../status.ts";
import type { World } from "../world.ts";

/**
 * Step 5, every living firm: foreign share, status (born global / gradual / domestic),
 * aggregates and, at the survey step, the survey snapshot; the living-firm list is compacted.
 */
export function observePass(w: World, s: number): void {
  const { alive, aliveN, spy, qcell, domesticTab, windowSteps, agg, snap } = w;
  const firms = w.firms;
  const { found, firstEntry, exitStep, served, ever, foreignSales, share, status, knowledge } =
    firms;
  const PERF = firms.latent.PERF;
  const bgMin = w.d.bornGlobal.minForeignShare;
  const atSurvey = s === w.cal.surveyStep;
  let kept = 0;
  let checked = 0;
  let quit = 0;
  for (let ai = 0; ai < aliveN; ai++) {
    const f = alive[ai];
    if (exitStep[f] >= 0) continue;
    alive[kept++] = f;
    const fe = firstEntry[f];
    if (fe >= 0 && s === fe + spy) {
      checked++;
      if (served[f] === 0) quit++;
    }
    const sh = foreignShare(foreignSales[f], domesticTab[s - found[f] + 1]);
    share[f] = sh;
    const exporting = served[f] > 0;
    const st = !exporting
      ? G_DOMESTIC
      : isBornGlobal(true, found[f], fe, sh, windowSteps, bgMin)
        ? G_BORN_GLOBAL
        : G_GRADUAL;
    status[f] = st;
    const c = st * 16 + qcell[f];
    agg.cell(M_FIRMS, c, 1);
    if (exporting) {
      agg.cell(M_EXPORTERS, c, 1);
      agg.cell(M_MARKETS, c, served[f]);
      agg.cell(M_SHARE, c, sh);
    }
    if (atSurvey) {
      snap.alive[f] = 1;
      snap.share[f] = sh;
      snap.served[f] = served[f];
      snap.ever[f] = ever[f];
      snap.foreignSales[f] = foreignSales[f];
      snap.knowledge[f] = knowledge[f];
      if (snap.mainMarket[f] < 0) snap.perf3y[f] = PERF[f];
    }
    foreignSales[f] = 0;
  }
  w.firmSteps += kept;
  w.firstEntriesChecked += checked;
  w.quitWithinYear += quit;
  w.aliveN = kept;
  agg.flush(s);
}

import { createMapView } from "./map/view.ts";
import { createSensitivityView } from "./sensitivity/view.ts";
import type { View } from "./state/urlState.ts";
import type { ViewContext, ViewHandle } from "./state/view.ts";
import { h } from "./ui/dom.ts";

/** Views that are not wired yet show what they are waiting for (no made-up results). */
function pending(id: View, title: string, waitingFor: string) {
  return (_ctx: ViewContext): ViewHandle => ({
    id,
    root: h(
      "section",
      { class: "view" },
      h("h2", {}, title),
      h("p", { class: "note" }, waitingFor),
    ),
    update() {},
  });
}

export const VIEW_FACTORIES: Record<View, (c: ViewContext) => ViewHandle> = {
  map: createMapView,
  cohorts: pending("cohorts", "Cohort curves", "Waiting for the dynamics module (src/dynamics)."),
  pathModel: pending("pathModel", "Path model", ""),
  whatIf: pending(
    "whatIf",
    "What-if comparison",
    "Waiting for the dynamics module (src/dynamics).",
  ),
  sensitivity: createSensitivityView,
};

import { createCohortView } from "./cohorts/view.ts";
import { createMapView } from "./map/view.ts";
import { createPathModelView } from "./pathModel/view.ts";
import { createSensitivityView } from "./sensitivity/view.ts";
import type { View } from "./state/urlState.ts";
import type { ViewContext, ViewHandle } from "./state/view.ts";
import { createWhatIfView } from "./whatIf/view.ts";

/** One factory per view; main.ts creates each view the first time it is shown. */
export const VIEW_FACTORIES: Record<View, (c: ViewContext) => ViewHandle> = {
  map: createMapView,
  cohorts: createCohortView,
  pathModel: createPathModelView,
  whatIf: createWhatIfView,
  sensitivity: createSensitivityView,
};

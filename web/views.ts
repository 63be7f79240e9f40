import type { View } from "./state/urlState.ts";
import type { ViewContext, ViewHandle } from "./state/view.ts";

type Factory = (c: ViewContext) => ViewHandle;

/**
 * One loader per view: each view's code (and the world map's data) is a separate chunk that
 * main.ts loads the first time the view is shown, so the first page loads less.
 */
export const VIEW_LOADERS: Record<View, () => Promise<Factory>> = {
  map: () => import("./map/view.ts").then((m) => m.createMapView),
  cohorts: () => import("./cohorts/view.ts").then((m) => m.createCohortView),
  pathModel: () => import("./pathModel/view.ts").then((m) => m.createPathModelView),
  whatIf: () => import("./whatIf/view.ts").then((m) => m.createWhatIfView),
  sensitivity: () => import("./sensitivity/view.ts").then((m) => m.createSensitivityView),
};

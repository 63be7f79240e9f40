import type { Store } from "../state/store.ts";
import type { View } from "../state/urlState.ts";

/** The guided first run: a few steps, each opening a view and pointing at one control. */
interface Step {
  view: View;
  target: string;
  text: string;
  /** Which bottom corner the tour box sits in, away from the control it points at. */
  side: "left" | "right";
}

const STEPS: Step[] = [
  {
    view: "map",
    target: "#map-play",
    side: "right",
    text: "On the world map, press Space to play the years and watch firms enter foreign markets; the arrow keys step one period. Click a country for its entry history.",
  },
  {
    view: "pathModel",
    target: "#path-diagram",
    side: "right",
    text: "This is the paper's Figure 1. Culture (IEO, IMO) shapes four strategies, which drive performance. Each arrow's width is the population coefficient; its label shows the value a survey of 203 firms re-estimates.",
  },
  {
    view: "pathModel",
    target: "#pm-sliders",
    side: "left",
    text: "Drag a slider to change a coefficient in the population. The diagram, the re-estimate and its verdict update at once; impossible values are refused with the reason.",
  },
  {
    view: "pathModel",
    target: "#pm-reseed",
    side: "left",
    text: "Draw a new survey of the same population. Verdicts can flip from one survey to the next: that is sampling error, the heart of the replication story.",
  },
  {
    view: "sensitivity",
    target: "#sens-run",
    side: "left",
    text: "Run a power sweep: hundreds of virtual surveys at each sample size, computed in background workers. The heatmap shows how often each hypothesis is found.",
  },
];

export function setupTour(store: Store): { start(): void } {
  const box = document.getElementById("tour")!;
  const text = document.getElementById("tour-text")!;
  const count = document.getElementById("tour-count")!;
  const back = document.getElementById("tour-back") as HTMLButtonElement;
  const next = document.getElementById("tour-next") as HTMLButtonElement;
  const close = document.getElementById("tour-close")!;
  let i = 0;
  let highlighted: Element | null = null;

  function show(): void {
    const step = STEPS[i];
    store.set({ view: step.view });
    text.textContent = step.text;
    box.classList.toggle("tour-left", step.side === "left");
    count.textContent = `${i + 1} / ${STEPS.length}`;
    back.disabled = i === 0;
    next.textContent = i === STEPS.length - 1 ? "Finish" : "Next";
    highlighted?.classList.remove("tour-highlight");
    highlighted = null;
    // the step's view may still be loading: wait (up to ~5 s) for its control to appear
    const shown = i;
    let tries = 0;
    const mark = () => {
      if (shown !== i || box.hidden) return;
      const el = document.querySelector(step.target);
      if (!el) {
        if (tries++ < 300) requestAnimationFrame(mark);
        return;
      }
      highlighted = el;
      el.classList.add("tour-highlight");
      el.scrollIntoView({ block: "nearest" });
    };
    mark();
  }
  function stop(): void {
    box.hidden = true;
    highlighted?.classList.remove("tour-highlight");
    highlighted = null;
    try {
      localStorage.setItem("bgl-tour-done", "1");
    } catch {
      // storage may be unavailable (private mode): the tour simply shows again next time
    }
  }
  back.addEventListener("click", () => {
    i = Math.max(0, i - 1);
    show();
  });
  next.addEventListener("click", () => {
    if (i === STEPS.length - 1) stop();
    else {
      i += 1;
      show();
    }
  });
  close.addEventListener("click", stop);
  // the user leaves the tour's view by a tab of their own: the tour steps aside (its text
  // would describe a view that is no longer shown); "Guided tour" starts it again
  store.subscribe((state) => {
    if (!box.hidden && state.view !== STEPS[i].view) stop();
  });
  return {
    start() {
      i = 0;
      box.hidden = false;
      show();
      next.focus();
    },
  };
}

export function tourSeen(): boolean {
  try {
    return localStorage.getItem("bgl-tour-done") === "1";
  } catch {
    return false;
  }
}

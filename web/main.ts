import { formatIssue, parseScenarioText } from "../src/scenario/validate.ts";
import { downloadBlob, setExportContext } from "./export/export.ts";
import { NOTICE, PRESETS } from "./presets.ts";
import { BASELINE } from "./state/baseline.ts";
import { Store } from "./state/store.ts";
import { type AppState, decodeState, VIEW_LABELS, VIEWS, type View } from "./state/urlState.ts";
import type { ViewContext, ViewHandle } from "./state/view.ts";
import { clear, h } from "./ui/dom.ts";
import { TEXT_SCALE_EVENT } from "./ui/textScale.ts";
import { setupTour, tourSeen } from "./ui/tour.ts";
import { VIEW_LOADERS } from "./views.ts";

const decoded = decodeState(location.search, BASELINE);
const store = new Store(decoded.state);
const main = document.getElementById("main")!;
const alertBox = document.getElementById("link-error")!;
const alertTitle = document.getElementById("link-error-title")!;
const alertList = document.getElementById("link-error-list")!;

function showErrors(title: string, messages: string[]): void {
  // more problems with the same link add to the list already shown
  const adding = !alertBox.hidden && alertTitle.textContent === title && messages.length > 0;
  alertTitle.textContent = title;
  if (!adding) clear(alertList);
  for (const m of messages) alertList.append(h("li", {}, m));
  alertBox.hidden = messages.length === 0;
}
document.getElementById("link-error-close")!.addEventListener("click", () => {
  alertBox.hidden = true;
});

const ctx: ViewContext = { store, showErrors };
const loaded = new Map<View, Promise<ViewHandle>>();
let current: ViewHandle | null = null;
let wanted: View | null = null;

// Tabs
const tabs = document.getElementById("tabs")!;
const tabButtons = new Map<View, HTMLButtonElement>();
for (const v of VIEWS) {
  const b = h("button", { type: "button", "data-view": v }, VIEW_LABELS[v]);
  b.addEventListener("click", () => store.set({ view: v }));
  tabButtons.set(v, b);
  tabs.append(h("li", {}, b));
}

/** A view's handle, loading its chunk and creating it the first time. */
function handleFor(v: View): Promise<ViewHandle> {
  let p = loaded.get(v);
  if (!p) {
    p = VIEW_LOADERS[v]().then((factory) => {
      const handle = factory(ctx);
      handle.root.hidden = true;
      // the classroom line: what to notice in this view, beside its picture (first in the side
      // panel), else under its introduction
      const notice = h(
        "p",
        { class: "notice", id: `notice-${v}` },
        h("strong", {}, "What to notice: "),
        NOTICE[v].replace(/^What to notice: /, ""),
      );
      const panel = handle.root.querySelector(".split > .panel");
      const lede = handle.root.querySelector(".lede");
      if (panel) panel.prepend(notice);
      else if (lede) lede.after(notice);
      else handle.root.prepend(notice);
      main.append(handle.root);
      return handle;
    });
    p.catch(() => loaded.delete(v));
    loaded.set(v, p);
  }
  return p;
}

const allKeys = () => new Set(Object.keys(store.state) as (keyof typeof store.state)[]);

async function showView(v: View, changed: Set<keyof typeof store.state>): Promise<void> {
  if (current?.id === v && wanted === v) {
    current.update(store.state, changed);
    placePresetText(current);
    return;
  }
  wanted = v;
  for (const [k, b] of tabButtons) {
    if (k === v) b.setAttribute("aria-current", "page");
    else b.removeAttribute("aria-current");
  }
  document.title = `${VIEW_LABELS[v]} · Born Global Lab`;
  let handle: ViewHandle;
  try {
    handle = await handleFor(v);
  } catch (e) {
    showErrors("This view could not be loaded", [(e as Error).message]);
    return;
  }
  if (wanted !== v) return;
  if (current !== handle) {
    current?.hide?.();
    if (current) current.root.hidden = true;
    handle.root.hidden = false;
    current = handle;
  }
  placePresetText(handle);
  handle.update(store.state, allKeys());
}

setExportContext(() => {
  const s = store.scenario();
  const st = store.state;
  const ui = Object.entries(st.ui).map(([k, v]) => `${k}=${v}`);
  return [
    `scenario: ${s.name}; seed ${s.seed}; view ${VIEW_LABELS[st.view]}`,
    `survey: n = ${st.survey.n}, survey seed ${st.survey.seed}${st.survey.full ? ", full survey" : ""}${st.firm !== null ? `; followed firm ${st.firm}` : ""}${st.policy ? `; policy ${st.policy}` : ""}`,
    ...(ui.length ? [`settings: ${ui.join("; ")}`] : []),
    `link: ${location.href}`,
  ];
});

function describeScenario(): void {
  const s = store.scenario();
  const label = document.getElementById("scenario-label")!;
  // the description speaks of the survey population; the map simulates its own, larger cohort
  label.textContent = `Scenario: ${s.name} · seed ${s.seed}${s.description ? ` · ${s.description}` : ""} · The map and cohort curves simulate ${s.dynamics.firms.toLocaleString("en-US")} firms founded ${s.dynamics.startYear}–${s.dynamics.endYear}.`;
}

store.subscribe((state, changed) => {
  void showView(state.view, changed);
  if (changed.has("scenario")) describeScenario();
  // a preset's text belongs to the view it opened
  if (changed.has("view") && presetView !== null && state.view !== presetView) {
    presetText.textContent = "";
    presetView = null;
    presetSelect.value = "";
  }
});

// Back / Forward: every tab switch is a history entry; restore the state the entry holds.
window.addEventListener("popstate", () => {
  const d = decodeState(location.search, BASELINE);
  const patch: Partial<AppState> = {};
  for (const k of Object.keys(d.state) as (keyof AppState)[]) {
    if (JSON.stringify(d.state[k]) !== JSON.stringify(store.state[k]))
      (patch as Record<string, unknown>)[k] = d.state[k];
  }
  if (d.errors.length) showErrors("This link could not be fully restored", d.errors);
  store.set(patch, true);
});

// Presets
const presetSelect = document.getElementById("preset") as HTMLSelectElement;
const presetText = document.getElementById("preset-text")!;
const presetHome = presetText.parentElement!;
const presetNext = presetText.nextSibling;
let presetView: View | null = null;
/** A preset's text sits beside the picture of the view it opened (first in its side panel). */
function placePresetText(handle: ViewHandle): void {
  const panel = presetView === handle.id ? handle.root.querySelector(".split > .panel") : null;
  if (panel) {
    if (presetText.parentElement !== panel) panel.prepend(presetText);
  } else if (presetText.parentElement !== presetHome)
    presetHome.insertBefore(presetText, presetNext);
}
presetSelect.append(h("option", { value: "" }, "Choose a preset…"));
for (const p of PRESETS) presetSelect.append(h("option", { value: p.id }, p.title));
presetSelect.addEventListener("change", () => {
  const p = PRESETS.find((x) => x.id === presetSelect.value);
  if (!p) {
    presetText.textContent = "";
    presetView = null;
    return;
  }
  presetText.textContent = `${p.title}: ${p.text}`;
  const patch = p.state(BASELINE);
  presetView = patch.view ?? store.state.view;
  store.set(patch);
});

// Share link
document.getElementById("copy-link")!.addEventListener("click", async (ev) => {
  const btn = ev.currentTarget as HTMLButtonElement;
  store.flushUrl();
  try {
    await navigator.clipboard.writeText(location.href);
    btn.textContent = "Link copied";
  } catch {
    btn.textContent = "Copy the address bar";
  }
  setTimeout(() => {
    btn.textContent = "Copy link";
  }, 2000);
});

// Scenario JSON export / import
document.getElementById("export-scenario")!.addEventListener("click", () => {
  const s = { $schema: "./schema/scenario.schema.json", ...store.state.scenario };
  const name = (store.scenario().name || "scenario").replace(/[^\w.-]+/g, "-");
  downloadBlob(
    new Blob([`${JSON.stringify(s, null, 2)}\n`], { type: "application/json" }),
    `${name}.json`,
  );
});
const importInput = document.getElementById("import-scenario") as HTMLInputElement;
importInput.addEventListener("change", async () => {
  const file = importInput.files?.[0];
  if (!file) return;
  const text = await file.text();
  importInput.value = "";
  const v = parseScenarioText(text);
  if (!v.ok) {
    showErrors(
      `The file ${file.name} is not a valid scenario; nothing was changed`,
      v.issues.map(formatIssue),
    );
    return;
  }
  alertBox.hidden = true;
  const { $schema: _s, ...input } = JSON.parse(text) as Record<string, unknown>;
  store.set({ scenario: input });
});

// Keyboard: Space plays/pauses and the arrows step, wherever the focus is (a button, a tab, a
// slider), except while typing in a text field or choosing in a menu. Space on a focused button
// would press it again (the browser clicks on key-up), so the key-up is swallowed too.
function typingIn(t: HTMLElement | null): boolean {
  const tag = t?.tagName;
  return (
    tag === "TEXTAREA" ||
    tag === "SELECT" ||
    (tag === "INPUT" &&
      !["range", "checkbox", "radio", "button", "submit", "reset", "file"].includes(
        (t as HTMLInputElement).type,
      )) ||
    t?.isContentEditable === true
  );
}
let spaceTaken = false;
document.addEventListener(
  "keydown",
  (e) => {
    const t = e.target as HTMLElement | null;
    if (typingIn(t) || e.altKey || e.ctrlKey || e.metaKey) return;
    // the arrows keep their meaning on a slider; Space does not move one
    if (t?.tagName === "INPUT" && (t as HTMLInputElement).type === "range" && e.key !== " ") return;
    if (e.key === " " && e.repeat) {
      e.preventDefault();
      return;
    }
    if (current?.onKey?.(e)) {
      e.preventDefault();
      if (e.key === " ") spaceTaken = true;
    }
  },
  true,
);
document.addEventListener(
  "keyup",
  (e) => {
    if (e.key === " " && spaceTaken) {
      spaceTaken = false;
      e.preventDefault();
    }
  },
  true,
);

// Larger text for projectors (a display preference, kept in this browser, not in the link)
const large = document.getElementById("large-text")!;
const setLarge = (on: boolean) => {
  document.documentElement.classList.toggle("large", on);
  document.dispatchEvent(new Event(TEXT_SCALE_EVENT));
  large.setAttribute("aria-pressed", String(on));
  try {
    localStorage.setItem("bgl-large-text", on ? "1" : "0");
  } catch {
    // storage unavailable: the preference lasts for this page only
  }
};
large.addEventListener("click", () =>
  setLarge(!document.documentElement.classList.contains("large")),
);
try {
  if (localStorage.getItem("bgl-large-text") === "1") setLarge(true);
} catch {
  // storage unavailable
}

// Guided tour
const tour = setupTour(store);
document.getElementById("tour-start")!.addEventListener("click", () => tour.start());

// First render
if (decoded.errors.length) showErrors("This link could not be fully restored", decoded.errors);
describeScenario();
await showView(store.state.view, new Set());
if (!location.search && !tourSeen()) tour.start();
document.documentElement.dataset.ready = "1";

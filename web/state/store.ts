import type { Scenario, ScenarioInput } from "../../src/scenario/schema.ts";
import { validateScenario } from "../../src/scenario/validate.ts";
import { type AppState, encodeState } from "./urlState.ts";

type Listener = (state: AppState, changed: Set<keyof AppState>) => void;

/**
 * The app's single state. Every change is written to the URL (history.replaceState), so the
 * address bar always holds a link that reproduces the current view. The scenario only ever
 * holds validated input; `scenario()` is its parsed form with every default resolved.
 */
export class Store {
  private listeners: Listener[] = [];
  private parsed: { input: ScenarioInput; scenario: Scenario } | null = null;

  constructor(
    public state: AppState,
    private writeUrl = true,
  ) {}

  subscribe(fn: Listener): void {
    this.listeners.push(fn);
  }

  scenario(): Scenario {
    if (this.parsed?.input !== this.state.scenario) {
      const v = validateScenario(this.state.scenario);
      if (!v.ok) throw new Error("invalid scenario reached the store");
      this.parsed = { input: this.state.scenario, scenario: v.scenario };
    }
    return this.parsed.scenario;
  }

  private urlTimer: ReturnType<typeof setTimeout> | null = null;
  private lastUrlWrite = 0;

  /** Write the URL now, or within 250 ms while the timeline plays (browsers throttle replaceState). */
  private scheduleUrl(): void {
    const write = () => {
      this.urlTimer = null;
      this.lastUrlWrite = performance.now();
      history.replaceState(null, "", `${location.pathname}?${encodeState(this.state)}`);
    };
    if (this.urlTimer !== null) return;
    const wait = 250 - (performance.now() - this.lastUrlWrite);
    if (wait <= 0) write();
    else this.urlTimer = setTimeout(write, wait);
  }

  /** Write a pending URL change now (before the address is copied). */
  flushUrl(): void {
    if (this.urlTimer === null) return;
    clearTimeout(this.urlTimer);
    this.urlTimer = null;
    this.lastUrlWrite = performance.now();
    history.replaceState(null, "", `${location.pathname}?${encodeState(this.state)}`);
  }

  /** Write the URL now as a new history entry (a tab switch), so Back returns to it. */
  private pushUrl(): void {
    if (this.urlTimer !== null) {
      clearTimeout(this.urlTimer);
      this.urlTimer = null;
    }
    this.lastUrlWrite = performance.now();
    history.pushState(null, "", `${location.pathname}?${encodeState(this.state)}`);
  }

  /**
   * Change the state. A new view is a new browser history entry; everything else replaces the
   * current entry. `fromHistory` (Back/Forward) changes the state without writing the URL.
   */
  set(patch: Partial<AppState>, fromHistory = false): void {
    const changed = new Set<keyof AppState>();
    for (const k of Object.keys(patch) as (keyof AppState)[]) {
      if (patch[k] !== this.state[k]) changed.add(k);
    }
    if (!changed.size) return;
    if (this.writeUrl && !fromHistory && changed.has("view")) {
      // the entry being left keeps the settings it had
      if (this.urlTimer !== null) {
        clearTimeout(this.urlTimer);
        this.urlTimer = null;
        history.replaceState(null, "", `${location.pathname}?${encodeState(this.state)}`);
      }
      this.state = { ...this.state, ...patch };
      this.pushUrl();
    } else {
      this.state = { ...this.state, ...patch };
      if (this.writeUrl && !fromHistory) this.scheduleUrl();
    }
    for (const fn of this.listeners) fn(this.state, changed);
  }

  /** Set one view setting (a control's value) in the state and the link. */
  setUi(key: string, value: string): void {
    if (this.state.ui[key] === value) return;
    this.set({ ui: { ...this.state.ui, [key]: value } });
  }
}

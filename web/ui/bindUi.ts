import type { AppState, UiKey } from "../state/urlState.ts";
import type { ViewContext } from "../state/view.ts";

type Control = HTMLInputElement | HTMLSelectElement;

export interface UiBinding {
  key: UiKey;
  el: Control;
  /** Extra check of a value from a link (after the control's own options/range); a reason or null. */
  check?: (value: string) => string | null;
  /** Called after a value from a link (or Back/Forward) was put into the control. */
  applied?: () => void;
}

/** Why a value cannot go into a control, or null: a select needs one of its options, a number its range. */
export function controlRefuses(el: Control, value: string): string | null {
  if (el instanceof HTMLSelectElement) {
    const ok = [...el.options].some((o) => o.value === value);
    return ok
      ? null
      : `must be one of ${[...el.options].map((o) => JSON.stringify(o.value)).join(", ")}`;
  }
  if (el.type === "number" || el.type === "range") {
    const v = Number(value);
    const min = el.min === "" ? -Infinity : Number(el.min);
    const max = el.max === "" ? Infinity : Number(el.max);
    if (value.trim() === "" || !Number.isFinite(v) || v < min || v > max)
      return `must be a number from ${el.min} to ${el.max}`;
  }
  return null;
}

/**
 * Keep controls and the link in step: a user's change goes into the state (and the URL); a value
 * in the state (from a link, Back or Forward) goes into the control, or, when the control cannot
 * take it, into a visible message naming the parameter and the reason.
 */
export function bindUi(ctx: ViewContext, bindings: UiBinding[]) {
  for (const b of bindings) {
    const write = () => ctx.store.setUi(b.key, b.el.value);
    b.el.addEventListener("change", write);
    if (b.el instanceof HTMLInputElement && b.el.type === "range")
      b.el.addEventListener("input", write);
  }
  const refused = new Map<string, string>();
  return {
    /** Put the state's values into the controls; returns true when any control changed. */
    apply(state: AppState): boolean {
      const messages: string[] = [];
      let any = false;
      for (const b of bindings) {
        const v = state.ui[b.key];
        if (v === undefined || v === b.el.value) continue;
        const why = controlRefuses(b.el, v) ?? b.check?.(v) ?? null;
        if (why) {
          if (refused.get(b.key) !== v)
            messages.push(`"${b.key}" = ${JSON.stringify(v)}: ${why}; the default is kept`);
          refused.set(b.key, v);
          continue;
        }
        b.el.value = v;
        any = true;
        b.applied?.();
      }
      if (messages.length) ctx.showErrors("This link could not be fully restored", messages);
      return any;
    },
  };
}

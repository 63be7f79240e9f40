/**
 * Tiny DOM helpers. Text is always set with textContent (never innerHTML), so user-supplied
 * strings (scenario names, descriptions, file contents) can never be interpreted as markup.
 */
type Attrs = Record<string, string | number | boolean | null | undefined>;
type Child = Node | string | number | null | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (v === true) el.setAttribute(k, "");
    else el.setAttribute(k, String(v));
  }
  append(el, children);
  return el;
}

export function append(el: Element, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.append(
      typeof c === "string" || typeof c === "number" ? document.createTextNode(String(c)) : c,
    );
  }
}

export function clear(el: Element): void {
  while (el.firstChild) el.removeChild(el.firstChild);
}

let uid = 0;
export function nextId(prefix: string): string {
  uid += 1;
  return `${prefix}-${uid}`;
}

/** A labelled control: <label for=id>text</label> + the control. */
export function labelled(text: string, control: HTMLElement, hint?: string): HTMLElement {
  if (!control.id) control.id = nextId("ctl");
  const wrap = h("div", { class: "field" }, h("label", { for: control.id }, text), control);
  if (hint) {
    const hid = nextId("hint");
    control.setAttribute("aria-describedby", hid);
    wrap.append(h("span", { class: "hint", id: hid }, hint));
  }
  return wrap;
}

/** Format a number with fixed decimals, "–" for non-finite values. */
export function fmt(x: number, digits = 2): string {
  if (!Number.isFinite(x)) return "–";
  const s = x.toFixed(digits);
  return s === `-${(0).toFixed(digits)}` ? (0).toFixed(digits) : s;
}

/** Run fn at most once per animation frame (coalesces slider input events). */
export function perFrame(fn: () => void): () => void {
  let pending = false;
  return () => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      fn();
    });
  };
}

/** The controls of a long computation: run and cancel buttons, a progress bar, its text and a status line. */
export function runControls(
  prefix: string,
  runLabel: string,
  progressName: string,
): {
  run: HTMLButtonElement;
  cancel: HTMLButtonElement;
  progress: HTMLProgressElement;
  progressLabel: HTMLParagraphElement;
  status: HTMLParagraphElement;
} {
  return {
    run: h("button", { type: "button", id: `${prefix}-run` }, runLabel),
    cancel: h("button", { type: "button", id: `${prefix}-cancel`, disabled: true }, "Cancel"),
    progress: h("progress", {
      id: `${prefix}-progress`,
      max: 1,
      value: 0,
      "aria-label": `${progressName} progress`,
    }),
    progressLabel: h("p", {
      class: "progress-text",
      id: `${prefix}-progress-text`,
      "aria-live": "polite",
    }),
    status: h("p", {
      class: "status",
      id: `${prefix}-status`,
      role: "status",
      "aria-live": "polite",
    }),
  };
}

/**
 * "Larger text" (for projectors) scales chart text as well as the page: CSS enlarges SVG text
 * drawn with the usual font-size attributes (style.css, html.large), and charts that size boxes
 * around their text (the path diagram's labels) read this factor and redraw when it changes.
 */
export const LARGE_TEXT_SCALE = 1.35;

export function chartTextScale(): number {
  return document.documentElement.classList.contains("large") ? LARGE_TEXT_SCALE : 1;
}

/** Fired on document when Larger text is switched on or off. */
export const TEXT_SCALE_EVENT = "bgl-text-scale";

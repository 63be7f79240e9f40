/**
 * The one spelling of a path's key, "FROM->TO" (as in `model.paths` of a scenario, sweep factor
 * paths, output columns and the lavaan-style labels), and its display form "FROM → TO".
 */
export function pathLabel(from: string, to: string): string {
  return `${from}->${to}`;
}

/** The two ends of a "FROM->TO" key, or null when it is not one. */
export function parsePathLabel(label: string): { from: string; to: string } | null {
  const i = label.indexOf("->");
  if (i <= 0 || i + 2 >= label.length || label.indexOf("->", i + 2) >= 0) return null;
  return { from: label.slice(0, i), to: label.slice(i + 2) };
}

/** "FROM → TO" for people (tables, charts, tooltips). */
export function displayPathLabel(label: string): string {
  return label.replace("->", " → ");
}

/**
 * JSON paths naming one field of a scenario, as sweeps use them: dot-separated keys
 * (`population.firms`, `model.paths.IEO->LFDC`), `[n]` for an array element and `["key"]` for
 * a key that holds a dot or a bracket.
 */
export type FieldPath = (string | number)[];

export type ParsedPath = { ok: true; path: FieldPath } | { ok: false; message: string };

/** Keys that would reach an object's prototype instead of a field. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set([
  "__proto__",
  "prototype",
  "constructor",
]);

/** Parse a path string; the message says what is wrong and what is allowed. */
export function parseFieldPath(text: string): ParsedPath {
  const out: FieldPath = [];
  let i = 0;
  const bad = (why: string): ParsedPath => ({
    ok: false,
    message: `${why} at character ${i + 1} (write keys separated by ".", e.g. "population.firms" or 'model.paths["IEO->LFDC"]')`,
  });
  if (!text) return bad("empty path");
  let expectKey = true;
  while (i < text.length) {
    const c = text[i];
    if (c === "[") {
      const close = text.indexOf("]", i);
      if (close < 0) return bad('"[" without "]"');
      const inner = text.slice(i + 1, close);
      if (/^\d+$/.test(inner)) out.push(Number(inner));
      else if (/^"[^"]+"$/.test(inner)) out.push(inner.slice(1, -1));
      else return bad(`"[${inner}]" is neither an index nor a quoted key`);
      i = close + 1;
      expectKey = false;
    } else if (c === ".") {
      if (expectKey) return bad("empty key");
      i++;
      expectKey = true;
    } else {
      if (!expectKey) return bad('expected "." or "["');
      let j = i;
      while (j < text.length && text[j] !== "." && text[j] !== "[") j++;
      out.push(text.slice(i, j));
      i = j;
      expectKey = false;
    }
  }
  if (expectKey) return bad("path ends with a dot");
  const proto = out.find((k) => typeof k === "string" && FORBIDDEN_KEYS.has(k));
  if (proto !== undefined)
    return {
      ok: false,
      message: `"${String(proto)}" is not a field name (an object's prototype cannot be set by a sweep)`,
    };
  return { ok: true, path: out };
}

/** The canonical text of a path (inverse of parseFieldPath). */
export function fieldPathText(path: FieldPath): string {
  return path
    .map((k, i) =>
      typeof k === "number" ? `[${k}]` : /[.[\]"]/.test(k) ? `["${k}"]` : i === 0 ? k : `.${k}`,
    )
    .join("");
}

/** The value at a path, or undefined when any step is missing. */
export function getAt(obj: unknown, path: FieldPath): unknown {
  let cur: unknown = obj;
  for (const k of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string | number, unknown>)[k];
  }
  return cur;
}

/**
 * A copy of `obj` with `value` at `path`; objects along the path are copied (the input is never
 * changed) and missing ones are created, so `estimation.alpha` works on a scenario that omits
 * the estimation section.
 */
export function setAt<T>(obj: T, path: FieldPath, value: unknown): T {
  return setIn(obj, path, value) as T;
}

function setIn(obj: unknown, path: FieldPath, value: unknown): unknown {
  if (!path.length) return value;
  const [k, ...rest] = path;
  const isObject = obj !== null && typeof obj === "object";
  const copy = (
    Array.isArray(obj) ? [...obj] : isObject ? { ...obj } : typeof k === "number" ? [] : {}
  ) as Record<string | number, unknown>;
  copy[k] = setIn(isObject ? (obj as Record<string | number, unknown>)[k] : undefined, rest, value);
  return copy;
}

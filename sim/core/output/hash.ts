/** Canonical JSON: object keys sorted, so equal data always gives equal text. */
export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== "object") return JSON.stringify(v) ?? "null";
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(",")}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
    .join(",")}}`;
}

/** 64-bit FNV-1a of a string's UTF-16 code units, as 16 hex digits (pure JS: Node and browser). */
export function fnv1a64(text: string): string {
  // two 32-bit halves of the 64-bit state; prime 2^40 + 2^8 + 0xb3
  let h0 = 0x84222325;
  let h1 = 0xcbf29ce4;
  for (let i = 0; i < text.length; i++) {
    h0 = (h0 ^ text.charCodeAt(i)) >>> 0;
    // multiply (h1:h0) by 0x100000001b3 mod 2^64
    const lo = h0 * 0x1b3;
    const carry = Math.floor(lo / 4294967296);
    const hi = (h1 * 0x1b3 + (h0 << 8) + carry) >>> 0;
    h0 = lo >>> 0;
    h1 = hi;
    // (h0 << 8) above is the 2^40 term: h0 * 2^40 contributes h0 * 2^8 to the high half
  }
  return h1.toString(16).padStart(8, "0") + h0.toString(16).padStart(8, "0");
}

/** Hash of a value's canonical JSON. */
export function hashOf(v: unknown): string {
  return fnv1a64(canonicalJson(v));
}

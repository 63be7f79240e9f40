import seedrandom from "seedrandom";
import { describe, expect, it } from "vitest";
import { AleaStream, derive, streamKey } from "../src/random/stream.ts";

// derive() runs our transcription of Alea (state in fields, for hot loops); it must give
// exactly seedrandom's alea numbers for every key, so that no user-visible number changes.
describe("AleaStream = seedrandom.alea", () => {
  const keys = [
    streamKey(1, 0, "survey", "items"),
    streamKey(42, 999_999, "population", 3),
    streamKey("bench", "alea"),
    "",
    "é∑ unicode ☃ key",
    "x".repeat(500),
  ];
  for (let r = 0; r < 200; r++) keys.push(streamKey(r * 7919, r, "survey", "frame-normals"));
  it("the same numbers, key by key (first 2,000 of each)", () => {
    for (const key of keys) {
      const ref = seedrandom.alea(key);
      const s = new AleaStream(key);
      for (let i = 0; i < 2000; i++) {
        const want = ref();
        const got = s.next();
        if (got !== want) expect({ key, i, got }).toEqual({ key, i, got: want });
      }
    }
  });
  it("derive() is an AleaStream of streamKey(...)", () => {
    const s = derive(3, 4, "mailing");
    expect(s).toBeInstanceOf(AleaStream);
    expect(s.key).toBe("bgl/3/4/mailing");
    const ref = seedrandom.alea("bgl/3/4/mailing");
    expect(s.next()).toBe(ref());
  });
  it("next works detached", () => {
    const next = derive(5, "d").next;
    const ref = seedrandom.alea(streamKey(5, "d"));
    expect([next(), next()]).toEqual([ref(), ref()]);
  });
});

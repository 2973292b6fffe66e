import { describe, expect, it } from "vitest";
import { bandKey, colourKeyBar, FAILED_COLOUR, PRUNED_COLOUR } from "./panels";

describe("colourKeyBar", () => {
  it("keeps its place while the end labels fit the room kept for them", () => {
    expect(colourKeyBar(800, 40, 60)).toEqual(colourKeyBar(800, 55, 95));
  });

  it("makes room for a long end label instead of clipping it", () => {
    // "worse 0.0741" at 10 px is about 64 px: it must end 6 px before the bar, inside the canvas
    const bar = colourKeyBar(800, 74, 140);
    expect(bar.x - 6 - 74).toBeGreaterThanOrEqual(0);
    expect(bar.x + bar.w + 6 + 140).toBeLessThanOrEqual(800);
  });
});

describe("bandKey", () => {
  it("names only the marks the band holds", () => {
    // learning curves, no pruner, nothing failed: no key under the axis
    expect(bandKey(0, 0)).toEqual([]);
    expect(bandKey(3, 0)).toEqual([{ text: "failed ×", colour: FAILED_COLOUR, dy: 0 }]);
    expect(bandKey(0, 2)).toEqual([{ text: "pruned |", colour: PRUNED_COLOUR, dy: 0 }]);
  });

  it("puts the two kinds on two lines when both apply", () => {
    expect(bandKey(1, 1).map((k) => [k.text, k.dy])).toEqual([
      ["failed ×", -5],
      ["pruned |", 6],
    ]);
  });
});

import { describe, expect, it } from "vitest";
import { colourKeyBar } from "./panels";

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

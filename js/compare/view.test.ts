import { describe, expect, it } from "vitest";
import { layout } from "./view";

describe("compare layout", () => {
  it("puts the panels side by side when both fit, and stacks them otherwise", () => {
    const wide = layout(960, 4);
    expect(wide.bands.w + wide.times.w + 12).toBeLessThanOrEqual(952);
    expect(wide.bands.h).toBe(wide.times.h);
    const notebook = layout(850, 4);
    expect(notebook.bands.w + notebook.times.w + 12).toBeLessThanOrEqual(842);
    expect(notebook.bands.w).toBeGreaterThanOrEqual(420);
    const narrow = layout(500, 4);
    expect(narrow.bands.w).toBeLessThanOrEqual(492);
    expect(narrow.times.w).toBeLessThanOrEqual(narrow.bands.w);
    expect(narrow.times.h).toBe(70 + 44 * 4);
  });
});

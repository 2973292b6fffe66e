import { describe, expect, it } from "vitest";
import type { Rect } from "../core/maths";
import { INSET } from "./axes";
import { heatmapLayout, STAR_RADIUS, sliceLayout, sliceRects, TRIAL_RADIUS } from "./surrogate";

// the rectangle js/search/inside.ts gives the heatmap on its 440 x 300 canvas
const r = { x: 64, y: 22, w: 364, h: 234 };
const corners = [
  [0, 0],
  [0, 1],
  [1, 0],
  [1, 1],
  [0.5, 1],
];

/** A mark of radius `rad` at (x, y) lies inside `frame`, off its border lines. */
function expectWhole(frame: Rect, x: number, y: number, rad: number): void {
  expect(x - rad).toBeGreaterThan(frame.x);
  expect(x + rad).toBeLessThan(frame.x + frame.w);
  expect(y - rad).toBeGreaterThan(frame.y);
  expect(y + rad).toBeLessThan(frame.y + frame.h);
}

describe("heatmapLayout", () => {
  it("keeps the colour key clear of the proposal's star wherever it lies", () => {
    const { plot, keyY } = heatmapLayout(r);
    const keyBottom = keyY + 6;
    expect(keyY - 6).toBeGreaterThanOrEqual(0);
    for (const [, v] of corners) {
      const starTop = plot.y + (1 - v) * plot.h - STAR_RADIUS;
      expect(starTop).toBeGreaterThan(keyBottom);
    }
  });

  it("draws trials on the bounds whole, inside the frame", () => {
    const { frame, plot } = heatmapLayout(r);
    const ring = TRIAL_RADIUS + 1; // a trial's ring and its line
    for (const [u, v] of corners)
      expectWhole(frame, plot.x + u * plot.w, plot.y + (1 - v) * plot.h, ring);
  });
});

describe("sliceRects", () => {
  const labelW = [38, 46];
  const overhang = [
    [4, 9],
    [22, 6],
  ] as const;

  it("leaves room between slices for the right one's value labels and the meeting ticks", () => {
    const [a, b] = sliceRects(r, labelW, overhang);
    const gap = b.x - (a.x + a.w);
    // the right slice's value labels end 4 px before its frame
    expect(b.x - 4 - labelW[1]).toBeGreaterThanOrEqual(a.x + a.w + 8);
    // the x tick labels where the two meet
    expect(gap - overhang[0][1] - overhang[1][0]).toBeGreaterThanOrEqual(8);
  });

  it("fills the rectangle with slices of one width", () => {
    const rects = sliceRects(r, labelW, overhang);
    expect(rects[0].x).toBe(r.x);
    expect(rects[0].w).toBeCloseTo(rects[1].w);
    const last = rects[rects.length - 1];
    expect(last.x + last.w).toBeCloseTo(r.x + r.w);
    expect(sliceRects(r, [30], [[0, 0]])).toEqual([r]);
  });
});

describe("sliceLayout", () => {
  it("insets a slice's positions as the 2-D views do: a trial in a corner is drawn whole", () => {
    const { top, bot, plot, acq } = sliceLayout({ x: 64, y: 22, w: 170, h: 234 });
    expect(plot.x - top.x).toBe(INSET);
    expect(top.x + top.w - (plot.x + plot.w)).toBe(INSET);
    const dot = 2 + 1; // a trial's dot and a pixel of air
    for (const [u, v] of corners)
      expectWhole(top, plot.x + u * plot.w, plot.y + (1 - v) * plot.h, dot);
    // the acquisition beneath runs over the same positions, inside its own frame
    expect(acq.x).toBe(plot.x);
    expect(acq.w).toBe(plot.w);
    expect(acq.y).toBeGreaterThan(bot.y);
    expect(acq.y + acq.h).toBeLessThan(bot.y + bot.h);
  });
});

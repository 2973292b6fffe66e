import { describe, expect, it } from "vitest";
import {
  axisTicks,
  ColumnLine,
  colourAt,
  colourPosition,
  exitOnBorder,
  fmt,
  fromLogSlider,
  gridToData,
  hexToRgb,
  LOSS_DECADES,
  landscapePixels,
  logTickLabel,
  logTicks,
  lossDomain,
  lossScale,
  lossValue,
  planeScales,
  snapDomain,
  TICK_GAP,
  TrackedPen,
  thinTicks,
  tickLabels,
  toLogSlider,
} from "./maths";

describe("planeScales", () => {
  it("maps the view onto the rectangle with y upwards", () => {
    const { sx, sy } = planeScales(
      [
        [-2, 2],
        [-1, 3],
      ],
      { x: 10, y: 20, w: 200, h: 100 },
    );
    expect(sx(-2)).toBe(10);
    expect(sx(2)).toBe(210);
    expect(sy(-1)).toBe(120);
    expect(sy(3)).toBe(20);
    expect(sx.invert(110)).toBeCloseTo(0);
    expect(sy.invert(70)).toBeCloseTo(1);
  });
});

describe("colours", () => {
  it("parses hex and interpolates stops", () => {
    expect(hexToRgb("#0072B2")).toEqual([0, 114, 178]);
    expect(hexToRgb("javascript:alert(1)")).toEqual([128, 128, 128]);
    const stops: [number, number, number][] = [
      [0, 0, 0],
      [100, 200, 50],
    ];
    expect(colourAt(0.5, stops)).toEqual([50, 100, 25]);
    expect(colourAt(-3, stops)).toEqual([0, 0, 0]);
    expect(colourAt(Number.NaN, stops)).toEqual([100, 200, 50]);
  });

  it("positions losses on a log or linear colour range", () => {
    expect(colourPosition(10, true, 0, [1, 100])).toBeCloseTo(0.5);
    expect(colourPosition(0, true, 0, [1, 100])).toBe(Number.NEGATIVE_INFINITY);
    expect(colourPosition(-1, true, -2, [-1, 98])).toBeCloseTo(0);
    expect(colourPosition(5, false, 0, [0, 10])).toBe(0.5);
  });

  it("draws the top row from the largest y and leaves NaN transparent", () => {
    // z is (ny=2, nx=2), row = y: bottom row low, top row high; one NaN
    const z = new Float64Array([0, 0, 10, Number.NaN]);
    const px = landscapePixels(z, 2, 2, false, 0, [0, 10], ["#000000", "#ffffff"]);
    expect(Array.from(px.slice(0, 4))).toEqual([255, 255, 255, 255]); // (x0, top) = z 10
    expect(px[7]).toBe(0); // (x1, top) = NaN -> transparent
    expect(Array.from(px.slice(8, 12))).toEqual([0, 0, 0, 255]); // (x0, bottom) = z 0
  });
});

describe("gridToData", () => {
  it("maps d3-contour grid coordinates (sample i at i + 0.5) to data", () => {
    const axis = new Float64Array([0, 1, 2, 3]);
    expect(gridToData(0.5, axis)).toBe(0);
    expect(gridToData(3.5, axis)).toBe(3);
    expect(gridToData(2, axis)).toBe(1.5);
  });
});

describe("loss axis", () => {
  it("caps a diverging series so the others stay readable", () => {
    const dom = lossDomain(
      [new Float64Array([10, 1, 0.1]), new Float64Array([10, 1e300, Number.POSITIVE_INFINITY])],
      [10, 10],
      0,
      true,
    );
    // 0.1 to the cap 1e5 (six decades), 5 % of them beyond each end
    expect(Math.log10(dom[0])).toBeCloseTo(-1.3);
    expect(Math.log10(dom[1])).toBeCloseTo(5.3);
  });

  it("reaches down to the smallest loss of any curve, with a margin", () => {
    // notebook 03's quadratic race: RMSProp dips to 1.5e-16 from 34 (below 34 x 1e-16)
    const dip = 1.48e-16;
    const rmsprop = new Float64Array([34.25, 1e-3, dip, 2.95e-10]);
    const gd = new Float64Array([34.25, 1, 3.3e-5]);
    const [lo, hi] = lossDomain([gd, rmsprop], [34.25, 34.25], 0, true);
    expect(lo).toBeLessThan(dip);
    expect(lo).toBeGreaterThan(dip / 10);
    expect(hi).toBeGreaterThan(34.25);
    // only a loss many decades below the rest is drawn on the floor
    const [deep] = lossDomain([new Float64Array([1, 1e-300])], [1], 0, true);
    expect(Math.log10(deep)).toBeCloseTo(-LOSS_DECADES * 1.05);
  });

  it("handles offsets, empty data and linear axes", () => {
    const off = lossDomain([new Float64Array([-1, -0.5])], [-0.5], -1.03, true);
    expect(off[0]).toBeLessThan(0.03);
    expect(off[0]).toBeGreaterThan(0.02);
    expect(lossDomain([], [], 0, true)).toEqual([1e-3, 1]);
    const flat = lossDomain([new Float64Array([2, 2])], [2], 0, true);
    expect(flat[0]).toBeLessThan(2);
    expect(flat[1]).toBeGreaterThan(2);
    const lin = lossDomain([new Float64Array([0, 10])], [10], 0, false);
    expect(lin[0]).toBeLessThan(0);
    expect(lin[1]).toBeGreaterThan(10);
    expect(lossValue(0, 0, true, 1e-6)).toBe(1e-6);
    expect(lossValue(-2, -3, false, 0)).toBe(1);
  });
});

describe("labels and sliders", () => {
  it("formats numbers", () => {
    expect(fmt(0.000123)).toBe("1.23e-4");
    expect(fmt(1234567)).toBe("1.23e6");
    expect(fmt(0.5)).toBe("0.5");
    expect(fmt(null)).toBe("—");
    expect(fmt(Number.POSITIVE_INFINITY)).toBe("∞");
    expect(logTickLabel(100)).toBe("100");
    expect(logTickLabel(0.01)).toBe("0.01");
    expect(logTickLabel(1e-5)).toBe("1e-5");
    expect(logTickLabel(30)).toBe("");
  });

  it("round-trips log sliders", () => {
    expect(fromLogSlider(toLogSlider(0.05))).toBe(0.05);
    expect(fromLogSlider(-3)).toBe(0.001);
  });
});

describe("exitOnBorder", () => {
  it("finds where a segment leaves the view", () => {
    const view: [[number, number], [number, number]] = [
      [-1, 1],
      [-1, 1],
    ];
    expect(exitOnBorder([0, 0], [4, 0], view)).toEqual([1, 0]);
    expect(exitOnBorder([0, 0], [0, -2], view)).toEqual([0, -1]);
    expect(exitOnBorder([0, 0], [0.5, 0.5], view)).toBeNull();
  });
});

describe("logTicks", () => {
  it("labels powers of ten over several decades", () => {
    const t = logTicks(lossScale([1e-3, 10], true, [100, 0]), 5);
    expect(t.map((x) => x.label)).toEqual(["1e-3", "0.01", "0.1", "1", "10"]);
  });

  it("still labels an axis that spans less than one decade", () => {
    const t = logTicks(lossScale([0.2, 0.9], true, [100, 0]), 5);
    expect(t.length).toBeGreaterThanOrEqual(2);
    expect(t.every((x) => x.label !== "")).toBe(true);
    expect(t[0].value).toBeGreaterThanOrEqual(0.2);
  });
});

describe("axisTicks", () => {
  const gaps = (t: { value: number }[], s: (v: number) => number) =>
    t.slice(1).map((x, i) => Math.abs(s(x.value) - s(t[i].value)));

  it("thins a short log axis to labels a line apart (a 100 px panel over two decades)", () => {
    const s = lossScale([1.2, 180], true, [100, 0]);
    const t = axisTicks(s, true);
    expect(t.length).toBeGreaterThanOrEqual(2);
    expect(Math.min(...gaps(t, s))).toBeGreaterThanOrEqual(TICK_GAP);
    expect(t.every((x) => x.label !== "")).toBe(true);
  });

  it("keeps labels apart over many decades and on a linear axis", () => {
    for (const [dom, log] of [
      [[1e-12, 1e4], true],
      [[-0.000125, -0.000113], false],
      [[0, 1e5], false],
    ] as const) {
      const s = lossScale([dom[0], dom[1]], log, [60, 0]);
      const t = axisTicks(s, log);
      expect(t.length).toBeGreaterThanOrEqual(2);
      expect(Math.min(...gaps(t, s))).toBeGreaterThanOrEqual(TICK_GAP);
    }
  });

  it("labels a linear axis as fmt writes numbers (the tables, the 2-D views)", () => {
    const s = lossScale([0, 1], false, [300, 0]);
    expect(axisTicks(s, false).map((x) => x.label)).toEqual(["0", "0.2", "0.4", "0.6", "0.8", "1"]);
    // notebook 03's saddle race: the table reads "-1.50e22"
    const saddle = lossScale([-1.6e22, 1e21], false, [300, 0]);
    expect(axisTicks(saddle, false).map((x) => x.label)).toContain("-5.00e21");
    expect(axisTicks(saddle, false).map((x) => x.label)).toContain("-1.50e22");
  });

  it("gives a tall axis the usual five or so ticks", () => {
    const s = lossScale([0, 10], false, [300, 0]);
    expect(axisTicks(s, false).map((x) => x.value)).toEqual(s.ticks(5));
  });
});

describe("tickLabels", () => {
  it("writes ticks as fmt does, with more digits only where they would read the same", () => {
    expect(tickLabels([0.65, 0.7, 0.75])).toEqual(["0.65", "0.7", "0.75"]);
    expect(tickLabels([0.9782, 0.9784, 0.9786])).toEqual(["0.9782", "0.9784", "0.9786"]);
    expect(tickLabels([-2e5, 0, 2e5])).toEqual(["-2.00e5", "0", "2.00e5"]);
    expect(tickLabels([])).toEqual([]);
  });
});

describe("thinTicks", () => {
  it("keeps every k-th tick, from the first, with the smallest k that fits", () => {
    const t = [0, 1, 2, 3, 4, 5, 6].map((value) => ({ value }));
    expect(thinTicks(t, (v) => v * 10, 16).map((x) => x.value)).toEqual([0, 2, 4, 6]);
    expect(thinTicks(t, (v) => v * 20, 16)).toEqual(t);
    expect(thinTicks(t, () => 0, 16).map((x) => x.value)).toEqual([0]);
  });
});

describe("ColumnLine", () => {
  function record() {
    const ops: [string, number, number][] = [];
    return {
      ops,
      moveTo: (x: number, y: number) => ops.push(["M", x, y]),
      lineTo: (x: number, y: number) => ops.push(["L", x, y]),
    };
  }

  it("keeps first, lowest, highest and last point of each pixel column", () => {
    const pen = record();
    const line = new ColumnLine(pen);
    for (const [x, y] of [
      [0.1, 5],
      [0.4, 1],
      [0.6, 9],
      [0.9, 4],
      [1.2, 3],
    ])
      line.add(x, y);
    line.lift();
    expect(pen.ops.map((o) => [o[0], o[2]])).toEqual([
      ["M", 5],
      ["L", 1],
      ["L", 9],
      ["L", 4],
      ["L", 3],
    ]);
  });

  it("draws thousands of points in one column as at most four vertices", () => {
    const pen = record();
    const line = new ColumnLine(pen);
    for (let i = 0; i < 5000; i++) line.add(10 + i / 5001, Math.sin(i));
    line.lift();
    expect(pen.ops.length).toBeLessThanOrEqual(4);
    const ys = pen.ops.map((o) => o[2]);
    expect(Math.min(...ys)).toBeCloseTo(
      Math.min(...Array.from({ length: 5000 }, (_, i) => Math.sin(i))),
    );
  });

  it("starts a new stroke after a gap", () => {
    const pen = record();
    const line = new ColumnLine(pen);
    line.add(0, 1);
    line.add(1, 2);
    line.lift();
    line.add(5, 3);
    line.add(6, 4);
    line.lift();
    expect(pen.ops.map((o) => o[0]).join("")).toBe("MLML");
  });
});

describe("snapDomain", () => {
  it("widens log domains to quarter decades", () => {
    const [lo, hi] = snapDomain([0.0123, 7.5], true);
    expect(lo).toBeCloseTo(10 ** -2);
    expect(hi).toBeCloseTo(10 ** 1);
    expect(snapDomain([0.0124, 7.4], true)).toEqual(snapDomain([0.0123, 7.5], true));
  });

  it("widens linear domains to round units and keeps the data inside", () => {
    const [lo, hi] = snapDomain([0.37, 9.2], false);
    expect(lo).toBeLessThanOrEqual(0.37);
    expect(hi).toBeGreaterThanOrEqual(9.2);
    expect(snapDomain([0.36, 9.1], false)).toEqual([lo, hi]);
  });

  it("leaves degenerate domains alone", () => {
    expect(snapDomain([1, 1], false)).toEqual([1, 1]);
    expect(snapDomain([-1, 2], true)).toEqual([-1, 2]);
  });
});

describe("TrackedPen", () => {
  it("keeps the last vertex and the length drawn", () => {
    const ops: string[] = [];
    const pen = new TrackedPen({
      moveTo: () => ops.push("M"),
      lineTo: () => ops.push("L"),
    });
    pen.moveTo(0, 0);
    pen.lineTo(3, 4);
    pen.lineTo(3, 0);
    expect(pen.length).toBe(9);
    expect(pen.last).toEqual([3, 0]);
    expect(ops.join("")).toBe("MLL");
  });
});

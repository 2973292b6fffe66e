import { describe, expect, it } from "vitest";
import type { Arrays, NumArray, StreamMsg } from "../core/protocol";
import type { CompareSnapshotMeta, HeaderMeta, MethodMeta } from "./protocol";
import { compareStore, formatSeconds, segments, targetText, valueRange, winner } from "./store";

const header: HeaderMeta = {
  n_done: 0,
  n_total: 20,
  runs_done: 0,
  runs_total: 4,
  n_failed: 0,
  elapsed: null,
};

function method(name: string, extra: Partial<MethodMeta> = {}): MethodMeta {
  return {
    name,
    n_runs: 2,
    runs_done: 0,
    n_done: 0,
    n_total: 10,
    n_failed: 0,
    best_median: null,
    best_q25: null,
    best_q75: null,
    trials_to_target_median: null,
    target_reached: 0,
    ask_seconds: null,
    objective_seconds: null,
    seconds_per_trial: null,
    ...extra,
  };
}

const meta: CompareSnapshotMeta = {
  title: "2 searchers × 2 seeds · minimize",
  direction: "minimize",
  state: "running",
  error: null,
  target: 0.5,
  n_trials: 5,
  seeds: [0, 1],
  colours: ["#0072B2", "#D55E00"],
  header,
  methods: [method("random"), method("bayesian")],
};

type Point = [number, number, number, number, number]; // trial, median, q25, q75, count

function arrays(bands: Point[][]): Arrays {
  const out: Arrays = new Map();
  const put = (name: string, data: NumArray) =>
    out.set(name, {
      data,
      dtype: data instanceof Int32Array ? "int32" : "float64",
      shape: [data.length],
    });
  bands.forEach((points, i) => {
    put(`b${i}.trial`, Int32Array.from(points.map((p) => p[0])));
    put(`b${i}.median`, Float64Array.from(points.map((p) => p[1])));
    put(`b${i}.q25`, Float64Array.from(points.map((p) => p[2])));
    put(`b${i}.q75`, Float64Array.from(points.map((p) => p[3])));
    put(`b${i}.count`, Int32Array.from(points.map((p) => p[4])));
  });
  return out;
}

function snapshot(seq: number, bands: Point[][]): StreamMsg {
  return { type: "snapshot", epoch: 0, seq, meta, arrays: arrays(bands) };
}

function append(
  seq: number,
  bands: Point[][],
  extra: Partial<CompareSnapshotMeta> = {},
): StreamMsg {
  const m = { ...meta, ...extra };
  return {
    type: "append",
    epoch: 0,
    seq,
    meta: { state: m.state, error: m.error, header: m.header, methods: m.methods },
    arrays: arrays(bands),
  };
}

const NAN = Number.NaN;

describe("compare store", () => {
  it("builds every band from a snapshot", () => {
    const s = compareStore();
    s.handle(
      snapshot(0, [
        [
          [1, 4, 3, 5, 2],
          [2, 2, 1, 3, 2],
        ],
        [[1, NAN, NAN, NAN, 1]],
      ]),
    );
    const st = s.state;
    expect(st).not.toBeNull();
    if (!st) return;
    expect(st.bands.map((b) => b.n)).toEqual([2, 1]);
    expect(Array.from(st.bands[0].median.subarray(0, 2))).toEqual([4, 2]);
    expect(st.bands[0].drawable).toBe(true);
    expect(st.bands[1].drawable).toBe(false);
  });

  it("appends overwrite the points they carry, and replaying one changes nothing", () => {
    const s = compareStore();
    s.handle(snapshot(0, [[[1, 4, 3, 5, 1]], []]));
    const later = append(
      1,
      [
        [
          [1, 3.5, 3, 4, 2],
          [2, 2, 2, 2, 1],
        ],
        [[1, 7, 6, 8, 2]],
      ],
      {
        state: "finished",
        header: { ...header, n_done: 5 },
      },
    );
    s.handle(later);
    const st = s.state;
    if (!st) throw new Error("no state");
    expect(st.bands[0].n).toBe(2);
    expect(st.bands[0].median[0]).toBe(3.5);
    expect(st.bands[0].count[0]).toBe(2);
    expect(st.bands[1].median[0]).toBe(7);
    expect(st.meta.state).toBe("finished");
    expect(st.meta.header.n_done).toBe(5);
    expect(st.meta.target).toBe(0.5); // snapshot-only meta is kept
    const version = s.version;
    s.handle(later); // an old append (seq <= held): ignored
    expect(s.version).toBe(version);
    expect(s.seq).toBe(1);
  });

  it("a hole in the sequence turns the store stale until a snapshot", () => {
    const s = compareStore();
    s.handle(snapshot(0, [[], []]));
    s.handle(append(2, [[[1, 1, 1, 1, 1]], []]));
    expect(s.stale).toBe(true);
    expect(s.state?.bands[0].n).toBe(0);
    s.handle(snapshot(2, [[[1, 1, 1, 1, 1]], []]));
    expect(s.stale).toBe(false);
    expect(s.state?.bands[0].n).toBe(1);
  });

  it("refuses malformed band arrays and a different number of methods", () => {
    const s = compareStore();
    s.handle(snapshot(0, [[], []]));
    const bad = append(1, [[[1, 1, 1, 1, 1]], []]);
    bad.arrays.set("b0.q25", { data: new Float64Array(3), dtype: "float64", shape: [3] });
    expect(() => s.handle(bad)).toThrow(/b0.q25 must hold one value per trial/);
    const s2 = compareStore();
    s2.handle(snapshot(0, [[], []]));
    expect(() => s2.handle(append(1, [[]], { methods: [method("random")] }))).toThrow(
      /append has 1 methods, the snapshot 2/,
    );
  });

  it("checks the snapshot's meta", () => {
    const s = compareStore();
    const msg = snapshot(0, [[], []]);
    expect(() => s.handle({ ...msg, meta: { ...meta, colours: ["#000000"] } })).toThrow(
      /one colour per method/,
    );
    expect(s.state).toBeNull();
  });
});

describe("drawing maths", () => {
  it("value range covers the bands and the target, log only when all are positive", () => {
    const s = compareStore();
    s.handle(snapshot(0, [[[1, 4, 3, 500, 2]], [[1, NAN, NAN, NAN, 1]]]));
    const st = s.state;
    if (!st) throw new Error("no state");
    expect(valueRange(st)).toEqual({
      lo: 0.5,
      hi: 500,
      logPossible: true,
      logDefault: true,
      any: true,
    });
    st.meta = { ...st.meta, target: -1 };
    const r = valueRange(st);
    expect([r.lo, r.logPossible, r.logDefault]).toEqual([-1, false, false]);
    const empty = compareStore();
    empty.handle({ ...snapshot(0, [[], []]), meta: { ...meta, target: null } });
    if (!empty.state) throw new Error("no state");
    expect(valueRange(empty.state).any).toBe(false);
  });

  it("segments are the runs of consecutive good points", () => {
    const v = [1, NAN, 2, 3, NAN, NAN, 4];
    expect(segments(v.length, (j) => Number.isFinite(v[j]))).toEqual([
      [0, 0],
      [2, 3],
      [6, 6],
    ]);
    expect(segments(0, () => true)).toEqual([]);
  });

  it("durations read as nbopt.drawing.format_seconds writes them", () => {
    expect(formatSeconds(0.0034)).toBe("3.4 ms");
    expect(formatSeconds(240)).toBe("4 min");
    expect(formatSeconds(12e-6)).toBe("12 µs");
    expect(formatSeconds(2.5)).toBe("2.5 s");
    expect(formatSeconds(null)).toBe("–");
  });

  it("trials to target and the winner", () => {
    const a = method("random", { trials_to_target_median: 12, target_reached: 2, best_median: 3 });
    const b = method("bayesian", { target_reached: 1, best_median: 1 });
    expect(targetText(a, 0.5)).toBe("12 (2/2)");
    expect(targetText(b, 0.5)).toBe("not reached (1/2)");
    expect(targetText(a, null)).toBe("–");
    expect(winner([a, b], "minimize")).toBe(1);
    expect(winner([a, b], "maximize")).toBe(0);
    expect(winner([method("x")], "minimize")).toBe(-1);
  });
});

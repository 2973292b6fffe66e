import { describe, expect, it } from "vitest";
import type { Arrays } from "../core/protocol";
import type { AxisMeta, HeaderMeta, SearchSnapshotMeta } from "./protocol";
import {
  bestFractionMask,
  bestSoFar,
  brushMask,
  fromUnit,
  rankedRows,
  searchAt,
  searchFromSnapshot,
  searchStore,
  toUnit,
} from "./store";

const lr: AxisMeta = {
  name: "lr",
  kind: "float",
  log: true,
  lo: 1e-4,
  hi: 1e-1,
  offset: 0,
  ticks: [],
  tick_labels: [],
  categories: [],
};
const act: AxisMeta = {
  ...lr,
  name: "act",
  kind: "choice",
  log: false,
  lo: 0,
  hi: 2,
  categories: ["a", "b", "c"],
};
const value: AxisMeta = { ...lr, name: "value", kind: "value", log: false, lo: 1, hi: 5 };

const header: HeaderMeta = {
  method: "RandomSearch",
  direction: "minimize",
  status: "running",
  error: null,
  n_done: 0,
  n_total: 10,
  n_complete: 0,
  n_failed: 0,
  n_pruned: 0,
  n_running: 0,
  best_number: null,
  best_value: null,
  best_params: [],
  elapsed: null,
  remaining: null,
  ask_seconds: null,
  trial_seconds: null,
  overhead: null,
  steps_run: null,
  steps_saved: null,
};

function rows(
  numbers: number[],
  values: number[],
  states: number[],
  lrs: number[],
  acts: number[],
): Arrays {
  const m: Arrays = new Map();
  const n = numbers.length;
  const put = (
    k: string,
    data: Float64Array | Int32Array | Uint8Array | Float32Array,
    shape: number[],
  ) => m.set(k, { data, dtype: "float64", shape });
  put("number", Int32Array.from(numbers), [n]);
  put("state", Uint8Array.from(states), [n]);
  put("value", Float64Array.from(values), [n]);
  put("duration", new Float64Array(n).fill(0.5), [n]);
  put("ask_seconds", new Float64Array(n).fill(0.01), [n]);
  const params = new Float64Array(n * 2);
  const unit = new Float32Array(n * 2);
  for (let i = 0; i < n; i++) {
    params[2 * i] = lrs[i];
    params[2 * i + 1] = acts[i];
    unit[2 * i] = toUnit(lr, lrs[i]);
    unit[2 * i + 1] = toUnit(act, acts[i]);
  }
  put("params", params, [n, 2]);
  put("unit", unit, [n, 2]);
  put("metrics", new Float64Array(0), [n, 0]);
  return m;
}

function meta(direction: "minimize" | "maximize" = "minimize"): SearchSnapshotMeta {
  return {
    title: "t",
    direction,
    state: "running",
    error: null,
    params: [lr, act],
    value_axis: value,
    metric_names: [],
    header,
    running: [5],
    errors: [[1, "ValueError: <b>no</b>"]],
    reasons: [],
    thresholds: [],
    pruner: null,
    importance: null,
    inside: null,
    pair: [0, 1],
  };
}

function snapshot(direction: "minimize" | "maximize" = "minimize") {
  return {
    type: "snapshot" as const,
    epoch: 0,
    seq: 0,
    meta: meta(direction),
    arrays: rows(
      [0, 1, 2, 3],
      [4, Number.NaN, 1, 2],
      [0, 1, 0, 0],
      [1e-3, 1e-2, 1e-4, 1e-1],
      [0, 1, 2, 0],
    ),
  };
}

describe("axis positions", () => {
  it("match nbopt.drawing.Axis.to_unit on log, linear and choice axes", () => {
    expect(toUnit(lr, 1e-2)).toBeCloseTo(2 / 3, 12);
    expect(toUnit(value, 2)).toBeCloseTo(0.25, 12);
    expect(toUnit(act, 1)).toBeCloseTo(0.5, 12);
    expect(Number.isNaN(toUnit(lr, Number.NaN))).toBe(true);
    expect(fromUnit(lr, 2 / 3)).toBeCloseTo(1e-2, 12);
    expect(fromUnit(act, 0.99)).toBe(2);
    const offset = { ...value, log: true, lo: -1, hi: 9, offset: -1.1 };
    expect(toUnit(offset, -1)).toBeCloseTo(0, 12);
    expect(toUnit(offset, 9)).toBeCloseTo(1, 12);
  });
});

describe("search store", () => {
  it("builds columns, colours by value (1 = best) and appends idempotently", () => {
    const store = searchStore();
    store.handle(snapshot());
    const st = store.state;
    if (!st) throw new Error("no state");
    expect(st.cols.n).toBe(4);
    expect(st.errors.get(1)).toBe("ValueError: <b>no</b>");
    expect(Array.from(st.cols.colour.slice(0, 4)).map((c) => (Number.isNaN(c) ? null : c))).toEqual(
      [0, null, 1, expect.closeTo(2 / 3, 6)],
    );
    const append = {
      type: "append" as const,
      epoch: 0,
      seq: 1,
      meta: {
        state: "running",
        error: null,
        value_axis: { ...value, lo: 0.5 },
        metric_names: ["train"],
        header: { ...header, n_done: 6 },
        running: [],
        errors: [],
        reasons: [],
        thresholds: [],
        pruner: null,
      },
      arrays: rows([3, 5, 4], [2, 0.5, 3], [0, 0, 0], [1e-3, 1e-3, 1e-3], [1, 1, 1]),
    };
    store.handle(append);
    expect(st.cols.n).toBe(6); // trial 3 was held already
    expect(st.cols.lo).toBe(0.5);
    expect(st.cols.m).toBe(1);
    expect(st.colourVersion).toBe(1);
    expect(st.cols.colour[st.cols.rowOf.get(5) ?? -1]).toBe(1);
    expect(st.running.size).toBe(0);
  });

  it("ranks, brushes, keeps the best fraction and draws the best-so-far line", () => {
    for (const direction of ["minimize", "maximize"] as const) {
      const store = searchStore();
      store.handle(snapshot(direction));
      const st = store.state;
      if (!st) throw new Error("no state");
      const ranked = Array.from(rankedRows(st)).map((r) => st.cols.number[r]);
      expect(ranked).toEqual(direction === "minimize" ? [2, 3, 0] : [0, 3, 2]);
      const best = bestFractionMask(st, 0.3);
      expect(Array.from(best)).toEqual(direction === "minimize" ? [0, 0, 1, 0] : [1, 0, 0, 0]);
      const line = bestSoFar(st);
      expect(line.x).toEqual(direction === "minimize" ? [0, 2, 3] : [0, 3]);
      expect(line.y).toEqual(direction === "minimize" ? [4, 1, 1] : [4, 4]);
    }
    const store = searchStore();
    store.handle(snapshot());
    const st = store.state;
    if (!st) throw new Error("no state");
    // lr in [1e-4, 1e-2]: trials 0, 1, 2; act "a" or "c" (bands centred at 1/6 and 5/6)
    const mask = brushMask(
      st,
      new Map([
        [0, [0, 2 / 3 + 1e-9]],
        [1, [0, 0.2]],
      ]),
    );
    expect(Array.from(mask)).toEqual([1, 0, 0, 0]);
    expect(Array.from(brushMask(st, new Map([[-1, [0, 0.5]]])))).toEqual([0, 0, 1, 1]);
  });
});

describe("learning curves", () => {
  function withCurves(a: Arrays, offsets: number[], steps: number[], values: number[]): Arrays {
    a.set("curve_offsets", {
      data: Int32Array.from(offsets),
      dtype: "int32",
      shape: [offsets.length],
    });
    a.set("curve_steps", {
      data: Float64Array.from(steps),
      dtype: "float64",
      shape: [steps.length],
    });
    a.set("curve_values", {
      data: Float64Array.from(values),
      dtype: "float64",
      shape: [values.length],
    });
    return a;
  }
  function live(
    a: Arrays,
    numbers: number[],
    offsets: number[],
    steps: number[],
    values: number[],
  ) {
    a.set("live_number", {
      data: Int32Array.from(numbers),
      dtype: "int32",
      shape: [numbers.length],
    });
    a.set("live_offsets", {
      data: Int32Array.from(offsets),
      dtype: "int32",
      shape: [offsets.length],
    });
    a.set("live_steps", {
      data: Float64Array.from(steps),
      dtype: "float64",
      shape: [steps.length],
    });
    a.set("live_values", {
      data: Float64Array.from(values),
      dtype: "float64",
      shape: [values.length],
    });
    return a;
  }

  it("keeps every finished trial's curve, replaces the running ones and the pruner's bars", () => {
    const store = searchStore();
    const snap = snapshot();
    withCurves(snap.arrays, [0, 3, 3, 4, 6], [0, 1, 2, 0, 0, 1], [3, 2, 1, 9, 5, 4]);
    live(snap.arrays, [5], [0, 1], [0], [7]);
    store.handle({
      ...snap,
      meta: {
        ...snap.meta,
        reasons: [[2, "rung 0 (step 0): value 9 not among the best 1 of 2"]],
        thresholds: [{ label: "rung cut-off", steps: [0], values: [3] }],
        pruner: "SuccessiveHalvingPruner()",
      },
    });
    const st = store.state;
    if (!st) throw new Error("no state");
    const curve = (n: number) => {
      const r = st.cols.rowOf.get(n) ?? -1;
      const a = st.cols.curveStart[r];
      const len = st.cols.curveLen[r];
      return Array.from(st.cols.curveValues.subarray(a, a + len));
    };
    expect(curve(0)).toEqual([3, 2, 1]);
    expect(curve(1)).toEqual([]);
    expect(curve(3)).toEqual([5, 4]);
    expect(st.cols.nCurves).toBe(3);
    expect(Array.from(st.live.get(5)?.values ?? [])).toEqual([7]);
    expect(st.reasons.get(2)).toContain("rung 0");
    const next = rows([4, 5], [2, 1], [3, 0], [1e-3, 1e-3], [0, 0]);
    withCurves(next, [0, 1, 3], [0, 0, 1], [8, 7, 6]);
    live(next, [6], [0, 2], [0, 1], [1, 0.5]);
    store.handle({
      type: "append",
      epoch: 0,
      seq: 1,
      meta: {
        state: "running",
        error: null,
        value_axis: value,
        metric_names: [],
        header,
        running: [6],
        errors: [],
        reasons: [[4, "worse than the median"]],
        thresholds: [{ label: "rung cut-off", steps: [0, 1], values: [3, 6] }],
        pruner: "SuccessiveHalvingPruner()",
      },
      arrays: next,
    });
    expect(curve(5)).toEqual([7, 6]);
    expect(curve(0)).toEqual([3, 2, 1]);
    expect([...st.live.keys()]).toEqual([6]);
    expect(st.reasons.get(4)).toBe("worse than the median");
    expect(st.meta.thresholds[0].values).toEqual([3, 6]);
  });
});

describe("replay", () => {
  it("shows the search after its first k trials, the header counted over them", () => {
    const st = searchFromSnapshot(snapshot());
    const at = searchAt(st, 2);
    expect(at.cols.n).toBe(2);
    expect(at.cols.rowOf.has(2)).toBe(false);
    expect(at.meta.header.n_done).toBe(2);
    expect(at.meta.header.n_failed).toBe(1);
    expect(at.meta.header.n_complete).toBe(1);
    expect(at.meta.header.best_number).toBe(0);
    expect(at.meta.header.best_value).toBe(4);
    expect(at.meta.header.best_params).toEqual([
      ["lr", "0.001"],
      ["act", "a"],
    ]);
    expect(at.running.size).toBe(0);
    expect(rankedRows(at).length).toBe(1);
    expect(bestSoFar(at).y).toEqual([4, 4]);
    // after trial 2 the best is trial 2; the whole search is untouched
    expect(searchAt(st, 3).meta.header.best_number).toBe(2);
    expect(searchAt(st, 99).cols.n).toBe(4);
    expect(st.cols.n).toBe(4);
    expect(st.cols.rowOf.has(2)).toBe(true);
  });

  it("takes the other end as the best when maximizing", () => {
    const st = searchFromSnapshot(snapshot("maximize"));
    expect(searchAt(st, 4).meta.header.best_number).toBe(0);
    expect(searchAt(st, 0).meta.header.best_number).toBeNull();
  });
});

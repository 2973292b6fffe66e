// The search dashboard's state: the trials as growable columns, built from a snapshot and
// extended by appends (trials finish out of order: rows are keyed by trial number).

import { fmt } from "../core/maths";
import { type ArrayND, type Arrays, arr, type NumArray, type StreamMsg } from "../core/protocol";
import { StreamStore } from "../core/store";
import {
  type AppendMsg,
  type AxisMeta,
  asAppend,
  asSnapshot,
  type InsideMeta,
  type SearchSnapshotMeta,
  type SnapshotMsg,
} from "./protocol";

/** State codes of `state` (nbopt.drawing.STATE_CODES). */
export const STATE_NAMES = ["complete", "failed", "running", "pruned"] as const;
export const COMPLETE = 0;
export const FAILED = 1;
export const RUNNING = 2;
export const PRUNED = 3;

function grow<T extends NumArray>(a: T, size: number, make: (n: number) => T, fill = 0): T {
  if (a.length >= size) return a;
  let cap = Math.max(64, a.length);
  while (cap < size) cap *= 2;
  const out = make(cap);
  if (fill !== 0) out.fill(fill);
  out.set(a);
  return out;
}

/** The trials as columns, in the order they arrived; `rowOf` finds a trial by number. */
export class Columns {
  n = 0;
  number = new Int32Array(64);
  state = new Uint8Array(64);
  value = new Float64Array(64);
  duration = new Float64Array(64);
  ask = new Float64Array(64);
  /** (n, d) parameter values in axis units (option index for a choice) */
  params: Float64Array;
  /** (n, d) positions in [0, 1] on the parameter axes */
  unit: Float32Array;
  /** (n, m) metric values */
  metrics: Float64Array;
  /** position on the value axis, and colour position (1 = best); NaN without a value */
  valueUnit = new Float32Array(64);
  colour = new Float32Array(64);
  rowOf = new Map<number, number>();
  /** smallest and largest value of the complete trials */
  lo = Number.POSITIVE_INFINITY;
  hi = Number.NEGATIVE_INFINITY;
  /** learning curves: row r's is curveSteps/curveValues[curveStart[r] .. + curveLen[r]] */
  curveStart = new Int32Array(64);
  curveLen = new Int32Array(64);
  curveSteps = new Float64Array(256);
  curveValues = new Float64Array(256);
  nPoints = 0;
  /** rows with a curve */
  nCurves = 0;

  constructor(
    readonly d: number,
    public m: number,
  ) {
    this.params = new Float64Array(64 * d);
    this.unit = new Float32Array(64 * d);
    this.metrics = new Float64Array(64 * Math.max(m, 1));
  }

  private reserve(size: number): void {
    if (this.number.length >= size) return;
    this.number = grow(this.number, size, (c) => new Int32Array(c));
    this.state = grow(this.state, size, (c) => new Uint8Array(c));
    this.value = grow(this.value, size, (c) => new Float64Array(c));
    this.duration = grow(this.duration, size, (c) => new Float64Array(c));
    this.ask = grow(this.ask, size, (c) => new Float64Array(c));
    this.valueUnit = grow(this.valueUnit, size, (c) => new Float32Array(c));
    this.colour = grow(this.colour, size, (c) => new Float32Array(c));
    this.curveStart = grow(this.curveStart, size, (c) => new Int32Array(c));
    this.curveLen = grow(this.curveLen, size, (c) => new Int32Array(c));
    const cap = this.number.length;
    this.params = grow(this.params, cap * this.d, (c) => new Float64Array(c));
    this.unit = grow(this.unit, cap * this.d, (c) => new Float32Array(c));
    this.metrics = grow(this.metrics, cap * Math.max(this.m, 1), (c) => new Float64Array(c));
  }

  /** Widen the metric columns to `m` (a metric first reported by a later trial). */
  widenMetrics(m: number): void {
    if (m <= this.m) return;
    const cap = this.number.length;
    const out = new Float64Array(cap * m).fill(Number.NaN);
    for (let r = 0; r < this.n; r++)
      for (let j = 0; j < this.m; j++) out[r * m + j] = this.metrics[r * this.m + j];
    this.metrics = out;
    this.m = m;
  }

  /** Add the rows of a message's arrays; rows whose trial is already held are skipped. */
  add(a: Arrays): number[] {
    const number = arr(a, "number");
    if (!number) return [];
    const state = arr(a, "state");
    const value = arr(a, "value");
    const duration = arr(a, "duration");
    const ask = arr(a, "ask_seconds");
    const params = arr(a, "params");
    const unit = arr(a, "unit");
    const metrics = arr(a, "metrics");
    const offsets = arr(a, "curve_offsets");
    const steps = arr(a, "curve_steps");
    const values = arr(a, "curve_values");
    const k = number.length;
    const mIn = metrics && k ? metrics.length / k : 0;
    this.reserve(this.n + k);
    if (offsets && steps && values && offsets.length === k + 1) {
      const points = this.nPoints + offsets[k] - offsets[0];
      this.curveSteps = grow(this.curveSteps, points, (c) => new Float64Array(c));
      this.curveValues = grow(this.curveValues, points, (c) => new Float64Array(c));
    }
    const added: number[] = [];
    for (let i = 0; i < k; i++) {
      const num = number[i];
      if (this.rowOf.has(num)) continue;
      const r = this.n++;
      this.rowOf.set(num, r);
      added.push(r);
      this.number[r] = num;
      this.state[r] = state ? state[i] : COMPLETE;
      const v = value ? value[i] : Number.NaN;
      this.value[r] = v;
      if (this.state[r] === COMPLETE && Number.isFinite(v)) {
        if (v < this.lo) this.lo = v;
        if (v > this.hi) this.hi = v;
      }
      this.duration[r] = duration ? duration[i] : Number.NaN;
      this.ask[r] = ask ? ask[i] : Number.NaN;
      for (let j = 0; j < this.d; j++) {
        this.params[r * this.d + j] = params ? params[i * this.d + j] : Number.NaN;
        this.unit[r * this.d + j] = unit ? unit[i * this.d + j] : Number.NaN;
      }
      for (let j = 0; j < this.m; j++)
        this.metrics[r * this.m + j] = j < mIn && metrics ? metrics[i * mIn + j] : Number.NaN;
      this.curveStart[r] = this.nPoints;
      this.curveLen[r] = 0;
      if (offsets && steps && values && offsets.length === k + 1) {
        const a0 = offsets[i];
        const len = offsets[i + 1] - a0;
        this.curveSteps.set(steps.subarray(a0, a0 + len), this.nPoints);
        this.curveValues.set(values.subarray(a0, a0 + len), this.nPoints);
        this.curveLen[r] = len;
        this.nPoints += len;
        if (len) this.nCurves++;
      }
    }
    return added;
  }
}

/** Position of `x` on `axis` in [0, 1] (nbopt.drawing.Axis.to_unit). */
export function toUnit(axis: AxisMeta, x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (axis.kind === "choice") return (x + 0.5) / Math.max(1, axis.categories.length);
  let a = axis.lo;
  let b = axis.hi;
  let v = x;
  if (axis.log) {
    v = Math.log10(x - axis.offset);
    a = Math.log10(a - axis.offset);
    b = Math.log10(b - axis.offset);
  }
  return b > a ? (v - a) / (b - a) : 0.5;
}

/** Value in axis units at position `u` (nbopt.drawing.Axis.from_unit). */
export function fromUnit(axis: AxisMeta, u: number): number {
  if (axis.kind === "choice") {
    const k = axis.categories.length;
    return Math.min(k - 1, Math.max(0, Math.floor(u * k)));
  }
  if (axis.log) {
    const a = Math.log10(axis.lo - axis.offset);
    const b = Math.log10(axis.hi - axis.offset);
    return axis.offset + 10 ** (a + u * (b - a));
  }
  return axis.lo + u * (axis.hi - axis.lo);
}

/**
 * Value positions and colour positions of every row (nbopt.drawing's colour rule: 1 =
 * best, 0 = worst over the complete values, along the value axis).
 */
export function recolour(cols: Columns, axis: AxisMeta, direction: string, from = 0): void {
  const minimize = direction !== "maximize";
  const best = minimize ? cols.lo : cols.hi;
  const worst = minimize ? cols.hi : cols.lo;
  const ub = toUnit(axis, best);
  const uw = toUnit(axis, worst);
  for (let r = from; r < cols.n; r++) {
    const v = cols.value[r];
    if (cols.state[r] !== COMPLETE || !Number.isFinite(v)) {
      cols.valueUnit[r] = Number.NaN;
      cols.colour[r] = Number.NaN;
      continue;
    }
    const u = toUnit(axis, v);
    cols.valueUnit[r] = u;
    let c: number;
    if (ub !== uw) c = (u - uw) / (ub - uw);
    else c = (minimize ? v <= best : v >= best) ? 1 : 0;
    cols.colour[r] = Math.min(1, Math.max(0, c));
  }
}

/** A running trial's learning curve so far. */
export interface LiveCurve {
  steps: Float64Array;
  values: Float64Array;
}

/** The searcher's inside view: its meta and its arrays (by field name). */
export interface Inside {
  meta: InsideMeta;
  arrays: Map<string, ArrayND>;
}

export interface SearchState {
  meta: SearchSnapshotMeta;
  /** the searcher's inside view, replaced whenever a message carries one */
  inside: Inside | null;
  cols: Columns;
  errors: Map<number, string>;
  /** why each pruned trial was stopped */
  reasons: Map<number, string>;
  running: Set<number>;
  /** the running trials' curves, replaced by every message */
  live: Map<number, LiveCurve>;
  /** bumped whenever value positions and colours of existing rows change */
  colourVersion: number;
}

function axisKey(a: AxisMeta): string {
  return `${a.log}|${a.lo}|${a.hi}|${a.offset}`;
}

/** The running trials' curves of a message (live_number, live_offsets, live_steps, live_values). */
export function liveCurves(a: Arrays): Map<number, LiveCurve> {
  const out = new Map<number, LiveCurve>();
  const number = arr(a, "live_number");
  const offsets = arr(a, "live_offsets");
  const steps = arr(a, "live_steps");
  const values = arr(a, "live_values");
  if (!number || !offsets || !steps || !values || offsets.length !== number.length + 1) return out;
  for (let i = 0; i < number.length; i++) {
    out.set(number[i], {
      steps: Float64Array.from(steps.subarray(offsets[i], offsets[i + 1])),
      values: Float64Array.from(values.subarray(offsets[i], offsets[i + 1])),
    });
  }
  return out;
}

/** One of an inside view's arrays by field name (empty when the message had none). */
export function insideValues(inside: Inside, name: string): ArrayLike<number> {
  return inside.arrays.get(name)?.data ?? new Float64Array(0);
}

/** The inside view a message carries (null when its meta says none). */
export function insideOf(meta: InsideMeta | null, a: Arrays): Inside | null {
  if (!meta) return null;
  const arrays = new Map<string, ArrayND>();
  for (const name of meta.arrays) {
    const x = a.get(`inside_${name}`);
    if (x) arrays.set(name, x);
  }
  return { meta, arrays };
}

/** Build the dashboard's state from a snapshot. */
export function searchFromSnapshot(msg: SnapshotMsg): SearchState {
  const m = msg.meta;
  const cols = new Columns(m.params.length, m.metric_names.length);
  cols.add(msg.arrays);
  recolour(cols, m.value_axis, m.direction);
  return {
    meta: m,
    inside: insideOf(m.inside, msg.arrays),
    cols,
    errors: new Map(m.errors),
    reasons: new Map(m.reasons),
    running: new Set(m.running),
    live: liveCurves(msg.arrays),
    colourVersion: 0,
  };
}

/** Apply one append in place (idempotent: trials already held are skipped). */
export function searchAppend(st: SearchState, msg: AppendMsg): boolean {
  const m = msg.meta;
  const before = axisKey(st.meta.value_axis);
  const { lo, hi } = st.cols;
  const first = st.cols.n;
  st.cols.widenMetrics(m.metric_names.length);
  const added = st.cols.add(msg.arrays);
  st.meta = {
    ...st.meta,
    state: m.state,
    error: m.error,
    header: m.header,
    value_axis: m.value_axis,
    metric_names: m.metric_names,
    running: m.running,
    thresholds: m.thresholds,
    pruner: m.pruner,
    importance: m.importance === undefined ? st.meta.importance : m.importance,
    inside: m.inside === undefined ? st.meta.inside : m.inside,
  };
  if (m.inside !== undefined) st.inside = insideOf(m.inside, msg.arrays);
  for (const [n, e] of m.errors) st.errors.set(n, e);
  for (const [n, e] of m.reasons) st.reasons.set(n, e);
  st.running = new Set(m.running);
  st.live = liveCurves(msg.arrays);
  const changed = axisKey(m.value_axis) !== before;
  if (changed || st.cols.lo !== lo || st.cols.hi !== hi) {
    // the colour scale spans the complete values: a new extreme moves every colour
    recolour(st.cols, m.value_axis, st.meta.direction);
    st.colourVersion++;
  } else if (added.length) {
    recolour(st.cols, m.value_axis, st.meta.direction, first);
  }
  return changed;
}

export type SearchStore = StreamStore<SearchState>;

/** A store of search dashboard messages (each checked as it arrives). */
export function searchStore(): SearchStore {
  return new StreamStore<SearchState>({
    snapshot: (msg: StreamMsg) => searchFromSnapshot(asSnapshot(msg)),
    append: (st: SearchState, msg: StreamMsg) => searchAppend(st, asAppend(msg)),
  });
}

/** A brush: per axis (parameter index, or -1 for the value), a range of positions [u0, u1]. */
export type Brush = Map<number, [number, number]>;

function inRange(axis: AxisMeta, u: number, range: [number, number]): boolean {
  if (Number.isNaN(u)) return false;
  if (axis.kind === "choice") {
    // a category is in when its band's centre is
    const k = axis.categories.length;
    const centre = (Math.floor(u * k) + 0.5) / k;
    return centre >= range[0] && centre <= range[1];
  }
  return u >= range[0] - 1e-6 && u <= range[1] + 1e-6;
}

/** Rows passing every brushed axis (1) or not (0). */
export function brushMask(st: SearchState, brush: Brush): Uint8Array {
  const { cols, meta } = st;
  const out = new Uint8Array(cols.n).fill(1);
  for (const [j, range] of brush) {
    const axis = j < 0 ? meta.value_axis : meta.params[j];
    if (!axis) continue;
    for (let r = 0; r < cols.n; r++) {
      if (!out[r]) continue;
      const u = j < 0 ? cols.valueUnit[r] : cols.unit[r * cols.d + j];
      if (!inRange(axis, u, range)) out[r] = 0;
    }
  }
  return out;
}

/** Complete rows, best first (ties by trial number). */
export function rankedRows(st: SearchState): Int32Array {
  const { cols } = st;
  const sign = st.meta.direction === "maximize" ? -1 : 1;
  let k = 0;
  const rows = new Int32Array(cols.n);
  for (let r = 0; r < cols.n; r++) if (cols.state[r] === COMPLETE) rows[k++] = r;
  const out = rows.subarray(0, k);
  const value = cols.value;
  const number = cols.number;
  out.sort((a, b) => sign * (value[a] - value[b]) || number[a] - number[b]);
  return out;
}

/** Rows of the best `fraction` of `ranked` (rankedRows), all rows when `fraction` is null. */
export function bestFraction(n: number, ranked: Int32Array, fraction: number | null): Uint8Array {
  const out = new Uint8Array(n);
  if (fraction === null) return out.fill(1);
  const keep = Math.ceil(fraction * ranked.length - 1e-9);
  for (let i = 0; i < keep; i++) out[ranked[i]] = 1;
  return out;
}

/** Rows of the best `fraction` of the complete trials (nbopt.drawing's best_fraction). */
export function bestFractionMask(st: SearchState, fraction: number | null): Uint8Array {
  return bestFraction(st.cols.n, fraction === null ? new Int32Array(0) : rankedRows(st), fraction);
}

/** Complete rows in trial-number order (numbers are unique: a pass over them, no sort). */
export function rowsByNumber(st: SearchState): Int32Array {
  const { cols } = st;
  let max = -1;
  for (let r = 0; r < cols.n; r++) if (cols.number[r] > max) max = cols.number[r];
  const slot = new Int32Array(max + 1).fill(-1);
  for (let r = 0; r < cols.n; r++) if (cols.state[r] === COMPLETE) slot[cols.number[r]] = r;
  let k = 0;
  for (let i = 0; i <= max; i++) if (slot[i] >= 0) slot[k++] = slot[i];
  return slot.subarray(0, k);
}

/** The best-so-far step line over the complete rows, by trial number. */
export function bestSoFar(st: SearchState): { x: number[]; y: number[] } {
  const { cols } = st;
  const rows = rowsByNumber(st);
  const sign = st.meta.direction === "maximize" ? -1 : 1;
  const x: number[] = [];
  const y: number[] = [];
  let best = Number.POSITIVE_INFINITY;
  for (const r of rows) {
    const v = sign * cols.value[r];
    if (v < best) {
      best = v;
      x.push(cols.number[r]);
      y.push(cols.value[r]);
    }
  }
  if (rows.length && x.length) {
    x.push(cols.number[rows[rows.length - 1]]);
    y.push(sign * best);
  }
  return { x, y };
}

/**
 * The search as it stood when its first `k` trials had finished (a finished search
 * replayed): the rows that arrived first, the header counted over them (the best trial,
 * the states); no trial running. The axes and colours stay those of the whole run, so
 * that points do not move while the replay goes on. Shares the columns' buffers.
 */
export function searchAt(st: SearchState, k: number): SearchState {
  const full = st.cols;
  const n = Math.max(0, Math.min(k, full.n));
  const cols: Columns = Object.assign(Object.create(Object.getPrototypeOf(full)), full, {
    n,
    rowOf: new Map<number, number>(),
    nCurves: 0,
    nPoints: 0,
  });
  const sign = st.meta.direction === "maximize" ? -1 : 1;
  let best = -1;
  const counts = [0, 0, 0, 0];
  for (let r = 0; r < n; r++) {
    cols.rowOf.set(full.number[r], r);
    counts[full.state[r]]++;
    if (full.curveLen[r]) {
      cols.nCurves++;
      cols.nPoints = full.curveStart[r] + full.curveLen[r];
    }
    if (full.state[r] !== COMPLETE || !Number.isFinite(full.value[r])) continue;
    const better =
      best < 0 ||
      sign * full.value[r] < sign * full.value[best] ||
      (full.value[r] === full.value[best] && full.number[r] < full.number[best]);
    if (better) best = r;
  }
  const params = st.meta.params;
  const bestParams: [string, string][] =
    best < 0
      ? []
      : params.map((axis, j) => {
          const v = full.params[best * full.d + j];
          const text = axis.kind === "choice" ? (axis.categories[v] ?? String(v)) : fmt(v);
          return [axis.name, text];
        });
  const header = {
    ...st.meta.header,
    n_done: n,
    n_complete: counts[COMPLETE],
    n_failed: counts[FAILED],
    n_pruned: counts[PRUNED],
    n_running: 0,
    best_number: best < 0 ? null : full.number[best],
    best_value: best < 0 ? null : full.value[best],
    best_params: bestParams,
    elapsed: null,
    remaining: null,
    steps_run: null,
    steps_saved: null,
  };
  return {
    ...st,
    meta: { ...st.meta, header, running: [] },
    cols,
    running: new Set(),
    live: new Map(),
  };
}

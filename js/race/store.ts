// The race's state and its reducer: a snapshot builds it, appends extend it in place.
import { arr, type NumArray, type StreamMsg } from "../core/protocol";
import { StreamStore } from "../core/store";
import {
  type AppendMsg,
  asAppend,
  asSnapshot,
  type LandscapeMeta,
  type SnapshotMeta,
  type SnapshotMsg,
  type TraceMeta,
  type Vec2,
} from "./protocol";

/** Growable series of points (step + `width` values) that halves itself past `cap`. */
export class Series {
  steps: Float64Array;
  values: Float64Array;
  length = 0;
  stride = 1;

  constructor(
    readonly width: number,
    readonly cap = 4096,
  ) {
    this.steps = new Float64Array(64);
    this.values = new Float64Array(64 * width);
  }

  get lastStep(): number {
    return this.length ? this.steps[this.length - 1] : -1;
  }

  clear(): void {
    this.length = 0;
    this.stride = 1;
  }

  /** Append one point; points at or before the last step are ignored (idempotent replay). */
  push(step: number, ...vals: number[]): boolean {
    if (step <= this.lastStep) return false;
    if (this.length > 1 && step % this.stride !== 0) return false;
    if (this.length === this.steps.length) this.grow();
    this.steps[this.length] = step;
    this.values.set(vals.slice(0, this.width), this.length * this.width);
    this.length++;
    if (this.length > this.cap) this.halve();
    return true;
  }

  /** Keep every other point (first kept); later points are taken at twice the stride. */
  halve(): void {
    const w = this.width;
    let j = 0;
    for (let i = 0; i < this.length; i += 2, j++) {
      this.steps[j] = this.steps[i];
      for (let k = 0; k < w; k++) this.values[j * w + k] = this.values[i * w + k];
    }
    this.length = j;
    this.stride *= 2;
  }

  private grow(): void {
    const steps = new Float64Array(this.steps.length * 2);
    steps.set(this.steps);
    const values = new Float64Array(this.values.length * 2);
    values.set(this.values);
    this.steps = steps;
    this.values = values;
  }

  value(i: number, k = 0): number {
    return this.values[i * this.width + k];
  }

  /** The points at or before `step`, sharing this series' buffers (a read-only view). */
  upTo(step: number): Series {
    const out = new Series(this.width, this.cap);
    out.steps = this.steps;
    out.values = this.values;
    out.stride = this.stride;
    // steps increase: the first index past `step` by bisection
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.steps[mid] <= step) lo = mid + 1;
      else hi = mid;
    }
    out.length = lo;
    return out;
  }
}

export interface Trace extends TraceMeta {
  path: Series; // width 2: x, y in the drawing plane
  losses: Series; // width 2: loss, validation loss (NaN when none)
  lineY: NumArray | null;
}

export interface Landscape extends LandscapeMeta {
  x: NumArray;
  y: NumArray;
  z: NumArray; // (ny, nx) row-major, row = y
  levels: NumArray;
}

export interface RaceState {
  meta: SnapshotMeta;
  landscape: Landscape | null;
  minima: Vec2[];
  start: Vec2;
  data: {
    x: NumArray;
    y: NumArray;
    xv: NumArray | null;
    yv: NumArray | null;
    lineX: NumArray;
  } | null;
  traces: Trace[];
}

function pairs(a: NumArray | null): Vec2[] {
  const out: Vec2[] = [];
  if (!a) return out;
  for (let i = 0; i + 1 < a.length; i += 2) out.push([a[i], a[i + 1]]);
  return out;
}

function fill(
  series: Series,
  steps: NumArray | null,
  values: NumArray | null,
  extra?: NumArray | null,
) {
  if (!steps || !values) return;
  const w = series.width;
  for (let k = 0; k < steps.length; k++) {
    if (w === 2 && extra === undefined) series.push(steps[k], values[2 * k], values[2 * k + 1]);
    else series.push(steps[k], values[k], extra ? extra[k] : Number.NaN);
  }
}

/** Build a race's state from a snapshot. */
export function raceFromSnapshot(msg: SnapshotMsg, cap = 4096): RaceState {
  const a = msg.arrays;
  const m = msg.meta;
  let landscape: Landscape | null = null;
  if (m.landscape) {
    const x = arr(a, "land.x");
    const y = arr(a, "land.y");
    const z = arr(a, "land.z");
    if (x && y && z && z.length === x.length * y.length) {
      landscape = { ...m.landscape, x, y, z, levels: arr(a, "land.levels") ?? new Float64Array(0) };
    }
  }
  const traces: Trace[] = m.traces.map((t, i) => {
    const path = new Series(2, cap);
    fill(path, arr(a, `t${i}.path_steps`), arr(a, `t${i}.path`));
    const losses = new Series(2, cap);
    fill(losses, arr(a, `t${i}.loss_steps`), arr(a, `t${i}.losses`), arr(a, `t${i}.val`));
    return { ...t, path, losses, lineY: arr(a, `t${i}.line_y`) };
  });
  const dataX = arr(a, "data.x");
  const dataY = arr(a, "data.y");
  const lineX = arr(a, "data.line_x");
  return {
    meta: m,
    landscape,
    minima: pairs(arr(a, "minima")),
    start: (pairs(arr(a, "start"))[0] ?? [Number.NaN, Number.NaN]) as Vec2,
    data:
      m.data && dataX && dataY && lineX
        ? { x: dataX, y: dataY, xv: arr(a, "data.xv"), yv: arr(a, "data.yv"), lineX }
        : null,
    traces,
  };
}

/** Apply one append in place (idempotent: points a snapshot already holds are skipped). */
export function raceAppend(st: RaceState, msg: AppendMsg): boolean {
  const m = msg.meta;
  const a = msg.arrays;
  st.meta = { ...st.meta, step: m.step, state: m.state, error: m.error };
  let layout = false;
  if (m.projection) {
    st.meta = {
      ...st.meta,
      view: m.projection.view,
      axis_labels: m.projection.axis_labels,
      projection: { explained: m.projection.explained },
    };
    const mins = arr(a, "minima");
    if (mins) st.minima = pairs(mins);
    const start = arr(a, "start");
    if (start) st.start = [start[0], start[1]];
    layout = true;
  }
  m.traces.forEach((u, i) => {
    const t = st.traces[i];
    if (!t) return;
    Object.assign(t, u);
    const ps = arr(a, `t${i}.path_steps`);
    const pp = arr(a, `t${i}.path`);
    if (ps && pp) {
      // a new projection plane: the whole path again
      t.path.clear();
      fill(t.path, ps, pp);
    }
    const steps = arr(a, `t${i}.steps`);
    const pos = arr(a, `t${i}.pos`);
    const loss = arr(a, `t${i}.loss`);
    const val = arr(a, `t${i}.val`);
    if (steps) {
      for (let k = 0; k < steps.length; k++) {
        if (pos && Number.isFinite(pos[2 * k]) && Number.isFinite(pos[2 * k + 1])) {
          t.path.push(steps[k], pos[2 * k], pos[2 * k + 1]);
        }
        if (loss) t.losses.push(steps[k], loss[k], val ? val[k] : Number.NaN);
      }
    }
    const line = arr(a, `t${i}.line_y`);
    if (line) t.lineY = line;
  });
  return layout;
}

export type RaceStore = StreamStore<RaceState>;

/** A store of race messages (each checked as it arrives). */
export function raceStore(cap = 4096): RaceStore {
  return new StreamStore<RaceState>({
    snapshot: (msg: StreamMsg) => raceFromSnapshot(asSnapshot(msg), cap),
    append: (st: RaceState, msg: StreamMsg) => raceAppend(st, asAppend(msg)),
  });
}

/**
 * The race as it stood at `step` (a finished run replayed): every trace's path and losses
 * up to that step, its point and numbers there, and "running" for a trace that had not
 * ended by then. Shares the buffers of `st`; nothing is copied.
 */
export function raceAt(st: RaceState, step: number): RaceState {
  const traces = st.traces.map((t): Trace => {
    const path = t.path.upTo(step);
    const losses = t.losses.upTo(step);
    const ended = t.status !== "running" && t.step <= step;
    if (ended) return { ...t, path, losses };
    const i = losses.length - 1;
    const j = path.length - 1;
    return {
      ...t,
      path,
      losses,
      status: "running",
      step: i >= 0 ? losses.steps[i] : 0,
      loss: i >= 0 ? losses.value(i, 0) : null,
      val_loss: i >= 0 && !Number.isNaN(losses.value(i, 1)) ? losses.value(i, 1) : null,
      diverged_at: null,
      converged_at: null,
      point: j >= 0 ? [path.value(j, 0), path.value(j, 1)] : null,
      exit: null,
    };
  });
  return { ...st, meta: { ...st.meta, step }, traces };
}

/** Number of path points held, over all traces. */
export function pathPoints(st: RaceState | null): number {
  return st ? st.traces.reduce((s, t) => s + t.path.length, 0) : 0;
}

// Model-wide race history, owned by initialize(): every view of the model draws from it.
import type {
  AppendMsg,
  Arrays,
  KernelMsg,
  LandscapeMeta,
  SnapshotMeta,
  SnapshotMsg,
  TraceMeta,
  Vec2,
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
}

export interface Trace extends TraceMeta {
  path: Series; // width 2: x, y in the drawing plane
  losses: Series; // width 2: loss, validation loss (NaN when none)
  lineY: Float64Array | null;
  /** step of the last point received (kept or decimated away): streams must continue it */
  seen: number;
}

export interface Landscape extends LandscapeMeta {
  x: Float64Array;
  y: Float64Array;
  z: Float64Array; // (ny, nx) row-major, row = y
  levels: Float64Array;
}

export interface RaceState {
  meta: SnapshotMeta;
  landscape: Landscape | null;
  minima: Vec2[];
  start: Vec2;
  data: {
    x: Float64Array;
    y: Float64Array;
    xv: Float64Array | null;
    yv: Float64Array | null;
    lineX: Float64Array;
  } | null;
  traces: Trace[];
}

function arr(arrays: Arrays, name: string): Float64Array | null {
  return arrays.get(name)?.data ?? null;
}

function pairs(a: Float64Array | null): Vec2[] {
  const out: Vec2[] = [];
  if (!a) return out;
  for (let i = 0; i + 1 < a.length; i += 2) out.push([a[i], a[i + 1]]);
  return out;
}

export class RaceStore {
  state: RaceState | null = null;
  epoch = -1;
  /** seq of the last message applied, and of the snapshot the current state is built on */
  seq = -1;
  baseSeq = -1;
  /** Bumped on every change: views redraw when it moves. */
  version = 0;
  /** Bumped when the static layers (landscape, view, data) change. */
  layoutVersion = 0;
  lastError: string | null = null;
  /** The history has a hole (a lost message): the owner should ask for a snapshot. */
  stale = false;
  /** A snapshot was asked for and none has arrived since (see widget.ts). */
  awaiting = false;
  requestedAt = 0;
  private pending: AppendMsg[] = [];
  /** appends applied since the base snapshot, replayed onto a later-arriving newer snapshot */
  private recent: AppendMsg[] = [];
  private listeners = new Set<() => void>();

  constructor(readonly cap = 4096) {}

  subscribe(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private changed(layout: boolean): void {
    this.version++;
    if (layout) this.layoutVersion++;
    for (const fn of this.listeners) fn();
  }

  handle(msg: KernelMsg): void {
    if (msg.type === "error") {
      this.lastError = msg.message;
      this.changed(false);
    } else if (msg.type === "snapshot") {
      this.applySnapshot(msg);
    } else {
      this.applyAppend(msg);
    }
  }

  applySnapshot(msg: SnapshotMsg): boolean {
    if (msg.epoch < this.epoch || (msg.epoch === this.epoch && msg.seq <= this.baseSeq)) {
      return false;
    }
    const a = msg.arrays;
    const m = msg.meta;
    let landscape: Landscape | null = null;
    if (m.landscape) {
      const x = arr(a, "land.x");
      const y = arr(a, "land.y");
      const z = arr(a, "land.z");
      if (x && y && z && z.length === x.length * y.length) {
        landscape = {
          ...m.landscape,
          x,
          y,
          z,
          levels: arr(a, "land.levels") ?? new Float64Array(0),
        };
      }
    }
    const traces: Trace[] = m.traces.map((t, i) => {
      const path = new Series(2, this.cap);
      const ps = arr(a, `t${i}.path_steps`);
      const pp = arr(a, `t${i}.path`);
      if (ps && pp) for (let k = 0; k < ps.length; k++) path.push(ps[k], pp[2 * k], pp[2 * k + 1]);
      const losses = new Series(2, this.cap);
      const ls = arr(a, `t${i}.loss_steps`);
      const lv = arr(a, `t${i}.losses`);
      const vv = arr(a, `t${i}.val`);
      if (ls && lv)
        for (let k = 0; k < ls.length; k++) losses.push(ls[k], lv[k], vv ? vv[k] : Number.NaN);
      const seen = Math.max(path.lastStep, losses.lastStep);
      return { ...t, path, losses, lineY: arr(a, `t${i}.line_y`), seen };
    });
    const dataX = arr(a, "data.x");
    const dataY = arr(a, "data.y");
    const lineX = arr(a, "data.line_x");
    this.state = {
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
    // appends built after this snapshot may have arrived before it (they travel from
    // another kernel thread): replay them, in order, onto the new base
    const later = [...this.recent, ...this.pending]
      .filter((p) => p.epoch === msg.epoch && p.seq > msg.seq)
      .sort((a, b) => a.seq - b.seq);
    this.pending = this.pending.filter((p) => p.epoch > msg.epoch);
    this.recent = [];
    this.epoch = msg.epoch;
    this.seq = msg.seq;
    this.baseSeq = msg.seq;
    this.awaiting = false;
    this.lastError = null;
    for (const p of later) this.applyAppend(p, false);
    this.changed(true);
    return true;
  }

  applyAppend(msg: AppendMsg, notify = true): boolean {
    if (!this.state || msg.epoch > this.epoch) {
      // no snapshot of this epoch yet: keep it for when it arrives
      if (this.pending.length < 256) this.pending.push(msg);
      return false;
    }
    if (msg.epoch < this.epoch || msg.seq <= this.seq) return false;
    this.seq = msg.seq;
    this.recent.push(msg);
    if (this.recent.length > 64) this.recent.shift();
    const st = this.state;
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
      if (m.projection) {
        const ps = arr(a, `t${i}.path_steps`);
        const pp = arr(a, `t${i}.path`);
        if (ps && pp) {
          t.path.clear();
          for (let k = 0; k < ps.length; k++) t.path.push(ps[k], pp[2 * k], pp[2 * k + 1]);
        }
      }
      const steps = arr(a, `t${i}.steps`);
      const pos = arr(a, `t${i}.pos`);
      const loss = arr(a, `t${i}.loss`);
      const val = arr(a, `t${i}.val`);
      if (steps?.length) {
        // a hole between what we hold and this batch: something was lost or overtaken
        if (steps[0] > t.seen + 1) this.stale = true;
        t.seen = Math.max(t.seen, steps[steps.length - 1]);
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
    if (notify) this.changed(layout);
    return true;
  }

  /** Number of path points held, over all traces. */
  get points(): number {
    return this.state ? this.state.traces.reduce((s, t) => s + t.path.length, 0) : 0;
  }
}

// The race of searchers' state: per method, its band (median and quartiles of the seeds'
// best values so far, by trial number), built from a snapshot and updated in place by
// appends. An append carries the points that changed: each one overwrites its trial's
// point, so replaying an append is harmless.
import { fmt } from "../core/maths";
import { arr, ProtocolError, type StreamMsg } from "../core/protocol";
import { StreamStore } from "../core/store";
import {
  type AppendMsg,
  asAppend,
  asSnapshot,
  type CompareSnapshotMeta,
  type MethodMeta,
  type SnapshotMsg,
} from "./protocol";

/** One method's band, indexed by trial number - 1 (NaN where nothing is known yet). */
export class Band {
  /** the furthest trial number held */
  n = 0;
  median = new Float64Array(64).fill(Number.NaN);
  q25 = new Float64Array(64).fill(Number.NaN);
  q75 = new Float64Array(64).fill(Number.NaN);
  count = new Int32Array(64);

  private reserve(size: number): void {
    if (this.median.length >= size) return;
    let cap = this.median.length;
    while (cap < size) cap *= 2;
    const grow = (a: Float64Array) => {
      const out = new Float64Array(cap).fill(Number.NaN);
      out.set(a);
      return out;
    };
    this.median = grow(this.median);
    this.q25 = grow(this.q25);
    this.q75 = grow(this.q75);
    const count = new Int32Array(cap);
    count.set(this.count);
    this.count = count;
  }

  /** Set the points of message arrays `b{i}.*`; returns how many were set. */
  apply(msg: { arrays: StreamMsg["arrays"] }, i: number): number {
    const trial = arr(msg.arrays, `b${i}.trial`);
    if (!trial) return 0;
    const median = arr(msg.arrays, `b${i}.median`);
    const q25 = arr(msg.arrays, `b${i}.q25`);
    const q75 = arr(msg.arrays, `b${i}.q75`);
    const count = arr(msg.arrays, `b${i}.count`);
    const k = trial.length;
    for (const [a, name] of [
      [median, "median"],
      [q25, "q25"],
      [q75, "q75"],
      [count, "count"],
    ] as const) {
      if (!a || a.length !== k)
        throw new ProtocolError(`b${i}.${name} must hold one value per trial of b${i}.trial`);
    }
    for (let j = 0; j < k; j++) {
      const t = trial[j];
      if (!Number.isInteger(t) || t < 1) throw new ProtocolError(`b${i}.trial must be >= 1`);
      this.reserve(t);
      this.median[t - 1] = (median as ArrayLike<number>)[j];
      this.q25[t - 1] = (q25 as ArrayLike<number>)[j];
      this.q75[t - 1] = (q75 as ArrayLike<number>)[j];
      this.count[t - 1] = (count as ArrayLike<number>)[j];
      if (t > this.n) this.n = t;
    }
    return k;
  }

  /** True when some point has a median (the band can be drawn). */
  get drawable(): boolean {
    for (let j = 0; j < this.n; j++) if (Number.isFinite(this.median[j])) return true;
    return false;
  }
}

export interface CompareState {
  meta: CompareSnapshotMeta;
  bands: Band[];
}

/** Build the race's state from a snapshot. */
export function compareFromSnapshot(msg: SnapshotMsg): CompareState {
  const bands = msg.meta.methods.map((_, i) => {
    const b = new Band();
    b.apply(msg, i);
    return b;
  });
  return { meta: msg.meta, bands };
}

/** Apply one append in place (idempotent); true when the value range changed. */
export function compareAppend(st: CompareState, msg: AppendMsg): boolean {
  const m = msg.meta;
  if (m.methods.length !== st.bands.length)
    throw new ProtocolError(
      `append has ${m.methods.length} methods, the snapshot ${st.bands.length}`,
    );
  const before = valueRange(st);
  st.bands.forEach((b, i) => {
    b.apply(msg, i);
  });
  st.meta = { ...st.meta, state: m.state, error: m.error, header: m.header, methods: m.methods };
  const after = valueRange(st);
  return before.lo !== after.lo || before.hi !== after.hi;
}

export type CompareStore = StreamStore<CompareState>;

/** A store of race-of-searchers messages (each checked as it arrives). */
export function compareStore(): CompareStore {
  return new StreamStore<CompareState>({
    snapshot: (msg: StreamMsg) => compareFromSnapshot(asSnapshot(msg)),
    append: (st: CompareState, msg: StreamMsg) => compareAppend(st, asAppend(msg)),
  });
}

/**
 * Range of what the chart draws (every band's quartiles and median, and the target), and
 * whether a log axis can show it (every value positive) and should by default (two decades
 * or more, the rule of nbopt.drawing.CompareInfo.value_log).
 */
export function valueRange(st: CompareState): {
  lo: number;
  hi: number;
  logPossible: boolean;
  logDefault: boolean;
  any: boolean;
} {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  const see = (v: number) => {
    if (!Number.isFinite(v)) return;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  };
  for (const b of st.bands) {
    for (let j = 0; j < b.n; j++) {
      see(b.median[j]);
      see(b.q25[j]);
      see(b.q75[j]);
    }
  }
  if (st.meta.target !== null) see(st.meta.target);
  if (!(lo <= hi)) return { lo: 0, hi: 1, logPossible: false, logDefault: false, any: false };
  const logPossible = lo > 0;
  return { lo, hi, logPossible, logDefault: logPossible && hi >= 100 * lo, any: true };
}

/** Runs of consecutive trials where `ok(j)` holds: [first, last] index pairs. */
export function segments(n: number, ok: (j: number) => boolean): [number, number][] {
  const out: [number, number][] = [];
  let start = -1;
  for (let j = 0; j <= n; j++) {
    const good = j < n && ok(j);
    if (good && start < 0) start = j;
    if (!good && start >= 0) {
      out.push([start, j - 1]);
      start = -1;
    }
  }
  return out;
}

/** A duration for people, as nbopt.drawing.format_seconds writes it ("–" for none). */
export function formatSeconds(s: number | null): string {
  if (s === null || !Number.isFinite(s)) return "–";
  if (s < 1e-3) return `${(s * 1e6).toFixed(0)} µs`;
  if (s < 1) return `${Number((s * 1e3).toPrecision(3))} ms`;
  if (s < 120) return `${Number(s.toPrecision(3))} s`;
  if (s < 7200) return `${Number((s / 60).toPrecision(3))} min`;
  return `${Number((s / 3600).toPrecision(3))} h`;
}

/** The "trials to target" cell: the median over seeds and how many seeds reached it. */
export function targetText(m: MethodMeta, target: number | null): string {
  if (target === null) return "–";
  const reached = `(${m.target_reached}/${m.n_runs})`;
  if (m.trials_to_target_median === null) return `not reached ${reached}`;
  return `${fmt(m.trials_to_target_median)} ${reached}`;
}

/** Index of the method with the best median best value (-1 while none has one). */
export function winner(methods: MethodMeta[], direction: string): number {
  const sign = direction === "maximize" ? -1 : 1;
  let best = -1;
  methods.forEach((m, i) => {
    const v = m.best_median;
    if (v === null) return;
    const b = best < 0 ? null : methods[best].best_median;
    if (b === null || sign * v < sign * b) best = i;
  });
  return best;
}

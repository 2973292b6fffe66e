// Stream contract check, run by tests/widgets/test_stream_contract.py through node: feed a
// widget's recorded messages (packed, in the order they were sent) to the view's real
// store, feed a fresh snapshot to another, and return both states in a canonical form.
import { type CompareState, compareStore } from "../compare/store";
import { decodeEnvelope, type NumArray, unpack } from "../core/protocol";
import type { StreamStore } from "../core/store";
import type { Series } from "../race/store";
import { type RaceState, raceStore } from "../race/store";
import { type SearchState, searchStore } from "../search/store";

type Canonical = Record<string, unknown>;

function values(a: NumArray | null): number[] | null {
  return a ? Array.from(a) : null;
}

function series(s: Series): { steps: number[]; values: (number | null)[] } {
  const out: (number | null)[] = [];
  for (let i = 0; i < s.length * s.width; i++) {
    const v = s.values[i];
    out.push(Number.isNaN(v) ? null : v);
  }
  return { steps: Array.from(s.steps.slice(0, s.length)), values: out };
}

function canonicalRace(st: RaceState): Canonical {
  return {
    meta: {
      step: st.meta.step,
      state: st.meta.state,
      error: st.meta.error,
      view: st.meta.view,
      axis_labels: st.meta.axis_labels,
    },
    minima: st.minima,
    start: st.start,
    traces: st.traces.map((t) => ({
      status: t.status,
      step: t.step,
      lr: t.lr,
      loss: t.loss,
      val_loss: t.val_loss,
      diverged_at: t.diverged_at,
      converged_at: t.converged_at,
      point: t.point,
      exit: t.exit,
      path: series(t.path),
      losses: series(t.losses),
      line_y: values(t.lineY),
    })),
  };
}

function num(v: number): number | null {
  return Number.isNaN(v) ? null : v;
}

function canonicalSearch(st: SearchState): Canonical {
  const { cols } = st;
  const order = Array.from({ length: cols.n }, (_, r) => r).sort(
    (a, b) => cols.number[a] - cols.number[b],
  );
  const slice = (a: ArrayLike<number>, r: number, w: number) =>
    Array.from({ length: w }, (_, j) => num(a[r * w + j]));
  return {
    meta: {
      state: st.meta.state,
      error: st.meta.error,
      header: st.meta.header,
      value_axis: st.meta.value_axis,
      metric_names: st.meta.metric_names,
      params: st.meta.params,
      thresholds: st.meta.thresholds,
      pruner: st.meta.pruner,
      importance: st.meta.importance,
      inside: st.meta.inside,
    },
    inside: st.inside
      ? [...st.inside.arrays.entries()].map(([k, v]) => [
          k,
          v.shape,
          Array.from(v.data, (x) => (Number.isNaN(x) ? null : x)),
        ])
      : null,
    running: [...st.running].sort((a, b) => a - b),
    errors: [...st.errors.entries()].sort((a, b) => a[0] - b[0]),
    reasons: [...st.reasons.entries()].sort((a, b) => a[0] - b[0]),
    live: [...st.live.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([n, c]) => [n, Array.from(c.steps), Array.from(c.values)]),
    rows: order.map((r) => ({
      number: cols.number[r],
      state: cols.state[r],
      value: num(cols.value[r]),
      duration: num(cols.duration[r]),
      ask: num(cols.ask[r]),
      params: slice(cols.params, r, cols.d),
      unit: slice(cols.unit, r, cols.d),
      metrics: slice(cols.metrics, r, cols.m),
      colour: num(cols.colour[r]),
      value_unit: num(cols.valueUnit[r]),
      curve_steps: Array.from(
        cols.curveSteps.subarray(cols.curveStart[r], cols.curveStart[r] + cols.curveLen[r]),
      ),
      curve_values: Array.from(
        cols.curveValues.subarray(cols.curveStart[r], cols.curveStart[r] + cols.curveLen[r]),
      ),
    })),
  };
}

function canonicalCompare(st: CompareState): Canonical {
  const m = st.meta;
  const nums = (a: ArrayLike<number>, n: number) => Array.from({ length: n }, (_, j) => num(a[j]));
  return {
    meta: {
      state: m.state,
      error: m.error,
      header: m.header,
      methods: m.methods,
      direction: m.direction,
      target: m.target,
      n_trials: m.n_trials,
      seeds: m.seeds,
      colours: m.colours,
    },
    bands: st.bands.map((b) => ({
      n: b.n,
      median: nums(b.median, b.n),
      q25: nums(b.q25, b.n),
      q75: nums(b.q75, b.n),
      count: Array.from(b.count.subarray(0, b.n)),
    })),
  };
}

const VIEWS: Record<
  string,
  { store: () => StreamStore<unknown>; canonical: (s: never) => Canonical }
> = {
  race: { store: () => raceStore() as StreamStore<unknown>, canonical: canonicalRace },
  search: { store: () => searchStore() as StreamStore<unknown>, canonical: canonicalSearch },
  compare: { store: () => compareStore() as StreamStore<unknown>, canonical: canonicalCompare },
};

function feed(store: StreamStore<unknown>, packed: Uint8Array): void {
  const { content, buffers } = unpack(packed);
  store.handle(decodeEnvelope(content, buffers));
  if (store.lastError) throw new Error(store.lastError);
}

/** Reduce `stream` (packed messages) and `fresh` (a packed snapshot) with the view's store. */
export function replay(
  view: string,
  stream: Uint8Array[],
  fresh: Uint8Array,
): { streamed: Canonical; fresh: Canonical; seq: number; stale: boolean } {
  const kind = VIEWS[view];
  if (!kind) throw new Error(`no view named ${view}`);
  const a = kind.store();
  for (const m of stream) feed(a, m);
  const b = kind.store();
  feed(b, fresh);
  if (a.state === null || b.state === null) throw new Error("no snapshot in the stream");
  return {
    streamed: kind.canonical(a.state as never),
    fresh: kind.canonical(b.state as never),
    seq: a.seq,
    stale: a.stale,
  };
}

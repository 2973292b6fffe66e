// Messages of the search dashboard (nbopt/widgets/_search.py: AxisMeta, HeaderMeta,
// SearchSnapshotMeta, SearchAppendMeta, control_handlers).
import {
  type Arrays,
  type BaseControl,
  type BaseModel,
  isObject,
  list,
  num,
  ProtocolError,
  type StreamMsg,
  str,
} from "../core/protocol";

/** Traits of `nbopt.widgets.SearchDashboard` the frontend reads. */
export type Model = BaseModel;

/** An axis of the dashboard (nbopt.drawing.Axis). */
export interface AxisMeta {
  name: string;
  kind: "float" | "int" | "choice" | "value";
  log: boolean;
  lo: number;
  hi: number;
  offset: number;
  ticks: number[];
  tick_labels: string[];
  categories: string[];
}

/** The header's numbers (nbopt.drawing.HeaderInfo). */
export interface HeaderMeta {
  method: string;
  direction: string;
  status: string;
  error: string | null;
  n_done: number;
  n_total: number | null;
  n_complete: number;
  n_failed: number;
  n_pruned: number;
  n_running: number;
  best_number: number | null;
  best_value: number | null;
  best_params: [string, string][];
  elapsed: number | null;
  remaining: number | null;
  ask_seconds: number | null;
  trial_seconds: number | null;
  overhead: number | null;
  /** steps the finished trials ran (from their learning curves; null without curves) */
  steps_run: number | null;
  /** steps pruning spared (null without curves) */
  steps_saved: number | null;
}

/** Parameter importance (nbopt.drawing.ImportanceInfo): largest share first. */
export interface ImportanceMeta {
  method: string;
  names: string[];
  shares: number[];
  n_complete: number;
}

/**
 * A searcher's inside view (nbopt.drawing.inside_info): its `kind`, the `pair` of
 * parameter names, scalars, and the names of its arrays (sent as `inside_<name>`).
 */
export interface InsideMeta {
  kind: string;
  pair: [string, string];
  arrays: string[];
  [field: string]: unknown;
}

/** One line of the pruner's bars (nbopt.searchers.PruneThreshold). */
export interface ThresholdMeta {
  label: string;
  steps: number[];
  values: number[];
}

export interface SearchSnapshotMeta {
  title: string;
  direction: "minimize" | "maximize";
  state: string;
  error: string | null;
  params: AxisMeta[];
  value_axis: AxisMeta;
  metric_names: string[];
  header: HeaderMeta;
  /** numbers of the trials running now */
  running: number[];
  /** why failed trials failed: [number, "Type: message"] */
  errors: [number, string][];
  /** why pruned trials were stopped: [number, reason] */
  reasons: [number, string][];
  /** the pruner's bars now (replaced by every message) */
  thresholds: ThresholdMeta[];
  /** the pruner, or null without one */
  pruner: string | null;
  /** parameter importance (null before 4 complete trials) */
  importance: ImportanceMeta | null;
  /** the searcher's inside view (null when it has none) */
  inside: InsideMeta | null;
  /** the two parameters the 2-D view shows first (indices into `params`) */
  pair: [number, number];
}

export interface SearchAppendMeta {
  state: string;
  error: string | null;
  value_axis: AxisMeta;
  metric_names: string[];
  header: HeaderMeta;
  running: number[];
  errors: [number, string][];
  reasons: [number, string][];
  thresholds: ThresholdMeta[];
  pruner: string | null;
  /** present when recomputed (replaces the last one) */
  importance?: ImportanceMeta | null;
  /** present when recomputed (replaces the last one, with its arrays) */
  inside?: InsideMeta | null;
}

export interface SnapshotMsg {
  type: "snapshot";
  epoch: number;
  seq: number;
  meta: SearchSnapshotMeta;
  arrays: Arrays;
}

export interface AppendMsg {
  type: "append";
  epoch: number;
  seq: number;
  meta: SearchAppendMeta;
  arrays: Arrays;
}

export type ControlMsg =
  | BaseControl
  | { type: "more"; n: number }
  | { type: "pair"; pair: [number, number] };

function checkAxis(x: unknown, what: string): void {
  if (!isObject(x)) throw new ProtocolError(`${what} must be an object`);
  str(x.name, `${what}.name`);
  const kind = str(x.kind, `${what}.kind`);
  if (!["float", "int", "choice", "value"].includes(kind))
    throw new ProtocolError(`${what}.kind must be float, int, choice or value`);
  num(x.lo, `${what}.lo`);
  num(x.hi, `${what}.hi`);
  num(x.offset, `${what}.offset`);
  for (const t of list(x.ticks, `${what}.ticks`)) num(t, `${what}.ticks[i]`);
  for (const t of list(x.tick_labels, `${what}.tick_labels`)) str(t, `${what}.tick_labels[i]`);
  for (const t of list(x.categories, `${what}.categories`)) str(t, `${what}.categories[i]`);
}

function checkCommon(meta: Record<string, unknown>): void {
  str(meta.state, "meta.state");
  checkAxis(meta.value_axis, "meta.value_axis");
  if (!isObject(meta.header)) throw new ProtocolError("meta.header must be an object");
  num(meta.header.n_done, "meta.header.n_done");
  for (const n of list(meta.running, "meta.running")) num(n, "meta.running[i]");
  for (const e of list(meta.errors, "meta.errors")) {
    const pair = list(e, "meta.errors[i]");
    num(pair[0], "meta.errors[i][0]");
    str(pair[1], "meta.errors[i][1]");
  }
  for (const m of list(meta.metric_names, "meta.metric_names")) str(m, "meta.metric_names[i]");
  for (const e of list(meta.reasons, "meta.reasons")) {
    const pair = list(e, "meta.reasons[i]");
    num(pair[0], "meta.reasons[i][0]");
    str(pair[1], "meta.reasons[i][1]");
  }
  for (const t of list(meta.thresholds, "meta.thresholds")) {
    if (!isObject(t)) throw new ProtocolError("meta.thresholds[i] must be an object");
    str(t.label, "meta.thresholds[i].label");
    const steps = list(t.steps, "meta.thresholds[i].steps");
    const values = list(t.values, "meta.thresholds[i].values");
    if (steps.length !== values.length)
      throw new ProtocolError("meta.thresholds[i]: steps and values must have one length");
    for (const x of steps) num(x, "meta.thresholds[i].steps[j]");
    for (const x of values) num(x, "meta.thresholds[i].values[j]");
  }
  if (meta.pruner !== null) str(meta.pruner, "meta.pruner");
  const imp = meta.importance;
  if (imp !== undefined && imp !== null) {
    if (!isObject(imp)) throw new ProtocolError("meta.importance must be an object or null");
    str(imp.method, "meta.importance.method");
    const names = list(imp.names, "meta.importance.names");
    const shares = list(imp.shares, "meta.importance.shares");
    if (names.length !== shares.length)
      throw new ProtocolError("meta.importance: names and shares must have one length");
    for (const n of names) str(n, "meta.importance.names[i]");
    for (const x of shares) num(x, "meta.importance.shares[i]");
    num(imp.n_complete, "meta.importance.n_complete");
  }
  const inside = meta.inside;
  if (inside !== undefined && inside !== null) {
    if (!isObject(inside)) throw new ProtocolError("meta.inside must be an object or null");
    str(inside.kind, "meta.inside.kind");
    const pair = list(inside.pair, "meta.inside.pair");
    if (pair.length !== 2) throw new ProtocolError("meta.inside.pair must be two names");
    for (const n of pair) str(n, "meta.inside.pair[i]");
    for (const n of list(inside.arrays, "meta.inside.arrays")) str(n, "meta.inside.arrays[i]");
  }
}

/** Check a search snapshot's meta; throws ProtocolError. */
export function asSnapshot(msg: StreamMsg): SnapshotMsg {
  const meta = msg.meta as Record<string, unknown>;
  checkCommon(meta);
  str(meta.title, "meta.title");
  const params = list(meta.params, "meta.params");
  for (const [i, a] of params.entries()) checkAxis(a, `meta.params[${i}]`);
  const pair = list(meta.pair, "meta.pair");
  if (pair.length !== 2) throw new ProtocolError("meta.pair must be two parameter indices");
  return { ...msg, type: "snapshot", meta: meta as unknown as SearchSnapshotMeta };
}

/** Check a search append's meta; throws ProtocolError. */
export function asAppend(msg: StreamMsg): AppendMsg {
  checkCommon(msg.meta as Record<string, unknown>);
  return { ...msg, type: "append", meta: msg.meta as unknown as SearchAppendMeta };
}

// Messages of the race of searchers (nbopt/widgets/_compare.py: MethodMeta, HeaderMeta,
// CompareSnapshotMeta, CompareAppendMeta). Band points travel as arrays `b{i}.trial`,
// `b{i}.median`, `b{i}.q25`, `b{i}.q75`, `b{i}.count`, one set per method i.
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

/** Traits of `nbopt.widgets.SearcherRace` the frontend reads (the rest travels in messages). */
export type Model = BaseModel;

/** One method's row of the table (nbopt.searchers._compare.MethodSummary). */
export interface MethodMeta {
  name: string;
  n_runs: number;
  runs_done: number;
  n_done: number;
  n_total: number;
  n_failed: number;
  /** median and quartiles of the seeds' best values (null: no complete trial yet) */
  best_median: number | null;
  best_q25: number | null;
  best_q75: number | null;
  /** median trials to reach the target (null: no target, or most seeds have not) */
  trials_to_target_median: number | null;
  target_reached: number;
  /** median seconds per trial of the searcher (ask) and of the objective */
  ask_seconds: number | null;
  objective_seconds: number | null;
  seconds_per_trial: number | null;
}

/** Progress over every run. */
export interface HeaderMeta {
  n_done: number;
  n_total: number;
  runs_done: number;
  runs_total: number;
  n_failed: number;
  elapsed: number | null;
}

export interface CompareSnapshotMeta {
  title: string;
  direction: "minimize" | "maximize";
  state: string;
  error: string | null;
  target: number | null;
  /** trials per run: the x axis */
  n_trials: number;
  seeds: number[];
  colours: string[];
  header: HeaderMeta;
  methods: MethodMeta[];
}

export interface CompareAppendMeta {
  state: string;
  error: string | null;
  header: HeaderMeta;
  methods: MethodMeta[];
}

export interface SnapshotMsg {
  type: "snapshot";
  epoch: number;
  seq: number;
  meta: CompareSnapshotMeta;
  arrays: Arrays;
}

export interface AppendMsg {
  type: "append";
  epoch: number;
  seq: number;
  meta: CompareAppendMeta;
  arrays: Arrays;
}

export type ControlMsg = BaseControl;

function numOrNull(x: unknown, what: string): void {
  if (x !== null) num(x, what);
}

function checkMethod(x: unknown, what: string): void {
  if (!isObject(x)) throw new ProtocolError(`${what} must be an object`);
  str(x.name, `${what}.name`);
  for (const k of ["n_runs", "runs_done", "n_done", "n_total", "n_failed", "target_reached"])
    num(x[k], `${what}.${k}`);
  for (const k of [
    "best_median",
    "best_q25",
    "best_q75",
    "trials_to_target_median",
    "ask_seconds",
    "objective_seconds",
    "seconds_per_trial",
  ])
    numOrNull(x[k], `${what}.${k}`);
}

function checkCommon(meta: Record<string, unknown>): void {
  str(meta.state, "meta.state");
  if (meta.error !== null) str(meta.error, "meta.error");
  if (!isObject(meta.header)) throw new ProtocolError("meta.header must be an object");
  for (const k of ["n_done", "n_total", "runs_done", "runs_total", "n_failed"])
    num(meta.header[k], `meta.header.${k}`);
  numOrNull(meta.header.elapsed, "meta.header.elapsed");
  for (const [i, m] of list(meta.methods, "meta.methods").entries())
    checkMethod(m, `meta.methods[${i}]`);
}

/** Check a race-of-searchers snapshot's meta; throws ProtocolError. */
export function asSnapshot(msg: StreamMsg): SnapshotMsg {
  const meta = msg.meta as Record<string, unknown>;
  checkCommon(meta);
  str(meta.title, "meta.title");
  const direction = str(meta.direction, "meta.direction");
  if (direction !== "minimize" && direction !== "maximize")
    throw new ProtocolError("meta.direction must be minimize or maximize");
  numOrNull(meta.target, "meta.target");
  num(meta.n_trials, "meta.n_trials");
  for (const s of list(meta.seeds, "meta.seeds")) num(s, "meta.seeds[i]");
  const colours = list(meta.colours, "meta.colours");
  for (const c of colours) str(c, "meta.colours[i]");
  if (colours.length !== (meta.methods as unknown[]).length)
    throw new ProtocolError("meta.colours must hold one colour per method");
  return { ...msg, type: "snapshot", meta: meta as unknown as CompareSnapshotMeta };
}

/** Check a race-of-searchers append's meta; throws ProtocolError. */
export function asAppend(msg: StreamMsg): AppendMsg {
  checkCommon(msg.meta as Record<string, unknown>);
  return { ...msg, type: "append", meta: msg.meta as unknown as CompareAppendMeta };
}

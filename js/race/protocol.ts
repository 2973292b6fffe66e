// Messages of the optimizer race (nbopt/widgets/_race.py: TraceState, TraceMeta,
// RaceSnapshotMeta, RaceAppendMeta, control_handlers).
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

/** Traits of `nbopt.widgets.OptimizerRace` the frontend reads (nbopt/widgets/_race.py). */
export type Model = BaseModel;

export type Vec2 = [number, number];

export interface TraceUpdate {
  status: string;
  step: number;
  lr: number | null;
  loss: number | null;
  val_loss: number | null;
  diverged_at: number | null;
  converged_at: number | null;
  point: Vec2 | null;
  exit: Vec2 | null;
}

export interface TraceMeta extends TraceUpdate {
  name: string;
  colour: string;
  optimizer: string;
}

export interface LandscapeMeta {
  log: boolean;
  floor: number;
  z_range: Vec2;
}

export interface SnapshotMeta {
  problem: string;
  dim: number;
  param_names: string[];
  axis_labels: [string, string];
  step: number;
  total_steps: number;
  state: string;
  error: string | null;
  view: [Vec2, Vec2];
  landscape: LandscapeMeta | null;
  projection: { explained: Vec2 } | null;
  data: { has_val: boolean; x_label: string; y_label: string } | null;
  loss: { log: boolean; offset: number; label: string };
  has_validation: boolean;
  interactive: boolean;
  traces: TraceMeta[];
}

export interface AppendMeta {
  step: number;
  state: string;
  error: string | null;
  traces: TraceUpdate[];
  /** dim > 2: paths are re-projected, `view`/`axis_labels`/`explained` replace the old ones */
  projection: { view: [Vec2, Vec2]; axis_labels: [string, string]; explained: Vec2 } | null;
}

export interface SnapshotMsg {
  type: "snapshot";
  epoch: number;
  seq: number;
  meta: SnapshotMeta;
  arrays: Arrays;
}

export interface AppendMsg {
  type: "append";
  epoch: number;
  seq: number;
  meta: AppendMeta;
  arrays: Arrays;
}

export type ControlMsg =
  | BaseControl
  | { type: "set_lr"; name: string; lr: number }
  | { type: "set_start"; x: number; y: number };

function checkTraces(x: unknown, what: string, needNames: boolean): void {
  for (const [i, t] of list(x, what).entries()) {
    if (!isObject(t)) throw new ProtocolError(`${what}[${i}] must be an object`);
    str(t.status, `${what}[${i}].status`);
    num(t.step, `${what}[${i}].step`);
    if (needNames) {
      str(t.name, `${what}[${i}].name`);
      str(t.colour, `${what}[${i}].colour`);
    }
  }
}

function checkCommon(meta: Record<string, unknown>, snapshot: boolean): void {
  num(meta.step, "meta.step");
  str(meta.state, "meta.state");
  checkTraces(meta.traces, "meta.traces", snapshot);
}

/** Check a race snapshot's meta; throws ProtocolError. */
export function asSnapshot(msg: StreamMsg): SnapshotMsg {
  const meta = msg.meta as Record<string, unknown>;
  checkCommon(meta, true);
  num(meta.dim, "meta.dim");
  num(meta.total_steps, "meta.total_steps");
  const view = list(meta.view, "meta.view");
  if (view.length !== 2) throw new ProtocolError("meta.view must be [[x0, x1], [y0, y1]]");
  for (const r of view) for (const v of list(r, "meta.view[i]")) num(v, "meta.view value");
  if (!isObject(meta.loss)) throw new ProtocolError("meta.loss must be an object");
  return { ...msg, type: "snapshot", meta: meta as unknown as SnapshotMeta };
}

/** Check a race append's meta; throws ProtocolError. */
export function asAppend(msg: StreamMsg): AppendMsg {
  checkCommon(msg.meta as Record<string, unknown>, false);
  return { ...msg, type: "append", meta: msg.meta as unknown as AppendMeta };
}

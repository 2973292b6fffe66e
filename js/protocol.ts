// Wire protocol between nbopt/widgets/_race.py (kernel) and this frontend.
//
// Kernel -> frontend: custom messages whose `content` is JSON metadata and whose binary
// buffers are float64 C-order arrays, described in order by `content.arrays`
// ({name, shape}). The same message can be packed into one byte string (the `snapshot`
// trait, saved with the notebook): uint32 LE header length, UTF-8 JSON header, padding
// to 8 bytes, then the arrays back to back.

/** Traits of `nbopt.widgets.OptimizerRace` (nbopt/widgets/_race.py). */
export interface Model {
  _uid: string;
  problem: string;
  names: string[];
  colours: string[];
  lrs: number[];
  statuses: string[];
  state: string;
  step: number;
  total_steps: number;
  dim: number;
  interactive: boolean;
  steps_per_second: number | null;
  snapshot: DataView | ArrayBuffer | Uint8Array | null;
}

export type Vec2 = [number, number];

export interface TraceMeta {
  name: string;
  colour: string;
  optimizer: string;
  lr: number | null;
  status: string;
  step: number;
  diverged_at: number | null;
  converged_at: number | null;
  loss: number | null;
  val_loss: number | null;
  point: Vec2 | null;
  exit: Vec2 | null;
}

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

export interface ArrayND {
  data: Float64Array;
  shape: number[];
}

export type Arrays = Map<string, ArrayND>;

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

export interface ErrorMsg {
  type: "error";
  message: string;
}

export type KernelMsg = SnapshotMsg | AppendMsg | ErrorMsg;

export type ControlMsg =
  | { type: "play" }
  | { type: "pause" }
  | { type: "step"; n: number }
  | { type: "reset" }
  | { type: "snapshot_request" }
  | { type: "speed"; steps_per_second: number | null }
  | { type: "set_lr"; name: string; lr: number }
  | { type: "set_start"; x: number; y: number };

export class ProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ProtocolError";
  }
}

/** View a binary buffer as float64 values (copying only when unaligned). */
export function asFloat64(buf: DataView | ArrayBuffer | Uint8Array): Float64Array {
  const view =
    buf instanceof ArrayBuffer
      ? new Uint8Array(buf)
      : new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  if (view.byteLength % 8 !== 0) {
    throw new ProtocolError(`float64 buffer of ${view.byteLength} bytes is not a multiple of 8`);
  }
  if (view.byteOffset % 8 === 0) {
    return new Float64Array(view.buffer, view.byteOffset, view.byteLength / 8);
  }
  return new Float64Array(view.slice().buffer);
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

function isShape(x: unknown): x is number[] {
  return Array.isArray(x) && x.every((n) => Number.isInteger(n) && n >= 0);
}

/** Pair `content.arrays` descriptors with buffers, checking names, shapes and sizes. */
export function decodeArrays(
  descriptors: unknown,
  buffers: readonly (DataView | ArrayBuffer)[],
): Arrays {
  if (!Array.isArray(descriptors)) throw new ProtocolError("`arrays` must be a list");
  if (descriptors.length !== buffers.length) {
    throw new ProtocolError(
      `${descriptors.length} array descriptors for ${buffers.length} buffers`,
    );
  }
  const out: Arrays = new Map();
  descriptors.forEach((d, i) => {
    if (!isObject(d) || typeof d.name !== "string" || !isShape(d.shape)) {
      throw new ProtocolError(`array descriptor ${i} must be {name: string, shape: int[]}`);
    }
    const data = asFloat64(buffers[i]);
    const size = d.shape.reduce((a, b) => a * b, 1);
    if (size !== data.length) {
      throw new ProtocolError(
        `array ${d.name}: shape [${d.shape}] needs ${size} values, got ${data.length}`,
      );
    }
    out.set(d.name, { data, shape: d.shape });
  });
  return out;
}

function num(x: unknown, what: string): number {
  if (typeof x !== "number" || !Number.isFinite(x))
    throw new ProtocolError(`${what} must be a finite number`);
  return x;
}

function str(x: unknown, what: string): string {
  if (typeof x !== "string") throw new ProtocolError(`${what} must be a string`);
  return x;
}

function list(x: unknown, what: string): unknown[] {
  if (!Array.isArray(x)) throw new ProtocolError(`${what} must be a list`);
  return x;
}

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

/** Parse and validate one kernel message (content + buffers); throws ProtocolError. */
export function decodeMessage(
  content: unknown,
  buffers: readonly (DataView | ArrayBuffer)[] = [],
): KernelMsg {
  if (!isObject(content)) throw new ProtocolError("message content must be an object");
  const type = content.type;
  if (type === "error") return { type, message: str(content.message, "error.message") };
  if (type !== "snapshot" && type !== "append") {
    throw new ProtocolError(`unknown message type ${JSON.stringify(type)}`);
  }
  const epoch = num(content.epoch, "epoch");
  const seq = num(content.seq, "seq");
  if (!isObject(content.meta)) throw new ProtocolError("`meta` must be an object");
  const arrays = decodeArrays(content.arrays, buffers);
  const meta = content.meta;
  num(meta.step, "meta.step");
  str(meta.state, "meta.state");
  checkTraces(meta.traces, "meta.traces", type === "snapshot");
  if (type === "snapshot") {
    num(meta.dim, "meta.dim");
    num(meta.total_steps, "meta.total_steps");
    const view = list(meta.view, "meta.view");
    if (view.length !== 2) throw new ProtocolError("meta.view must be [[x0, x1], [y0, y1]]");
    for (const r of view) for (const v of list(r, "meta.view[i]")) num(v, "meta.view value");
    if (!isObject(meta.loss)) throw new ProtocolError("meta.loss must be an object");
    return { type, epoch, seq, meta: meta as unknown as SnapshotMeta, arrays };
  }
  return { type, epoch, seq, meta: meta as unknown as AppendMeta, arrays };
}

/** Split a packed snapshot (the `snapshot` trait) into content and buffers. */
export function unpack(buf: DataView | ArrayBuffer | Uint8Array): {
  content: unknown;
  buffers: ArrayBuffer[];
} {
  const bytes =
    buf instanceof ArrayBuffer
      ? new Uint8Array(buf)
      : new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  if (bytes.byteLength < 4) throw new ProtocolError("packed snapshot shorter than its header");
  const headLen = new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, true);
  if (4 + headLen > bytes.byteLength)
    throw new ProtocolError("packed snapshot header overruns the data");
  let content: unknown;
  try {
    content = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + headLen)));
  } catch {
    throw new ProtocolError("packed snapshot header is not JSON");
  }
  if (!isObject(content) || !Array.isArray(content.arrays)) {
    throw new ProtocolError("packed snapshot header lacks `arrays`");
  }
  let offset = Math.ceil((4 + headLen) / 8) * 8;
  const buffers: ArrayBuffer[] = [];
  for (const d of content.arrays) {
    if (!isObject(d) || !isShape(d.shape))
      throw new ProtocolError("bad array descriptor in packed snapshot");
    const n = d.shape.reduce((a, b) => a * b, 1) * 8;
    if (offset + n > bytes.byteLength) throw new ProtocolError("packed snapshot data is truncated");
    buffers.push(bytes.slice(offset, offset + n).buffer);
    offset += n;
  }
  return { content, buffers };
}

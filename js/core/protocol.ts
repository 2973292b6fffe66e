// Wire protocol of every nbopt widget (nbopt/widgets/_protocol.py): the envelope, typed
// binary arrays, and the packed form kept in the `snapshot` trait.
//
// Kernel -> frontend: custom messages whose `content` is JSON ({type, epoch, seq, meta,
// arrays}) and whose binary buffers are C-order arrays described in order by
// `content.arrays` ({name, dtype, shape}). The packed form: uint32 LE header length,
// UTF-8 JSON header, padding to 8 bytes, then each array padded to 8 bytes.
//
// Sequence numbers count appends widget-wide; a snapshot carries the seq of the last
// append it already holds (see store.ts).

/** Traits every nbopt widget syncs (nbopt/widgets/_stream.py, StreamWidget). */
export interface BaseModel {
  _uid: string;
  _view: string;
  steps_per_second: number | null;
  snapshot: DataView | ArrayBuffer | Uint8Array | null;
}

export type DType = "float64" | "float32" | "int32" | "uint8";

export type NumArray = Float64Array | Float32Array | Int32Array | Uint8Array;

export interface ArrayND {
  data: NumArray;
  dtype: DType;
  shape: number[];
}

export type Arrays = Map<string, ArrayND>;

/** A snapshot or an append: `meta` is checked by the view's own decoder. */
export interface StreamMsg {
  type: "snapshot" | "append";
  epoch: number;
  seq: number;
  /** Checked and typed by the view's decoder (e.g. race/protocol.ts asSnapshot). */
  meta: object;
  arrays: Arrays;
}

export interface ErrorMsg {
  type: "error";
  message: string;
}

export type Envelope = StreamMsg | ErrorMsg;

/** Controls every widget answers (nbopt/widgets/_stream.py, control_handlers). */
export type BaseControl =
  | { type: "snapshot_request" }
  | { type: "play" }
  | { type: "pause" }
  | { type: "step"; n: number }
  | { type: "stop" }
  | { type: "reset" }
  | { type: "speed"; steps_per_second: number | null };

export class ProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ProtocolError";
  }
}

const ITEM_SIZE: Record<DType, number> = { float64: 8, float32: 4, int32: 4, uint8: 1 };

function bytesOf(buf: DataView | ArrayBuffer | Uint8Array): Uint8Array {
  return buf instanceof ArrayBuffer
    ? new Uint8Array(buf)
    : new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

/** View a binary buffer as a typed array of `dtype` (copying only when unaligned). */
export function asTyped(buf: DataView | ArrayBuffer | Uint8Array, dtype: DType): NumArray {
  const view = bytesOf(buf);
  const size = ITEM_SIZE[dtype];
  if (view.byteLength % size !== 0) {
    throw new ProtocolError(
      `${dtype} buffer of ${view.byteLength} bytes is not a multiple of ${size}`,
    );
  }
  const aligned = view.byteOffset % size === 0;
  const src = aligned ? view : view.slice();
  const n = view.byteLength / size;
  switch (dtype) {
    case "float64":
      return new Float64Array(src.buffer, src.byteOffset, n);
    case "float32":
      return new Float32Array(src.buffer, src.byteOffset, n);
    case "int32":
      return new Int32Array(src.buffer, src.byteOffset, n);
    case "uint8":
      return new Uint8Array(src.buffer, src.byteOffset, n);
  }
}

/** View a binary buffer as float64 values (copying only when unaligned). */
export function asFloat64(buf: DataView | ArrayBuffer | Uint8Array): Float64Array {
  return asTyped(buf, "float64") as Float64Array;
}

export function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

function isShape(x: unknown): x is number[] {
  return Array.isArray(x) && x.every((n) => Number.isInteger(n) && n >= 0);
}

function isDType(x: unknown): x is DType {
  return typeof x === "string" && x in ITEM_SIZE;
}

/** Pair `content.arrays` descriptors with buffers, checking names, dtypes, shapes, sizes. */
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
    if (!isObject(d) || typeof d.name !== "string" || !isShape(d.shape) || !isDType(d.dtype)) {
      throw new ProtocolError(
        `array descriptor ${i} must be {name: string, dtype: float64|float32|int32|uint8, shape: int[]}`,
      );
    }
    const data = asTyped(buffers[i], d.dtype);
    const size = d.shape.reduce((a, b) => a * b, 1);
    if (size !== data.length) {
      throw new ProtocolError(
        `array ${d.name}: shape [${d.shape}] needs ${size} values, got ${data.length}`,
      );
    }
    out.set(d.name, { data, dtype: d.dtype, shape: d.shape });
  });
  return out;
}

export function num(x: unknown, what: string): number {
  if (typeof x !== "number" || !Number.isFinite(x))
    throw new ProtocolError(`${what} must be a finite number`);
  return x;
}

export function str(x: unknown, what: string): string {
  if (typeof x !== "string") throw new ProtocolError(`${what} must be a string`);
  return x;
}

export function list(x: unknown, what: string): unknown[] {
  if (!Array.isArray(x)) throw new ProtocolError(`${what} must be a list`);
  return x;
}

/** Parse one kernel message's envelope (content + buffers); throws ProtocolError. */
export function decodeEnvelope(
  content: unknown,
  buffers: readonly (DataView | ArrayBuffer)[] = [],
): Envelope {
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
  return { type, epoch, seq, meta: content.meta, arrays };
}

/** Split a packed message (the `snapshot` trait) into content and buffers. */
export function unpack(buf: DataView | ArrayBuffer | Uint8Array): {
  content: unknown;
  buffers: ArrayBuffer[];
} {
  const bytes = bytesOf(buf);
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
    if (!isObject(d) || !isShape(d.shape) || !isDType(d.dtype))
      throw new ProtocolError("bad array descriptor in packed snapshot");
    const n = d.shape.reduce((a, b) => a * b, 1) * ITEM_SIZE[d.dtype];
    if (offset + n > bytes.byteLength) throw new ProtocolError("packed snapshot data is truncated");
    buffers.push(bytes.slice(offset, offset + n).buffer);
    offset += Math.ceil(n / 8) * 8;
  }
  return { content, buffers };
}

/** The values of a named array (null when absent). */
export function arr(arrays: Arrays, name: string): NumArray | null {
  return arrays.get(name)?.data ?? null;
}

import { describe, expect, it } from "vitest";
import { type AppendMsg, asAppend, asSnapshot, type SnapshotMsg } from "../race/protocol";
import {
  asFloat64,
  asTyped,
  decodeArrays,
  decodeEnvelope,
  type ErrorMsg,
  ProtocolError,
  unpack,
} from "./protocol";

/** Decode an envelope and check its meta as a race message. */
function decodeMessage(
  content: unknown,
  buffers: (DataView | ArrayBuffer)[] = [],
): ErrorMsg | SnapshotMsg | AppendMsg {
  const env = decodeEnvelope(content, buffers);
  if (env.type === "snapshot") return asSnapshot(env);
  if (env.type === "append") return asAppend(env);
  return env as ErrorMsg;
}

function buf(values: number[]): DataView {
  const a = new Float64Array(values);
  return new DataView(a.buffer);
}

/** Pack like nbopt/widgets/_protocol.py: uint32 LE length, JSON, zero padding to 8, float64 data
 * (each array a multiple of 8 bytes already). */
function pack(content: Record<string, unknown>, arrays: number[][]): Uint8Array {
  const head = new TextEncoder().encode(JSON.stringify(content));
  const start = Math.ceil((4 + head.length) / 8) * 8;
  const total = start + arrays.reduce((s, a) => s + a.length * 8, 0);
  const out = new Uint8Array(total);
  new DataView(out.buffer).setUint32(0, head.length, true);
  out.set(head, 4);
  let off = start;
  for (const a of arrays) {
    out.set(new Uint8Array(new Float64Array(a).buffer), off);
    off += a.length * 8;
  }
  return out;
}

const traceMeta = { name: "Adam", colour: "#0072B2", status: "running", step: 3 };
const snapshotMeta = {
  problem: "rosenbrock",
  dim: 2,
  step: 3,
  total_steps: 10,
  state: "running",
  view: [
    [-2, 2],
    [-1, 3],
  ],
  loss: { log: true, offset: 0, label: "loss" },
  traces: [traceMeta],
};

describe("asFloat64", () => {
  it("views an aligned DataView without copying", () => {
    const dv = buf([1, 2.5, Number.NaN]);
    const f = asFloat64(dv);
    expect(f.buffer).toBe(dv.buffer);
    expect(Array.from(f.slice(0, 2))).toEqual([1, 2.5]);
    expect(Number.isNaN(f[2])).toBe(true);
  });

  it("copies an unaligned view", () => {
    const raw = new Uint8Array(8 * 2 + 4);
    raw.set(new Uint8Array(new Float64Array([7, -Infinity]).buffer), 4);
    const f = asFloat64(new DataView(raw.buffer, 4, 16));
    expect(Array.from(f)).toEqual([7, -Infinity]);
  });

  it("rejects a length that is not a multiple of 8", () => {
    expect(() => asFloat64(new DataView(new ArrayBuffer(12)))).toThrow(ProtocolError);
  });
});

describe("decodeArrays", () => {
  it("pairs descriptors with buffers and checks the size", () => {
    const arrays = decodeArrays(
      [{ name: "p", dtype: "float64", shape: [2, 2] }],
      [buf([1, 2, 3, 4])],
    );
    expect(arrays.get("p")?.shape).toEqual([2, 2]);
    expect(() =>
      decodeArrays([{ name: "p", dtype: "float64", shape: [3] }], [buf([1, 2])]),
    ).toThrow(/needs 3 values/);
    expect(() => decodeArrays([{ name: "p", dtype: "float64", shape: [1] }], [])).toThrow(
      /1 array descriptors for 0/,
    );
    expect(() => decodeArrays([{ name: 3, dtype: "float64", shape: [1] }], [buf([1])])).toThrow(
      ProtocolError,
    );
    expect(() => decodeArrays([{ name: "x", dtype: "float64", shape: [-1] }], [buf([1])])).toThrow(
      ProtocolError,
    );
    expect(() => decodeArrays([{ name: "x", dtype: "int64", shape: [1] }], [buf([1])])).toThrow(
      /dtype/,
    );
  });

  it("decodes each dtype to its typed array", () => {
    const ints = new Int32Array([1, -2, 3, 0]);
    const bytes = new Uint8Array([1, 0, 1, 1]);
    const f32 = new Float32Array([0.5, 2]);
    const a = decodeArrays(
      [
        { name: "n", dtype: "int32", shape: [4] },
        { name: "m", dtype: "uint8", shape: [4] },
        { name: "f", dtype: "float32", shape: [2] },
      ],
      [new DataView(ints.buffer), new DataView(bytes.buffer), new DataView(f32.buffer)],
    );
    expect(a.get("n")?.data).toBeInstanceOf(Int32Array);
    expect(Array.from(a.get("n")?.data ?? [])).toEqual([1, -2, 3, 0]);
    expect(Array.from(a.get("m")?.data ?? [])).toEqual([1, 0, 1, 1]);
    expect(Array.from(a.get("f")?.data ?? [])).toEqual([0.5, 2]);
    expect(() => asTyped(new DataView(new ArrayBuffer(6)), "int32")).toThrow(/multiple of 4/);
  });
});

describe("decodeEnvelope with the race's meta checks", () => {
  it("parses a snapshot", () => {
    const msg = decodeMessage(
      {
        type: "snapshot",
        epoch: 0,
        seq: 1,
        meta: snapshotMeta,
        arrays: [{ name: "t0.losses", dtype: "float64", shape: [2] }],
      },
      [buf([3, 2])],
    );
    expect(msg.type).toBe("snapshot");
    if (msg.type !== "snapshot") return;
    expect(msg.meta.traces[0].name).toBe("Adam");
    expect(Array.from(msg.arrays.get("t0.losses")?.data ?? [])).toEqual([3, 2]);
  });

  it("parses an append and an error", () => {
    const msg = decodeMessage(
      {
        type: "append",
        epoch: 0,
        seq: 2,
        meta: { step: 4, state: "running", traces: [{ status: "running", step: 4 }] },
        arrays: [],
      },
      [],
    );
    expect(msg.type).toBe("append");
    expect(decodeMessage({ type: "error", message: "boom" })).toEqual({
      type: "error",
      message: "boom",
    });
  });

  it.each([
    [null, /must be an object/],
    [{ type: "eval" }, /unknown message type/],
    [{ type: "snapshot", epoch: "0", seq: 1, meta: snapshotMeta, arrays: [] }, /epoch/],
    [
      {
        type: "snapshot",
        epoch: 0,
        seq: 1,
        meta: { ...snapshotMeta, traces: [{ ...traceMeta, name: 5 }] },
        arrays: [],
      },
      /name/,
    ],
    [
      { type: "snapshot", epoch: 0, seq: 1, meta: { ...snapshotMeta, view: [[0, 1]] }, arrays: [] },
      /view/,
    ],
    [
      {
        type: "snapshot",
        epoch: 0,
        seq: 1,
        meta: { ...snapshotMeta, step: Number.NaN },
        arrays: [],
      },
      /step/,
    ],
    [
      {
        type: "append",
        epoch: 0,
        seq: 1,
        meta: { step: 1, state: "running", traces: "x" },
        arrays: [],
      },
      /traces/,
    ],
    [
      {
        type: "append",
        epoch: 0,
        seq: 1,
        meta: { step: 1, state: "running", traces: [] },
        arrays: {},
      },
      /arrays/,
    ],
    [{ type: "error", message: 3 }, /message/],
  ])("rejects malformed message %#", (content, pattern) => {
    expect(() => decodeMessage(content, [])).toThrow(pattern);
  });
});

describe("unpack", () => {
  it("round-trips the packed snapshot format", () => {
    const content = {
      type: "snapshot",
      epoch: 2,
      seq: 9,
      meta: snapshotMeta,
      arrays: [
        { name: "a", dtype: "float64", shape: [3] },
        { name: "b", dtype: "float64", shape: [1, 2] },
      ],
    };
    const packed = pack(content, [
      [1, 2, 3],
      [4, 5],
    ]);
    const { content: c, buffers } = unpack(new DataView(packed.buffer));
    expect(c).toEqual(content);
    const msg = decodeMessage(c, buffers);
    expect(msg.type === "snapshot" && Array.from(msg.arrays.get("b")?.data ?? [])).toEqual([4, 5]);
  });

  it("rejects truncated or garbage data", () => {
    const packed = pack({ arrays: [{ name: "a", dtype: "float64", shape: [4] }] }, [[1, 2, 3, 4]]);
    expect(() => unpack(packed.slice(0, packed.length - 8))).toThrow(/truncated/);
    expect(() => unpack(new Uint8Array([1, 0]))).toThrow(/shorter/);
    const bad = new Uint8Array(8);
    new DataView(bad.buffer).setUint32(0, 100, true);
    expect(() => unpack(bad)).toThrow(/overruns/);
    const notJson = new Uint8Array([2, 0, 0, 0, 123, 123, 0, 0]);
    expect(() => unpack(notJson)).toThrow(/not JSON/);
  });
});

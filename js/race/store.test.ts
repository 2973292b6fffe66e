import { describe, expect, it } from "vitest";
import type { Arrays } from "../core/protocol";
import type { AppendMsg, SnapshotMeta, SnapshotMsg } from "./protocol";
import { pathPoints, raceAt, raceFromSnapshot, raceStore, Series } from "./store";

function arrays(entries: Record<string, number[]>): Arrays {
  const m: Arrays = new Map();
  for (const [k, v] of Object.entries(entries))
    m.set(k, { data: new Float64Array(v), dtype: "float64", shape: [v.length] });
  return m;
}

const meta: SnapshotMeta = {
  problem: "booth",
  dim: 2,
  param_names: ["x", "y"],
  axis_labels: ["x", "y"],
  step: 1,
  total_steps: 100,
  state: "running",
  error: null,
  view: [
    [-10, 10],
    [-10, 10],
  ],
  landscape: null,
  projection: null,
  data: null,
  loss: { log: true, offset: 0, label: "loss" },
  has_validation: false,
  interactive: true,
  traces: [
    {
      name: "GD",
      colour: "#0072B2",
      optimizer: "GradientDescent(lr=0.01)",
      lr: 0.01,
      status: "running",
      step: 1,
      diverged_at: null,
      converged_at: null,
      loss: 5,
      val_loss: null,
      point: [1, 1],
      exit: null,
    },
  ],
};

function snapshot(epoch: number, seq: number): SnapshotMsg {
  return {
    type: "snapshot",
    epoch,
    seq,
    meta,
    arrays: arrays({
      "t0.path_steps": [0, 1],
      "t0.path": [0, 0, 1, 1],
      "t0.loss_steps": [0, 1],
      "t0.losses": [9, 5],
    }),
  };
}

function append(epoch: number, seq: number, steps: number[]): AppendMsg {
  return {
    type: "append",
    epoch,
    seq,
    meta: {
      step: steps[steps.length - 1],
      state: "running",
      error: null,
      projection: null,
      traces: [
        {
          status: "running",
          step: steps[steps.length - 1],
          lr: 0.01,
          loss: 1,
          val_loss: null,
          diverged_at: null,
          converged_at: null,
          point: [2, 2],
          exit: null,
        },
      ],
    },
    arrays: arrays({
      "t0.steps": steps,
      "t0.pos": steps.flatMap((s) => [s, s]),
      "t0.loss": steps.map(() => 1),
    }),
  };
}

describe("Series", () => {
  it("ignores replayed steps and halves itself past the cap", () => {
    const s = new Series(1, 8);
    for (let i = 0; i < 9; i++) s.push(i, i * 10);
    expect(s.push(3, 0)).toBe(false);
    expect(s.length).toBe(5);
    expect(s.stride).toBe(2);
    expect(Array.from(s.steps.slice(0, s.length))).toEqual([0, 2, 4, 6, 8]);
    expect(s.push(9, 90)).toBe(false); // off-stride
    expect(s.push(10, 100)).toBe(true);
    expect(s.value(s.length - 1)).toBe(100);
  });
});

describe("race store", () => {
  it("applies a snapshot then appends, dropping replays", () => {
    const store = raceStore();
    let calls = 0;
    store.subscribe(() => calls++);
    store.handle(snapshot(0, 1));
    store.handle(append(0, 2, [2, 3]));
    store.handle(append(0, 2, [2, 3])); // same seq again
    store.handle(append(0, 3, [3, 4])); // step 3 already there
    expect(store.state?.traces[0].path.length).toBe(5);
    expect(pathPoints(store.state)).toBe(5);
    expect(store.state?.traces[0].point).toEqual([2, 2]);
    expect(calls).toBe(3);
  });

  it("queues appends that arrive before their snapshot", () => {
    const store = raceStore();
    store.handle(append(0, 5, [2, 3]));
    expect(store.state).toBeNull();
    store.handle(snapshot(0, 4)); // holds appends 1-4: append 5 follows it
    expect(store.state?.traces[0].path.length).toBe(4);
  });

  it("ignores stale epochs and older snapshots", () => {
    const store = raceStore();
    store.handle(snapshot(1, 10));
    expect(store.applySnapshot(snapshot(0, 20))).toBe(false);
    expect(store.applySnapshot(snapshot(1, 9))).toBe(false);
    expect(store.applyAppend(append(0, 11, [5]))).toBe(false);
    expect(store.state?.traces[0].path.length).toBe(2);
    expect(store.applySnapshot(snapshot(2, 11))).toBe(true);
    expect(store.epoch).toBe(2);
  });

  it("replays appends that overtook a newer snapshot (page reload mid-run)", () => {
    const store = raceStore();
    store.handle(snapshot(0, 1)); // the saved trait: an old state
    store.handle(append(0, 6, [9, 10])); // sent after the requested snapshot was built
    expect(store.stale).toBe(true); // appends 2-5 are missing
    const fresh = snapshot(0, 5); // the requested snapshot: everything up to append 5
    fresh.arrays = arrays({
      "t0.path_steps": [0, 1, 2, 3, 4, 5, 6, 7, 8],
      "t0.path": Array.from({ length: 18 }, (_, i) => i),
      "t0.loss_steps": [0],
      "t0.losses": [9],
    });
    expect(store.applySnapshot(fresh)).toBe(true);
    const steps = store.state?.traces[0].path;
    expect(steps && Array.from(steps.steps.slice(0, steps.length))).toEqual([
      0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
    ]);
    expect(store.seq).toBe(6);
    expect(store.stale).toBe(false);
  });

  it("flags a hole in the sequence so that the owner asks for a snapshot", () => {
    const store = raceStore();
    store.handle(snapshot(0, 1));
    store.handle(append(0, 2, [2, 3]));
    expect(store.stale).toBe(false);
    store.handle(append(0, 4, [7, 8])); // append 3 never arrived
    expect(store.stale).toBe(true);
    expect(store.state?.traces[0].path.length).toBe(4); // kept aside, not applied
    store.handle(append(0, 3, [4, 5, 6])); // it was only overtaken
    expect(store.stale).toBe(false);
    expect(store.seq).toBe(4);
    expect(store.state?.traces[0].path.length).toBe(9);
  });
});

describe("replay", () => {
  it("upTo keeps the points at or before a step and shares the buffers", () => {
    const s = new Series(1);
    for (const step of [0, 2, 4, 6]) s.push(step, step * 10);
    expect(s.upTo(4).length).toBe(3);
    expect(s.upTo(3).length).toBe(2);
    expect(s.upTo(-1).length).toBe(0);
    expect(s.upTo(100).length).toBe(4);
    expect(s.upTo(4).values).toBe(s.values);
    expect(s.length).toBe(4);
  });

  it("shows each trace as it was at the step, ended ones as they ended", () => {
    const st = raceFromSnapshot(snapshot(0, 0));
    const t = st.traces[0];
    for (let step = 2; step <= 10; step++) {
      t.path.push(step, step, -step);
      t.losses.push(step, 10 - step, Number.NaN);
    }
    Object.assign(t, { status: "diverged", step: 10, diverged_at: 10, point: [99, 99] });
    st.meta = { ...st.meta, step: 10, state: "finished" };
    const at = raceAt(st, 5);
    const r = at.traces[0];
    expect(at.meta.step).toBe(5);
    expect(r.status).toBe("running");
    expect(r.step).toBe(5);
    expect(r.loss).toBe(5);
    expect(r.val_loss).toBeNull();
    expect(r.point).toEqual([5, -5]);
    expect(r.diverged_at).toBeNull();
    expect(r.path.length).toBe(6);
    expect(pathPoints(at)).toBe(6);
    // the run itself is untouched
    expect(t.path.length).toBe(11);
    expect(t.status).toBe("diverged");
    const end = raceAt(st, 10).traces[0];
    expect(end.status).toBe("diverged");
    expect(end.point).toEqual([99, 99]);
  });
});

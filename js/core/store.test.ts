import { describe, expect, it } from "vitest";
import type { StreamMsg } from "./protocol";
import { StreamStore } from "./store";

/** A reducer over trial numbers: appends add numbers (idempotently), like a search. */
interface Trials {
  numbers: Set<number>;
}

function store(): StreamStore<Trials> {
  return new StreamStore<Trials>({
    snapshot: (msg) => ({ numbers: new Set((msg.meta as { numbers: number[] }).numbers) }),
    append: (st, msg) => {
      for (const n of (msg.meta as { numbers: number[] }).numbers) st.numbers.add(n);
      return false;
    },
  });
}

function msg(
  type: "snapshot" | "append",
  epoch: number,
  seq: number,
  numbers: number[],
): StreamMsg {
  return { type, epoch, seq, meta: { numbers }, arrays: new Map() };
}

describe("StreamStore", () => {
  it("applies appends in sequence order whatever order they arrive in", () => {
    const s = store();
    s.handle(msg("snapshot", 0, 0, [0, 1]));
    s.handle(msg("append", 0, 3, [7])); // trials finish out of order: 3 overtakes 1 and 2
    s.handle(msg("append", 0, 1, [3, 2]));
    expect(s.stale).toBe(true);
    expect(s.seq).toBe(1);
    s.handle(msg("append", 0, 2, [4]));
    expect(s.seq).toBe(3);
    expect(s.stale).toBe(false);
    expect([...(s.state?.numbers ?? [])].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 7]);
  });

  it("drops duplicates and appends a snapshot already holds", () => {
    const s = store();
    s.handle(msg("snapshot", 0, 5, [0, 1, 2]));
    expect(s.applyAppend(msg("append", 0, 5, [2]))).toBe(false);
    expect(s.applyAppend(msg("append", 0, 6, [2, 3]))).toBe(true); // overlap is idempotent
    expect(s.applyAppend(msg("append", 0, 6, [9]))).toBe(false);
    expect(s.state?.numbers.size).toBe(4);
  });

  it("waits for the snapshot of a new epoch and notifies listeners", () => {
    const s = store();
    let calls = 0;
    s.subscribe(() => calls++);
    s.handle(msg("snapshot", 0, 2, [0]));
    s.handle(msg("append", 1, 3, [5])); // a reset's first append before its snapshot
    expect(s.state?.numbers.has(5)).toBe(false);
    expect(s.stale).toBe(true);
    s.handle(msg("snapshot", 1, 2, []));
    expect(s.epoch).toBe(1);
    expect([...(s.state?.numbers ?? [])]).toEqual([5]);
    expect(s.stale).toBe(false);
    expect(calls).toBe(2);
    const before = s.layoutVersion;
    s.handle({ type: "error", message: "boom" });
    expect(s.lastError).toBe("boom");
    expect(s.layoutVersion).toBe(before);
  });
});

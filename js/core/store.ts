// Model-wide stream state, owned by initialize(): every view of a model draws from it.
//
// The kernel numbers its appends 1, 2, 3, ... (widget-wide) and a snapshot carries the seq
// of the last append it already holds. The store applies append `seq + 1` next; a larger
// one means a message was lost or overtaken: it is kept aside, the store turns `stale` and
// the owner asks for a snapshot. Appends may overlap a snapshot: reducers are idempotent.
import type { Envelope, StreamMsg } from "./protocol";

/** How one kind of view turns stream messages into its state. */
export interface Reducer<S> {
  /** Build the whole state from a snapshot (throws ProtocolError on bad meta). */
  snapshot(msg: StreamMsg): S;
  /** Apply one append in place; return true when static layers (axes, layout) changed. */
  append(state: S, msg: StreamMsg): boolean;
}

/** Most appends kept aside while waiting for a snapshot or a missing append. */
const MAX_PENDING = 512;

export class StreamStore<S> {
  state: S | null = null;
  epoch = -1;
  /** seq of the last message applied, and of the snapshot the state is built on */
  seq = -1;
  baseSeq = -1;
  /** Bumped on every change: views redraw when it moves. */
  version = 0;
  /** Bumped when static layers (axes, backgrounds, layout) change. */
  layoutVersion = 0;
  lastError: string | null = null;
  /** The history has a hole (a lost message): the owner should ask for a snapshot. */
  stale = false;
  /** A snapshot was asked for and none has arrived since (see widget.ts). */
  awaiting = false;
  requestedAt = 0;
  private pending: StreamMsg[] = [];
  private listeners = new Set<() => void>();

  constructor(readonly reducer: Reducer<S>) {}

  subscribe(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private changed(layout: boolean): void {
    this.version++;
    if (layout) this.layoutVersion++;
    for (const fn of this.listeners) fn();
  }

  handle(msg: Envelope): void {
    if (msg.type === "error") {
      this.lastError = msg.message;
      this.changed(false);
    } else if (msg.type === "snapshot") {
      this.applySnapshot(msg);
    } else {
      this.applyAppend(msg);
    }
  }

  /** Apply a snapshot unless an equal or newer one is held; true when applied. */
  applySnapshot(msg: StreamMsg): boolean {
    if (msg.epoch < this.epoch || (msg.epoch === this.epoch && msg.seq < this.seq)) return false;
    const state = this.reducer.snapshot(msg);
    this.state = state;
    this.epoch = msg.epoch;
    this.seq = msg.seq;
    this.baseSeq = msg.seq;
    this.awaiting = false;
    this.stale = false;
    this.lastError = null;
    this.pending = this.pending.filter((p) => p.epoch > msg.epoch || p.seq > msg.seq);
    this.drain();
    this.changed(true);
    return true;
  }

  /** Apply an append in order, or keep it aside; true when applied now. */
  applyAppend(msg: StreamMsg): boolean {
    if (this.state === null || msg.epoch > this.epoch) {
      // no snapshot of this epoch yet: it is on its way, or was lost
      this.keep(msg);
      if (this.state !== null) this.stale = true;
      return false;
    }
    if (msg.epoch < this.epoch || msg.seq <= this.seq) return false;
    if (msg.seq > this.seq + 1) {
      // a hole: an append was lost or overtaken
      this.keep(msg);
      this.stale = true;
      return false;
    }
    const layout = this.reducer.append(this.state, msg);
    this.seq = msg.seq;
    const more = this.drain();
    this.changed(layout || more);
    return true;
  }

  /** Apply kept appends that now follow in order; true when one changed the layout. */
  private drain(): boolean {
    let layout = false;
    const state = this.state;
    if (state === null) return false;
    this.pending.sort((a, b) => a.epoch - b.epoch || a.seq - b.seq);
    while (this.pending.length) {
      const p = this.pending[0];
      if (p.epoch < this.epoch || (p.epoch === this.epoch && p.seq <= this.seq)) {
        this.pending.shift();
        continue;
      }
      if (p.epoch !== this.epoch || p.seq !== this.seq + 1) break;
      this.pending.shift();
      layout = this.reducer.append(state, p) || layout;
      this.seq = p.seq;
    }
    // what is still kept aside waits behind a hole or for its epoch's snapshot
    this.stale = this.pending.length > 0;
    return layout;
  }

  private keep(msg: StreamMsg): void {
    if (this.pending.length >= MAX_PENDING) this.pending.shift();
    this.pending.push(msg);
  }
}

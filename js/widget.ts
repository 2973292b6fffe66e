// anywidget entry point of nbopt.widgets.OptimizerRace (nbopt/widgets/_race.py).
import type { AnyModel, Initialize, Render } from "@anywidget/types";
import { decodeMessage, type Model, ProtocolError, unpack } from "./protocol";
import { RaceStore } from "./store";
import { RaceView } from "./view";
import "./widget.css";

// anywidget hands initialize() and render() different proxies of one model: the store is
// keyed by the model's `_uid` trait instead of the proxy object.
const stores = new Map<string, RaceStore>();

function storeOf(model: AnyModel<Model>): RaceStore {
  const key = String(model.get("_uid") ?? "");
  let s = stores.get(key);
  if (!s) {
    s = new RaceStore();
    stores.set(key, s);
  }
  return s;
}

function report(store: RaceStore, err: unknown): void {
  const text =
    err instanceof ProtocolError ? `bad message from the kernel: ${err.message}` : String(err);
  console.error("nbopt:", err);
  store.handle({ type: "error", message: text });
}

function loadSnapshotTrait(model: AnyModel<Model>, store: RaceStore): void {
  const packed = model.get("snapshot");
  if (!packed || (packed as ArrayBufferLike & { byteLength: number }).byteLength === 0) return;
  try {
    const { content, buffers } = unpack(packed);
    store.handle(decodeMessage(content, buffers));
  } catch (err) {
    report(store, err);
  }
}

function requestSnapshot(model: AnyModel<Model>, store: RaceStore): void {
  store.stale = false;
  store.awaiting = true;
  store.requestedAt = Date.now();
  try {
    model.send({ type: "snapshot_request" });
  } catch (err) {
    console.warn("nbopt: no kernel to ask for a snapshot", err);
  }
}

const initialize: Initialize<Model> = ({ model }) => {
  const store = storeOf(model);
  const onMsg = (content: unknown, buffers: DataView[]) => {
    try {
      store.handle(decodeMessage(content, buffers ?? []));
    } catch (err) {
      report(store, err);
    }
    // self-healing stream: a hole in the history (a dropped or overtaken message), or a
    // snapshot request that went unanswered (a page reload races the kernel connection),
    // is followed up while the run streams, at most every 1.5 s
    if ((store.stale || store.awaiting) && Date.now() - store.requestedAt > 1500) {
      requestSnapshot(model, store);
    }
  };
  const onSnapshot = () => loadSnapshotTrait(model, store);
  model.on("msg:custom", onMsg);
  model.on("change:snapshot", onSnapshot);
  onSnapshot();
  return () => {
    model.off("msg:custom", onMsg);
    model.off("change:snapshot", onSnapshot);
    stores.delete(String(model.get("_uid") ?? ""));
  };
};

const render: Render<Model> = ({ model, el }) => {
  const store = storeOf(model);
  const view = new RaceView(el, model, store);
  // a late view or a reloaded page: ask the kernel for the whole current state (no kernel:
  // the saved `snapshot` trait already drew it)
  requestSnapshot(model, store);
  return () => view.destroy();
};

export default { initialize, render };

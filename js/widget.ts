// anywidget entry point of nbopt.widgets.OptimizerRace (nbopt/widgets/_race.py).
import type { AnyModel, Initialize, Render } from "@anywidget/types";
import { decodeMessage, type Model, ProtocolError, unpack } from "./protocol";
import { RaceStore } from "./store";
import { RaceView } from "./view";
import "./widget.css";

const stores = new WeakMap<AnyModel<Model>, RaceStore>();

function storeOf(model: AnyModel<Model>): RaceStore {
  let s = stores.get(model);
  if (!s) {
    s = new RaceStore();
    stores.set(model, s);
  }
  return s;
}

function report(store: RaceStore, err: unknown): void {
  const text =
    err instanceof ProtocolError ? `bad message from the kernel: ${err.message}` : String(err);
  store.lastError = text;
  console.error("nbopt:", err);
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

const initialize: Initialize<Model> = ({ model }) => {
  const store = storeOf(model);
  const onMsg = (content: unknown, buffers: DataView[]) => {
    try {
      store.handle(decodeMessage(content, buffers ?? []));
    } catch (err) {
      report(store, err);
    }
  };
  const onSnapshot = () => loadSnapshotTrait(model, store);
  model.on("msg:custom", onMsg);
  model.on("change:snapshot", onSnapshot);
  onSnapshot();
  return () => {
    model.off("msg:custom", onMsg);
    model.off("change:snapshot", onSnapshot);
  };
};

const render: Render<Model> = ({ model, el }) => {
  const store = storeOf(model);
  const view = new RaceView(el, model, store);
  // a late view or a reloaded page: ask the kernel for the whole current state (no kernel:
  // the saved `snapshot` trait already drew it)
  try {
    model.send({ type: "snapshot_request" });
  } catch (err) {
    console.warn("nbopt: no kernel to ask for a snapshot", err);
  }
  return () => view.destroy();
};

export default { initialize, render };

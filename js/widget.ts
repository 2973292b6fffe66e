// anywidget entry point of every nbopt widget: the `_view` trait picks the view module.
// The stream (envelope decoding, store, snapshot requests) is the same for all of them.
import type { AnyModel, Initialize, Render } from "@anywidget/types";
import { compareStore } from "./compare/store";
import { CompareView } from "./compare/view";
import { type BaseModel, decodeEnvelope, ProtocolError, unpack } from "./core/protocol";
import type { StreamStore } from "./core/store";
import { raceStore } from "./race/store";
import { RaceView } from "./race/view";
import { searchStore } from "./search/store";
import { SearchView } from "./search/view";
import "./widget.css";

interface ViewModule {
  store(): StreamStore<unknown>;
  render(el: HTMLElement, model: AnyModel<BaseModel>, store: StreamStore<unknown>): () => void;
}

const VIEWS: Record<string, ViewModule> = {
  compare: {
    store: () => compareStore() as StreamStore<unknown>,
    render: (el, model, store) => {
      const view = new CompareView(el, model, store as ReturnType<typeof compareStore>);
      return () => view.destroy();
    },
  },
  race: {
    store: () => raceStore() as StreamStore<unknown>,
    render: (el, model, store) => {
      const view = new RaceView(el, model, store as ReturnType<typeof raceStore>);
      return () => view.destroy();
    },
  },
  search: {
    store: () => searchStore() as StreamStore<unknown>,
    render: (el, model, store) => {
      const view = new SearchView(el, model, store as ReturnType<typeof searchStore>);
      return () => view.destroy();
    },
  },
};

function moduleOf(model: AnyModel<BaseModel>): ViewModule | null {
  return VIEWS[String(model.get("_view") ?? "")] ?? null;
}

/** How long a view waits for its kernel's first message before it counts as a saved view. */
const NO_KERNEL_MS = 4000;

// anywidget hands initialize() and render() different proxies of one model: the store is
// keyed by the model's `_uid` trait instead of the proxy object.
const stores = new Map<string, StreamStore<unknown>>();

function storeOf(model: AnyModel<BaseModel>, mod: ViewModule): StreamStore<unknown> {
  const key = String(model.get("_uid") ?? "");
  let s = stores.get(key);
  if (!s) {
    s = mod.store();
    stores.set(key, s);
  }
  return s;
}

function report(store: StreamStore<unknown>, err: unknown): void {
  const text =
    err instanceof ProtocolError ? `bad message from the kernel: ${err.message}` : String(err);
  console.error("nbopt:", err);
  store.handle({ type: "error", message: text });
}

function loadSnapshotTrait(model: AnyModel<BaseModel>, store: StreamStore<unknown>): void {
  const packed = model.get("snapshot");
  if (!packed || (packed as ArrayBufferLike & { byteLength: number }).byteLength === 0) return;
  try {
    const { content, buffers } = unpack(packed);
    store.handle(decodeEnvelope(content, buffers));
  } catch (err) {
    report(store, err);
  }
}

function requestSnapshot(model: AnyModel<BaseModel>, store: StreamStore<unknown>): void {
  store.stale = false;
  store.awaiting = true;
  store.requestedAt = Date.now();
  try {
    model.send({ type: "snapshot_request" });
  } catch (err) {
    console.warn("nbopt: no kernel to ask for a snapshot", err);
  }
}

const initialize: Initialize<BaseModel> = ({ model }) => {
  const mod = moduleOf(model);
  if (!mod) return;
  const store = storeOf(model, mod);
  const onMsg = (content: unknown, buffers: DataView[]) => {
    try {
      store.handle(decodeEnvelope(content, buffers ?? []));
    } catch (err) {
      report(store, err);
    }
    // self-healing stream: a hole in the sequence (a lost or overtaken message), or a
    // snapshot request that went unanswered (a page reload races the kernel connection),
    // is followed up while the stream goes on, at most every 1.5 s
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

const render: Render<BaseModel> = ({ model, el }) => {
  const mod = moduleOf(model);
  if (!mod) {
    el.textContent = `nbopt: this frontend has no view named ${JSON.stringify(model.get("_view"))}`;
    return;
  }
  const store = storeOf(model, mod);
  const destroy = mod.render(el, model, store);
  // a late view or a reloaded page: ask the kernel for the whole current state (no kernel:
  // the saved `snapshot` trait already drew it)
  requestSnapshot(model, store);
  // a saved view with no kernel behind it (a static page, a notebook opened without its
  // kernel): nothing ever answers, so the controls that ask the kernel are put away and the
  // view says it can only replay; any message from a kernel brings them back
  const heard = () => {
    window.clearTimeout(timer);
    if (el.dataset.nboptKernel) delete el.dataset.nboptKernel;
  };
  const timer = window.setTimeout(() => {
    const saved = model.get("snapshot") as { byteLength?: number } | null | undefined;
    if ((saved?.byteLength ?? 0) > 0) el.dataset.nboptKernel = "none";
  }, NO_KERNEL_MS);
  model.on("msg:custom", heard);
  return () => {
    window.clearTimeout(timer);
    model.off("msg:custom", heard);
    destroy();
  };
};

export default { initialize, render };

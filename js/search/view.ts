// The live search dashboard: header, controls, history, 2-D view, parallel coordinates with
// brushing, the trial table. Every view draws from the one store; the brush filters all.
import type { AnyModel } from "@anywidget/types";
import { ControlBar } from "../core/controls";
import {
  FrameScheduler,
  h,
  readTheme,
  setData,
  setText,
  type Theme,
  viewRoot,
  watchTheme,
} from "../core/draw";
import { fmt } from "../core/maths";
import { ReplayBar } from "../core/replay";
import { type CurvesDrawn, curvesCaption, drawCurves, hasCurves } from "./curves";
import { drawFit, fitOf, trainMetric } from "./fit";
import { generationsDrawn } from "./generations";
import { drawImportance, importanceCaption } from "./importance";
import { drawInside, drawsInside, insideTitle, pickInside } from "./inside";
import {
  axisAt,
  drawColourKey,
  drawHistory,
  drawParallel,
  drawScatter,
  historyLog,
  Layer,
  linesToDraw,
  type ParallelLayout,
  parallelLayout,
  unitAt,
} from "./panels";
import type { ControlMsg, HeaderMeta, Model } from "./protocol";
import {
  type Brush,
  bestFraction,
  bestSoFar,
  brushMask,
  COMPLETE,
  FAILED,
  PRUNED,
  rankedRows,
  type SearchState,
  type SearchStore,
  searchAt,
} from "./store";
import { SURROGATE_FIELDS, type SurrogateField, surrogateDrawn } from "./surrogate";
import { TrialTable } from "./table";

const HISTORY = { w: 470, h: 280 };
const SCATTER = { w: 420, h: 280 };
const PARALLEL = { w: 900, h: 300 };
const CURVES = { w: 900, h: 300 };
const IMPORTANCE_W = 440;
const FIT = { w: 450, h: 260 };
/** While trials stream in, the canvases are redrawn at most this often (ms). */
const DRAW_INTERVAL = 100;
const FRACTIONS: [string, number | null][] = [
  ["all trials", null],
  ["best 50 %", 0.5],
  ["best 20 %", 0.2],
  ["best 10 %", 0.1],
  ["best 5 %", 0.05],
  ["best 1 %", 0.01],
];

function duration(s: number | null): string {
  if (s === null || !Number.isFinite(s)) return "–";
  if (s < 1) return `${fmt(s * 1e3)} ms`;
  if (s < 90) return `${s.toFixed(1)} s`;
  if (s < 5400) return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
  return `${(s / 3600).toFixed(1)} h`;
}

function perCall(s: number | null): string {
  if (s === null || !Number.isFinite(s)) return "–";
  if (s < 1e-3) return `${fmt(s * 1e6)} µs`;
  if (s < 1) return `${fmt(s * 1e3)} ms`;
  return `${fmt(s)} s`;
}

function select(label: string, options: [string, string][], aria: string): HTMLSelectElement {
  const s = h("select");
  s.setAttribute("aria-label", aria);
  for (const [value, text] of options) {
    const o = h("option", "", text);
    o.value = value;
    s.append(o);
  }
  s.title = label;
  return s;
}

export class SearchView {
  readonly root: HTMLDivElement;
  private title: HTMLSpanElement;
  private status: HTMLSpanElement;
  private best: HTMLDivElement;
  private meterBar: HTMLSpanElement;
  private meterText: HTMLSpanElement;
  private errorLine: HTMLDivElement;
  private controls: ControlBar;
  private replay: ReplayBar;
  private moreInput: HTMLInputElement;
  private moreBtn: HTMLButtonElement;
  private history: HTMLCanvasElement;
  private logBox: HTMLInputElement;
  private scatter: HTMLCanvasElement;
  private xSel: HTMLSelectElement;
  private ySel: HTMLSelectElement;
  private parallel: HTMLCanvasElement;
  private parallelCaption: HTMLSpanElement;
  private fraction: HTMLSelectElement;
  private clearBrush: HTMLButtonElement;
  private key: HTMLCanvasElement;
  private curvesBox: HTMLDivElement;
  private curves: HTMLCanvasElement;
  private curvesCaption: HTMLSpanElement;
  private curvesDrawn: CurvesDrawn | null = null;
  private importance: HTMLCanvasElement;
  private importanceCaption: HTMLSpanElement;
  private importanceBars = 0;
  private insideBox: HTMLDivElement;
  private insideCanvas: HTMLCanvasElement;
  private insideTitle: HTMLSpanElement;
  private insideCaption: HTMLSpanElement;
  /** the trial the inside view links to its parents, once the user clicked one */
  private insideChoice: number | null = null;
  /** what the Bayesian view draws: a heatmap of one field, or the 1-D slices */
  private surrogateSel: HTMLSelectElement;
  private fitBox: HTMLDivElement;
  private fit: HTMLCanvasElement;
  private fitSel: HTMLSelectElement;
  private fitCaption: HTMLSpanElement;
  private fitKey = "";
  /** the parameter the fit view shows, once the user picked one */
  private fitParam: number | null = null;
  private table: TrialTable;
  private theme: Theme;
  private frames = new FrameScheduler(() => this.draw());
  private cleanups: (() => void)[] = [];
  private brush: Brush = new Map();
  private brushVersion = 0;
  private pair: [number, number] | null = null;
  private pairKey = "";
  private layout: ParallelLayout | null = null;
  private drag: { column: number; from: number } | null = null;
  /** the axis the keyboard brushes: a parameter index, or -1 for the value */
  private keyAxis = 0;
  private drawnKey = "";
  private drawnAt = Number.NEGATIVE_INFINITY;
  private drawTimer = 0;
  private historyLayer = new Layer();
  private scatterLayer = new Layer();
  private parallelAt = Number.NEGATIVE_INFINITY;
  private parallelTimer = 0;

  constructor(
    el: HTMLElement,
    private model: AnyModel<Model>,
    private store: SearchStore,
  ) {
    const top = viewRoot(el, "nbopt-search");
    this.root = top.root;
    this.title = top.title;
    this.status = top.status;
    const head = top.head;
    this.best = h("div", "nbopt-best");
    const meter = h("div", "nbopt-meter");
    const track = h("span", "nbopt-meter-track");
    this.meterBar = h("span", "nbopt-meter-bar");
    track.append(this.meterBar);
    track.title =
      "the searcher's share of the time: time per ask / (time per ask + time per trial)";
    this.meterText = h("span", "nbopt-meter-text");
    meter.append(track, this.meterText);

    this.controls = new ControlBar(model, (msg) => this.send(msg), {
      step: false,
      reset: false,
      speed: false,
      stop: true,
      playLabel: "Resume",
    });
    const more = h("span", "nbopt-more");
    this.moreInput = h("input");
    this.moreInput.type = "number";
    this.moreInput.min = "1";
    this.moreInput.value = "20";
    this.moreInput.setAttribute("aria-label", "number of trials to run more");
    this.moreBtn = h("button", "nbopt-btn", "Run more");
    this.moreBtn.type = "button";
    this.moreBtn.title = "run this many more trials";
    more.append(this.moreInput, this.moreBtn);
    this.controls.el.append(more);
    this.replay = new ReplayBar(
      "trial",
      () => this.schedule(true),
      "trials in the order they finished; importance and the searcher's view show the end",
    );

    this.errorLine = h("div", "nbopt-error");
    this.errorLine.hidden = true;

    const panels = h("div", "nbopt-panels");
    const histBox = h("div", "nbopt-panel");
    const histBar = h("div", "nbopt-panel-bar");
    const logLabel = h("label");
    this.logBox = h("input");
    this.logBox.type = "checkbox";
    logLabel.append(this.logBox, document.createTextNode(" log scale"));
    histBar.append(h("span", "nbopt-panel-title", "value of every trial"), logLabel);
    this.history = h("canvas");
    this.history.setAttribute("role", "img");
    this.history.setAttribute("aria-label", "value of every trial against its number");
    histBox.append(histBar, this.history);

    const scatterBox = h("div", "nbopt-panel");
    const scatterBar = h("div", "nbopt-panel-bar");
    this.xSel = select("x axis", [], "parameter on the x axis");
    this.ySel = select("y axis", [], "parameter on the y axis");
    scatterBar.append(
      h("span", "nbopt-panel-title", "trials over "),
      this.xSel,
      document.createTextNode(" and "),
      this.ySel,
    );
    this.scatter = h("canvas");
    this.scatter.setAttribute("role", "img");
    this.scatter.setAttribute("aria-label", "trials over two chosen parameters");
    scatterBox.append(scatterBar, this.scatter);
    this.insideBox = h("div", "nbopt-panel nbopt-inside-box");
    const insideBar = h("div", "nbopt-panel-bar");
    this.insideTitle = h("span", "nbopt-panel-title");
    this.surrogateSel = select(
      "what the surrogate view shows",
      SURROGATE_FIELDS,
      "what the Bayesian search's view shows",
    );
    this.surrogateSel.hidden = true;
    this.surrogateSel.addEventListener("change", () => this.schedule(true));
    insideBar.append(this.insideTitle, this.surrogateSel);
    this.insideCanvas = h("canvas");
    this.insideCanvas.setAttribute("role", "img");
    this.insideCanvas.setAttribute(
      "aria-label",
      "inside the searcher, over the two parameters of the 2-D view",
    );
    this.insideCaption = h("span", "nbopt-caption");
    this.insideBox.append(insideBar, this.insideCanvas, this.insideCaption);
    this.insideBox.hidden = true;
    this.insideCanvas.addEventListener("click", (e) => {
      const inside = this.store.state?.inside;
      if (!inside) return;
      // a click beside every point goes back to the default (the best trial)
      this.insideChoice = pickInside(this.insideCanvas, inside, e);
      this.schedule(true);
    });
    panels.append(histBox, scatterBox, this.insideBox);

    const panels2 = h("div", "nbopt-panels");
    const impBox = h("div", "nbopt-panel nbopt-importance-box");
    const impBar = h("div", "nbopt-panel-bar");
    impBar.append(h("span", "nbopt-panel-title", "what matters"));
    this.importance = h("canvas");
    this.importance.setAttribute("role", "img");
    this.importance.setAttribute(
      "aria-label",
      "parameter importance: each parameter's share of the variation of the value",
    );
    this.importanceCaption = h("span", "nbopt-caption");
    impBox.append(impBar, this.importance, this.importanceCaption);
    this.fitBox = h("div", "nbopt-panel nbopt-fit-box");
    const fitBar = h("div", "nbopt-panel-bar");
    this.fitSel = select("parameter", [], "parameter of the train and validation view");
    fitBar.append(h("span", "nbopt-panel-title", "train and validation over "), this.fitSel);
    this.fit = h("canvas");
    this.fit.setAttribute("role", "img");
    this.fit.setAttribute(
      "aria-label",
      "train and validation values against a parameter, the gap between them shaded: " +
        "underfitting where both are poor, overfitting where they part",
    );
    this.fitCaption = h("span", "nbopt-caption");
    this.fitBox.append(fitBar, this.fit, this.fitCaption);
    this.fitBox.hidden = true;
    panels2.append(impBox, this.fitBox);

    const parBox = h("div", "nbopt-panel nbopt-parallel-box");
    const parBar = h("div", "nbopt-panel-bar");
    this.fraction = select(
      "trials drawn",
      FRACTIONS.map(([t], i) => [String(i), t]),
      "which trials the parallel coordinates draw",
    );
    this.clearBrush = h("button", "nbopt-btn nbopt-small", "Clear filter");
    this.clearBrush.type = "button";
    this.clearBrush.title = "remove every brushed range";
    this.parallelCaption = h("span", "nbopt-caption");
    parBar.append(
      h("span", "nbopt-panel-title", "parallel coordinates"),
      this.fraction,
      this.clearBrush,
      this.parallelCaption,
    );
    this.parallel = h("canvas", "nbopt-brushable");
    this.parallel.setAttribute("role", "img");
    this.parallel.tabIndex = 0;
    this.parallel.setAttribute(
      "aria-label",
      "parallel coordinates: drag along an axis to filter the trials, click an axis to clear " +
        "it; with the keyboard, Left and Right pick an axis, Up and Down move the lower edge " +
        "of its range, Page Up and Page Down the upper edge, Home clears it",
    );
    this.key = h("canvas");
    parBox.append(parBar, this.parallel, this.key);

    this.curvesBox = h("div", "nbopt-panel nbopt-curves-box");
    const curvesBar = h("div", "nbopt-panel-bar");
    this.curvesCaption = h("span", "nbopt-caption nbopt-one-line");
    curvesBar.append(h("span", "nbopt-panel-title", "learning curves"), this.curvesCaption);
    this.curves = h("canvas");
    this.curves.setAttribute("role", "img");
    this.curves.setAttribute(
      "aria-label",
      "learning curves: the value each trial reported against the step, the running trials " +
        "as they report, pruned trials ending in a cross, and the pruner's thresholds dashed",
    );
    this.curvesBox.append(curvesBar, this.curves);
    this.curvesBox.hidden = true;

    this.table = new TrialTable(() => this.schedule(true));

    this.root.append(
      head,
      this.best,
      meter,
      this.controls.el,
      this.replay.el,
      this.errorLine,
      panels,
      panels2,
      this.curvesBox,
      parBox,
      this.table.el,
    );
    this.theme = readTheme(this.root);
    this.bind();
    this.schedule(true);
  }

  private send(msg: ControlMsg): void {
    this.model.send(msg);
  }

  private bind(): void {
    const on = <E extends Event>(t: EventTarget, ev: string, fn: (e: E) => void) => {
      t.addEventListener(ev, fn as EventListener);
      this.cleanups.push(() => t.removeEventListener(ev, fn as EventListener));
    };
    on(this.moreBtn, "click", () => {
      const n = Math.floor(Number(this.moreInput.value));
      if (Number.isFinite(n) && n > 0) this.send({ type: "more", n });
    });
    const redraw = () => this.schedule(true);
    on(this.logBox, "change", redraw);
    on(this.fraction, "change", redraw);
    on(this.xSel, "change", () => this.choosePair());
    on(this.fitSel, "change", () => {
      this.fitParam = Number(this.fitSel.value);
      this.schedule(true);
    });
    on(this.ySel, "change", () => this.choosePair());
    on(this.clearBrush, "click", () => {
      this.brush.clear();
      this.brushVersion++;
      this.schedule(true);
    });
    on<MouseEvent>(this.parallel, "mousedown", (e) => this.brushStart(e));
    on<KeyboardEvent>(this.parallel, "keydown", (e) => this.brushKey(e));
    on(this.parallel, "focus", () => this.schedule(true));
    on(this.parallel, "blur", () => this.schedule(true));
    on<MouseEvent>(window, "mousemove", (e) => this.brushMove(e));
    on<MouseEvent>(window, "mouseup", (e) => this.brushEnd(e));
    this.controls.trapKeys(this.root);
    this.cleanups.push(this.store.subscribe(() => this.schedule(false)));
    this.cleanups.push(watchTheme(() => this.recheckTheme()));
  }

  private recheckTheme(): void {
    const t = readTheme(this.root);
    if (t.key !== this.theme.key) {
      this.theme = t;
      this.schedule(true);
    }
  }

  private choosePair(): void {
    this.pair = [Number(this.xSel.value), Number(this.ySel.value)];
    const [x, y] = this.pair;
    // the searcher's inside view follows two parameters (not the value)
    if (x >= 0 && y >= 0 && x !== y) this.send({ type: "pair", pair: [x, y] });
    this.schedule(true);
  }

  private canvasPoint(e: MouseEvent): { x: number; y: number } {
    const r = this.parallel.getBoundingClientRect();
    return {
      x: ((e.clientX - r.left) * PARALLEL.w) / r.width,
      y: ((e.clientY - r.top) * PARALLEL.h) / r.height,
    };
  }

  /** Brushing from the keyboard: one axis at a time, its range moved in steps of 5 %. */
  private brushKey(e: KeyboardEvent): void {
    const st = this.store.state;
    if (!st) return;
    const columns = st.meta.params.length + 1;
    const j = this.keyAxis < 0 ? -1 : this.keyAxis;
    const range = this.brush.get(j) ?? [0, 1];
    let [lo, hi] = range;
    const step = 0.05;
    switch (e.key) {
      case "ArrowLeft":
      case "ArrowRight": {
        const col = this.keyAxis < 0 ? columns - 1 : this.keyAxis;
        const next = (col + (e.key === "ArrowRight" ? 1 : columns - 1)) % columns;
        this.keyAxis = next === columns - 1 ? -1 : next;
        break;
      }
      case "ArrowUp":
        lo = Math.min(hi - step, lo + step);
        break;
      case "ArrowDown":
        lo = Math.max(0, lo - step);
        break;
      case "PageUp":
        hi = Math.min(1, hi + step);
        break;
      case "PageDown":
        hi = Math.max(lo + step, hi - step);
        break;
      case "Home":
        this.brush.delete(j);
        break;
      default:
        return;
    }
    e.preventDefault();
    if (["ArrowUp", "ArrowDown", "PageUp", "PageDown"].includes(e.key)) {
      // the whole axis is no filter at all
      if (lo <= 0 && hi >= 1) this.brush.delete(j);
      else this.brush.set(j, [lo, hi]);
    }
    this.brushVersion++;
    this.schedule(true);
  }

  private brushStart(e: MouseEvent): void {
    if (!this.layout) return;
    const p = this.canvasPoint(e);
    const column = axisAt(this.layout, p.x);
    if (column < 0) return;
    e.preventDefault();
    this.drag = { column, from: unitAt(this.layout, p.y) };
  }

  private brushMove(e: MouseEvent): void {
    if (!this.drag || !this.layout) return;
    const u = unitAt(this.layout, this.canvasPoint(e).y);
    const j = this.layout.axes[this.drag.column];
    if (Math.abs(u - this.drag.from) < 0.01) return;
    this.brush.set(j, [Math.min(u, this.drag.from), Math.max(u, this.drag.from)]);
    this.brushVersion++;
    this.schedule(true);
  }

  private brushEnd(e: MouseEvent): void {
    if (!this.drag || !this.layout) return;
    const u = unitAt(this.layout, this.canvasPoint(e).y);
    const j = this.layout.axes[this.drag.column];
    if (Math.abs(u - this.drag.from) < 0.01)
      this.brush.delete(j); // a click clears the axis
    else this.brush.set(j, [Math.min(u, this.drag.from), Math.max(u, this.drag.from)]);
    this.drag = null;
    this.brushVersion++;
    this.schedule(true);
  }

  /** Redraw in the next frame; `now` skips the streaming throttle (a user action). */
  schedule(now: boolean): void {
    if (now) {
      this.drawnAt = Number.NEGATIVE_INFINITY;
      this.parallelAt = Number.NEGATIVE_INFINITY;
      window.clearTimeout(this.drawTimer);
      this.drawTimer = 0;
    }
    this.frames.schedule();
  }

  destroy(): void {
    this.frames.cancel();
    window.clearTimeout(this.drawTimer);
    window.clearTimeout(this.parallelTimer);
    this.controls.destroy();
    this.table.destroy();
    for (const c of this.cleanups) c();
    this.root.remove();
  }

  private updateSelects(st: SearchState): void {
    const names = st.meta.params.map((a) => a.name);
    const key = [...names, st.meta.value_axis.name].join("\u0000");
    if (key === this.pairKey) return;
    this.pairKey = key;
    const options: [string, string][] = [
      ...names.map((n, j) => [String(j), n] as [string, string]),
      ["-1", st.meta.value_axis.name],
    ];
    for (const sel of [this.xSel, this.ySel]) {
      sel.replaceChildren(
        ...options.map(([v, t]) => {
          const o = h("option", "", t);
          o.value = v;
          return o;
        }),
      );
    }
    const d = names.length;
    const pair = this.pair ?? [Math.min(st.meta.pair[0], d - 1), d > 1 ? st.meta.pair[1] : -1];
    this.pair = pair as [number, number];
    this.xSel.value = String(pair[0]);
    this.ySel.value = String(pair[1]);
  }

  private headerText(hd: HeaderMeta, state: string): string {
    const total = hd.n_total === null ? "" : ` / ${hd.n_total.toLocaleString("en-US")}`;
    const parts = [
      state,
      `${hd.n_done.toLocaleString("en-US")}${total} trials`,
      `${hd.n_running} running`,
      `${hd.n_failed} failed`,
    ];
    if (hd.n_pruned) {
      let pruned = `${hd.n_pruned} pruned`;
      if (hd.steps_saved !== null && hd.steps_run !== null && hd.steps_run + hd.steps_saved > 0)
        pruned += ` (saved ${((100 * hd.steps_saved) / (hd.steps_run + hd.steps_saved)).toFixed(0)} % of steps)`;
      parts.push(pruned);
    }
    parts.push(`elapsed ${duration(hd.elapsed)}`);
    if (hd.remaining !== null && state === "running") parts.push(`~${duration(hd.remaining)} left`);
    return parts.join(" · ");
  }

  // ------------------------------------------------------------------ drawing

  private draw(): void {
    const live = this.store.state;
    if (!live) {
      setText(this.title, "nbopt search");
      setText(this.status, this.store.lastError ?? "waiting for the kernel…");
      return;
    }
    // a search that ended can be replayed: the views show it after its first k trials
    this.replay.update(["finished", "stopped", "error"].includes(live.meta.state), 1, live.cols.n);
    const at = this.replay.value;
    const st = at === null ? live : searchAt(live, at);
    const m = st.meta;
    const hd = m.header;
    setText(this.title, m.title);
    const replaying = at === null ? "" : ` · replaying the first ${at} to finish`;
    setText(this.status, this.headerText(hd, m.state) + replaying);
    if (hd.best_number === null) setText(this.best, "best: no complete trial yet");
    else {
      const params = hd.best_params.map(([k, v]) => `${k} = ${v}`).join(", ");
      setText(this.best, `best ${fmt(hd.best_value)} at trial ${hd.best_number}: ${params}`);
    }
    const share = hd.overhead ?? 0;
    this.meterBar.style.width = `${Math.round(Math.max(0, Math.min(1, share)) * 100)}%`;
    setText(
      this.meterText,
      `searcher ${perCall(hd.ask_seconds)} per ask · objective ${perCall(hd.trial_seconds)} per trial` +
        (hd.overhead === null ? "" : ` · searcher share ${(100 * hd.overhead).toFixed(1)} %`),
    );
    const err = m.error ?? this.store.lastError;
    if (this.errorLine.hidden !== !err) this.errorLine.hidden = !err;
    setText(this.errorLine, err ? `error: ${err}` : "");
    const over = ["finished", "stopped", "error"].includes(m.state);
    this.controls.update(m.state, over);
    if (this.moreBtn.disabled !== (m.state === "running"))
      this.moreBtn.disabled = m.state === "running";
    this.updateSelects(st);
    const { possible } = historyLog(st);
    if (this.logBox.disabled !== !possible) this.logBox.disabled = !possible;

    // canvases: at most every DRAW_INTERVAL ms while trials stream in
    const key = [
      this.store.version,
      this.brushVersion,
      this.theme.key,
      this.logBox.checked,
      this.fraction.value,
      this.pair?.join(","),
      this.fitParam,
      this.insideChoice,
      this.surrogateSel.value,
      at,
      document.activeElement === this.parallel ? this.keyAxis : "",
    ].join("|");
    const now = performance.now();
    if (key !== this.drawnKey) {
      if (m.state === "running" && now - this.drawnAt < DRAW_INTERVAL) {
        if (!this.drawTimer)
          this.drawTimer = window.setTimeout(
            () => {
              this.drawTimer = 0;
              this.frames.schedule();
            },
            DRAW_INTERVAL - (now - this.drawnAt),
          );
      } else {
        this.drawnKey = key;
        this.drawnAt = now;
        this.drawPanels(st, now, m.state === "running");
      }
    }
    this.table.update(
      st,
      this.lastMask(st),
      `${this.store.version}|${this.brushVersion}|${at}`,
      hd.best_number,
    );
    const root = this.root;
    setData(root, "theme", this.theme.dark ? "dark" : "light");
    setData(root, "state", m.state);
    setData(root, "trials", String(st.cols.n));
    setData(root, "done", String(hd.n_done));
    setData(root, "failed", String(count(st, FAILED)));
    setData(root, "complete", String(count(st, COMPLETE)));
    setData(root, "shown", String(this.table.shown));
    setData(root, "brushed", String(this.brush.size));
    setData(root, "best", String(hd.best_number ?? ""));
    setData(root, "seq", `${this.store.baseSeq}/${this.store.seq}`);
    setData(root, "replay", at === null ? "" : String(at));
    setData(root, "running", String(st.running.size));
    setData(root, "pruned", String(count(st, PRUNED)));
    const cd = this.curvesDrawn;
    setData(root, "curves", String(cd ? cd.curves : 0));
    setData(root, "live", String(cd ? cd.live : 0));
    setData(root, "thresholds", String(cd ? cd.thresholds : 0));
    const imp = m.importance;
    setData(
      root,
      "importance",
      imp ? imp.names.map((n, i) => `${n}:${imp.shares[i].toFixed(3)}`).join("|") : "",
    );
    setData(root, "importanceBars", String(this.importanceBars));
    setData(
      root,
      "axes",
      [...m.params, m.value_axis].map((a) => `${a.name}:${a.kind}${a.log ? ":log" : ""}`).join("|"),
    );
  }

  private maskCache: { key: string; mask: Uint8Array } = { key: "", mask: new Uint8Array(0) };

  private lastMask(st: SearchState): Uint8Array {
    const key = `${this.store.version}|${this.brushVersion}`;
    if (this.maskCache.key !== key) {
      this.maskCache = { key, mask: brushMask(st, this.brush) };
    }
    return this.maskCache.mask;
  }

  private drawPanels(st: SearchState, now: number, streaming: boolean): void {
    const mask = this.lastMask(st);
    const theme = this.theme;
    drawHistory(
      this.history,
      this.historyLayer,
      st,
      theme,
      HISTORY,
      { log: this.logBox.checked, mask, maskVersion: this.brushVersion },
      bestSoFar(st),
    );
    const fraction = FRACTIONS[Number(this.fraction.value)]?.[1] ?? null;
    const best = st.meta.header.best_number;
    const bestRow = best === null ? null : (st.cols.rowOf.get(best) ?? null);
    // ranking all trials is a sort: it is done only for what needs it (best k %, the lines)
    const parallelDue =
      !streaming || now - this.parallelAt >= Math.max(DRAW_INTERVAL, st.cols.n / 40);
    const ranked = fraction !== null || parallelDue ? rankedRows(st) : null;
    let shown = mask;
    if (fraction !== null && ranked) {
      const keep = bestFraction(st.cols.n, ranked, fraction);
      shown = new Uint8Array(st.cols.n);
      for (let r = 0; r < st.cols.n; r++) shown[r] = mask[r] & keep[r];
    }
    drawScatter(
      this.scatter,
      this.scatterLayer,
      st,
      theme,
      SCATTER,
      this.pair ?? [0, -1],
      shown,
      `${this.brushVersion}|${fraction}|${fraction === null ? "" : this.store.version}`,
      bestRow,
    );
    if (parallelDue && ranked) {
      this.parallelAt = now;
      this.drawParallelPanel(st, ranked, shown, mask, fraction);
    } else if (!this.parallelTimer) {
      // a last drawing once the interval has passed, so the lines never stay behind
      this.parallelTimer = window.setTimeout(
        () => {
          this.parallelTimer = 0;
          this.drawnKey = "";
          this.frames.schedule();
        },
        Math.max(DRAW_INTERVAL, st.cols.n / 40),
      );
    }
    drawColourKey(this.key, st, theme, PARALLEL.w);
    this.importanceBars = drawImportance(this.importance, st.meta.importance, theme, IMPORTANCE_W);
    setText(this.importanceCaption, importanceCaption(st.meta.importance));
    this.drawFitPanel(st, theme);
    const inside = drawsInside(st.inside) ? st.inside : null;
    if (this.insideBox.hidden === (inside !== null)) this.insideBox.hidden = inside === null;
    if (inside) {
      setText(this.insideTitle, insideTitle(inside));
      setText(
        this.insideCaption,
        drawInside(
          this.insideCanvas,
          st,
          inside,
          theme,
          this.insideChoice,
          this.surrogateSel.value as SurrogateField,
        ),
      );
    }
    const surrogate = inside?.meta.kind === "surrogate";
    if (this.surrogateSel.hidden === surrogate) this.surrogateSel.hidden = !surrogate;
    setData(
      this.root,
      "surrogate",
      inside && surrogate ? surrogateDrawn(inside, this.surrogateSel.value as SurrogateField) : "",
    );
    setData(this.root, "inside", inside ? `${inside.meta.kind}:${inside.meta.pair.join(",")}` : "");
    const gd = inside?.meta.kind === "generations" ? generationsDrawn(this.insideCanvas) : null;
    setData(this.root, "generations", gd ? String(gd.generations) : "");
    setData(this.root, "generationChild", gd ? `${gd.child}:${gd.parents.join(",")}` : "");
    const curves = hasCurves(st);
    if (this.curvesBox.hidden === curves) this.curvesBox.hidden = !curves;
    if (curves) {
      this.curvesDrawn = drawCurves(this.curves, st, theme, CURVES, mask, bestRow);
      const caption = curvesCaption(st, this.curvesDrawn);
      setText(this.curvesCaption, caption.text);
      if (this.curvesCaption.title !== caption.title) this.curvesCaption.title = caption.title;
    }
  }

  /** The train and validation view, when the trials report a train value. */
  private drawFitPanel(st: SearchState, theme: Theme): void {
    const has = trainMetric(st.meta.metric_names) >= 0 && st.meta.params.length > 0;
    if (this.fitBox.hidden === has) this.fitBox.hidden = !has;
    if (!has) return;
    const names = st.meta.params.map((a) => a.name);
    const key = names.join("\u0000");
    if (key !== this.fitKey) {
      this.fitKey = key;
      this.fitSel.replaceChildren(
        ...names.map((n, j) => {
          const o = h("option", "", n);
          o.value = String(j);
          return o;
        }),
      );
    }
    // the most important parameter, until the user picks one
    const top = st.meta.importance ? names.indexOf(st.meta.importance.names[0]) : 0;
    const param = this.fitParam ?? Math.max(0, top);
    if (this.fitSel.value !== String(param)) this.fitSel.value = String(param);
    const fit = fitOf(st, param);
    if (fit) drawFit(this.fit, st, fit, theme, FIT);
    setText(
      this.fitCaption,
      fit
        ? `train: ${st.meta.metric_names[fit.metric]}; validation: the value · medians of ${fit.px.length.toLocaleString("en-US")} trials in ${fit.x.length} groups; shaded: the gap`
        : "",
    );
    setData(this.root, "fit", fit ? `${names[param]}:${fit.x.length}:${fit.best}` : "");
  }

  /**
   * The parallel coordinates: a full drawing of up to MAX_LINES lines. While trials stream
   * in it is redrawn less often the more trials there are (every n / 40 ms: a second at
   * 40,000 trials), since ranking them all costs a sort.
   */
  private drawParallelPanel(
    st: SearchState,
    ranked: Int32Array,
    shown: Uint8Array,
    mask: Uint8Array,
    fraction: number | null,
  ): void {
    this.layout = parallelLayout(st, PARALLEL);
    const { rows, all } = linesToDraw(ranked, shown);
    const failed: number[] = [];
    if (fraction === null) {
      for (let r = 0; r < st.cols.n; r++) {
        if (mask[r] && (st.cols.state[r] === FAILED || st.cols.state[r] === PRUNED)) failed.push(r);
      }
    }
    const focus = document.activeElement === this.parallel ? this.keyAxis : null;
    drawParallel(
      this.parallel,
      st,
      this.theme,
      PARALLEL,
      this.layout,
      rows,
      failed,
      this.brush,
      focus,
    );
    const complete = count(st, COMPLETE);
    setText(
      this.parallelCaption,
      rows.length < all
        ? `${rows.length.toLocaleString("en-US")} lines drawn of ${all.toLocaleString("en-US")} (the best half and an even sample of the rest)`
        : `${all.toLocaleString("en-US")} of ${complete.toLocaleString("en-US")} complete trials`,
    );
  }
}

function count(st: SearchState, code: number): number {
  let n = 0;
  for (let r = 0; r < st.cols.n; r++) if (st.cols.state[r] === code) n++;
  return n;
}

// The optimizer race view: landscape with trajectories, loss curves, data panel, table.
import type { AnyModel } from "@anywidget/types";
import { contours } from "d3-contour";
import { ControlBar } from "../core/controls";
import {
  axes,
  colourBar,
  cross,
  FrameScheduler,
  h,
  line,
  readTheme,
  safeColour,
  setData,
  setText,
  sizeCanvas,
  star,
  type Theme,
  viewRoot,
  watchTheme,
} from "../core/draw";
import {
  ColumnLine,
  exitOnBorder,
  fmt,
  fromLogSlider,
  gridToData,
  LANDSCAPE_COLORMAP,
  LANDSCAPE_COLORMAP_DARK,
  landscapePixels,
  logTicks,
  lossDomain,
  lossScale,
  lossValue,
  pathChecksum,
  planeScales,
  type Rect,
  type Scale,
  snapDomain,
  TrackedPen,
  toLogSlider,
} from "../core/maths";
import { ReplayBar } from "../core/replay";
import type { ControlMsg, Model, Vec2 } from "./protocol";
import { pathPoints, type RaceState, type RaceStore, raceAt, type Trace } from "./store";

const LAND_CSS = { w: 430, h: 390 };
const LOSS_CSS = { w: 370, h: 220 };
const DATA_CSS = { w: 370, h: 180 };

/** What the landscape and the marks drawn on it are inked with, on a light or a dark page. */
interface LandInk {
  /** colour map, low loss to high */
  stops: readonly string[];
  contour: string;
  /** under each path: keeps it apart from the isolines and the map */
  halo: string;
  /** the keyboard cursor's cross-hair */
  cursor: string;
}

const LIGHT_INK: LandInk = {
  stops: LANDSCAPE_COLORMAP,
  contour: "rgba(40, 48, 80, 0.30)",
  halo: "rgba(255,255,255,0.75)",
  cursor: "#111111",
};

// a light halo on a dark map glares: the paths get a dark one, the isolines are light
const DARK_INK: LandInk = {
  stops: LANDSCAPE_COLORMAP_DARK,
  contour: "rgba(200, 210, 240, 0.24)",
  halo: "rgba(8, 10, 14, 0.7)",
  cursor: "#eeeeee",
};
/** While a run streams, the numbers in text (step, losses) change at most this often (ms):
 * text changes cost the page a layout and a paint, and nobody reads faster. */
const TEXT_INTERVAL = 125;

function statusText(t: Trace): string {
  if (t.status === "diverged") return `diverged at step ${t.diverged_at ?? t.step}`;
  if (t.status === "error") return `error at step ${t.step}`;
  if (t.status === "converged") return `converged at step ${t.converged_at ?? t.step}`;
  if (t.status === "max_steps") return "finished";
  return t.status;
}

interface Row {
  tr: HTMLTableRowElement;
  swatch: HTMLSpanElement;
  name: HTMLSpanElement;
  status: HTMLTableCellElement;
  step: HTMLTableCellElement;
  loss: HTMLTableCellElement;
  val: HTMLTableCellElement;
  lr: HTMLInputElement;
  lrText: HTMLSpanElement;
  lrTimer: number;
  /** learning rate the slider shows (set from the kernel), to skip unchanged updates */
  lrShown: number | null;
}

export class RaceView {
  readonly root: HTMLDivElement;
  private title: HTMLSpanElement;
  private status: HTMLSpanElement;
  private errorLine: HTMLDivElement;
  private controls: ControlBar;
  private replay: ReplayBar;
  private land: HTMLCanvasElement;
  private landCaption: HTMLDivElement;
  private loss: HTMLCanvasElement;
  private data: HTMLCanvasElement;
  private dataBox: HTMLDivElement;
  private tbody: HTMLTableSectionElement;
  private valHead: HTMLTableCellElement;
  private rows: Row[] = [];
  private rowsKey = "";
  private bg: HTMLCanvasElement | null = null;
  private bgKey = "";
  private trail: HTMLCanvasElement | null = null;
  private ink: HTMLCanvasElement | null = null;
  private lossKey = "";
  /** per trace: last step on the loss canvas, and per curve its last vertex and dash length */
  private lossDrawn: { step: number; ends: (Vec2 | null)[]; dash: number[] }[] = [];
  private trailKey = "";
  /** per trace: step and canvas position of the last point on the trail layer */
  private drawn: { step: number; x: number; y: number }[] = [];
  private theme: Theme;
  private frames = new FrameScheduler(() => this.draw());
  private cursor: Vec2 | null = null;
  private cleanups: (() => void)[] = [];
  private plotRect: Rect = { x: 56, y: 14, w: 330, h: 346 };
  private textAt = Number.NEGATIVE_INFINITY;
  private textTimer = 0;
  private textState = "";
  /** the replayed step the layers hold ("end": the run as it is) */
  private replayKey = "end";

  constructor(
    el: HTMLElement,
    private model: AnyModel<Model>,
    private store: RaceStore,
  ) {
    const top = viewRoot(el, "nbopt-race");
    this.root = top.root;
    this.title = top.title;
    this.status = top.status;
    const head = top.head;

    this.controls = new ControlBar(model, (msg) => this.send(msg), { unit: "steps/s" });
    const controls = this.controls.el;
    this.replay = new ReplayBar("step", () => this.schedule());

    this.errorLine = h("div", "nbopt-error");
    this.errorLine.hidden = true;

    const panels = h("div", "nbopt-panels");
    const landBox = h("div", "nbopt-panel nbopt-land");
    this.land = h("canvas");
    this.land.tabIndex = 0;
    this.land.setAttribute("role", "img");
    this.land.setAttribute("aria-label", "loss landscape: click or press Enter to set a new start");
    this.landCaption = h("div", "nbopt-caption");
    landBox.append(this.land, this.landCaption);
    const side = h("div", "nbopt-side");
    const lossBox = h("div", "nbopt-panel");
    this.loss = h("canvas");
    this.loss.setAttribute("role", "img");
    this.loss.setAttribute("aria-label", "loss against step");
    lossBox.append(this.loss);
    this.dataBox = h("div", "nbopt-panel");
    this.data = h("canvas");
    this.data.setAttribute("role", "img");
    this.data.setAttribute("aria-label", "data and fitted lines");
    this.dataBox.append(this.data);
    this.dataBox.hidden = true;
    side.append(lossBox, this.dataBox);
    panels.append(landBox, side);

    const table = h("table", "nbopt-legend");
    const thead = h("thead");
    const hr = h("tr");
    this.valHead = h("th", "", "val. loss");
    for (const [i, name] of ["optimizer", "status", "step", "loss"].entries()) {
      const th = h("th", i >= 2 ? "nbopt-num" : "", name);
      hr.append(th);
    }
    this.valHead.className = "nbopt-num";
    hr.append(this.valHead, h("th", "", "learning rate"));
    thead.append(hr);
    this.tbody = h("tbody");
    table.append(thead, this.tbody);

    this.root.append(head, controls, this.replay.el, this.errorLine, panels, table);
    this.theme = readTheme(this.root);

    this.bind();
    this.schedule();
  }

  private send(msg: ControlMsg): void {
    this.model.send(msg);
  }

  private bind(): void {
    const on = <E extends Event>(t: EventTarget, ev: string, fn: (e: E) => void) => {
      t.addEventListener(ev, fn as EventListener);
      this.cleanups.push(() => t.removeEventListener(ev, fn as EventListener));
    };
    on<MouseEvent>(this.land, "click", (e) => {
      const r = this.land.getBoundingClientRect();
      const x = ((e.clientX - r.left) * LAND_CSS.w) / r.width;
      const y = ((e.clientY - r.top) * LAND_CSS.h) / r.height;
      const p = this.toData(x, y);
      if (p) this.setStart(p);
    });
    on<KeyboardEvent>(this.land, "keydown", (e) => this.onLandKey(e));
    // keys that move our sliders or press our buttons are ours: JupyterLab's notebook
    // shortcuts (command mode) would otherwise take them and cancel their default action
    this.controls.trapKeys(this.root);
    on(this.land, "blur", () => {
      this.cursor = null;
      this.schedule();
    });
    const unsub = this.store.subscribe(() => this.schedule());
    this.cleanups.push(unsub);
    this.cleanups.push(watchTheme(() => this.recheckTheme()));
  }

  private recheckTheme(): void {
    const t = readTheme(this.root);
    if (t.key !== this.theme.key) {
      this.theme = t;
      this.bgKey = "";
      this.schedule();
    }
  }

  private onLandKey(e: KeyboardEvent): void {
    const st = this.store.state;
    if (st?.meta.dim !== 2) return;
    const [[x0, x1], [y0, y1]] = st.meta.view;
    const c: Vec2 = this.cursor ?? [...st.start];
    const dx = (x1 - x0) / 40;
    const dy = (y1 - y0) / 40;
    const moves: Record<string, Vec2> = {
      ArrowLeft: [-dx, 0],
      ArrowRight: [dx, 0],
      ArrowUp: [0, dy],
      ArrowDown: [0, -dy],
    };
    if (e.key in moves) {
      const m = moves[e.key];
      this.cursor = [
        Math.min(x1, Math.max(x0, c[0] + m[0])),
        Math.min(y1, Math.max(y0, c[1] + m[1])),
      ];
      e.preventDefault();
      this.schedule();
    } else if ((e.key === "Enter" || e.key === " ") && this.cursor) {
      this.setStart(this.cursor);
      this.cursor = null;
      e.preventDefault();
    } else if (e.key === "Escape") {
      this.cursor = null;
      this.schedule();
    }
  }

  private setStart(p: Vec2): void {
    if (this.store.state?.meta.dim !== 2) return;
    this.send({ type: "set_start", x: p[0], y: p[1] });
  }

  private toData(px: number, py: number): Vec2 | null {
    const st = this.store.state;
    if (!st) return null;
    const r = this.plotRect;
    if (px < r.x || px > r.x + r.w || py < r.y || py > r.y + r.h) return null;
    const { sx, sy } = planeScales(st.meta.view, r);
    return [sx.invert(px), sy.invert(py)];
  }

  schedule(): void {
    this.frames.schedule();
  }

  destroy(): void {
    this.frames.cancel();
    this.controls.destroy();
    for (const c of this.cleanups) c();
    for (const r of this.rows) window.clearTimeout(r.lrTimer);
    window.clearTimeout(this.textTimer);
    this.root.remove();
  }

  // ------------------------------------------------------------------ drawing

  private draw(): void {
    const live = this.store.state;
    const root = this.root;
    if (!live) {
      this.title.textContent = "nbopt";
      this.status.textContent = this.store.lastError ?? "waiting for the kernel…";
      root.dataset.points = "0";
      return;
    }
    // a run that is not running can be replayed: the views show it as it was at a step
    this.replay.update(live.meta.state !== "running", 0, live.meta.step);
    const at = this.replay.value;
    const st = at === null ? live : raceAt(live, at);
    this.replayKey = at === null ? "end" : String(at);
    const m = st.meta;
    setText(this.title, m.problem);
    const numbers = this.textDue(m.state);
    const where = m.dim > 2 ? ` · ${m.dim} parameters` : "";
    const shownAt = at === null ? "" : ` · replaying step ${at}`;
    if (numbers)
      setText(
        this.status,
        `${m.state} · step ${live.meta.step} / ${m.total_steps}${where}${shownAt}`,
      );
    const err = m.error ?? this.store.lastError;
    if (this.errorLine.hidden !== !err) this.errorLine.hidden = !err;
    setText(this.errorLine, err ? `error: ${err}` : "");
    this.controls.update(m.state, m.state === "finished");
    setText(
      this.landCaption,
      m.dim > 2
        ? `Projection of the trajectories onto the plane of their two main directions (PCA), ${m.dim} parameters.`
        : "Click (or focus and use the arrow keys + Enter) to start from another point.",
    );
    this.drawLandscape(st);
    this.drawLoss(st);
    if (this.dataBox.hidden !== !st.data) this.dataBox.hidden = !st.data;
    // the fitted lines are those of the last step: a replay shows the data alone
    if (st.data) this.drawData(st, at === null);
    this.updateRows(st, numbers);
    const gaps = st.traces.map((t) => maxGap(t.path));
    setData(root, "theme", this.theme.dark ? "dark" : "light");
    setData(root, "step", String(m.step));
    setData(root, "state", m.state);
    setData(root, "points", String(pathPoints(live)));
    setData(root, "epoch", String(this.store.epoch));
    setData(root, "statuses", st.traces.map((t) => t.status).join(","));
    setData(root, "checksum", pathChecksum(st.traces.map((t) => t.path)));
    setData(root, "gap", String(Math.max(0, ...gaps)));
    setData(root, "gaps", gaps.join(","));
    setData(root, "seq", `${this.store.baseSeq}/${this.store.seq}`);
    setData(root, "replay", at === null ? "" : String(at));
    setData(root, "shownPoints", String(pathPoints(st)));
  }

  private background(st: RaceState, dpr: number): HTMLCanvasElement {
    const key = `${this.store.layoutVersion}|${this.theme.key}|${dpr}`;
    if (this.bg && key === this.bgKey) return this.bg;
    const bg = this.bg ?? document.createElement("canvas");
    const ctx = sizeCanvas(bg, LAND_CSS.w, LAND_CSS.h, dpr);
    const t = this.theme;
    const m = st.meta;
    const land = st.landscape;
    const r: Rect = {
      x: 58,
      y: 12,
      w: LAND_CSS.w - 58 - (land ? 84 : 14),
      h: LAND_CSS.h - 12 - 44,
    };
    this.plotRect = r;
    ctx.fillStyle = t.bg;
    ctx.fillRect(0, 0, LAND_CSS.w, LAND_CSS.h);
    const { sx, sy } = planeScales(m.view, r);
    if (land) {
      const nx = land.x.length;
      const ny = land.y.length;
      const img = document.createElement("canvas");
      img.width = nx;
      img.height = ny;
      const ictx = img.getContext("2d");
      if (ictx) {
        const px = landscapePixels(
          land.z,
          nx,
          ny,
          land.log,
          land.floor,
          land.z_range,
          this.landInk().stops,
        );
        ictx.putImageData(new ImageData(px, nx, ny), 0, 0);
        ctx.imageSmoothingEnabled = true;
        // pixel centres sit on the grid samples: stretch half a cell beyond each border
        const x0 = sx(land.x[0]);
        const x1 = sx(land.x[nx - 1]);
        const y0 = sy(land.y[ny - 1]);
        const y1 = sy(land.y[0]);
        const cw = (x1 - x0) / (nx - 1);
        const chh = (y1 - y0) / (ny - 1);
        ctx.save();
        ctx.beginPath();
        ctx.rect(r.x, r.y, r.w, r.h);
        ctx.clip();
        ctx.drawImage(img, x0 - cw / 2, y0 - chh / 2, x1 - x0 + cw, y1 - y0 + chh);
        this.drawContours(ctx, st, sx, sy);
        ctx.restore();
      }
      this.drawColourBar(ctx, st, r);
    } else {
      ctx.fillStyle = t.panel;
      ctx.fillRect(r.x, r.y, r.w, r.h);
      ctx.strokeStyle = t.border;
      ctx.globalAlpha = 0.5;
      ctx.lineWidth = 1;
      for (const v of sx.ticks(6)) line(ctx, sx(v), r.y, sx(v), r.y + r.h);
      for (const v of sy.ticks(6)) line(ctx, r.x, sy(v), r.x + r.w, sy(v));
      ctx.globalAlpha = 1;
    }
    ctx.strokeStyle = t.border;
    ctx.lineWidth = 1;
    ctx.strokeRect(r.x + 0.5, r.y + 0.5, r.w - 1, r.h - 1);
    axes(ctx, this.theme, r, sx, sy, m.axis_labels[0], m.axis_labels[1], false);
    this.bg = bg;
    this.bgKey = key;
    return bg;
  }

  /** The landscape's inks for the page's theme (the layers are redrawn when it changes). */
  private landInk(): LandInk {
    return this.theme.dark ? DARK_INK : LIGHT_INK;
  }

  private drawContours(ctx: CanvasRenderingContext2D, st: RaceState, sx: Scale, sy: Scale): void {
    const land = st.landscape;
    if (!land || land.levels.length === 0) return;
    const nx = land.x.length;
    const ny = land.y.length;
    const values = Array.from(land.z, (v) => (Number.isFinite(v) ? v : Number.NaN));
    const gen = contours().size([nx, ny]).thresholds(Array.from(land.levels));
    ctx.strokeStyle = this.landInk().contour;
    ctx.lineWidth = 0.8;
    for (const geo of gen(values)) {
      ctx.beginPath();
      for (const poly of geo.coordinates) {
        for (const ring of poly) {
          ring.forEach(([gx, gy], i) => {
            const X = sx(gridToData(gx, land.x));
            const Y = sy(gridToData(gy, land.y));
            if (i === 0) ctx.moveTo(X, Y);
            else ctx.lineTo(X, Y);
          });
        }
      }
      ctx.stroke();
    }
  }

  private drawColourBar(ctx: CanvasRenderingContext2D, st: RaceState, r: Rect): void {
    const land = st.landscape;
    if (!land) return;
    const [lo, hi] = land.z_range;
    const range: [number, number] = land.log ? [lo - land.floor, hi - land.floor] : [lo, hi];
    const s = lossScale(range, land.log, [r.y + r.h, r.y]);
    const offset = land.log && land.floor !== 0 ? ` − (${fmt(land.floor)})` : "";
    const title = land.log ? `loss${offset} (log scale)` : "loss";
    const bar = { x: r.x + r.w + 14, y: r.y, w: 12, h: r.h };
    colourBar(ctx, this.theme, bar, this.landInk().stops, s, land.log, title, LAND_CSS.w - 6);
  }

  /**
   * Every trajectory drawn so far, kept between frames on two layers: the landscape with
   * the paths' light halos, and the paths' colours above it (so no halo ever covers a
   * path). A frame only appends the segments that arrived since the last one; both are
   * redrawn in full when the layout (snapshot, projection, reset), the theme or the pixel
   * ratio changes.
   */
  private trails(st: RaceState, dpr: number): [HTMLCanvasElement, HTMLCanvasElement] {
    const bg = this.background(st, dpr);
    const halo = this.landInk().halo;
    // a replayed step is drawn in full (a few thousand segments at most)
    const key = `${this.bgKey}|${this.store.epoch}|${this.store.baseSeq}|${this.replayKey}`;
    const under = this.trail ?? document.createElement("canvas");
    const over = this.ink ?? document.createElement("canvas");
    this.trail = under;
    this.ink = over;
    const full = key !== this.trailKey || this.drawn.length !== st.traces.length;
    const ctx = sizeCanvas(under, LAND_CSS.w, LAND_CSS.h, dpr);
    const ink = sizeCanvas(over, LAND_CSS.w, LAND_CSS.h, dpr);
    if (full) {
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.globalCompositeOperation = "copy";
      ctx.drawImage(bg, 0, 0);
      ctx.globalCompositeOperation = "source-over";
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      ink.clearRect(0, 0, LAND_CSS.w, LAND_CSS.h);
      this.trailKey = key;
      this.drawn = st.traces.map(() => ({ step: -1, x: Number.NaN, y: Number.NaN }));
    }
    const r = this.plotRect;
    const { sx, sy } = planeScales(st.meta.view, r);
    for (const c of [ctx, ink]) {
      c.save();
      c.beginPath();
      c.rect(r.x, r.y, r.w, r.h);
      c.clip();
      c.lineJoin = "round";
      c.lineCap = "round";
    }
    st.traces.forEach((t, k) => {
      const p = t.path;
      const last = this.drawn[k];
      if (p.length === 0 || p.lastStep <= last.step) return;
      // points after the last one drawn (steps are increasing)
      let i = p.length;
      while (i > 0 && p.steps[i - 1] > last.step) i--;
      const path = new Path2D();
      const from = last.step >= 0;
      if (from) path.moveTo(last.x, last.y);
      for (let j = i; j < p.length; j++) {
        const X = sx(p.value(j, 0));
        const Y = sy(p.value(j, 1));
        if (j === i && !from) path.moveTo(X, Y);
        else path.lineTo(X, Y);
      }
      // a continued halo gets no cap where it joins: translucent caps would pile up there
      ctx.lineCap = from ? "butt" : "round";
      ctx.strokeStyle = halo;
      ctx.lineWidth = 4;
      ctx.stroke(path);
      ink.strokeStyle = t.colour;
      ink.lineWidth = 2;
      ink.stroke(path);
      this.drawn[k] = {
        step: p.lastStep,
        x: sx(p.value(p.length - 1, 0)),
        y: sy(p.value(p.length - 1, 1)),
      };
    });
    ctx.restore();
    ink.restore();
    return [under, over];
  }

  private drawLandscape(st: RaceState): void {
    const dpr = window.devicePixelRatio || 1;
    const ink = this.landInk();
    const [under, over] = this.trails(st, dpr);
    const ctx = sizeCanvas(this.land, LAND_CSS.w, LAND_CSS.h, dpr);
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.globalCompositeOperation = "copy";
    ctx.drawImage(under, 0, 0);
    ctx.globalCompositeOperation = "source-over";
    ctx.drawImage(over, 0, 0);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    const r = this.plotRect;
    const m = st.meta;
    const { sx, sy } = planeScales(m.view, r);
    ctx.save();
    ctx.beginPath();
    ctx.rect(r.x, r.y, r.w, r.h);
    ctx.clip();
    ctx.lineJoin = "round";
    ctx.lineCap = "round";
    // from the last streamed path point to where the optimizer is now
    for (const t of st.traces) {
      const p = t.path;
      const q = t.point;
      if (p.length === 0 || !q || !Number.isFinite(q[0]) || !Number.isFinite(q[1])) continue;
      const X0 = sx(p.value(p.length - 1, 0));
      const Y0 = sy(p.value(p.length - 1, 1));
      const X1 = sx(q[0]);
      const Y1 = sy(q[1]);
      if (X0 === X1 && Y0 === Y1) continue;
      ctx.lineCap = "butt";
      ctx.strokeStyle = ink.halo;
      ctx.lineWidth = 4;
      line(ctx, X0, Y0, X1, Y1);
      ctx.lineCap = "round";
      ctx.strokeStyle = t.colour;
      ctx.lineWidth = 2;
      line(ctx, X0, Y0, X1, Y1);
    }
    // known minima (stars) above the paths that reach them
    for (const p of st.minima) star(ctx, sx(p[0]), sy(p[1]), 7, "#ffd23f", "#3a3a3a", r);
    // start
    const s0 = sx(st.start[0]);
    const s1 = sy(st.start[1]);
    ctx.fillStyle = "#ffffff";
    ctx.strokeStyle = "#222222";
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    ctx.rect(s0 - 4.5, s1 - 4.5, 9, 9);
    ctx.fill();
    ctx.stroke();
    // current points
    for (const t of st.traces) {
      const q = t.point;
      if (!q || !Number.isFinite(q[0]) || !Number.isFinite(q[1]) || t.status === "diverged")
        continue;
      ctx.beginPath();
      ctx.arc(sx(q[0]), sy(q[1]), 5, 0, 2 * Math.PI);
      ctx.fillStyle = t.colour;
      ctx.fill();
      ctx.strokeStyle = "#ffffff";
      ctx.lineWidth = 1.5;
      ctx.stroke();
    }
    ctx.restore();
    // diverged runs: a cross where the path left the view, and the step
    ctx.font = `bold 11px ${this.theme.font}`;
    let labelRow = 0;
    for (const t of st.traces) {
      if (t.status !== "diverged") continue;
      let e = t.exit;
      if (!e && t.path.length) {
        const last: Vec2 = [t.path.value(t.path.length - 1, 0), t.path.value(t.path.length - 1, 1)];
        e = t.point ? exitOnBorder(last, t.point, m.view) : null;
        e = e ?? last;
      }
      if (!e) continue;
      const X = Math.min(r.x + r.w - 6, Math.max(r.x + 6, sx(e[0])));
      const Y = Math.min(r.y + r.h - 6, Math.max(r.y + 6, sy(e[1])));
      ctx.strokeStyle = "#ffffff";
      ctx.lineWidth = 5;
      cross(ctx, X, Y, 6);
      ctx.strokeStyle = t.colour;
      ctx.lineWidth = 2.5;
      cross(ctx, X, Y, 6);
      const label = `${t.name}: diverged at step ${t.diverged_at ?? t.step}`;
      const tw = ctx.measureText(label).width;
      const lx = Math.min(r.x + r.w - tw - 6, Math.max(r.x + 4, X - tw / 2));
      const ly = r.y + 6 + labelRow * 16;
      labelRow++;
      ctx.globalAlpha = 0.85;
      ctx.fillStyle = this.theme.bg;
      ctx.fillRect(lx - 3, ly - 1, tw + 6, 15);
      ctx.globalAlpha = 1;
      ctx.fillStyle = this.theme.fg;
      ctx.textAlign = "left";
      ctx.textBaseline = "top";
      ctx.fillText(label, lx, ly);
    }
    if (this.cursor) {
      const X = sx(this.cursor[0]);
      const Y = sy(this.cursor[1]);
      ctx.strokeStyle = ink.cursor;
      ctx.lineWidth = 1;
      ctx.setLineDash([3, 3]);
      line(ctx, X, r.y, X, r.y + r.h);
      line(ctx, r.x, Y, r.x + r.w, Y);
      ctx.setLineDash([]);
    }
  }

  /**
   * Loss against step. The canvas keeps what it drew: a frame appends the points that
   * arrived since the last one. The y-domain is snapped (quarter decades, or nice linear
   * units), so it moves only now and then; the panel is redrawn in full when it does, and
   * on a snapshot, reset, theme or pixel-ratio change.
   */
  private drawLoss(st: RaceState): void {
    const dpr = window.devicePixelRatio || 1;
    const ctx = sizeCanvas(this.loss, LOSS_CSS.w, LOSS_CSS.h, dpr);
    const t = this.theme;
    const m = st.meta;
    const r: Rect = { x: 60, y: 22, w: LOSS_CSS.w - 80, h: LOSS_CSS.h - 22 - 42 };
    const log = m.loss.log;
    const off = m.loss.offset;
    const cols: Float64Array[] = [];
    const starts: number[] = [];
    for (const tr of st.traces) {
      const n = tr.losses.length;
      // loss and validation loss interleaved: the domain reads both, no copy needed
      cols.push(tr.losses.values.subarray(0, n * tr.losses.width));
      if (n) starts.push(tr.losses.value(0, 0));
    }
    const dom = snapDomain(lossDomain(cols, starts, off, log), log);
    const sx = scaleStep(m.total_steps, r);
    const sy = lossScale(dom, log, [r.y + r.h, r.y]);
    const kinds = m.has_validation ? [0, 1] : [0];
    const key = [
      dom[0],
      dom[1],
      t.key,
      dpr,
      this.store.epoch,
      this.store.baseSeq,
      this.store.layoutVersion,
      m.total_steps,
      m.has_validation,
      log,
      off,
      m.loss.label,
      st.traces.length,
      this.replayKey,
    ].join("|");
    if (key !== this.lossKey) {
      this.lossKey = key;
      this.lossDrawn = st.traces.map(() => ({
        step: -1,
        ends: kinds.map(() => null),
        dash: kinds.map(() => 0),
      }));
      ctx.fillStyle = t.bg;
      ctx.fillRect(0, 0, LOSS_CSS.w, LOSS_CSS.h);
      ctx.strokeStyle = t.border;
      ctx.globalAlpha = 0.5;
      for (const v of log ? logTicks(sy, 5).map((t) => t.value) : sy.ticks(5)) {
        line(ctx, r.x, Math.round(sy(v)) + 0.5, r.x + r.w, Math.round(sy(v)) + 0.5);
      }
      ctx.globalAlpha = 1;
      ctx.strokeRect(r.x + 0.5, r.y + 0.5, r.w - 1, r.h - 1);
      axes(
        ctx,
        this.theme,
        r,
        sx,
        sy,
        "step",
        m.loss.label + (log ? " (log scale)" : ""),
        log,
        "~s",
      );
      if (m.has_validation) {
        ctx.font = `10px ${t.font}`;
        ctx.fillStyle = t.fg2;
        ctx.strokeStyle = t.fg2;
        ctx.textAlign = "left";
        ctx.textBaseline = "middle";
        line(ctx, r.x + 4, 10, r.x + 22, 10);
        ctx.fillText("training", r.x + 26, 10);
        ctx.setLineDash([5, 4]);
        line(ctx, r.x + 84, 10, r.x + 102, 10);
        ctx.setLineDash([]);
        ctx.fillText("validation", r.x + 106, 10);
      }
    }
    const floor = log ? dom[0] : Number.NEGATIVE_INFINITY;
    ctx.save();
    ctx.beginPath();
    ctx.rect(r.x, r.y - 2, r.w, r.h + 4);
    ctx.clip();
    ctx.lineJoin = "round";
    st.traces.forEach((tr, j) => {
      const s = tr.losses;
      const done = this.lossDrawn[j];
      if (!done || s.length === 0 || s.lastStep <= done.step) return;
      let i0 = s.length;
      while (i0 > 0 && s.steps[i0 - 1] > done.step) i0--;
      kinds.forEach((k, c) => {
        ctx.beginPath();
        // thousands of points on a few hundred pixel columns: per column only its first,
        // lowest, highest and last point are drawn (the same ink, far fewer segments)
        const pen = new TrackedPen(ctx);
        const line = new ColumnLine(pen);
        const end = done.ends[c];
        if (end) line.start(end[0], end[1]);
        for (let i = i0; i < s.length; i++) {
          const v = s.value(i, k);
          if (Number.isNaN(v)) {
            line.lift();
            continue;
          }
          const y = sy(lossValue(Number.isFinite(v) ? v : Number.MAX_VALUE, off, log, floor));
          line.add(sx(s.steps[i]), y);
        }
        line.lift();
        const last = s.value(s.length - 1, k);
        done.ends[c] = Number.isNaN(last) ? null : pen.last;
        // dashes continue where the previous piece of the curve ended
        ctx.setLineDash(k ? [5, 4] : []);
        ctx.lineDashOffset = done.dash[c];
        done.dash[c] += pen.length;
        ctx.strokeStyle = tr.colour;
        ctx.lineWidth = k ? 1.5 : 2;
        ctx.stroke();
      });
      done.step = s.lastStep;
    });
    ctx.setLineDash([]);
    ctx.lineDashOffset = 0;
    ctx.restore();
  }

  private drawData(st: RaceState, lines: boolean): void {
    const d = st.data;
    if (!d) return;
    const dpr = window.devicePixelRatio || 1;
    const ctx = sizeCanvas(this.data, DATA_CSS.w, DATA_CSS.h, dpr);
    const t = this.theme;
    ctx.fillStyle = t.bg;
    ctx.fillRect(0, 0, DATA_CSS.w, DATA_CSS.h);
    const r: Rect = { x: 60, y: 10, w: DATA_CSS.w - 80, h: DATA_CSS.h - 10 - 42 };
    const xs = [...d.x, ...(d.xv ?? []), ...d.lineX];
    const ys = [...d.y, ...(d.yv ?? [])];
    const ylo = Math.min(...ys);
    const yhi = Math.max(...ys);
    const pad = (yhi - ylo || 1) * 0.15;
    const { sx, sy } = planeScales(
      [
        [Math.min(...xs), Math.max(...xs)],
        [ylo - pad, yhi + pad],
      ],
      r,
    );
    ctx.strokeStyle = t.border;
    ctx.strokeRect(r.x + 0.5, r.y + 0.5, r.w - 1, r.h - 1);
    ctx.save();
    ctx.beginPath();
    ctx.rect(r.x, r.y, r.w, r.h);
    ctx.clip();
    ctx.fillStyle = t.fg2;
    ctx.globalAlpha = 0.6;
    for (let i = 0; i < d.x.length; i++) {
      ctx.beginPath();
      ctx.arc(sx(d.x[i]), sy(d.y[i]), 2.5, 0, 2 * Math.PI);
      ctx.fill();
    }
    ctx.globalAlpha = 1;
    if (d.xv && d.yv) {
      ctx.strokeStyle = t.fg2;
      ctx.lineWidth = 1;
      for (let i = 0; i < d.xv.length; i++) {
        ctx.beginPath();
        ctx.arc(sx(d.xv[i]), sy(d.yv[i]), 2.5, 0, 2 * Math.PI);
        ctx.stroke();
      }
    }
    for (const tr of lines ? st.traces : []) {
      const ly = tr.lineY;
      if (!ly || ly.length !== d.lineX.length) continue;
      ctx.beginPath();
      for (let i = 0; i < ly.length; i++) {
        const X = sx(d.lineX[i]);
        const Y = sy(ly[i]);
        if (i === 0) ctx.moveTo(X, Y);
        else ctx.lineTo(X, Y);
      }
      ctx.strokeStyle = tr.colour;
      ctx.lineWidth = 2;
      ctx.stroke();
    }
    ctx.restore();
    const labels = st.meta.data;
    axes(ctx, this.theme, r, sx, sy, labels?.x_label ?? "x", labels?.y_label ?? "y", false);
    if (d.xv) {
      ctx.font = `10px ${t.font}`;
      ctx.fillStyle = t.fg2;
      ctx.textAlign = "right";
      ctx.textBaseline = "top";
      ctx.fillText("● training  ○ validation", r.x + r.w - 4, r.y + 4);
    }
  }

  /**
   * Whether the text numbers are redrawn in this frame: always when the state changes or
   * the run is not streaming, else at most every TEXT_INTERVAL ms, with a last redraw
   * after the interval so the numbers never stay behind the drawing.
   */
  private textDue(state: string): boolean {
    const now = performance.now();
    if (state === this.textState && state === "running" && now - this.textAt < TEXT_INTERVAL) {
      if (!this.textTimer) {
        this.textTimer = window.setTimeout(
          () => {
            this.textTimer = 0;
            this.schedule();
          },
          TEXT_INTERVAL - (now - this.textAt),
        );
      }
      return false;
    }
    this.textState = state;
    this.textAt = now;
    return true;
  }

  private updateRows(st: RaceState, numbers: boolean): void {
    const key = st.traces.map((t) => `${t.name}\u0000${t.colour}`).join("\u0001");
    if (key !== this.rowsKey) {
      for (const r of this.rows) window.clearTimeout(r.lrTimer);
      this.tbody.replaceChildren();
      this.rows = st.traces.map((t) => this.makeRow(t));
      this.rowsKey = key;
    }
    this.valHead.hidden = !st.meta.has_validation;
    st.traces.forEach((t, i) => {
      const row = this.rows[i];
      setText(row.status, statusText(t));
      setData(row.status, "status", t.status);
      if (row.val.hidden !== !st.meta.has_validation) row.val.hidden = !st.meta.has_validation;
      // a run that stopped shows its final numbers at once
      if (numbers || t.status !== "running" || row.step.textContent === "") {
        setText(row.step, String(t.step));
        setText(row.loss, fmt(t.loss));
        setText(row.val, fmt(t.val_loss));
      }
      if (t.lr !== null && document.activeElement !== row.lr && t.lr !== row.lrShown) {
        const p = toLogSlider(t.lr);
        if (p < Number(row.lr.min)) row.lr.min = String(Math.floor(p));
        if (p > Number(row.lr.max)) row.lr.max = String(Math.ceil(p));
        row.lr.value = String(p);
        row.lrText.textContent = fmt(t.lr);
        row.lrShown = t.lr;
      }
      if (row.lr.disabled !== (t.lr === null)) row.lr.disabled = t.lr === null;
    });
  }

  private makeRow(t: Trace): Row {
    const tr = h("tr");
    const nameCell = h("td", "nbopt-name");
    const swatch = h("span", "nbopt-swatch");
    swatch.style.background = safeColour(t.colour);
    const name = h("span", "", t.name);
    nameCell.append(swatch, name);
    const status = h("td", "nbopt-state");
    const step = h("td", "nbopt-num");
    const loss = h("td", "nbopt-num");
    const val = h("td", "nbopt-num");
    const lrCell = h("td", "nbopt-lr");
    const lr = h("input");
    lr.type = "range";
    lr.min = "-5";
    lr.max = "1";
    lr.step = "0.05";
    lr.setAttribute("aria-label", `learning rate of ${t.name} (log scale)`);
    const lrText = h("span", "nbopt-lr-text");
    lrCell.append(lr, lrText);
    tr.append(nameCell, status, step, loss, val, lrCell);
    this.tbody.append(tr);
    const row: Row = {
      tr,
      swatch,
      name,
      status,
      step,
      loss,
      val,
      lr,
      lrText,
      lrTimer: 0,
      lrShown: null,
    };
    lr.addEventListener("input", () => {
      const v = fromLogSlider(Number(lr.value));
      row.lrShown = null;
      lrText.textContent = fmt(v);
      window.clearTimeout(row.lrTimer);
      row.lrTimer = window.setTimeout(() => this.send({ type: "set_lr", name: t.name, lr: v }), 60);
    });
    return row;
  }
}

/** Largest step difference between neighbouring path points (holes in the history). */
function maxGap(p: { steps: Float64Array; length: number }): number {
  let g = 0;
  for (let i = 1; i < p.length; i++) g = Math.max(g, p.steps[i] - p.steps[i - 1]);
  return g;
}

function scaleStep(total: number, r: Rect): Scale {
  return planeScales(
    [
      [0, Math.max(1, total)],
      [0, 1],
    ],
    r,
  ).sx;
}

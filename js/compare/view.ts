// The race of searchers: per method, the median best value so far over its seeds with the
// interquartile band against the trial number; the seconds per trial of each searcher and of
// the objective; the table; progress and controls. Labels are text, never markup.
import type { AnyModel } from "@anywidget/types";
import { ControlBar } from "../core/controls";
import {
  axes,
  FrameScheduler,
  h,
  line,
  readTheme,
  safeColour,
  setData,
  setText,
  sizeCanvas,
  type Theme,
  viewRoot,
  watchTheme,
} from "../core/draw";
import { fmt, logTicks, lossScale, type Rect, type Scale } from "../core/maths";
import type { ControlMsg, HeaderMeta, MethodMeta, Model } from "./protocol";
import {
  type CompareState,
  type CompareStore,
  formatSeconds,
  segments,
  targetText,
  valueRange,
  winner,
} from "./store";

/** Widest band chart, and the time panel's width beside it. */
const BANDS_MAX = 620;
const TIMES_W = 310;
const PANEL_H = 340;
/** While trials stream in, the canvases are redrawn at most this often (ms). */
const DRAW_INTERVAL = 100;
const COLUMNS = [
  "method",
  "best (median)",
  "best IQR (q25 – q75)",
  "trials to target",
  "searcher / trial",
  "objective / trial",
  "runs",
  "failed",
];

function duration(s: number | null): string {
  if (s === null || !Number.isFinite(s)) return "–";
  if (s < 90) return `${s.toFixed(1)} s`;
  if (s < 5400) return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
  return `${(s / 3600).toFixed(1)} h`;
}

function rgba(hex: string, alpha: number): string {
  const v = Number.parseInt(safeColour(hex).slice(1), 16);
  return `rgba(${(v >> 16) & 255},${(v >> 8) & 255},${v & 255},${alpha})`;
}

/** A method's colour as drawn: mixed with white on dark backgrounds, where dark blues sink. */
function drawn(hex: string, dark: boolean): string {
  const c = safeColour(hex);
  if (!dark) return c;
  const v = Number.parseInt(c.slice(1), 16);
  const mix = (x: number) => Math.round(x + (255 - x) * 0.3);
  const rgb = [(v >> 16) & 255, (v >> 8) & 255, v & 255].map(mix);
  return `#${rgb.map((x) => x.toString(16).padStart(2, "0")).join("")}`;
}

export interface Layout {
  bands: { w: number; h: number };
  times: { w: number; h: number };
}

/** Panel sizes for a view `width` px wide: side by side when both fit, stacked otherwise. */
export function layout(width: number, methods: number): Layout {
  const avail = Math.max(300, Math.min(960, width) - 8);
  if (avail >= 420 + TIMES_W + 12) {
    return {
      bands: { w: Math.min(BANDS_MAX, avail - TIMES_W - 12), h: PANEL_H },
      times: { w: TIMES_W, h: PANEL_H },
    };
  }
  const w = Math.min(BANDS_MAX, avail);
  return { bands: { w, h: 320 }, times: { w: Math.min(w, 420), h: 70 + 44 * methods } };
}

export class CompareView {
  readonly root: HTMLDivElement;
  private title: HTMLSpanElement;
  private status: HTMLSpanElement;
  private meterBar: HTMLSpanElement;
  private meterText: HTMLSpanElement;
  private controls: ControlBar;
  private errorLine: HTMLDivElement;
  private bands: HTMLCanvasElement;
  private times: HTMLCanvasElement;
  private logBox: HTMLInputElement;
  /** the user chose the scale: the default (log for two decades) no longer applies */
  private logChosen = false;
  private legend: HTMLDivElement;
  private legendKey = "";
  private tbody: HTMLTableSectionElement;
  private tableKey = "";
  private theme: Theme;
  private frames = new FrameScheduler(() => this.draw());
  private cleanups: (() => void)[] = [];
  private drawnKey = "";
  private drawnAt = Number.NEGATIVE_INFINITY;
  private drawTimer = 0;
  /** the root's width at the last drawing (the panels follow it) */
  private width = 0;
  private bandBox: HTMLDivElement;
  private timeBox: HTMLDivElement;

  constructor(
    el: HTMLElement,
    private model: AnyModel<Model>,
    private store: CompareStore,
  ) {
    const top = viewRoot(el, "nbopt-compare");
    this.root = top.root;
    this.title = top.title;
    this.status = top.status;
    const meter = h("div", "nbopt-compare-meter");
    const track = h("span", "nbopt-compare-track");
    track.title = "trials done over every run";
    this.meterBar = h("span", "nbopt-compare-bar");
    track.append(this.meterBar);
    this.meterText = h("span", "nbopt-compare-meter-text");
    meter.append(track, this.meterText);

    this.controls = new ControlBar(model, (msg) => this.send(msg), {
      step: false,
      reset: false,
      speed: false,
      stop: true,
      playLabel: "Resume",
    });
    this.errorLine = h("div", "nbopt-error");
    this.errorLine.hidden = true;

    const panels = h("div", "nbopt-panels");
    const bandBox = h("div", "nbopt-panel");
    this.bandBox = bandBox;
    const bandBar = h("div", "nbopt-panel-bar");
    const logLabel = h("label");
    this.logBox = h("input");
    this.logBox.type = "checkbox";
    logLabel.append(this.logBox, document.createTextNode(" log scale"));
    bandBar.append(
      h("span", "nbopt-panel-title", "best value so far: median over seeds, 25–75 % band"),
      logLabel,
    );
    this.bands = h("canvas", "nbopt-compare-bands");
    this.bands.setAttribute("role", "img");
    this.bands.setAttribute(
      "aria-label",
      "best value so far against the trial number: per method the median over seeds and the band from the 25th to the 75th percentile",
    );
    this.legend = h("div", "nbopt-compare-legend");
    bandBox.append(bandBar, this.bands, this.legend);

    const timeBox = h("div", "nbopt-panel");
    this.timeBox = timeBox;
    const timeBar = h("div", "nbopt-panel-bar");
    timeBar.append(h("span", "nbopt-panel-title", "time per trial: searcher + objective"));
    this.times = h("canvas", "nbopt-compare-times");
    this.times.setAttribute("role", "img");
    this.times.setAttribute(
      "aria-label",
      "seconds per trial of each method: the searcher's ask in the method's colour, the objective in grey",
    );
    const timeKey = h(
      "div",
      "nbopt-caption",
      "median over seeds; the searcher's part in the method's colour, the objective's in grey",
    );
    timeBox.append(timeBar, this.times, timeKey);
    panels.append(bandBox, timeBox);

    const table = h("table", "nbopt-compare-table");
    const thead = h("thead");
    const headRow = h("tr");
    for (const c of COLUMNS) {
      const th = h("th", c === "method" ? "" : "nbopt-num", c);
      th.scope = "col";
      headRow.append(th);
    }
    thead.append(headRow);
    this.tbody = h("tbody");
    table.append(thead, this.tbody);

    this.root.append(top.head, meter, this.controls.el, this.errorLine, panels, table);
    this.theme = readTheme(this.root);
    const on = <E extends Event>(t: EventTarget, ev: string, fn: (e: E) => void) => {
      t.addEventListener(ev, fn as EventListener);
      this.cleanups.push(() => t.removeEventListener(ev, fn as EventListener));
    };
    on(this.logBox, "change", () => {
      this.logChosen = true;
      this.schedule(true);
    });
    this.controls.trapKeys(this.root);
    this.cleanups.push(this.store.subscribe(() => this.schedule(false)));
    this.cleanups.push(watchTheme(() => this.recheckTheme()));
    const resized = new ResizeObserver(() => {
      if (this.root.clientWidth !== this.width) this.schedule(true);
    });
    resized.observe(this.root);
    this.cleanups.push(() => resized.disconnect());
    this.schedule(true);
  }

  private send(msg: ControlMsg): void {
    this.model.send(msg);
  }

  private recheckTheme(): void {
    const t = readTheme(this.root);
    if (t.key !== this.theme.key) {
      this.theme = t;
      this.schedule(true);
    }
  }

  /** Redraw in the next frame; `now` skips the streaming throttle (a user action). */
  schedule(now: boolean): void {
    if (now) {
      this.drawnAt = Number.NEGATIVE_INFINITY;
      window.clearTimeout(this.drawTimer);
      this.drawTimer = 0;
    }
    this.frames.schedule();
  }

  destroy(): void {
    this.frames.cancel();
    window.clearTimeout(this.drawTimer);
    this.controls.destroy();
    for (const c of this.cleanups) c();
    this.root.remove();
  }

  private headerText(hd: HeaderMeta, state: string): string {
    const parts = [
      state,
      `${hd.n_done.toLocaleString("en-US")} / ${hd.n_total.toLocaleString("en-US")} trials`,
      `${hd.runs_done} / ${hd.runs_total} runs done`,
      `${hd.n_failed} failed`,
      `elapsed ${duration(hd.elapsed)}`,
    ];
    return parts.join(" · ");
  }

  private draw(): void {
    const st = this.store.state;
    if (!st) {
      setText(this.title, "nbopt race of searchers");
      setText(this.status, this.store.lastError ?? "waiting for the kernel…");
      return;
    }
    const m = st.meta;
    const hd = m.header;
    setText(this.title, m.title);
    setText(this.status, this.headerText(hd, m.state));
    const share = hd.n_total ? hd.n_done / hd.n_total : 0;
    this.meterBar.style.width = `${Math.round(Math.max(0, Math.min(1, share)) * 100)}%`;
    setText(
      this.meterText,
      `${Math.round(share * 100)} % of ${hd.runs_total} runs × ${m.n_trials} trials (seeds ${m.seeds.join(", ")})`,
    );
    const err = m.error ?? this.store.lastError;
    if (this.errorLine.hidden !== !err) this.errorLine.hidden = !err;
    setText(this.errorLine, err ? `error: ${err}` : "");
    const over = ["finished", "stopped", "error"].includes(m.state);
    this.controls.update(m.state, over);

    const range = valueRange(st);
    if (this.logBox.disabled !== !range.logPossible) this.logBox.disabled = !range.logPossible;
    if (!this.logChosen && this.logBox.checked !== range.logDefault)
      this.logBox.checked = range.logDefault;
    const log = this.logBox.checked && range.logPossible;

    this.width = this.root.clientWidth;
    const size = layout(this.width || 940, m.methods.length);
    const key = [this.store.version, this.theme.key, log, size.bands.w, size.times.h].join("|");
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
        drawBands(this.bands, st, this.theme, size.bands, log);
        drawTimes(this.times, st, this.theme, size.times);
        // the legend and the caption wrap at their panel's width
        this.bandBox.style.width = `${size.bands.w}px`;
        this.timeBox.style.width = `${size.times.w}px`;
      }
    }
    this.updateLegend(st);
    this.updateTable(st);
    const root = this.root;
    let drawn = 0;
    for (const b of st.bands) if (b.drawable) drawn++;
    setData(root, "theme", this.theme.dark ? "dark" : "light");
    setData(root, "state", m.state);
    setData(root, "methods", String(m.methods.length));
    setData(root, "bands", String(drawn));
    setData(root, "trials", String(hd.n_done));
    setData(root, "total", String(hd.n_total));
    setData(root, "runs", String(hd.runs_done));
    setData(root, "failed", String(hd.n_failed));
    setData(root, "log", String(log));
    setData(root, "seq", `${this.store.baseSeq}/${this.store.seq}`);
  }

  private updateLegend(st: CompareState): void {
    const m = st.meta;
    const key = [...m.methods.map((x) => x.name), ...m.colours, m.target, this.theme.dark].join(
      "\u0000",
    );
    if (key === this.legendKey) return;
    this.legendKey = key;
    const items: HTMLElement[] = m.methods.map((method, i) => {
      const item = h("span", "nbopt-compare-key");
      const swatch = h("span", "nbopt-compare-swatch");
      swatch.style.background = rgba(m.colours[i], 0.3);
      swatch.style.borderColor = drawn(m.colours[i], this.theme.dark);
      item.append(swatch, document.createTextNode(method.name));
      return item;
    });
    if (m.target !== null) {
      const item = h("span", "nbopt-compare-key");
      item.append(
        h("span", "nbopt-compare-dash"),
        document.createTextNode(`target ${fmt(m.target)}`),
      );
      items.push(item);
    }
    this.legend.replaceChildren(...items);
  }

  private updateTable(st: CompareState): void {
    const key = `${this.store.version}`;
    if (key === this.tableKey) return;
    this.tableKey = key;
    const m = st.meta;
    const best = winner(m.methods, m.direction);
    const rows = m.methods.map((method: MethodMeta, i) => {
      const tr = h("tr");
      tr.dataset.method = method.name;
      if (i === best) tr.dataset.best = "true";
      const name = h("td", "nbopt-compare-name");
      const swatch = h("span", "nbopt-swatch");
      swatch.style.background = safeColour(m.colours[i]);
      name.append(swatch, document.createTextNode(method.name));
      const iqr =
        method.best_q25 === null ? "–" : `${fmt(method.best_q25)} – ${fmt(method.best_q75)}`;
      const cells = [
        fmt(method.best_median),
        iqr,
        targetText(method, m.target),
        formatSeconds(method.ask_seconds),
        formatSeconds(method.objective_seconds),
        `${method.runs_done}/${method.n_runs}`,
        String(method.n_failed),
      ];
      tr.append(name, ...cells.map((c) => h("td", "nbopt-num", c)));
      return tr;
    });
    this.tbody.replaceChildren(...rows);
  }
}

// ------------------------------------------------------------------ canvases

function clear(ctx: CanvasRenderingContext2D, theme: Theme, w: number, hgt: number): void {
  ctx.fillStyle = theme.bg;
  ctx.fillRect(0, 0, w, hgt);
}

function frame(ctx: CanvasRenderingContext2D, theme: Theme, r: Rect): void {
  ctx.strokeStyle = theme.border;
  ctx.lineWidth = 1;
  ctx.strokeRect(r.x + 0.5, r.y + 0.5, r.w - 1, r.h - 1);
}

function valueScale(st: CompareState, r: Rect, log: boolean): Scale {
  const { lo, hi } = valueRange(st);
  if (log) {
    const span = hi > lo ? hi / lo : 10;
    const pad = span ** 0.06;
    return lossScale([lo / pad, hi * pad], true, [r.y + r.h, r.y]);
  }
  const pad = (hi - lo || Math.abs(hi) || 1) * 0.06;
  return lossScale([lo - pad, hi + pad], false, [r.y + r.h, r.y]);
}

/** Every method's median line and interquartile band, the target, against the trial number. */
export function drawBands(
  canvas: HTMLCanvasElement,
  st: CompareState,
  theme: Theme,
  size: { w: number; h: number },
  log: boolean,
): void {
  const dpr = window.devicePixelRatio || 1;
  const ctx = sizeCanvas(canvas, size.w, size.h, dpr);
  clear(ctx, theme, size.w, size.h);
  const r: Rect = { x: 66, y: 12, w: size.w - 66 - 16, h: size.h - 12 - 46 };
  const m = st.meta;
  const last = Math.max(5, m.n_trials);
  const sx = lossScale([1, last], false, [r.x, r.x + r.w]);
  const sy = valueScale(st, r, log);
  ctx.strokeStyle = theme.border;
  ctx.globalAlpha = 0.45;
  const grid = log ? logTicks(sy, 5).map((t) => t.value) : sy.ticks(5);
  for (const v of grid) line(ctx, r.x, Math.round(sy(v)) + 0.5, r.x + r.w, Math.round(sy(v)) + 0.5);
  ctx.globalAlpha = 1;
  frame(ctx, theme, r);
  const better = m.direction === "maximize" ? "highest" : "lowest";
  axes(
    ctx,
    theme,
    r,
    sx,
    sy,
    "trial",
    `best so far (${better})${log ? ", log scale" : ""}`,
    log,
    "d",
  );
  const range = valueRange(st);
  if (!range.any) {
    ctx.fillStyle = theme.fg2;
    ctx.font = `12px ${theme.font}`;
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    ctx.fillText("no complete trial yet", r.x + r.w / 2, r.y + r.h / 2);
    return;
  }
  ctx.save();
  ctx.beginPath();
  ctx.rect(r.x, r.y, r.w, r.h);
  ctx.clip();
  const alpha = theme.dark ? 0.22 : 0.2;
  st.bands.forEach((b, i) => {
    const colour = drawn(m.colours[i] ?? "#888888", theme.dark);
    ctx.fillStyle = rgba(colour, alpha);
    ctx.strokeStyle = rgba(colour, alpha + 0.2);
    const ok = (j: number) => Number.isFinite(b.q25[j]) && Number.isFinite(b.q75[j]);
    for (const [a, z] of segments(b.n, ok)) {
      if (a === z) {
        ctx.lineWidth = 4;
        line(ctx, sx(a + 1), sy(b.q25[a]), sx(a + 1), sy(b.q75[a]));
        continue;
      }
      ctx.beginPath();
      for (let j = a; j <= z; j++) {
        if (j === a) ctx.moveTo(sx(j + 1), sy(b.q75[j]));
        else ctx.lineTo(sx(j + 1), sy(b.q75[j]));
      }
      for (let j = z; j >= a; j--) ctx.lineTo(sx(j + 1), sy(b.q25[j]));
      ctx.closePath();
      ctx.fill();
    }
  });
  st.bands.forEach((b, i) => {
    const colour = drawn(m.colours[i] ?? "#888888", theme.dark);
    ctx.strokeStyle = colour;
    ctx.fillStyle = colour;
    ctx.lineWidth = 2;
    for (const [a, z] of segments(b.n, (j) => Number.isFinite(b.median[j]))) {
      if (a === z) {
        ctx.beginPath();
        ctx.arc(sx(a + 1), sy(b.median[a]), 2.5, 0, 2 * Math.PI);
        ctx.fill();
        continue;
      }
      ctx.beginPath();
      for (let j = a; j <= z; j++) {
        if (j === a) ctx.moveTo(sx(j + 1), sy(b.median[j]));
        else ctx.lineTo(sx(j + 1), sy(b.median[j]));
      }
      ctx.stroke();
    }
  });
  if (m.target !== null && (!log || m.target > 0)) {
    const y = Math.round(sy(m.target)) + 0.5;
    ctx.setLineDash([6, 4]);
    ctx.strokeStyle = theme.fg2;
    ctx.lineWidth = 1.2;
    line(ctx, r.x, y, r.x + r.w, y);
    ctx.setLineDash([]);
    ctx.fillStyle = theme.fg2;
    ctx.font = `10px ${theme.font}`;
    ctx.textAlign = "left";
    ctx.textBaseline = y - r.y > 16 ? "bottom" : "top";
    ctx.fillText(`target ${fmt(m.target)}`, r.x + 6, y + (y - r.y > 16 ? -3 : 3));
  }
  ctx.restore();
}

/** Per method a bar of its median seconds per trial: the searcher's part, then the objective's. */
export function drawTimes(
  canvas: HTMLCanvasElement,
  st: CompareState,
  theme: Theme,
  size: { w: number; h: number },
): void {
  const dpr = window.devicePixelRatio || 1;
  const ctx = sizeCanvas(canvas, size.w, size.h, dpr);
  clear(ctx, theme, size.w, size.h);
  const r: Rect = { x: 96, y: 12, w: size.w - 96 - 16, h: size.h - 12 - 46 };
  const methods = st.meta.methods;
  const n = Math.max(1, methods.length);
  const ask = methods.map((x) => x.ask_seconds ?? 0);
  const obj = methods.map((x) => x.objective_seconds ?? 0);
  const top = Math.max(1e-9, ...ask.map((a, i) => a + obj[i]));
  // the bars take half the width at most: their numbers are written beside them
  const sx = lossScale([0, top * 2], false, [r.x, r.x + r.w]);
  ctx.strokeStyle = theme.border;
  ctx.fillStyle = theme.fg2;
  ctx.font = `10px ${theme.font}`;
  ctx.textAlign = "center";
  ctx.textBaseline = "top";
  for (const v of sx.ticks(3)) {
    const x = Math.round(sx(v)) + 0.5;
    ctx.globalAlpha = 0.45;
    line(ctx, x, r.y, x, r.y + r.h);
    ctx.globalAlpha = 1;
    line(ctx, x, r.y + r.h, x, r.y + r.h + 4);
    ctx.fillText(v === 0 ? "0" : formatSeconds(v), x, r.y + r.h + 6);
  }
  frame(ctx, theme, r);
  ctx.fillStyle = theme.fg;
  ctx.font = `11px ${theme.font}`;
  ctx.textBaseline = "bottom";
  ctx.fillText("time per trial (median over seeds)", r.x + r.w / 2, r.y + r.h + 34);
  const rowH = r.h / n;
  const barH = Math.min(26, rowH * 0.55);
  methods.forEach((method, i) => {
    const yc = r.y + rowH * (i + 0.5);
    const colour = drawn(st.meta.colours[i] ?? "#888888", theme.dark);
    const x0 = sx(0);
    const x1 = sx(ask[i]);
    const x2 = sx(ask[i] + obj[i]);
    ctx.fillStyle = colour;
    ctx.fillRect(x0, yc - barH / 2, Math.max(x1 - x0, ask[i] > 0 ? 1 : 0), barH);
    ctx.fillStyle = rgba(theme.dark ? "#b8bcc8" : "#8c90a0", 0.7);
    ctx.fillRect(x1, yc - barH / 2, Math.max(x2 - x1, obj[i] > 0 ? 1 : 0), barH);
    ctx.fillStyle = theme.fg;
    ctx.font = `11px ${theme.font}`;
    ctx.textAlign = "right";
    ctx.textBaseline = "middle";
    ctx.fillText(method.name, r.x - 8, yc);
    ctx.fillStyle = theme.fg2;
    ctx.font = `10px ${theme.font}`;
    ctx.textAlign = "left";
    const text =
      method.ask_seconds === null
        ? "no trial yet"
        : `${formatSeconds(method.ask_seconds)} + ${formatSeconds(method.objective_seconds)}`;
    ctx.fillText(text, Math.max(x2, x0) + 6, yc);
  });
}

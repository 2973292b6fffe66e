// The dashboard's canvases: history, parallel coordinates (with brushing) and the 2-D view.
// Each draws from the store's columns; every label is drawn as canvas text (never markup).
import {
  axes,
  labelWidth,
  line,
  sizeCanvas,
  star,
  type Theme,
  truncate,
  yAxisRoom,
} from "../core/draw";
import {
  axisTicks,
  colourAt,
  fmt,
  hexToRgb,
  lossScale,
  planeScales,
  type Rect,
  type Scale,
} from "../core/maths";
import { inset, unitAxis } from "./axes";
import type { AxisMeta } from "./protocol";
import { type Brush, COMPLETE, FAILED, PRUNED, type SearchState } from "./store";

/** Same stops as nbopt.drawing.VALUE_COLORMAP: worst (0) to best (1). */
export const VALUE_COLORMAP = [
  "#b5de2b",
  "#6ccd5a",
  "#35b779",
  "#1f9e89",
  "#26828e",
  "#31688e",
  "#3e4989",
  "#482878",
  "#440154",
];
const BINS = 24;
/**
 * In the dark theme the ramp runs from the brightest stop to this position (the worst):
 * #2a788e, 3:1 against the panel's #222 (WCAG's least for marks), where 0.7 was 2.2:1 and
 * the worst trials faded into the panel.
 */
const DARK_SPAN = 0.55;
/** In the light theme the worst trials start this far into the ramp. */
const LIGHT_FROM = 0.12;
export const FAILED_COLOUR = "#d62728";
/** Pruned trials' marks and the pruner's bars. */
export const PRUNED_COLOUR = "#e8710a";
/** Most lines a parallel-coordinates frame draws: the best ones and an even sample of the rest. */
export const MAX_LINES = 4000;

/**
 * Colours of the bins from worst to best. On a light background the best are the darkest
 * (VALUE_COLORMAP); on a dark one the ramp runs the other way, so the best trials are the
 * brightest there too (the colour key shows which end is better).
 */
export function palette(dark: boolean): string[] {
  const stops = VALUE_COLORMAP.map(hexToRgb);
  const out: string[] = [];
  for (let b = 0; b < BINS; b++) {
    const t = b / (BINS - 1);
    // the end of the ramp that fades into the background is left out (the palest
    // yellow-green on white, the darkest purple on near-black): the worst trials stay
    // visible, the best keep the strongest colour
    const c = colourAt(dark ? DARK_SPAN * (1 - t) : LIGHT_FROM + (1 - LIGHT_FROM) * t, stops);
    out.push(`rgb(${c[0]},${c[1]},${c[2]})`);
  }
  return out;
}

export function bin(c: number): number {
  return Math.max(0, Math.min(BINS - 1, Math.round(c * (BINS - 1))));
}

/** Rows grouped by colour bin (one fillStyle per group), worst first so the best end on top. */
function byColour(st: SearchState, rows: Iterable<number>): number[][] {
  const groups: number[][] = Array.from({ length: BINS }, () => []);
  for (const r of rows) {
    const c = st.cols.colour[r];
    if (!Number.isNaN(c)) groups[bin(c)].push(r);
  }
  return groups;
}

export function clear(ctx: CanvasRenderingContext2D, theme: Theme, w: number, h: number): void {
  ctx.fillStyle = theme.bg;
  ctx.fillRect(0, 0, w, h);
}

export function frame(ctx: CanvasRenderingContext2D, theme: Theme, r: Rect): void {
  ctx.strokeStyle = theme.border;
  ctx.lineWidth = 1;
  ctx.strokeRect(r.x + 0.5, r.y + 0.5, r.w - 1, r.h - 1);
}

export function cross(ctx: CanvasRenderingContext2D, x: number, y: number, s: number): void {
  ctx.moveTo(x - s, y - s);
  ctx.lineTo(x + s, y + s);
  ctx.moveTo(x - s, y + s);
  ctx.lineTo(x + s, y - s);
}

// ------------------------------------------------------------------ layers

/**
 * A canvas kept between frames. Trials only ever add rows, so a frame paints just the rows
 * that arrived since the last one; everything is painted again when `key` (scales,
 * colours, brush, theme, pixel ratio) changes.
 */
export class Layer {
  readonly canvas = document.createElement("canvas");
  private key = "";
  private drawn = 0;

  /** Size it; return the context and the first row to paint (0: paint everything). */
  begin(key: string, size: { w: number; h: number }, dpr: number, n: number) {
    const ctx = sizeCanvas(this.canvas, size.w, size.h, dpr);
    const full = key !== this.key || n < this.drawn;
    const from = full ? 0 : this.drawn;
    this.key = key;
    this.drawn = n;
    return { ctx, full, from };
  }
}

/** Copy a layer onto the visible canvas (in device pixels) and return its context. */
function show(
  canvas: HTMLCanvasElement,
  layer: Layer,
  size: { w: number; h: number },
  dpr: number,
): CanvasRenderingContext2D {
  const ctx = sizeCanvas(canvas, size.w, size.h, dpr);
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.globalCompositeOperation = "copy";
  ctx.drawImage(layer.canvas, 0, 0);
  ctx.globalCompositeOperation = "source-over";
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  return ctx;
}

// ------------------------------------------------------------------ history

export interface HistoryOptions {
  log: boolean;
  mask: Uint8Array;
  /** changes whenever the mask of rows already drawn changes (the brush) */
  maskVersion: number;
}

/** Whether the history can use a log axis, and the offset that keeps every value above it. */
export function historyLog(st: SearchState): { possible: boolean; offset: number } {
  const { lo, hi } = st.cols;
  if (!(lo <= hi)) return { possible: false, offset: 0 };
  if (lo > 0) return { possible: true, offset: 0 };
  const span = hi - lo || Math.max(Math.abs(lo), 1);
  return { possible: true, offset: lo - 1e-2 * span };
}

/** The value of every complete trial against its number, failures below, best-so-far line. */
export function drawHistory(
  canvas: HTMLCanvasElement,
  layer: Layer,
  st: SearchState,
  theme: Theme,
  size: { w: number; h: number },
  opts: HistoryOptions,
  best: { x: number[]; y: number[] },
): void {
  const dpr = window.devicePixelRatio || 1;
  const top = 14;
  const height = size.h - top - 58;
  const { cols, meta } = st;
  // the trial axis grows with the search (in steps, so it moves now and then) up to the budget
  const seen = cols.n ? maxNumber(st) + 1 : 0;
  const budget = meta.header.n_total ?? Number.POSITIVE_INFINITY;
  const total = Math.max(10, Math.min(budget, niceCeil(seen * 1.25)), seen);
  const { possible, offset } = historyLog(st);
  const log = opts.log && possible;
  const lo = cols.lo <= cols.hi ? cols.lo : 0;
  const hi = cols.lo <= cols.hi ? cols.hi : 1;
  let sy: Scale;
  if (log) {
    const a = Math.log10(lo - offset);
    const b = Math.log10(hi - offset);
    const pad = (b - a || 1) * 0.06;
    sy = lossScale([10 ** (a - pad), 10 ** (b + pad)], true, [top + height, top]);
  } else {
    const pad = (hi - lo || Math.abs(hi) || 1) * 0.06;
    sy = lossScale([lo - pad, hi + pad], false, [top + height, top]);
  }
  const yOf = (v: number) => sy(log ? v - offset : v);
  // the band under the plot names the marks it holds, and only those: no key for a kind
  // of trial that none of the trials is (curves without a pruner never have pruned ones)
  const key0 = bandKey(meta.header.n_failed, meta.header.n_pruned);
  const key = [
    theme.key,
    dpr,
    total,
    lo,
    hi,
    log,
    offset,
    st.colourVersion,
    opts.maskVersion,
    key0.map((k) => k.text).join(","),
  ];
  const { ctx, full, from } = layer.begin(key.join("|"), size, dpr, cols.n);
  // the margin grows with the widest tick label, so the axis title stays clear of it
  const yt = axisTicks(sy, log);
  const left = Math.max(
    62,
    yAxisRoom(
      labelWidth(
        ctx,
        theme,
        yt.map((t) => t.label),
      ),
    ),
  );
  const r: Rect = { x: left, y: top, w: size.w - left - 16, h: height };
  // half a trial of margin at each end: the first and the last trial are drawn whole
  const sx = planeScales(
    [
      [-0.5, total - 0.5],
      [0, 1],
    ],
    r,
  ).sx;
  const bandY = r.y + r.h + 46;
  if (full) {
    clear(ctx, theme, size.w, size.h);
    ctx.strokeStyle = theme.border;
    ctx.globalAlpha = 0.45;
    for (const { value: v } of yt)
      line(ctx, r.x, Math.round(sy(v)) + 0.5, r.x + r.w, Math.round(sy(v)) + 0.5);
    ctx.globalAlpha = 1;
    frame(ctx, theme, r);
    const label =
      meta.value_axis.name +
      (log ? (offset ? ` − (${fmt(offset)}) (log scale)` : " (log scale)") : "");
    axes(ctx, theme, r, sx, sy, "trial", label, log, "~s");
    ctx.textAlign = "right";
    ctx.textBaseline = "middle";
    // one short line in the margin per kind, in its marks' colour
    ctx.font = `${key0.length > 1 ? 9 : 10}px ${theme.font}`;
    for (const { text, colour, dy } of key0) {
      ctx.fillStyle = colour;
      ctx.fillText(text, r.x - 6, bandY + dy);
    }
  }
  ctx.save();
  ctx.beginPath();
  ctx.rect(r.x, r.y - 4, r.w, r.h + 8);
  ctx.clip();
  const pal = palette(theme.dark);
  const shown: number[] = [];
  for (let i = from; i < cols.n; i++) if (opts.mask[i]) shown.push(i);
  const s = cols.n > 5000 ? 2 : 3;
  byColour(st, shown).forEach((rows, b) => {
    if (!rows.length) return;
    ctx.fillStyle = pal[b];
    for (const row of rows) {
      ctx.fillRect(sx(cols.number[row]) - s / 2, yOf(cols.value[row]) - s / 2, s, s);
    }
  });
  ctx.restore();
  // failed and pruned trials: marks on a band under the plot, apart from the values
  ctx.beginPath();
  for (let i = from; i < cols.n; i++) {
    if (opts.mask[i] && cols.state[i] === FAILED) cross(ctx, sx(cols.number[i]), bandY, 3);
  }
  ctx.strokeStyle = FAILED_COLOUR;
  ctx.lineWidth = 1.2;
  ctx.stroke();
  ctx.fillStyle = PRUNED_COLOUR;
  for (let i = from; i < cols.n; i++) {
    if (opts.mask[i] && cols.state[i] === PRUNED)
      ctx.fillRect(sx(cols.number[i]) - 1, bandY - 5, 2, 10);
  }
  // the best-so-far step line, drawn on top of the kept layer in every frame
  const out = show(canvas, layer, size, dpr);
  if (best.x.length) {
    out.save();
    out.beginPath();
    out.rect(r.x, r.y - 4, r.w, r.h + 8);
    out.clip();
    out.beginPath();
    for (let i = 0; i < best.x.length; i++) {
      const X = sx(best.x[i]);
      const Y = yOf(best.y[i]);
      if (i === 0) out.moveTo(X, Y);
      else {
        out.lineTo(X, yOf(best.y[i - 1]));
        out.lineTo(X, Y);
      }
    }
    // on to the last trial, failed or pruned ones included: the best stayed the best
    const last = best.x[best.x.length - 1];
    if (seen - 1 > last) out.lineTo(sx(seen - 1), yOf(best.y[best.y.length - 1]));
    out.strokeStyle = theme.fg;
    out.lineWidth = 1.5;
    out.stroke();
    out.restore();
  }
}

/**
 * The key of the band under the history: "failed ×" once a trial failed, "pruned |" once one
 * was pruned (the marks the band then holds), one line above the other when both apply.
 */
export function bandKey(
  nFailed: number,
  nPruned: number,
): { text: string; colour: string; dy: number }[] {
  const key = [];
  if (nFailed > 0) key.push({ text: "failed ×", colour: FAILED_COLOUR, dy: 0 });
  if (nPruned > 0) key.push({ text: "pruned |", colour: PRUNED_COLOUR, dy: 0 });
  if (key.length === 2) {
    key[0].dy = -5;
    key[1].dy = 6;
  }
  return key;
}

/** The smallest 1, 2 or 5 times a power of ten at or above x. */
export function niceCeil(x: number): number {
  if (!(x > 0)) return 0;
  const p = 10 ** Math.floor(Math.log10(x));
  for (const m of [1, 2, 5, 10]) if (m * p >= x) return m * p;
  return 10 * p;
}

function maxNumber(st: SearchState): number {
  let m = 0;
  for (let i = 0; i < st.cols.n; i++) if (st.cols.number[i] > m) m = st.cols.number[i];
  return m;
}

// ------------------------------------------------------------------ parallel coordinates

export interface ParallelLayout {
  rect: Rect;
  xs: number[];
  /** axis index per column: 0..d-1 parameters, -1 the value */
  axes: number[];
}

export function parallelLayout(st: SearchState, size: { w: number; h: number }): ParallelLayout {
  const d = st.meta.params.length;
  const rect: Rect = { x: 48, y: 40, w: size.w - 110, h: size.h - 40 - 34 };
  const n = d + 1;
  const xs = Array.from({ length: n }, (_, i) => rect.x + (n === 1 ? 0 : (i * rect.w) / (n - 1)));
  return { rect, xs, axes: [...Array.from({ length: d }, (_, j) => j), -1] };
}

function axisOf(st: SearchState, j: number): AxisMeta {
  return j < 0 ? st.meta.value_axis : st.meta.params[j];
}

function unitOf(st: SearchState, row: number, j: number): number {
  return j < 0 ? st.cols.valueUnit[row] : st.cols.unit[row * st.cols.d + j];
}

/** Rows a frame draws: all when few; else the best MAX_LINES/2 and an even sample of the rest. */
export function linesToDraw(ranked: Int32Array, keep: Uint8Array): { rows: number[]; all: number } {
  const eligible: number[] = [];
  for (const r of ranked) if (keep[r]) eligible.push(r);
  if (eligible.length <= MAX_LINES) return { rows: eligible.reverse(), all: eligible.length };
  const half = MAX_LINES / 2;
  const rest = eligible.length - half;
  const step = rest / half;
  const rows: number[] = [];
  for (let i = 0; i < half; i++) rows.push(eligible[half + Math.floor(i * step)]);
  rows.reverse();
  for (let i = half - 1; i >= 0; i--) rows.push(eligible[i]);
  return { rows, all: eligible.length };
}

/**
 * One vertical axis per parameter and one for the value; each trial a line through its
 * positions, coloured by value (best on top). Brushed ranges are shaded on their axes;
 * rows outside the brush are left out, failed trials are drawn in red to a mark under the
 * value axis.
 */
export function drawParallel(
  canvas: HTMLCanvasElement,
  st: SearchState,
  theme: Theme,
  size: { w: number; h: number },
  layout: ParallelLayout,
  rows: number[],
  failedRows: number[],
  brush: Brush,
  focus: number | null = null,
): void {
  const dpr = window.devicePixelRatio || 1;
  const ctx = sizeCanvas(canvas, size.w, size.h, dpr);
  clear(ctx, theme, size.w, size.h);
  const { rect: r, xs, axes: js } = layout;
  const yOf = (u: number) => r.y + (1 - u) * r.h;
  const pal = palette(theme.dark);
  ctx.lineJoin = "round";
  // failed trials: red, thin, to a mark under the value axis; pruned ones orange, lower
  const markU = (row: number) => (st.cols.state[row] === PRUNED ? -0.12 : -0.06);
  for (const [code, colour] of [
    [FAILED, FAILED_COLOUR],
    [PRUNED, PRUNED_COLOUR],
  ] as const) {
    ctx.beginPath();
    for (const row of failedRows) {
      if (st.cols.state[row] !== code) continue;
      let started = false;
      js.forEach((j, c) => {
        const u = j < 0 ? markU(row) : unitOf(st, row, j);
        if (Number.isNaN(u)) return;
        const X = xs[c];
        const Y = yOf(u);
        if (!started) ctx.moveTo(X, Y);
        else ctx.lineTo(X, Y);
        started = true;
      });
    }
    ctx.strokeStyle = colour;
    ctx.globalAlpha = 0.35;
    ctx.lineWidth = 1;
    ctx.stroke();
    ctx.globalAlpha = 1;
  }
  // complete trials, worst first: each colour bin in one path
  const alpha = rows.length > 1500 ? 0.35 : rows.length > 300 ? 0.6 : 0.85;
  ctx.globalAlpha = alpha;
  ctx.lineWidth = rows.length > 1500 ? 1 : 1.4;
  let current = -1;
  for (const row of rows) {
    const b = bin(st.cols.colour[row]);
    if (b !== current) {
      if (current >= 0) ctx.stroke();
      ctx.beginPath();
      ctx.strokeStyle = pal[b];
      current = b;
    }
    js.forEach((j, c) => {
      const Y = yOf(unitOf(st, row, j));
      if (c === 0) ctx.moveTo(xs[c], Y);
      else ctx.lineTo(xs[c], Y);
    });
  }
  if (current >= 0) ctx.stroke();
  ctx.globalAlpha = 1;
  // axes, ticks, names and brushes on top
  ctx.font = `10px ${theme.font}`;
  js.forEach((j, c) => {
    const axis = axisOf(st, j);
    const X = Math.round(xs[c]) + 0.5;
    const range = brush.get(j);
    if (range) {
      ctx.fillStyle = theme.dark ? "rgba(120,170,255,0.28)" : "rgba(25,118,210,0.18)";
      ctx.fillRect(X - 9, yOf(range[1]), 18, yOf(range[0]) - yOf(range[1]));
      ctx.strokeStyle = theme.dark ? "#8ab4ff" : "#1976d2";
      ctx.strokeRect(X - 9, yOf(range[1]), 18, yOf(range[0]) - yOf(range[1]));
    }
    // the axis the keyboard brushes, while the canvas has the focus
    const focused = focus === j;
    ctx.strokeStyle = focused ? (theme.dark ? "#8ab4ff" : "#1976d2") : theme.fg2;
    ctx.lineWidth = focused ? 3 : 1;
    line(ctx, X, r.y, X, r.y + r.h);
    ctx.strokeStyle = theme.fg2;
    ctx.lineWidth = 1;
    ctx.fillStyle = theme.fg2;
    ctx.textBaseline = "middle";
    // the last axis (the value) has its ticks outside, on the right, clear of the lines
    // that converge on it; the others have them on the left, over the lines
    const outside = c === js.length - 1 && c > 0;
    const side = outside ? 1 : -1;
    ctx.textAlign = outside ? "left" : "right";
    const room = outside ? size.w - X - 8 : 70;
    axis.ticks.forEach((t, k) => {
      const Y = Math.round(yOf(t)) + 0.5;
      line(ctx, X, Y, X + 3 * side, Y);
      const text = truncate(ctx, axis.tick_labels[k] ?? "", room);
      if (!outside) {
        // a backing of the background colour keeps tick labels readable over the lines
        const w = ctx.measureText(text).width;
        ctx.globalAlpha = 0.85;
        ctx.fillStyle = theme.bg;
        ctx.fillRect(X - 7 - w, Y - 6, w + 4, 12);
        ctx.globalAlpha = 1;
      }
      ctx.fillStyle = theme.fg2;
      ctx.fillText(text, X + 5 * side, Y);
    });
    ctx.fillStyle = theme.fg;
    ctx.font = `11px ${theme.font}`;
    ctx.textAlign = c === 0 ? "left" : c === js.length - 1 ? "right" : "center";
    ctx.textBaseline = "bottom";
    const width = js.length > 1 ? Math.max(60, r.w / (js.length - 1) - 8) : r.w;
    const name = truncate(ctx, axis.name + (axis.log ? " (log)" : ""), width);
    ctx.fillText(name, c === 0 ? X - 8 : X, r.y - 12);
    ctx.font = `10px ${theme.font}`;
  });
  // the marks of failed and pruned trials under the value axis, named beside it
  const X = xs[xs.length - 1];
  ctx.textAlign = "left";
  ctx.textBaseline = "middle";
  if (failedRows.some((row) => st.cols.state[row] === FAILED)) {
    ctx.fillStyle = FAILED_COLOUR;
    ctx.fillText("failed", X + 5, yOf(-0.06));
  }
  if (failedRows.some((row) => st.cols.state[row] === PRUNED)) {
    ctx.fillStyle = PRUNED_COLOUR;
    ctx.fillText("pruned", X + 5, yOf(-0.12));
  }
}

/** The axis column (index into layout.axes) under canvas x, or -1. */
export function axisAt(layout: ParallelLayout, x: number): number {
  let best = -1;
  let dist = 14;
  layout.xs.forEach((X, c) => {
    if (Math.abs(X - x) < dist) {
      dist = Math.abs(X - x);
      best = c;
    }
  });
  return best;
}

/** Position in [0, 1] on the axes at canvas y (clamped). */
export function unitAt(layout: ParallelLayout, y: number): number {
  const r = layout.rect;
  return Math.max(0, Math.min(1, 1 - (y - r.y) / r.h));
}

// ------------------------------------------------------------------ 2-D view

/** A stable jitter in [-1, 1] for a trial (spreads points inside a category's band). */
function jitter(n: number, salt: number): number {
  let x = (n * 2654435761 + salt * 40503) >>> 0;
  x ^= x >>> 15;
  x = Math.imul(x, 2246822519) >>> 0;
  x ^= x >>> 13;
  return ((x >>> 0) / 4294967295) * 2 - 1;
}

function scatterUnit(st: SearchState, row: number, j: number, salt: number): number {
  const u = unitOf(st, row, j);
  const axis = axisOf(st, j);
  if (axis.kind === "choice")
    return u + (jitter(st.cols.number[row], salt) * 0.32) / axis.categories.length;
  return u;
}

/** Trials over two chosen axes, coloured by value, failures as red crosses, the best starred. */
export function drawScatter(
  canvas: HTMLCanvasElement,
  layer: Layer,
  st: SearchState,
  theme: Theme,
  size: { w: number; h: number },
  pair: [number, number],
  mask: Uint8Array,
  maskVersion: string,
  bestRow: number | null,
): void {
  const dpr = window.devicePixelRatio || 1;
  const r: Rect = { x: 62, y: 12, w: size.w - 74, h: size.h - 12 - 44 };
  // positions run over a rectangle inset from the frame, so that points on a bound (a
  // grid's edge, a clipped log range) and the best trial's star are drawn whole
  const p = inset(r);
  const [jx, jy] = pair;
  const X = (row: number) => p.x + scatterUnit(st, row, jx, 1) * p.w;
  const Y = (row: number) => p.y + (1 - scatterUnit(st, row, jy, 2)) * p.h;
  const { cols } = st;
  const key = [theme.key, dpr, jx, jy, st.colourVersion, maskVersion].join("|");
  const { ctx, full, from } = layer.begin(key, size, dpr, cols.n);
  if (full) {
    clear(ctx, theme, size.w, size.h);
    ctx.fillStyle = theme.panel;
    ctx.fillRect(r.x, r.y, r.w, r.h);
    frame(ctx, theme, r);
    unitAxis(ctx, theme, axisOf(st, jx), p, false, r);
    unitAxis(ctx, theme, axisOf(st, jy), p, true, r);
  }
  ctx.save();
  ctx.beginPath();
  ctx.rect(r.x, r.y, r.w, r.h);
  ctx.clip();
  ctx.beginPath();
  for (let i = from; i < cols.n; i++) {
    if (!mask[i] || cols.state[i] !== FAILED) continue;
    const x = X(i);
    const y = jy < 0 ? r.y + r.h - 6 : Y(i);
    if (Number.isFinite(x) && Number.isFinite(y)) cross(ctx, x, y, 3);
  }
  ctx.strokeStyle = FAILED_COLOUR;
  ctx.lineWidth = 1.2;
  ctx.stroke();
  const pal = palette(theme.dark);
  const shown: number[] = [];
  for (let i = from; i < cols.n; i++) if (mask[i] && cols.state[i] === COMPLETE) shown.push(i);
  const s = cols.n > 5000 ? 3 : 5;
  byColour(st, shown).forEach((rows, b) => {
    if (!rows.length) return;
    ctx.fillStyle = pal[b];
    for (const row of rows) {
      const x = X(row);
      const y = Y(row);
      if (Number.isFinite(x) && Number.isFinite(y)) ctx.fillRect(x - s / 2, y - s / 2, s, s);
    }
  });
  ctx.restore();
  const out = show(canvas, layer, size, dpr);
  if (bestRow !== null && mask[bestRow]) {
    out.save();
    star(out, X(bestRow), Y(bestRow), 8, "#ffd23f", "#3a3a3a", r);
    out.restore();
  }
}

/**
 * The colour key's bar in a canvas `width` wide, between its end labels ("worse 0.9" of
 * `leftW` pixels, "0.928 better" of `rightW`): at least 70 and 110 pixels are kept for
 * them, so that the bar holds still while the values change, and more when they need it.
 */
export function colourKeyBar(
  width: number,
  leftW: number,
  rightW: number,
): { x: number; y: number; w: number; h: number } {
  const x = Math.max(70, Math.ceil(leftW) + 10);
  const right = Math.max(110, Math.ceil(rightW) + 10);
  return { x, y: 4, w: Math.max(20, width - x - right), h: 10 };
}

/** A horizontal colour bar of the value scale: worse on the left, better on the right. */
export function drawColourKey(
  canvas: HTMLCanvasElement,
  st: SearchState,
  theme: Theme,
  width: number,
): void {
  const dpr = window.devicePixelRatio || 1;
  const h = 30;
  const ctx = sizeCanvas(canvas, width, h, dpr);
  clear(ctx, theme, width, h);
  const { lo, hi } = st.cols;
  const minimize = st.meta.direction !== "maximize";
  const worst = lo <= hi ? (minimize ? hi : lo) : Number.NaN;
  const bestV = lo <= hi ? (minimize ? lo : hi) : Number.NaN;
  const left = `worse ${Number.isFinite(worst) ? fmt(worst) : ""}`;
  const right = `${Number.isFinite(bestV) ? fmt(bestV) : ""} better`;
  ctx.font = `10px ${theme.font}`;
  const bar = colourKeyBar(width, ctx.measureText(left).width, ctx.measureText(right).width);
  const pal = palette(theme.dark);
  pal.forEach((c, b) => {
    ctx.fillStyle = c;
    ctx.fillRect(bar.x + (b * bar.w) / BINS, bar.y, bar.w / BINS + 0.5, bar.h);
  });
  ctx.strokeStyle = theme.border;
  ctx.strokeRect(bar.x + 0.5, bar.y + 0.5, bar.w - 1, bar.h - 1);
  ctx.fillStyle = theme.fg2;
  ctx.textBaseline = "middle";
  ctx.textAlign = "right";
  ctx.fillText(left, bar.x - 6, bar.y + bar.h / 2);
  ctx.textAlign = "left";
  ctx.fillText(right, bar.x + bar.w + 6, bar.y + bar.h / 2);
  ctx.textAlign = "center";
  ctx.textBaseline = "top";
  ctx.fillText(
    `colour: ${st.meta.value_axis.name} (${st.meta.direction})`,
    bar.x + bar.w / 2,
    bar.y + bar.h + 3,
  );
}

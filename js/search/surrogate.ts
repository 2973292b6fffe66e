// Inside a Bayesian search (nbopt.drawing.SurrogateInfo): the surrogate's mean, its
// uncertainty or the acquisition as a heatmap over the 2-D view's two parameters, with
// contour lines at the levels Python chose, the trials and the proposed point; or the
// textbook slices along each of the two parameters (mean with its band, acquisition
// beneath). Drawn from the arrays Python computed; labels are canvas text, never markup.
import { line, star, type Theme } from "../core/draw";
import { colourAt, fmt, hexToRgb, lossScale, type Rect } from "../core/maths";
import { axisOf, edges, inset, unitAxis } from "./axes";
import { frame, VALUE_COLORMAP } from "./panels";
import { insideValues as arr, COMPLETE, type Inside, type SearchState } from "./store";

export type SurrogateField = "mean" | "std" | "acquisition" | "slices";

export const SURROGATE_FIELDS: [SurrogateField, string][] = [
  ["mean", "surrogate mean"],
  ["std", "uncertainty (std)"],
  ["acquisition", "acquisition (log EI)"],
  ["slices", "1-D slices"],
];

/** Radius of the proposal's star, in pixels. */
export const STAR_RADIUS = 9;
/** Radius of a trial's ring, in pixels. */
export const TRIAL_RADIUS = 3;

/** Where the heatmap view puts its parts inside the rectangle it is given. */
export interface HeatmapLayout {
  /** the frame of the heatmap */
  frame: Rect;
  /** positions [0, 1] of the two parameters (inset from the frame: bound points drawn whole) */
  plot: Rect;
  /** the middle of the colour key's line, above the frame: marks inside never reach it */
  keyY: number;
}

/** Half the height of the key's 10 px line of text. */
const KEY_HALF = 6;

/**
 * The heatmap's layout in `r` (which needs 16 px free above it): the key sits above the
 * frame, higher than the star reaches when the proposal lies on the upper bound.
 */
export function heatmapLayout(r: Rect): HeatmapLayout {
  const plot = inset(r);
  return { frame: r, plot, keyY: plot.y - STAR_RADIUS - 2 - KEY_HALF };
}

interface Scale {
  lo: number;
  hi: number;
  log: boolean;
  offset: number;
  better: string;
}

const UNCERTAINTY = ["#f7fbff", "#c6dbef", "#6baed6", "#2171b5", "#08306b"];

function scaleOf(inside: Inside, field: string): Scale {
  const s = (inside.meta.scales as Record<string, Scale> | undefined)?.[field];
  return s ?? { lo: 0, hi: 1, log: false, offset: 0, better: "none" };
}

/** Position in [0, 1] of a value on a field's colour scale (NaN stays NaN). */
function position(s: Scale, v: number): number {
  const f = (x: number) => (s.log ? Math.log10(Math.max(x - s.offset, 1e-300)) : x);
  const a = f(s.lo);
  const b = f(s.hi);
  const t = b > a ? (f(v) - a) / (b - a) : 0.5;
  return Math.max(0, Math.min(1, t));
}

/** Fill colour of a field's value: the value colours (darkest = better) or a blue ramp. */
function colour(s: Scale, v: number, theme: Theme): string {
  if (!Number.isFinite(v)) return theme.bg;
  let t = position(s, v);
  let stops = VALUE_COLORMAP.map(hexToRgb);
  if (s.better === "none") stops = UNCERTAINTY.map(hexToRgb);
  else if (s.better === "low") t = 1 - t;
  if (theme.dark && s.better !== "none") t = 1 - t;
  if (theme.dark && s.better === "none") stops = [...stops].reverse();
  const c = colourAt(t, stops);
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}

/** Contour segments of a (ny, nx) grid at `level`, by marching squares over cell centres. */
function contour(
  ctx: CanvasRenderingContext2D,
  z: ArrayLike<number>,
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  level: number,
  r: Rect,
): void {
  const nx = x.length;
  const ny = y.length;
  const X = (i: number) => r.x + i * r.w;
  const Y = (j: number) => r.y + (1 - j) * r.h;
  const cut = (a: number, b: number, pa: number, pb: number) =>
    pa + ((level - a) / (b - a || 1)) * (pb - pa);
  ctx.beginPath();
  for (let j = 0; j + 1 < ny; j++) {
    for (let i = 0; i + 1 < nx; i++) {
      const a = z[j * nx + i];
      const b = z[j * nx + i + 1];
      const c = z[(j + 1) * nx + i + 1];
      const d = z[(j + 1) * nx + i];
      if (![a, b, c, d].every(Number.isFinite)) continue;
      const pts: [number, number][] = [];
      // the four edges: bottom (a-b), right (b-c), top (d-c), left (a-d)
      if (a < level !== b < level) pts.push([cut(a, b, x[i], x[i + 1]), y[j]]);
      if (b < level !== c < level) pts.push([x[i + 1], cut(b, c, y[j], y[j + 1])]);
      if (d < level !== c < level) pts.push([cut(d, c, x[i], x[i + 1]), y[j + 1]]);
      if (a < level !== d < level) pts.push([x[i], cut(a, d, y[j], y[j + 1])]);
      for (let k = 0; k + 1 < pts.length; k += 2) {
        ctx.moveTo(X(pts[k][0]), Y(pts[k][1]));
        ctx.lineTo(X(pts[k + 1][0]), Y(pts[k + 1][1]));
      }
    }
  }
  ctx.stroke();
}

/** The trials on the pair (complete ones as rings) and the proposed point as a star. */
function marks(
  ctx: CanvasRenderingContext2D,
  st: SearchState,
  inside: Inside,
  theme: Theme,
  { frame: f, plot: r }: HeatmapLayout,
): void {
  const names = st.meta.params.map((a) => a.name);
  const jx = names.indexOf(inside.meta.pair[0]);
  const jy = names.indexOf(inside.meta.pair[1]);
  const d = names.length;
  const cols = st.cols;
  ctx.lineWidth = 1.2;
  ctx.strokeStyle = theme.dark ? "#ffffff" : "#111111";
  ctx.fillStyle = theme.dark ? "rgba(0,0,0,0.45)" : "rgba(255,255,255,0.6)";
  for (let row = 0; row < cols.n; row++) {
    if (cols.state[row] !== COMPLETE) continue;
    const px = r.x + cols.unit[row * d + jx] * r.w;
    const py = r.y + (1 - cols.unit[row * d + jy]) * r.h;
    ctx.beginPath();
    ctx.arc(px, py, TRIAL_RADIUS, 0, 2 * Math.PI);
    ctx.fill();
    ctx.stroke();
  }
  const next = inside.meta.next as [number, number] | undefined;
  if (next) {
    star(
      ctx,
      r.x + next[0] * r.w,
      r.y + (1 - next[1]) * r.h,
      STAR_RADIUS,
      "#e4572e",
      theme.dark ? "#ffffff" : "#111111",
      f,
    );
  }
}

function drawHeatmap(
  ctx: CanvasRenderingContext2D,
  st: SearchState,
  inside: Inside,
  theme: Theme,
  r: Rect,
  field: "mean" | "std" | "acquisition",
): string {
  const m = inside.meta;
  const [xa, ya] = [axisOf(st, m.pair[0]), axisOf(st, m.pair[1])];
  if (!xa || !ya) return "";
  const x = arr(inside, "x");
  const y = arr(inside, "y");
  const z = arr(inside, field);
  const s = scaleOf(inside, field);
  const layout = heatmapLayout(r);
  const p = layout.plot;
  // cells on a bound reach the frame: the heatmap fills it, around the inset positions
  const X = (e: number) => (e <= 0 ? r.x : e >= 1 ? r.x + r.w : p.x + e * p.w);
  const Y = (e: number) => (e <= 0 ? r.y + r.h : e >= 1 ? r.y : p.y + (1 - e) * p.h);
  const ex = edges(x);
  const ey = edges(y);
  for (let j = 0; j < y.length; j++) {
    for (let i = 0; i < x.length; i++) {
      ctx.fillStyle = colour(s, z[j * x.length + i], theme);
      const X0 = Math.floor(X(ex[i]));
      const X1 = Math.ceil(X(ex[i + 1]));
      const Y0 = Math.floor(Y(ey[j + 1]));
      const Y1 = Math.ceil(Y(ey[j]));
      ctx.fillRect(X0, Y0, X1 - X0, Y1 - Y0);
    }
  }
  const levels = (m.levels as Record<string, number[]> | undefined)?.[field] ?? [];
  ctx.strokeStyle = theme.dark ? "rgba(255,255,255,0.55)" : "rgba(0,0,0,0.45)";
  ctx.lineWidth = 0.8;
  for (const level of levels) contour(ctx, z, x, y, level, p);
  const box = m.box as [number, number, number, number] | null;
  if (box) {
    ctx.strokeStyle = "#e4572e";
    ctx.setLineDash([5, 3]);
    ctx.lineWidth = 1.5;
    ctx.strokeRect(
      p.x + box[0] * p.w,
      p.y + (1 - box[3]) * p.h,
      (box[1] - box[0]) * p.w,
      (box[3] - box[2]) * p.h,
    );
    ctx.setLineDash([]);
  }
  // the frame before the marks, which may lie on it
  frame(ctx, theme, r);
  marks(ctx, st, inside, theme, layout);
  unitAxis(ctx, theme, xa, p, false, r);
  unitAxis(ctx, theme, ya, p, true, r);
  // the colour scale's two ends, in a line above the frame (clear of the marks)
  ctx.font = `10px ${theme.font}`;
  ctx.fillStyle = theme.fg2;
  ctx.textAlign = "left";
  ctx.textBaseline = "middle";
  // the value colours run the other way in the dark theme (see colour())
  const shade = theme.dark ? "bright" : "dark";
  const better =
    s.better === "none" ? "" : s.better === "low" ? ` (${shade}: lower)` : ` (${shade}: higher)`;
  ctx.fillText(`${fmt(s.lo)} … ${fmt(s.hi)}${s.log ? " log" : ""}${better}`, r.x + 4, layout.keyY);
  return caption(inside);
}

function caption(inside: Inside): string {
  const m = inside.meta;
  const fixed = Object.entries((m.fixed as Record<string, unknown>) ?? {})
    .map(([k, v]) => `${k} = ${typeof v === "number" ? fmt(v) : String(v)}`)
    .join(", ");
  const where =
    m.mode === "trust_region"
      ? "searched in the trust region (dashed box)"
      : m.mode === "evolution"
        ? "chosen among children of the best trials"
        : "searched over the whole space";
  const trial = m.trial === null || m.trial === undefined ? "next ask" : `trial ${m.trial}`;
  return (
    `the searcher's Gaussian process after ${m.n_model} trials; ★ = its proposal (${trial}), ${where}` +
    (fixed ? `; other parameters at the best trial's: ${fixed}` : "")
  );
}

/** The value range of slice `k`'s band, mean ± 1 std (never empty). */
function sliceRange(inside: Inside, k: number): [number, number] {
  const off = arr(inside, "slice_offsets");
  const mean = arr(inside, "slice_mean");
  const sd = arr(inside, "slice_std");
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = off[k]; i < off[k + 1]; i++) {
    lo = Math.min(lo, mean[i] - sd[i]);
    hi = Math.max(hi, mean[i] + sd[i]);
  }
  return hi > lo ? [lo, hi] : [lo, lo + 1];
}

/** Pixels between a slice's frame and its value labels (right-aligned, left of the frame). */
const SLICE_LABEL_PAD = 4;

/**
 * The rectangles of side-by-side slices in `r`. Between two of them, the gap holds the
 * right slice's value labels (`labelW[i]`: the widest of slice i's, drawn left of its
 * frame) and the x tick labels where the two meet (`overhang[i]`: how far slice i's tick
 * labels reach beyond its [left, right] edges), each with 10 px to spare.
 */
export function sliceRects(
  r: Rect,
  labelW: readonly number[],
  overhang: readonly (readonly [number, number])[],
): Rect[] {
  const n = labelW.length;
  const gaps = Array.from({ length: Math.max(0, n - 1) }, (_, i) =>
    Math.ceil(Math.max(labelW[i + 1] + SLICE_LABEL_PAD, overhang[i][1] + overhang[i + 1][0]) + 10),
  );
  const w = (r.w - gaps.reduce((a, b) => a + b, 0)) / Math.max(1, n);
  let x = r.x;
  return labelW.map((_, i) => {
    const rect = { x, y: r.y, w, h: r.h };
    x += w + (gaps[i] ?? 0);
    return rect;
  });
}

/** How far an axis's tick labels, centred on their ticks, reach beyond a span `w` wide. */
function tickOverhang(
  ctx: CanvasRenderingContext2D,
  axis: { ticks: number[]; tick_labels: string[] },
  w: number,
): [number, number] {
  let left = 0;
  let right = 0;
  axis.ticks.forEach((u, k) => {
    const half = ctx.measureText(axis.tick_labels[k] ?? "").width / 2;
    left = Math.max(left, half - u * w);
    right = Math.max(right, half - (1 - u) * w);
  });
  return [left, right];
}

/** Where a slice draws in its rectangle `r`: the frames of its two plots, and the positions. */
export interface SliceLayout {
  /** the frame of the mean with its band */
  top: Rect;
  /** the frame of the acquisition beneath */
  bot: Rect;
  /** positions [0, 1] of the parameter (x) and the band's range (y) inside `top`, inset */
  plot: Rect;
  /** the same positions inside `bot` */
  acq: Rect;
}

/**
 * A slice's layout: its plots inset from their frames as the 2-D views are (axes.ts INSET),
 * so that a trial on a bound, or at the band's top or bottom, is drawn whole.
 */
export function sliceLayout(r: Rect): SliceLayout {
  const top: Rect = { x: r.x, y: r.y, w: r.w, h: r.h * 0.62 };
  const bot: Rect = { x: r.x, y: r.y + r.h * 0.7, w: r.w, h: r.h * 0.3 };
  const plot = inset(top);
  const acq = { ...inset(bot), y: bot.y + 2, h: bot.h - 4 };
  return { top, bot, plot, acq };
}

/** One slice: the mean with a ±1 std band above, the acquisition beneath. */
function drawSlice(
  ctx: CanvasRenderingContext2D,
  st: SearchState,
  inside: Inside,
  theme: Theme,
  r: Rect,
  k: number,
): void {
  const names = (inside.meta.slice_names as string[]) ?? [];
  const axis = axisOf(st, names[k]);
  if (!axis) return;
  const off = arr(inside, "slice_offsets");
  const [a, b] = [off[k], off[k + 1]];
  const u = Array.from(arr(inside, "slice_u")).slice(a, b);
  const mean = Array.from(arr(inside, "slice_mean")).slice(a, b);
  const sd = Array.from(arr(inside, "slice_std")).slice(a, b);
  const acq = Array.from(arr(inside, "slice_acquisition")).slice(a, b);
  const { top, bot, plot, acq: acqRect } = sliceLayout(r);
  const [lo, hi] = sliceRange(inside, k);
  const sy = lossScale([lo, hi], false, [plot.y + plot.h, plot.y]);
  const X = (v: number) => plot.x + v * plot.w;
  const choice = axis.kind === "choice";
  const own = theme.dark ? "#4fc3f7" : "#0b63c4";
  frame(ctx, theme, top);
  frame(ctx, theme, bot);
  ctx.fillStyle = own;
  ctx.globalAlpha = 0.2;
  if (choice) {
    for (let i = 0; i < u.length; i++)
      ctx.fillRect(X(u[i]) - 6, sy(mean[i] + sd[i]), 12, sy(mean[i] - sd[i]) - sy(mean[i] + sd[i]));
  } else {
    ctx.beginPath();
    for (let i = 0; i < u.length; i++) ctx.lineTo(X(u[i]), sy(mean[i] + sd[i]));
    for (let i = u.length - 1; i >= 0; i--) ctx.lineTo(X(u[i]), sy(mean[i] - sd[i]));
    ctx.fill();
  }
  ctx.globalAlpha = 1;
  ctx.strokeStyle = own;
  ctx.lineWidth = 2;
  ctx.beginPath();
  for (let i = 0; i < u.length; i++) {
    if (choice) {
      ctx.moveTo(X(u[i]) - 8, sy(mean[i]));
      ctx.lineTo(X(u[i]) + 8, sy(mean[i]));
    } else ctx.lineTo(X(u[i]), sy(mean[i]));
  }
  ctx.stroke();
  // the complete trials' values at their place on this parameter
  const j = st.meta.params.findIndex((p) => p.name === names[k]);
  const d = st.meta.params.length;
  ctx.fillStyle = theme.fg;
  for (let row = 0; row < st.cols.n; row++) {
    if (st.cols.state[row] !== COMPLETE) continue;
    const v = st.cols.value[row];
    if (v < lo || v > hi) continue;
    ctx.beginPath();
    ctx.arc(X(st.cols.unit[row * d + j]), sy(v), 2, 0, 2 * Math.PI);
    ctx.fill();
  }
  // acquisition beneath, scaled to its own range
  const s = scaleOf(inside, "acquisition");
  const ay = (v: number) => acqRect.y + acqRect.h - position(s, v) * acqRect.h;
  ctx.strokeStyle = "#e4572e";
  ctx.lineWidth = 1.5;
  ctx.beginPath();
  for (let i = 0; i < u.length; i++) {
    if (choice) {
      ctx.moveTo(X(u[i]) - 8, ay(acq[i]));
      ctx.lineTo(X(u[i]) + 8, ay(acq[i]));
    } else ctx.lineTo(X(u[i]), ay(acq[i]));
  }
  ctx.stroke();
  const nx = arr(inside, "slice_next")[k];
  if (Number.isFinite(nx)) {
    ctx.setLineDash([3, 3]);
    ctx.strokeStyle = "#e4572e";
    line(ctx, X(nx), top.y, X(nx), bot.y + bot.h);
    ctx.setLineDash([]);
  }
  ctx.font = `10px ${theme.font}`;
  ctx.fillStyle = theme.fg2;
  ctx.textAlign = "right";
  ctx.textBaseline = "middle";
  ctx.fillText(fmt(hi), r.x - SLICE_LABEL_PAD, sy(hi));
  ctx.fillText(fmt(lo), r.x - SLICE_LABEL_PAD, sy(lo));
  ctx.textAlign = "left";
  ctx.fillText("mean ± std", top.x + 4, top.y + 8);
  ctx.fillText("acquisition (log EI)", bot.x + 4, bot.y + 8);
  unitAxis(ctx, theme, axis, { ...plot, y: r.y, h: r.h }, false, r);
}

/** Draw the Bayesian inside view; returns its caption. */
export function drawSurrogate(
  ctx: CanvasRenderingContext2D,
  st: SearchState,
  inside: Inside,
  theme: Theme,
  r: Rect,
  field: SurrogateField,
): string {
  if (field !== "slices") return drawHeatmap(ctx, st, inside, theme, r, field);
  const names = (inside.meta.slice_names as string[]) ?? [];
  const ks = inside.meta.pair.map((n: string) => names.indexOf(n)).filter((k: number) => k >= 0);
  // the labels the gaps between slices must hold, measured in the font they are drawn in
  ctx.font = `10px ${theme.font}`;
  const labelW = ks.map((k: number) =>
    Math.max(...sliceRange(inside, k).map((v) => ctx.measureText(fmt(v)).width)),
  );
  const guess = r.w / Math.max(1, ks.length);
  const overhang = ks.map((k: number) => {
    const axis = axisOf(st, names[k]);
    return axis ? tickOverhang(ctx, axis, guess) : ([0, 0] as [number, number]);
  });
  const rects = sliceRects(r, labelW, overhang);
  ks.forEach((k: number, i: number) => {
    drawSlice(ctx, st, inside, theme, rects[i], k);
  });
  return `${caption(inside)}; dashed: the proposal's value on each parameter`;
}

/** A short fingerprint of what is drawn, for tests: field, trials in the model, the proposal. */
export function surrogateDrawn(inside: Inside, field: SurrogateField): string {
  const m = arr(inside, "mean");
  let sum = 0;
  for (let i = 0; i < m.length; i++) sum += Number.isFinite(m[i]) ? m[i] : 0;
  const next = (inside.meta.next as number[] | undefined) ?? [];
  return `${field}|${inside.meta.n_model}|${inside.meta.trial}|${sum.toPrecision(6)}|${next.map((v) => v.toFixed(3)).join(",")}`;
}

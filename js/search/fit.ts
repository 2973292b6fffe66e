// The over- and underfitting panel: train and validation values against one hyperparameter,
// the gap between them shaded. The same grouping as nbopt.drawing.fit_info.
import { line, sizeCanvas, type Theme } from "../core/draw";
import { axisTicks, lossScale, planeScales, type Rect, type Scale } from "../core/maths";
import { clear, frame } from "./panels";
import { COMPLETE, type SearchState } from "./store";

/** Same names as nbopt.drawing.TRAIN_METRICS, in the same order. */
export const TRAIN_METRICS = [
  "mean_train_score",
  "train_score",
  "train",
  "train_loss",
  "train_value",
];
export const FIT_BINS = 16;

/** Index of the train metric in `names` (-1: none), as nbopt.drawing.train_metric picks it. */
export function trainMetric(names: string[]): number {
  for (const m of TRAIN_METRICS) {
    const i = names.indexOf(m);
    if (i >= 0) return i;
  }
  return names.findIndex((n) => n.startsWith("mean_train_"));
}

export interface Fit {
  param: number;
  metric: number;
  /** group positions in [0, 1], increasing */
  x: number[];
  train: number[];
  valid: number[];
  count: number[];
  /** group with the best median validation value (-1: none) */
  best: number;
  px: number[];
  pt: number[];
  pv: number[];
}

function median(a: number[]): number {
  const s = [...a].sort((p, q) => p - q);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : 0.5 * (s[m - 1] + s[m]);
}

/** Train and validation medians per group of parameter `param` (null without a train metric). */
export function fitOf(st: SearchState, param: number): Fit | null {
  const { cols, meta } = st;
  const metric = trainMetric(meta.metric_names);
  if (metric < 0 || param < 0 || param >= cols.d) return null;
  const px: number[] = [];
  const pt: number[] = [];
  const pv: number[] = [];
  for (let r = 0; r < cols.n; r++) {
    if (cols.state[r] !== COMPLETE) continue;
    const t = cols.metrics[r * cols.m + metric];
    const u = cols.unit[r * cols.d + param];
    if (!Number.isFinite(t) || !Number.isFinite(u) || !Number.isFinite(cols.value[r])) continue;
    px.push(u);
    pt.push(t);
    pv.push(cols.value[r]);
  }
  const distinct = [...new Set(px)].sort((a, b) => a - b);
  const few = distinct.length <= 2 * FIT_BINS;
  const keys = few ? distinct : Array.from({ length: FIT_BINS }, (_, g) => (g + 0.5) / FIT_BINS);
  const index = new Map(distinct.map((v, i) => [v, i]));
  const groups: number[][] = keys.map(() => []);
  for (let i = 0; i < px.length; i++) {
    const g = few ? (index.get(px[i]) ?? 0) : Math.min(Math.floor(px[i] * FIT_BINS), FIT_BINS - 1);
    groups[g].push(i);
  }
  const fit: Fit = { param, metric, x: [], train: [], valid: [], count: [], best: -1, px, pt, pv };
  const sign = meta.direction === "maximize" ? -1 : 1;
  groups.forEach((rows, g) => {
    if (!rows.length) return;
    fit.x.push(keys[g]);
    fit.train.push(median(rows.map((i) => pt[i])));
    fit.valid.push(median(rows.map((i) => pv[i])));
    fit.count.push(rows.length);
  });
  let best = Number.POSITIVE_INFINITY;
  fit.valid.forEach((v, i) => {
    if (sign * v < best) {
      best = sign * v;
      fit.best = i;
    }
  });
  return fit;
}

const TRAIN = { light: "#e8710a", dark: "#ffb74d" };
const VALID = { light: "#0b63c4", dark: "#4fc3f7" };

/** Draw the train and validation lines, the shaded gap and the best validation group. */
export function drawFit(
  canvas: HTMLCanvasElement,
  st: SearchState,
  fit: Fit,
  theme: Theme,
  size: { w: number; h: number },
): void {
  const dpr = window.devicePixelRatio || 1;
  const ctx = sizeCanvas(canvas, size.w, size.h, dpr);
  clear(ctx, theme, size.w, size.h);
  const r: Rect = { x: 62, y: 26, w: size.w - 76, h: size.h - 26 - 44 };
  frame(ctx, theme, r);
  const axis = st.meta.params[fit.param];
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const v of [...fit.pt, ...fit.pv]) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!(lo <= hi)) {
    ctx.fillStyle = theme.fg2;
    ctx.font = `11px ${theme.font}`;
    ctx.textAlign = "center";
    ctx.fillText("no complete trial with a train value yet", r.x + r.w / 2, r.y + r.h / 2);
    return;
  }
  const pad = (hi - lo || Math.abs(hi) || 1) * 0.06;
  const sy: Scale = lossScale([lo - pad, hi + pad], false, [r.y + r.h, r.y]);
  const { sx } = planeScales(
    [
      [0, 1],
      [0, 1],
    ],
    r,
  );
  // the x axis in the parameter's own units: its ticks at their positions
  ctx.strokeStyle = theme.fg2;
  ctx.fillStyle = theme.fg2;
  ctx.font = `10px ${theme.font}`;
  ctx.textAlign = "center";
  ctx.textBaseline = "top";
  // a Choice's ticks are its options' centres and its labels their names (nbopt.drawing.Axis)
  const ticks = axis.ticks;
  const labels = axis.tick_labels;
  ticks.forEach((u, i) => {
    const X = Math.round(sx(u)) + 0.5;
    line(ctx, X, r.y + r.h, X, r.y + r.h + 4);
    ctx.fillText(labels[i] ?? "", X, r.y + r.h + 6);
  });
  ctx.textAlign = "right";
  ctx.textBaseline = "middle";
  for (const { value, label } of axisTicks(sy, false)) {
    const Y = Math.round(sy(value)) + 0.5;
    line(ctx, r.x - 4, Y, r.x, Y);
    ctx.fillText(label, r.x - 6, Y);
  }
  ctx.fillStyle = theme.fg;
  ctx.font = `11px ${theme.font}`;
  ctx.textAlign = "center";
  ctx.textBaseline = "bottom";
  ctx.fillText(`${axis.name}${axis.log ? " (log scale)" : ""}`, r.x + r.w / 2, r.y + r.h + 34);
  ctx.save();
  ctx.translate(r.x - 44, r.y + r.h / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.textBaseline = "top";
  ctx.fillText(st.meta.value_axis.name, 0, 0);
  ctx.restore();
  const col = (c: { light: string; dark: string }) => (theme.dark ? c.dark : c.light);
  ctx.save();
  ctx.beginPath();
  ctx.rect(r.x, r.y, r.w, r.h);
  ctx.clip();
  // the gap: the band between the two median lines
  if (fit.x.length > 1) {
    ctx.beginPath();
    for (const [i, x] of fit.x.entries()) {
      if (i) ctx.lineTo(sx(x), sy(fit.train[i]));
      else ctx.moveTo(sx(x), sy(fit.train[i]));
    }
    for (let i = fit.x.length - 1; i >= 0; i--) ctx.lineTo(sx(fit.x[i]), sy(fit.valid[i]));
    ctx.closePath();
    ctx.fillStyle = theme.fg2;
    ctx.globalAlpha = 0.16;
    ctx.fill();
    ctx.globalAlpha = 1;
  }
  const n = fit.px.length;
  const s = n > 2000 ? 2 : 3;
  ctx.globalAlpha = n > 2000 ? 0.25 : 0.45;
  for (const [values, c] of [
    [fit.pt, col(TRAIN)],
    [fit.pv, col(VALID)],
  ] as const) {
    ctx.fillStyle = c;
    for (let i = 0; i < n; i++) ctx.fillRect(sx(fit.px[i]) - s / 2, sy(values[i]) - s / 2, s, s);
  }
  ctx.globalAlpha = 1;
  for (const [values, c] of [
    [fit.train, col(TRAIN)],
    [fit.valid, col(VALID)],
  ] as const) {
    ctx.beginPath();
    for (const [i, x] of fit.x.entries()) {
      if (i) ctx.lineTo(sx(x), sy(values[i]));
      else ctx.moveTo(sx(x), sy(values[i]));
    }
    ctx.strokeStyle = c;
    ctx.lineWidth = 2;
    ctx.stroke();
  }
  if (fit.best >= 0) {
    const X = Math.round(sx(fit.x[fit.best])) + 0.5;
    ctx.setLineDash([4, 3]);
    ctx.strokeStyle = theme.fg;
    ctx.lineWidth = 1;
    line(ctx, X, r.y, X, r.y + r.h);
    ctx.setLineDash([]);
  }
  ctx.restore();
  // legend
  ctx.font = `10px ${theme.font}`;
  ctx.textBaseline = "middle";
  ctx.textAlign = "left";
  let at = r.x;
  for (const [label, c, dash] of [
    ["train", col(TRAIN), false],
    ["validation", col(VALID), false],
    ["best validation", theme.fg, true],
  ] as const) {
    ctx.strokeStyle = c;
    ctx.lineWidth = 2;
    if (dash) ctx.setLineDash([4, 3]);
    line(ctx, at, 12, at + 16, 12);
    ctx.setLineDash([]);
    ctx.fillStyle = theme.fg2;
    ctx.fillText(label, at + 20, 12);
    at += 20 + ctx.measureText(label).width + 14;
  }
}

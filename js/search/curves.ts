// The learning-curves panel: every trial's reported values against the step, the running
// trials as they report, pruned trials apart, and the pruner's bars (its rung cut-offs or
// median). Drawn from the store; labels are canvas text, never markup.
import { axes, line, sizeCanvas, type Theme } from "../core/draw";
import { fmt, lossScale, planeScales, type Rect, type Scale } from "../core/maths";
import { bin, clear, cross, FAILED_COLOUR, frame, PRUNED_COLOUR, palette } from "./panels";
import { COMPLETE, FAILED, PRUNED, rankedRows, type SearchState } from "./store";

/** Most curves a frame draws: the running ones, the best complete half and a sample. */
export const MAX_CURVES = 2000;

export interface CurvesDrawn {
  /** finished trials' curves drawn */
  curves: number;
  /** finished trials with a curve that pass the brush */
  eligible: number;
  /** running trials' curves drawn */
  live: number;
  /** threshold lines drawn */
  thresholds: number;
  log: boolean;
}

/** True when the search reported learning curves (finished or running). */
export function hasCurves(st: SearchState): boolean {
  return st.cols.nCurves > 0 || st.live.size > 0;
}

/**
 * Rows whose curves a frame draws, in draw order: pruned and failed first, complete ones
 * from worst to best (the best on top). Past MAX_CURVES, the best complete half of the
 * budget and an even sample of the rest.
 */
export function curveRows(st: SearchState, mask: Uint8Array): { rows: number[]; eligible: number } {
  const { cols } = st;
  const complete: number[] = [];
  for (const r of rankedRows(st)) if (mask[r] && cols.curveLen[r] > 0) complete.push(r);
  const others: number[] = [];
  for (let r = 0; r < cols.n; r++) {
    const s = cols.state[r];
    if (mask[r] && cols.curveLen[r] > 0 && (s === PRUNED || s === FAILED)) others.push(r);
  }
  const ordered = [...complete, ...others];
  const eligible = ordered.length;
  let kept = ordered;
  if (eligible > MAX_CURVES) {
    const half = MAX_CURVES / 2;
    const step = (eligible - half) / half;
    kept = ordered.slice(0, half);
    for (let i = 0; i < half; i++) kept.push(ordered[half + Math.floor(i * step)]);
  }
  const rank = new Map<number, number>();
  for (const [i, r] of complete.entries()) rank.set(r, i);
  kept.sort((a, b) => {
    const ga = cols.state[a] === COMPLETE ? 1 : 0;
    const gb = cols.state[b] === COMPLETE ? 1 : 0;
    if (ga !== gb) return ga - gb;
    if (ga) return (rank.get(b) ?? 0) - (rank.get(a) ?? 0);
    return cols.number[a] - cols.number[b];
  });
  return { rows: kept, eligible };
}

function extent(
  st: SearchState,
  rows: number[],
): { x0: number; x1: number; y0: number; y1: number } {
  const { cols } = st;
  let x0 = Number.POSITIVE_INFINITY;
  let x1 = Number.NEGATIVE_INFINITY;
  let y0 = Number.POSITIVE_INFINITY;
  let y1 = Number.NEGATIVE_INFINITY;
  const take = (x: number, y: number) => {
    if (!Number.isFinite(x) || !Number.isFinite(y)) return;
    if (x < x0) x0 = x;
    if (x > x1) x1 = x;
    if (y < y0) y0 = y;
    if (y > y1) y1 = y;
  };
  for (const r of rows) {
    const a = cols.curveStart[r];
    for (let i = a; i < a + cols.curveLen[r]; i++) take(cols.curveSteps[i], cols.curveValues[i]);
  }
  for (const c of st.live.values())
    for (let i = 0; i < c.steps.length; i++) take(c.steps[i], c.values[i]);
  for (const t of st.meta.thresholds)
    for (let i = 0; i < t.steps.length; i++) take(t.steps[i], t.values[i]);
  return { x0, x1, y0, y1 };
}

function path(
  ctx: CanvasRenderingContext2D,
  steps: ArrayLike<number>,
  values: ArrayLike<number>,
  from: number,
  to: number,
  sx: Scale,
  sy: Scale,
): void {
  for (let i = from; i < to; i++) {
    const x = sx(steps[i]);
    const y = sy(values[i]);
    if (i === from) ctx.moveTo(x, y);
    else ctx.lineTo(x, y);
  }
}

function legend(
  ctx: CanvasRenderingContext2D,
  theme: Theme,
  x: number,
  y: number,
  items: [string, (x: number, y: number) => void][],
): void {
  ctx.font = `10px ${theme.font}`;
  ctx.textBaseline = "middle";
  ctx.textAlign = "left";
  let at = x;
  for (const [label, mark] of items) {
    ctx.save();
    mark(at, y);
    ctx.restore();
    ctx.fillStyle = theme.fg2;
    ctx.fillText(label, at + 22, y);
    at += 22 + ctx.measureText(label).width + 16;
  }
}

/**
 * Every finished trial's curve (complete ones coloured by their final value, the best on
 * top; pruned ones faint, ending in an orange cross where they were stopped; failed ones
 * red), the running trials' curves so far (bold, a dot at their last report) and the
 * pruner's bars (dashed, a circle at each step a trial is judged at).
 */
export function drawCurves(
  canvas: HTMLCanvasElement,
  st: SearchState,
  theme: Theme,
  size: { w: number; h: number },
  mask: Uint8Array,
  bestRow: number | null,
): CurvesDrawn {
  const dpr = window.devicePixelRatio || 1;
  const ctx = sizeCanvas(canvas, size.w, size.h, dpr);
  clear(ctx, theme, size.w, size.h);
  const r: Rect = { x: 62, y: 30, w: size.w - 78, h: size.h - 30 - 44 };
  const { cols } = st;
  const { rows, eligible } = curveRows(st, mask);
  const e = extent(st, rows);
  const drawn: CurvesDrawn = { curves: 0, eligible, live: 0, thresholds: 0, log: false };
  frame(ctx, theme, r);
  if (!(e.x0 <= e.x1)) {
    ctx.fillStyle = theme.fg2;
    ctx.font = `11px ${theme.font}`;
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    ctx.fillText("no trial has reported a value yet", r.x + r.w / 2, r.y + r.h / 2);
    return drawn;
  }
  const log = e.y0 > 0 && e.y1 >= 100 * e.y0;
  drawn.log = log;
  let sy: Scale;
  if (log) {
    const a = Math.log10(e.y0);
    const b = Math.log10(e.y1);
    const pad = (b - a || 1) * 0.05;
    sy = lossScale([10 ** (a - pad), 10 ** (b + pad)], true, [r.y + r.h, r.y]);
  } else {
    const pad = (e.y1 - e.y0 || Math.abs(e.y1) || 1) * 0.05;
    sy = lossScale([e.y0 - pad, e.y1 + pad], false, [r.y + r.h, r.y]);
  }
  const x1 = e.x1 > e.x0 ? e.x1 : e.x0 + 1;
  // a little room before the first step: marks of trials pruned there sit clear of the axis
  const pad = (x1 - e.x0) * 0.03;
  const { sx } = planeScales(
    [
      [e.x0 - pad, x1 + pad],
      [0, 1],
    ],
    r,
  );
  ctx.strokeStyle = theme.border;
  ctx.globalAlpha = 0.45;
  for (const v of log ? [] : sy.ticks(5))
    line(ctx, r.x, Math.round(sy(v)) + 0.5, r.x + r.w, Math.round(sy(v)) + 0.5);
  ctx.globalAlpha = 1;
  axes(ctx, theme, r, sx, sy, "step", `reported value${log ? " (log scale)" : ""}`, log, "~s");

  ctx.save();
  ctx.beginPath();
  ctx.rect(r.x, r.y - 4, r.w, r.h + 8);
  ctx.clip();
  ctx.lineJoin = "round";
  const pal = palette(theme.dark);
  const stops: [number, number][] = [];
  for (const row of rows) {
    const a = cols.curveStart[row];
    const b = a + cols.curveLen[row];
    const s = cols.state[row];
    ctx.beginPath();
    path(ctx, cols.curveSteps, cols.curveValues, a, b, sx, sy);
    if (s === COMPLETE) {
      const c = cols.colour[row];
      ctx.strokeStyle = Number.isNaN(c) ? theme.fg2 : pal[bin(c)];
      ctx.globalAlpha = 0.85;
      ctx.lineWidth = 1.2;
    } else {
      ctx.strokeStyle = s === FAILED ? FAILED_COLOUR : theme.fg2;
      ctx.globalAlpha = s === FAILED ? 0.6 : 0.4;
      ctx.lineWidth = 1;
    }
    ctx.stroke();
    if (s === PRUNED && b > a)
      stops.push([sx(cols.curveSteps[b - 1]), sy(cols.curveValues[b - 1])]);
    drawn.curves++;
  }
  ctx.globalAlpha = 1;
  if (stops.length) {
    ctx.beginPath();
    for (const [x, y] of stops) cross(ctx, x, y, 3);
    ctx.strokeStyle = PRUNED_COLOUR;
    ctx.lineWidth = 1.4;
    ctx.stroke();
  }
  if (bestRow !== null && mask[bestRow] && cols.curveLen[bestRow] > 0) {
    const a = cols.curveStart[bestRow];
    ctx.beginPath();
    path(ctx, cols.curveSteps, cols.curveValues, a, a + cols.curveLen[bestRow], sx, sy);
    ctx.strokeStyle = theme.fg;
    ctx.lineWidth = 2.2;
    ctx.stroke();
  }
  ctx.setLineDash([6, 4]);
  const barColour = theme.dark ? "#f06292" : "#ad1457";
  ctx.strokeStyle = barColour;
  ctx.fillStyle = barColour;
  ctx.lineWidth = 1.5;
  for (const t of st.meta.thresholds) {
    if (!t.steps.length) continue;
    ctx.beginPath();
    path(ctx, t.steps, t.values, 0, t.steps.length, sx, sy);
    ctx.stroke();
    for (let i = 0; i < t.steps.length; i++) {
      ctx.beginPath();
      ctx.arc(sx(t.steps[i]), sy(t.values[i]), 3, 0, 2 * Math.PI);
      ctx.fill();
    }
    drawn.thresholds++;
  }
  ctx.setLineDash([]);
  const liveColour = theme.dark ? "#4fc3f7" : "#0b63c4";
  for (const c of st.live.values()) {
    if (!c.steps.length) continue;
    ctx.beginPath();
    path(ctx, c.steps, c.values, 0, c.steps.length, sx, sy);
    ctx.strokeStyle = liveColour;
    ctx.lineWidth = 2;
    ctx.stroke();
    ctx.beginPath();
    ctx.arc(
      sx(c.steps[c.steps.length - 1]),
      sy(c.values[c.values.length - 1]),
      3.5,
      0,
      2 * Math.PI,
    );
    ctx.fillStyle = liveColour;
    ctx.fill();
    drawn.live++;
  }
  ctx.restore();

  // the key names what is drawn: pruned and running trials only once there are some
  const items: [string, (x: number, y: number) => void][] = [
    [
      "complete (colour: final value)",
      (x, y) => {
        ctx.strokeStyle = pal[pal.length - 1];
        ctx.lineWidth = 1.5;
        line(ctx, x, y, x + 16, y);
      },
    ],
    [
      "best",
      (x, y) => {
        ctx.strokeStyle = theme.fg;
        ctx.lineWidth = 2.2;
        line(ctx, x, y, x + 16, y);
      },
    ],
  ];
  if (st.meta.header.n_pruned > 0)
    items.push([
      "pruned (× where stopped)",
      (x, y) => {
        ctx.strokeStyle = theme.fg2;
        ctx.globalAlpha = 0.6;
        line(ctx, x, y, x + 12, y);
        ctx.globalAlpha = 1;
        ctx.strokeStyle = PRUNED_COLOUR;
        ctx.lineWidth = 1.4;
        ctx.beginPath();
        cross(ctx, x + 14, y, 3);
        ctx.stroke();
      },
    ]);
  if (drawn.live > 0)
    items.push([
      "running",
      (x, y) => {
        ctx.strokeStyle = liveColour;
        ctx.lineWidth = 2;
        line(ctx, x, y, x + 16, y);
      },
    ]);
  if (st.meta.thresholds.length) {
    const labels = st.meta.thresholds.map((t) => t.label);
    const label = labels.length > 1 ? `${labels[0]} … (${labels.length} lines)` : labels[0];
    items.push([
      label,
      (x, y) => {
        ctx.strokeStyle = barColour;
        ctx.setLineDash([6, 4]);
        ctx.lineWidth = 1.5;
        line(ctx, x, y, x + 16, y);
        ctx.setLineDash([]);
      },
    ]);
  }
  legend(ctx, theme, r.x, 14, items);
  return drawn;
}

/**
 * The caption beside the panel's title, one short line: the pruner's name and what pruning
 * saved (`text`); the pruner with its settings and the sampling of the curves in full in
 * `title`, the tooltip (the line is cut with an ellipsis when the panel is narrow).
 */
export function curvesCaption(
  st: SearchState,
  drawn: CurvesDrawn,
): { text: string; title: string } {
  const hd = st.meta.header;
  const pruner = st.meta.pruner;
  // the pruner comes as its repr, `Name(setting=..., ...)`: the line names it, the tooltip
  // has the settings
  const text = [pruner ? pruner.split("(")[0] : "no pruner"];
  const title = [pruner ? `pruner: ${pruner}` : "no pruner"];
  if (drawn.curves < drawn.eligible) {
    const part = `${drawn.curves.toLocaleString("en-US")} of ${drawn.eligible.toLocaleString("en-US")} curves drawn`;
    text.push(part);
    title.push(`${part} (the best half and an even sample of the rest)`);
  }
  if (hd.steps_saved !== null && hd.steps_run !== null && hd.n_pruned) {
    const total = hd.steps_run + hd.steps_saved;
    const share = total > 0 ? (100 * hd.steps_saved) / total : 0;
    const part = `${hd.n_pruned} pruned, saving ${share.toFixed(0)} % of the steps (${fmt(hd.steps_saved)} of ${fmt(total)})`;
    text.push(part);
    title.push(part);
  }
  return { text: text.join(" · "), title: title.join("\n") };
}

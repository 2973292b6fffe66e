// The searcher's inside view (nbopt.drawing.inside_info), over the 2-D view's two parameters:
// a grid search's cells done and left, a random search's coverage against the other sampler.
// Drawn from the arrays Python computed; labels are canvas text, never markup.
import { line, sizeCanvas, type Theme } from "../core/draw";
import { colourAt, fmt, hexToRgb, lossScale, type Rect } from "../core/maths";
import { axisOf, edges, unitAxis } from "./axes";
import { drawEllipse } from "./ellipse";
import { drawGenerations, GENERATIONS, pickGenerations } from "./generations";
import { clear, frame, VALUE_COLORMAP } from "./panels";
import { type Inside, type SearchState, toUnit, insideValues as values } from "./store";
import { drawSurrogate, type SurrogateField } from "./surrogate";

export const INSIDE = { w: 440, h: 300 };

/** The grid search's cells over the pair: colour = best value there, faint = partly done. */
function drawGrid(
  ctx: CanvasRenderingContext2D,
  st: SearchState,
  inside: Inside,
  theme: Theme,
  r: Rect,
): string {
  const m = inside.meta;
  const [xa, ya] = [axisOf(st, m.pair[0]), axisOf(st, m.pair[1])];
  if (!xa || !ya) return "";
  const x = values(inside, "x");
  const y = values(inside, "y");
  const done = values(inside, "done");
  const best = values(inside, "best");
  const perCell = Number(m.per_cell) || 1;
  const ex = edges(x);
  const ey = edges(y);
  const stops = VALUE_COLORMAP.map(hexToRgb);
  const axis = st.meta.value_axis;
  const minimize = st.meta.direction !== "maximize";
  const { lo, hi } = st.cols;
  const ub = toUnit(axis, minimize ? lo : hi);
  const uw = toUnit(axis, minimize ? hi : lo);
  for (let j = 0; j < y.length; j++) {
    for (let i = 0; i < x.length; i++) {
      const k = j * x.length + i;
      const X0 = r.x + ex[i] * r.w;
      const X1 = r.x + ex[i + 1] * r.w;
      const Y0 = r.y + (1 - ey[j + 1]) * r.h;
      const Y1 = r.y + (1 - ey[j]) * r.h;
      const share = Math.min(1, done[k] / perCell);
      if (done[k] > 0 && Number.isFinite(best[k])) {
        const u = toUnit(axis, best[k]);
        let c = ub !== uw ? (u - uw) / (ub - uw) : 1;
        c = Math.max(0, Math.min(1, c));
        const rgb = colourAt(theme.dark ? 1 - c : c, stops);
        ctx.fillStyle = `rgb(${rgb[0]},${rgb[1]},${rgb[2]})`;
        ctx.globalAlpha = 0.35 + 0.65 * share;
        ctx.fillRect(X0 + 0.5, Y0 + 0.5, X1 - X0 - 1, Y1 - Y0 - 1);
        ctx.globalAlpha = 1;
      } else if (done[k] > 0) {
        ctx.fillStyle = "#d62728";
        ctx.globalAlpha = 0.3;
        ctx.fillRect(X0 + 0.5, Y0 + 0.5, X1 - X0 - 1, Y1 - Y0 - 1);
        ctx.globalAlpha = 1;
      } else {
        ctx.strokeStyle = theme.border;
        ctx.setLineDash([3, 3]);
        ctx.strokeRect(X0 + 1.5, Y0 + 1.5, X1 - X0 - 3, Y1 - Y0 - 3);
        ctx.setLineDash([]);
      }
    }
  }
  unitAxis(ctx, theme, xa, r, false);
  unitAxis(ctx, theme, ya, r, true);
  const total = Number(m.n_total);
  const n = Number(m.n_done);
  return (
    `grid: ${n.toLocaleString("en-US")} of ${total.toLocaleString("en-US")} points done, ` +
    `${Math.max(0, total - n).toLocaleString("en-US")} left · a cell holds ${perCell} point${perCell > 1 ? "s" : ""} ` +
    "(the other parameters' values); colour: its best value, faint: partly done, dashed: not started"
  );
}

/** The largest gap against the trial count, this search and the other sampler. */
function drawCoverage(
  ctx: CanvasRenderingContext2D,
  inside: Inside,
  theme: Theme,
  r: Rect,
): string {
  const m = inside.meta;
  const n = values(inside, "n");
  const gap = values(inside, "gap");
  const other = values(inside, "other_gap");
  if (!n.length) return "";
  const nMax = Math.max(2, n[n.length - 1]);
  const sx = lossScale([1, nMax], true, [r.x, r.x + r.w]);
  let gMin = 1;
  let gMax = 1;
  for (const v of [...Array.from(gap), ...Array.from(other)]) {
    if (v > 0 && v < gMin) gMin = v;
    if (v > gMax) gMax = v;
  }
  // the largest gap of the first points can exceed 1 (a corner to corner diagonal)
  const sy = lossScale([gMin / 1.3, gMax * 1.15], true, [r.y + r.h, r.y]);
  ctx.strokeStyle = theme.border;
  ctx.globalAlpha = 0.45;
  for (const v of [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1]) {
    if (v < gMin / 1.3) continue;
    line(ctx, r.x, Math.round(sy(v)) + 0.5, r.x + r.w, Math.round(sy(v)) + 0.5);
  }
  ctx.globalAlpha = 1;
  ctx.fillStyle = theme.fg2;
  ctx.strokeStyle = theme.fg2;
  ctx.font = `10px ${theme.font}`;
  ctx.textAlign = "right";
  ctx.textBaseline = "middle";
  for (const v of [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1]) {
    if (v < gMin / 1.3) continue;
    ctx.fillText(String(v), r.x - 6, sy(v));
  }
  ctx.textAlign = "center";
  ctx.textBaseline = "top";
  // 1, 2 and 5 per decade over up to three decades; powers of ten beyond
  const steps = nMax < 1000 ? [1, 2, 5] : [1];
  for (let p = 1; p <= nMax; p *= 10) {
    for (const k of steps) {
      const v = k * p;
      if (v > nMax) break;
      const X = Math.round(sx(v)) + 0.5;
      line(ctx, X, r.y + r.h, X, r.y + r.h + 4);
      ctx.fillText(v >= 1000 ? `${v / 1000}k` : String(v), X, r.y + r.h + 6);
    }
  }
  ctx.fillStyle = theme.fg;
  ctx.font = `11px ${theme.font}`;
  ctx.textBaseline = "bottom";
  ctx.fillText("trials", r.x + r.w / 2, r.y + r.h + 34);
  ctx.save();
  ctx.translate(r.x - 46, r.y + r.h / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.textBaseline = "top";
  ctx.fillText("largest gap (log)", 0, 0);
  ctx.restore();
  const own = theme.dark ? "#4fc3f7" : "#0b63c4";
  const alt = theme.dark ? "#bdbdbd" : "#6b6b6b";
  for (const [ys, colour, dash] of [
    [gap, own, false],
    [other, alt, true],
  ] as const) {
    ctx.beginPath();
    for (let i = 0; i < n.length; i++) {
      if (i) ctx.lineTo(sx(n[i]), sy(Math.max(ys[i], gMin / 1.3)));
      else ctx.moveTo(sx(n[i]), sy(Math.max(ys[i], gMin / 1.3)));
    }
    ctx.strokeStyle = colour;
    ctx.lineWidth = 2;
    if (dash) ctx.setLineDash([6, 4]);
    ctx.stroke();
    ctx.setLineDash([]);
  }
  // the legend at the bottom left, under the curves (they fall from the top left)
  ctx.font = `10px ${theme.font}`;
  ctx.textAlign = "left";
  ctx.textBaseline = "middle";
  let row = r.y + r.h - 26;
  for (const [label, colour, dash] of [
    [`this search (${String(m.sampler)})`, own, false],
    [`${String(m.other)}, as many points`, alt, true],
  ] as const) {
    ctx.strokeStyle = colour;
    ctx.lineWidth = 2;
    if (dash) ctx.setLineDash([6, 4]);
    line(ctx, r.x + 8, row, r.x + 24, row);
    ctx.setLineDash([]);
    ctx.fillStyle = theme.fg2;
    ctx.fillText(label, r.x + 28, row);
    row += 14;
  }
  const k = n.length - 1;
  return (
    `coverage of ${m.pair[0]} × ${m.pair[1]}: the largest gap after ${n[k].toLocaleString("en-US")} ` +
    `trials is ${fmt(gap[k])} (${String(m.other)}: ${fmt(other[k])}); smaller is a more even cover`
  );
}

/** Title of the panel for an inside view's kind. */
export function insideTitle(inside: Inside | null): string {
  if (!inside) return "";
  const k = inside.meta.kind;
  if (k === "grid") return "the grid: done and left";
  if (k === "surrogate") return "the surrogate and the acquisition";
  if (k === "coverage") return "how evenly the trials cover the space";
  if (k === "cmaes") return "the search distribution, generation by generation";
  if (k === "generations") return "the generations: populations, parents, diversity";
  return k;
}

/** Draw the inside view; returns its caption ("" for a kind this frontend does not draw). */
export function drawInside(
  canvas: HTMLCanvasElement,
  st: SearchState,
  inside: Inside,
  theme: Theme,
  chosen: number | null = null,
  field: SurrogateField = "mean",
): string {
  const dpr = window.devicePixelRatio || 1;
  if (inside.meta.kind === "generations") {
    // taller, with its own layout; `chosen` is the trial whose parents are linked
    const g = sizeCanvas(canvas, GENERATIONS.w, GENERATIONS.h, dpr);
    clear(g, theme, GENERATIONS.w, GENERATIONS.h);
    return drawGenerations(g, st, inside, theme, { x: 0, y: 0, ...GENERATIONS }, chosen);
  }
  const ctx = sizeCanvas(canvas, INSIDE.w, INSIDE.h, dpr);
  clear(ctx, theme, INSIDE.w, INSIDE.h);
  const r: Rect = { x: 64, y: 12, w: INSIDE.w - 76, h: INSIDE.h - 12 - 44 };
  // the distribution view lays out its own two plots
  if (inside.meta.kind === "cmaes") return drawEllipse(ctx, st, inside, theme, r);
  if (inside.meta.kind === "surrogate") {
    return drawSurrogate(ctx, st, inside, theme, { ...r, y: r.y + 10, h: r.h - 10 }, field);
  }
  frame(ctx, theme, r);
  if (inside.meta.kind === "grid") return drawGrid(ctx, st, inside, theme, r);
  if (inside.meta.kind === "coverage") return drawCoverage(ctx, inside, theme, r);
  return "";
}

/** True when this frontend draws the inside view's kind. */
export function drawsInside(inside: Inside | null): boolean {
  return (
    inside !== null &&
    ["grid", "coverage", "cmaes", "generations", "surrogate"].includes(inside.meta.kind)
  );
}

/** The trial under a click on the inside view (null when none, or the view picks nothing). */
export function pickInside(
  canvas: HTMLCanvasElement,
  inside: Inside,
  e: MouseEvent,
): number | null {
  if (inside.meta.kind !== "generations") return null;
  const b = canvas.getBoundingClientRect();
  const x = ((e.clientX - b.left) * GENERATIONS.w) / Math.max(1, b.width);
  const y = ((e.clientY - b.top) * GENERATIONS.h) / Math.max(1, b.height);
  return pickGenerations(inside, x, y);
}

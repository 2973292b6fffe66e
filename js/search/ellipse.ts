// Inside an evolutionary search (nbopt.drawing.EllipseInfo, kind "cmaes"): over the 2-D
// view's two parameters, the search distribution of each generation (1 and 2 sigma
// ellipses of the searcher's own covariance, mapped to the axes by Python), the mean's
// path and the sampled points; beside it the step size sigma per generation (log), with
// the restarts. Labels are canvas text, never markup.
import { line, setData, type Theme } from "../core/draw";
import { fmt, logTicks, lossScale, type Rect } from "../core/maths";
import { axisOf, unitAxis } from "./axes";
import { frame } from "./panels";
import { type Inside, type SearchState, insideValues as values } from "./store";

interface Colours {
  ellipse: string;
  mean: string;
  point: string;
  old: string;
  restart: string;
}

function colours(theme: Theme): Colours {
  return theme.dark
    ? { ellipse: "#4fc3f7", mean: "#ffb74d", point: "#81d4fa", old: "#9e9e9e", restart: "#ef5350" }
    : { ellipse: "#0b63c4", mean: "#d55e00", point: "#0b63c4", old: "#8c8c8c", restart: "#c62828" };
}

/** One outline (generation `g`, ring `s`: 0 = 1 sigma, 1 = 2 sigma) as a path. */
function outlinePath(
  ctx: CanvasRenderingContext2D,
  ox: ArrayLike<number>,
  oy: ArrayLike<number>,
  m: number,
  g: number,
  s: number,
  r: Rect,
): void {
  const base = (g * 2 + s) * m;
  ctx.beginPath();
  for (let i = 0; i < m; i++) {
    const X = r.x + ox[base + i] * r.w;
    const Y = r.y + (1 - oy[base + i]) * r.h;
    if (i) ctx.lineTo(X, Y);
    else ctx.moveTo(X, Y);
  }
  ctx.closePath();
}

/** The step size against the generation, log scale, restarts as dashed verticals. */
function drawSigma(
  ctx: CanvasRenderingContext2D,
  inside: Inside,
  theme: Theme,
  c: Colours,
  r: Rect,
): void {
  const sigma = values(inside, "sigma");
  const gen = values(inside, "sigma_generation");
  const restarts = values(inside, "restart_generation");
  frame(ctx, theme, r);
  if (!sigma.length) return;
  let lo = Number.POSITIVE_INFINITY;
  let hi = 0;
  for (let i = 0; i < sigma.length; i++) {
    if (sigma[i] > 0 && sigma[i] < lo) lo = sigma[i];
    if (sigma[i] > hi) hi = sigma[i];
  }
  if (!(hi > 0)) return;
  if (hi / lo < 10) {
    const mid = Math.sqrt(hi * lo);
    lo = mid / Math.sqrt(10);
    hi = mid * Math.sqrt(10);
  }
  const gMax = Math.max(1, Number(inside.meta.n_generations) - 1);
  const sx = lossScale([0, gMax], false, [r.x + 3, r.x + r.w - 3]);
  const sy = lossScale([lo / 1.2, hi * 1.2], true, [r.y + r.h - 3, r.y + 3]);
  ctx.font = `10px ${theme.font}`;
  ctx.fillStyle = theme.fg2;
  ctx.strokeStyle = theme.fg2;
  ctx.textAlign = "right";
  ctx.textBaseline = "middle";
  for (const t of logTicks(sy, 3)) {
    const Y = Math.round(sy(t.value)) + 0.5;
    line(ctx, r.x - 4, Y, r.x, Y);
    ctx.fillText(t.label, r.x - 6, Y);
  }
  ctx.textAlign = "center";
  ctx.textBaseline = "top";
  for (const v of [0, gMax]) {
    const X = Math.round(sx(v)) + 0.5;
    line(ctx, X, r.y + r.h, X, r.y + r.h + 4);
    ctx.fillText(String(v), X, r.y + r.h + 6);
  }
  ctx.fillStyle = theme.fg;
  ctx.font = `11px ${theme.font}`;
  ctx.fillText("generation", r.x + r.w / 2, r.y + r.h + 18);
  ctx.textAlign = "left";
  ctx.textBaseline = "bottom";
  ctx.fillText("step size σ (log)", r.x, r.y - 3);
  ctx.strokeStyle = c.restart;
  ctx.lineWidth = 1.2;
  ctx.setLineDash([3, 3]);
  for (let i = 0; i < restarts.length; i++) {
    const X = Math.round(sx(restarts[i])) + 0.5;
    line(ctx, X, r.y + 1, X, r.y + r.h - 1);
  }
  ctx.setLineDash([]);
  ctx.beginPath();
  for (let i = 0; i < sigma.length; i++) {
    const X = sx(gen[i]);
    const Y = sy(Math.max(sigma[i], lo / 1.2));
    if (i) ctx.lineTo(X, Y);
    else ctx.moveTo(X, Y);
  }
  ctx.strokeStyle = c.ellipse;
  ctx.lineWidth = 1.6;
  ctx.stroke();
}

/** A line of the legend: a sample of the mark, then its label; returns the next y. */
function legendRow(
  ctx: CanvasRenderingContext2D,
  theme: Theme,
  x: number,
  y: number,
  label: string,
  mark: (cx: number, cy: number) => void,
): number {
  mark(x + 8, y);
  ctx.fillStyle = theme.fg2;
  ctx.font = `10px ${theme.font}`;
  ctx.textAlign = "left";
  ctx.textBaseline = "middle";
  ctx.fillText(label, x + 22, y);
  return y + 15;
}

/**
 * Draw the distribution view into `r` (the whole drawing area of the inside panel) and
 * return its caption. The canvas carries what tests read: `data-generations`,
 * `data-area` (the current 1-sigma ellipse's area in axis units), `data-areas` (every
 * drawn generation's, oldest first), `data-sigma` and `data-restarts`.
 */
export function drawEllipse(
  ctx: CanvasRenderingContext2D,
  st: SearchState,
  inside: Inside,
  theme: Theme,
  r: Rect,
): string {
  const m = inside.meta;
  const c = colours(theme);
  const main: Rect = { x: r.x - 4, y: r.y + 4, w: 206, h: r.h - 8 };
  const side: Rect = {
    x: main.x + main.w + 50,
    y: r.y + 16,
    w: r.x + r.w - main.x - main.w - 50,
    h: 92,
  };
  const [xa, ya] = [axisOf(st, m.pair[0]), axisOf(st, m.pair[1])];
  const gens = values(inside, "generation");
  const restart = values(inside, "restart");
  const mx = values(inside, "mean_x");
  const my = values(inside, "mean_y");
  const ox = values(inside, "outline_x");
  const oy = values(inside, "outline_y");
  const area = values(inside, "area");
  const px = values(inside, "point_x");
  const py = values(inside, "point_y");
  const pg = values(inside, "point_generation");
  const sigma = values(inside, "sigma");
  const pts = inside.arrays.get("outline_x")?.shape[2] ?? 0;
  const g = gens.length;
  const current = g ? gens[g - 1] : -1;
  const hasEllipse = Boolean(m.ellipse) && ox.length === g * 2 * pts && pts > 1;

  frame(ctx, theme, main);
  ctx.save();
  ctx.beginPath();
  ctx.rect(main.x + 1, main.y + 1, main.w - 2, main.h - 2);
  ctx.clip();
  // sampled points: earlier generations faint grey, the latest that has points (the
  // current one is empty just after an update) in the ellipse's colour
  let latest = -1;
  for (let i = 0; i < pg.length; i++) latest = Math.max(latest, pg[i]);
  for (let i = 0; i < px.length; i++) {
    const now = pg[i] === latest;
    ctx.fillStyle = now ? c.point : c.old;
    ctx.globalAlpha = now ? 0.95 : 0.35;
    ctx.beginPath();
    ctx.arc(main.x + px[i] * main.w, main.y + (1 - py[i]) * main.h, now ? 3 : 2, 0, 2 * Math.PI);
    ctx.fill();
    if (now) {
      ctx.strokeStyle = theme.bg;
      ctx.lineWidth = 0.8;
      ctx.stroke();
    }
  }
  ctx.globalAlpha = 1;
  // earlier generations' 1-sigma ellipses, fading with age
  if (hasEllipse) {
    ctx.strokeStyle = c.ellipse;
    ctx.lineWidth = 1;
    for (let k = 0; k < g - 1; k++) {
      ctx.globalAlpha = 0.08 + 0.3 * ((k + 1) / g);
      outlinePath(ctx, ox, oy, pts, k, 0, main);
      ctx.stroke();
    }
    ctx.globalAlpha = 1;
  }
  // the mean's path, broken at restarts
  ctx.strokeStyle = c.mean;
  ctx.lineWidth = 1.4;
  ctx.globalAlpha = 0.85;
  ctx.beginPath();
  for (let k = 0; k < g; k++) {
    const X = main.x + mx[k] * main.w;
    const Y = main.y + (1 - my[k]) * main.h;
    if (k && restart[k] === restart[k - 1]) ctx.lineTo(X, Y);
    else ctx.moveTo(X, Y);
  }
  ctx.stroke();
  ctx.globalAlpha = 1;
  ctx.fillStyle = c.mean;
  for (let k = 0; k < g - 1; k++) {
    ctx.beginPath();
    ctx.arc(main.x + mx[k] * main.w, main.y + (1 - my[k]) * main.h, 1.8, 0, 2 * Math.PI);
    ctx.fill();
  }
  // the current generation: 1 sigma solid, 2 sigma dashed, its mean as a ringed dot
  if (hasEllipse && g) {
    ctx.strokeStyle = c.ellipse;
    ctx.lineWidth = 2;
    outlinePath(ctx, ox, oy, pts, g - 1, 0, main);
    ctx.stroke();
    ctx.setLineDash([6, 4]);
    ctx.lineWidth = 1.5;
    outlinePath(ctx, ox, oy, pts, g - 1, 1, main);
    ctx.stroke();
    ctx.setLineDash([]);
  }
  if (g) {
    const X = main.x + mx[g - 1] * main.w;
    const Y = main.y + (1 - my[g - 1]) * main.h;
    ctx.beginPath();
    ctx.arc(X, Y, 4.5, 0, 2 * Math.PI);
    ctx.fillStyle = c.mean;
    ctx.fill();
    ctx.strokeStyle = theme.bg;
    ctx.lineWidth = 1.5;
    ctx.stroke();
  }
  ctx.restore();
  if (xa) unitAxis(ctx, theme, xa, main, false);
  if (ya) unitAxis(ctx, theme, ya, main, true);

  drawSigma(ctx, inside, theme, c, side);
  let y = side.y + side.h + 36;
  const x0 = side.x - 36;
  y = legendRow(ctx, theme, x0, y, "1σ ellipse, now", (cx, cy) => {
    ctx.strokeStyle = c.ellipse;
    ctx.lineWidth = 2;
    line(ctx, cx - 8, cy, cx + 8, cy);
  });
  y = legendRow(ctx, theme, x0, y, "2σ ellipse, now", (cx, cy) => {
    ctx.strokeStyle = c.ellipse;
    ctx.lineWidth = 1.5;
    ctx.setLineDash([6, 4]);
    line(ctx, cx - 8, cy, cx + 8, cy);
    ctx.setLineDash([]);
  });
  y = legendRow(ctx, theme, x0, y, "earlier generations", (cx, cy) => {
    ctx.strokeStyle = c.ellipse;
    ctx.globalAlpha = 0.3;
    ctx.lineWidth = 1;
    line(ctx, cx - 8, cy, cx + 8, cy);
    ctx.globalAlpha = 1;
  });
  y = legendRow(ctx, theme, x0, y, "mean and its path", (cx, cy) => {
    ctx.fillStyle = c.mean;
    ctx.beginPath();
    ctx.arc(cx, cy, 4, 0, 2 * Math.PI);
    ctx.fill();
  });
  y = legendRow(ctx, theme, x0, y, "latest sampled points", (cx, cy) => {
    ctx.fillStyle = c.point;
    ctx.beginPath();
    ctx.arc(cx, cy, 3, 0, 2 * Math.PI);
    ctx.fill();
  });
  legendRow(ctx, theme, x0, y, "restart", (cx, cy) => {
    ctx.strokeStyle = c.restart;
    ctx.lineWidth = 1.2;
    ctx.setLineDash([3, 3]);
    line(ctx, cx, cy - 6, cx, cy + 6);
    ctx.setLineDash([]);
  });

  const n = Number(m.n_generations) || 0;
  const restarts = values(inside, "restart_generation").length;
  const now = g && hasEllipse ? area[g - 1] : Number.NaN;
  const s = sigma.length ? sigma[sigma.length - 1] : Number.NaN;
  const canvas = ctx.canvas;
  setData(canvas, "generations", String(n));
  setData(canvas, "area", Number.isFinite(now) ? String(now) : "");
  setData(
    canvas,
    "areas",
    Array.from(area)
      .map((a) => (Number.isFinite(a) ? a.toPrecision(6) : ""))
      .join(","),
  );
  setData(canvas, "sigma", Number.isFinite(s) ? String(s) : "");
  setData(canvas, "restarts", String(restarts));
  const pop = Number(m.population_size) || 0;
  let caption =
    `CMA-ES over ${m.pair[0]} × ${m.pair[1]}: generation ${current} (${n.toLocaleString("en-US")} in all, ` +
    `${pop} points each now), σ = ${fmt(s)}, ${restarts} restart${restarts === 1 ? "" : "s"}`;
  if (hasEllipse && Number.isFinite(now)) caption += ` · 1σ area ${fmt(now)} of the plot`;
  if (m.note) caption += ` · ${String(m.note)}`;
  return caption;
}

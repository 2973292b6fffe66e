// Inside a genetic search (nbopt.drawing.GenerationsInfo): every generation's individuals on
// the 2-D view's two parameters, coloured by generation (older ones faded, the newest
// emphasized, its shape the operator that made it), the parent pool the current generation
// is bred from ringed (bold: elites), a chosen child linked to its parents with its mutation
// as an arrow, and beneath, each generation's best and median value and its diversity.
// Drawn from the arrays Python computed; labels are canvas text, never markup.
import { line, type Theme } from "../core/draw";
import { axisTicks, colourAt, fmt, hexToRgb, lossScale, type Rect } from "../core/maths";
import { axisOf, inset, unitAxis } from "./axes";
import { frame } from "./panels";
import type { Inside, SearchState } from "./store";
import { insideValues as arr, fromUnit, toUnit } from "./store";

/** Canvas size of the generations view (it is taller than the other inside views). */
export const GENERATIONS = { w: 440, h: 500 };
/** Same stops as nbopt.drawing._genetic.GENERATION_COLORMAP: generation 0 to the newest. */
export const GENERATION_COLORMAP = ["#5c01a6", "#9c179e", "#cc4778", "#ed7953", "#e8a01c"];

const MAP: Rect = { x: 64, y: 34, w: 364, h: 246 };
/** Positions [0, 1] inside the map's frame: individuals on a bound are drawn whole. */
const PLOT: Rect = inset(MAP);
const VALUE: Rect = { x: 64, y: 350, w: 160, h: 100 };
const DIVERSITY: Rect = { x: 268, y: 350, w: 160, h: 100 };
const PICK_RADIUS = 10;

/** What the last drawing showed, for the page's data attributes and tests. */
export interface GenerationsDrawn {
  /** generations with finished trials in the per-generation panel */
  generations: number;
  /** the chosen child's trial number (-1 for none) */
  child: number;
  /** its parents' trial numbers */
  parents: number[];
}

const drawn = new WeakMap<HTMLCanvasElement, GenerationsDrawn>();

/** What the generations view last drew on `canvas` (null before it drew). */
export function generationsDrawn(canvas: HTMLCanvasElement): GenerationsDrawn | null {
  return drawn.get(canvas) ?? null;
}

function px(u: number): number {
  return PLOT.x + u * PLOT.w;
}

function py(u: number): number {
  return PLOT.y + (1 - u) * PLOT.h;
}

function rgb(c: [number, number, number], alpha = 1): string {
  return alpha >= 1 ? `rgb(${c[0]},${c[1]},${c[2]})` : `rgba(${c[0]},${c[1]},${c[2]},${alpha})`;
}

/** The row of trial `chosen`, else the info's default (the best child with drawn parents). */
function chosenRow(inside: Inside, chosen: number | null): number {
  const number = arr(inside, "number");
  if (chosen !== null) {
    for (let i = 0; i < number.length; i++) if (number[i] === chosen) return i;
  }
  const d = Number(inside.meta.chosen);
  return Number.isInteger(d) && d >= 0 && d < number.length ? d : -1;
}

/** Trial number of the individual under canvas point (x, y) in CSS pixels, or null. */
export function pickGenerations(inside: Inside, x: number, y: number): number | null {
  const xs = arr(inside, "x");
  const ys = arr(inside, "y");
  const number = arr(inside, "number");
  let best = -1;
  let bestD = PICK_RADIUS * PICK_RADIUS;
  for (let i = 0; i < xs.length; i++) {
    const dx = px(xs[i]) - x;
    const dy = py(ys[i]) - y;
    const d = dx * dx + dy * dy;
    if (d <= bestD) {
      bestD = d;
      best = i;
    }
  }
  return best < 0 ? null : number[best];
}

function marker(
  ctx: CanvasRenderingContext2D,
  op: number,
  x: number,
  y: number,
  rad: number,
): void {
  ctx.beginPath();
  if (op === 2) {
    ctx.rect(x - rad, y - rad, 2 * rad, 2 * rad);
  } else if (op === 3) {
    ctx.moveTo(x, y - rad * 1.3);
    ctx.lineTo(x + rad * 1.3, y);
    ctx.lineTo(x, y + rad * 1.3);
    ctx.lineTo(x - rad * 1.3, y);
    ctx.closePath();
  } else {
    ctx.arc(x, y, rad, 0, 2 * Math.PI);
  }
}

function arrow(
  ctx: CanvasRenderingContext2D,
  x0: number,
  y0: number,
  x1: number,
  y1: number,
  colour: string,
): void {
  const len = Math.hypot(x1 - x0, y1 - y0);
  if (len < 2) return;
  const ux = (x1 - x0) / len;
  const uy = (y1 - y0) / len;
  // stop short of the child's marker
  const ex = x1 - ux * 6;
  const ey = y1 - uy * 6;
  ctx.strokeStyle = colour;
  ctx.fillStyle = colour;
  ctx.lineWidth = 1.5;
  ctx.setLineDash([3, 2]);
  line(ctx, x0, y0, ex, ey);
  ctx.setLineDash([]);
  ctx.beginPath();
  ctx.moveTo(ex, ey);
  ctx.lineTo(ex - ux * 7 - uy * 4, ey - uy * 7 + ux * 4);
  ctx.lineTo(ex - ux * 7 + uy * 4, ey - uy * 7 - ux * 4);
  ctx.closePath();
  ctx.fill();
}

/** A step of 1, 2 or 5 times a power of ten giving at most `n` ticks over `span`. */
function niceStep(span: number, n: number): number {
  const raw = Math.max(span / n, 1e-12);
  const p = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (m * p >= raw) return m * p;
  return 10 * p;
}

/** The generation axis under a stats panel. */
function generationAxis(
  ctx: CanvasRenderingContext2D,
  theme: Theme,
  r: Rect,
  last: number,
  gx: (g: number) => number,
): void {
  ctx.fillStyle = theme.fg2;
  ctx.strokeStyle = theme.fg2;
  ctx.lineWidth = 1;
  ctx.font = `10px ${theme.font}`;
  ctx.textAlign = "center";
  ctx.textBaseline = "top";
  const step = Math.max(1, niceStep(last, 5));
  for (let g = 0; g <= last; g += step) {
    const X = Math.round(gx(g)) + 0.5;
    line(ctx, X, r.y + r.h, X, r.y + r.h + 4);
    ctx.fillText(String(g), X, r.y + r.h + 6);
  }
  ctx.fillStyle = theme.fg;
  ctx.font = `11px ${theme.font}`;
  ctx.textBaseline = "bottom";
  ctx.fillText("generation", r.x + r.w / 2, r.y + r.h + 32);
}

function panelTitle(ctx: CanvasRenderingContext2D, theme: Theme, r: Rect, text: string): void {
  ctx.fillStyle = theme.fg;
  ctx.font = `11px ${theme.font}`;
  ctx.textAlign = "left";
  ctx.textBaseline = "bottom";
  ctx.fillText(text, r.x, r.y - 4);
}

function polyline(
  ctx: CanvasRenderingContext2D,
  gens: number[],
  ys: (number | null)[],
  colour: string,
  dash: boolean,
): void {
  ctx.strokeStyle = colour;
  ctx.lineWidth = dash ? 1.5 : 2;
  if (dash) ctx.setLineDash([4, 3]);
  ctx.beginPath();
  let open = false;
  gens.forEach((x, i) => {
    const y = ys[i];
    if (y === null) {
      open = false;
      return;
    }
    if (open) ctx.lineTo(x, y);
    else ctx.moveTo(x, y);
    open = true;
  });
  ctx.stroke();
  ctx.setLineDash([]);
  if (!dash) {
    ctx.fillStyle = colour;
    gens.forEach((x, i) => {
      const y = ys[i];
      if (y === null) return;
      ctx.beginPath();
      ctx.arc(x, y, 2.2, 0, 2 * Math.PI);
      ctx.fill();
    });
  }
}

/** Best and median value, and diversity, against the generation. */
function drawStats(
  ctx: CanvasRenderingContext2D,
  st: SearchState,
  inside: Inside,
  theme: Theme,
  colours: { best: string; median: string; diversity: string },
): number {
  const size = arr(inside, "gen_size");
  const best = arr(inside, "gen_best");
  const median = arr(inside, "gen_median");
  const div = arr(inside, "gen_diversity");
  const gens: number[] = [];
  for (let g = 0; g < size.length; g++) if (size[g] > 0) gens.push(g);
  const last = Math.max(1, gens.length ? gens[gens.length - 1] : 1);
  for (const r of [VALUE, DIVERSITY]) frame(ctx, theme, r);
  panelTitle(ctx, theme, VALUE, "value per generation");
  panelTitle(ctx, theme, DIVERSITY, "diversity");
  const gxOf = (r: Rect) => (g: number) => r.x + 6 + (g / last) * (r.w - 12);
  generationAxis(ctx, theme, VALUE, last, gxOf(VALUE));
  generationAxis(ctx, theme, DIVERSITY, last, gxOf(DIVERSITY));
  if (!gens.length) return 0;

  // value: positions on the dashboard's value axis, zoomed to the generations' range
  const axis = st.meta.value_axis;
  const ub: (number | null)[] = [];
  const um: (number | null)[] = [];
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  let vlo = Number.NaN;
  let vhi = Number.NaN;
  for (const g of gens) {
    for (const v of [best[g], median[g]]) {
      const u = toUnit(axis, v);
      if (!Number.isFinite(u)) continue;
      if (u < lo) [lo, vlo] = [u, v];
      if (u > hi) [hi, vhi] = [u, v];
    }
  }
  if (hi - lo < 1e-9) {
    lo -= 0.05;
    hi += 0.05;
  }
  const pad = (hi - lo) * 0.08;
  const yv = (u: number) => VALUE.y + VALUE.h - ((u - lo + pad) / (hi - lo + 2 * pad)) * VALUE.h;
  for (const g of gens) {
    const b = toUnit(axis, best[g]);
    const m = toUnit(axis, median[g]);
    ub.push(Number.isFinite(b) ? yv(b) : null);
    um.push(Number.isFinite(m) ? yv(m) : null);
  }
  ctx.fillStyle = theme.fg2;
  ctx.strokeStyle = theme.fg2;
  ctx.lineWidth = 1;
  ctx.font = `10px ${theme.font}`;
  ctx.textAlign = "right";
  ctx.textBaseline = "middle";
  // the value axis' ticks over the zoomed range (positions are linear in log10(value -
  // offset) on a log axis), no more than the panel's height holds
  const offset = axis.log ? axis.offset : 0;
  const sv = lossScale(
    [fromUnit(axis, lo - pad) - offset, fromUnit(axis, hi + pad) - offset],
    axis.log,
    [VALUE.y + VALUE.h, VALUE.y],
  );
  const ticks = axisTicks(sv, axis.log);
  for (const t of ticks) {
    const Y = Math.round(sv(t.value)) + 0.5;
    line(ctx, VALUE.x - 4, Y, VALUE.x, Y);
    ctx.fillText(offset ? fmt(t.value + offset) : t.label, VALUE.x - 6, Y);
  }
  if (ticks.length < 2 && Number.isFinite(vlo) && Number.isFinite(vhi)) {
    // too few ticks in this range: label its ends
    ctx.fillText(fmt(vlo), VALUE.x - 6, yv(lo));
    if (hi - lo > 1e-9) ctx.fillText(fmt(vhi), VALUE.x - 6, yv(hi));
  }
  const gv = gens.map(gxOf(VALUE));
  polyline(ctx, gv, um, colours.median, true);
  polyline(ctx, gv, ub, colours.best, false);
  // legend of the value panel, over a backing, in the corner the two lines cross least
  ctx.font = `10px ${theme.font}`;
  ctx.textAlign = "left";
  ctx.textBaseline = "middle";
  const lw = 66;
  const lh = 28;
  const corners = [
    [VALUE.x + VALUE.w - lw - 3, VALUE.y + 3],
    [VALUE.x + VALUE.w - lw - 3, VALUE.y + VALUE.h - lh - 3],
    [VALUE.x + 3, VALUE.y + VALUE.h - lh - 3],
    [VALUE.x + 3, VALUE.y + 3],
  ];
  const crossings = corners.map(([x, y]) => {
    let n = 0;
    gv.forEach((X, i) => {
      for (const Y of [ub[i], um[i]]) {
        if (Y !== null && X >= x - 4 && X <= x + lw + 4 && Y >= y - 4 && Y <= y + lh + 4) n++;
      }
    });
    return n;
  });
  const [lx, ly] = corners[crossings.indexOf(Math.min(...crossings))];
  ctx.globalAlpha = 0.85;
  ctx.fillStyle = theme.bg;
  ctx.fillRect(lx, ly, lw, lh);
  ctx.globalAlpha = 1;
  [
    ["best", colours.best, false],
    ["median", colours.median, true],
  ].forEach(([label, colour, dash], k) => {
    const Y = ly + 7 + 13 * k;
    ctx.strokeStyle = String(colour);
    ctx.lineWidth = 2;
    if (dash) ctx.setLineDash([4, 3]);
    line(ctx, lx + 4, Y, lx + 20, Y);
    ctx.setLineDash([]);
    ctx.fillStyle = theme.fg2;
    ctx.fillText(String(label), lx + 24, Y);
  });

  // diversity: 0 (all alike) up to at least the spread of uniform random points
  let dmax = 0.45;
  for (const g of gens) if (Number.isFinite(div[g])) dmax = Math.max(dmax, div[g] * 1.1);
  const yd = (v: number) => DIVERSITY.y + DIVERSITY.h - (v / dmax) * DIVERSITY.h;
  ctx.fillStyle = theme.fg2;
  ctx.strokeStyle = theme.fg2;
  ctx.lineWidth = 1;
  ctx.font = `10px ${theme.font}`;
  ctx.textAlign = "right";
  ctx.textBaseline = "middle";
  const dstep = niceStep(dmax, 4);
  for (let v = 0; v <= dmax + 1e-9; v += dstep) {
    const Y = Math.round(yd(v)) + 0.5;
    line(ctx, DIVERSITY.x - 4, Y, DIVERSITY.x, Y);
    ctx.fillText(fmt(Number(v.toFixed(6))), DIVERSITY.x - 6, Y);
  }
  polyline(
    ctx,
    gens.map(gxOf(DIVERSITY)),
    gens.map((g) => (Number.isFinite(div[g]) ? yd(div[g]) : null)),
    colours.diversity,
    false,
  );
  return gens.length;
}

/**
 * Draw the generations view on `ctx`, a canvas of GENERATIONS size (`_r`, the whole canvas,
 * is ignored: the map and the two panels have a fixed layout that `pickGenerations` shares);
 * `chosen` is the trial whose parents are linked (null: the info's default). Returns the caption.
 */
export function drawGenerations(
  ctx: CanvasRenderingContext2D,
  st: SearchState,
  inside: Inside,
  theme: Theme,
  _r: Rect,
  chosen: number | null = null,
): string {
  const m = inside.meta;
  const xa = axisOf(st, m.pair[0]);
  const ya = axisOf(st, m.pair[1]);
  const canvas = ctx.canvas;
  if (!xa || !ya) return "";
  const number = arr(inside, "number");
  const gen = arr(inside, "generation");
  const xs = arr(inside, "x");
  const ys = arr(inside, "y");
  const op = arr(inside, "operator");
  const bx = arr(inside, "before_x");
  const by = arr(inside, "before_y");
  const inPool = arr(inside, "in_pool");
  const elite = arr(inside, "elite");
  const kids = arr(inside, "children");
  const childRow = arr(inside, "child_row");
  const parentRow = arr(inside, "parent_row");
  const mutRow = arr(inside, "mutated_row");
  const mutParam = arr(inside, "mutated_param");
  const value = arr(inside, "value");
  const nMutated = arr(inside, "n_mutated");
  const n = number.length;
  let latest = 0;
  for (let i = 0; i < n; i++) if (gen[i] > latest) latest = gen[i];
  const first = Number(m.first_generation) || 0;
  const span = Math.max(1, latest - first);
  // on a dark background the colours are lifted towards white, or the oldest would vanish
  const stops = GENERATION_COLORMAP.map(hexToRgb).map(
    (c) => (theme.dark ? c.map((v) => Math.round(v + 0.35 * (255 - v))) : c) as typeof c,
  );
  const accent = theme.dark ? "#ff6b6b" : "#c4001d";
  const colours = theme.dark
    ? { best: "#4fc3f7", median: "#bdbdbd", diversity: "#e8a01c" }
    : { best: "#0b63c4", median: "#6b6b6b", diversity: "#9c179e" };

  frame(ctx, theme, MAP);
  ctx.save();
  ctx.beginPath();
  ctx.rect(MAP.x, MAP.y, MAP.w, MAP.h);
  ctx.clip();
  // older generations: small and faded, oldest first so the newer lie on top
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => gen[a] - gen[b]);
  for (const i of order) {
    if (gen[i] === latest) continue;
    const c = colourAt((gen[i] - first) / span, stops);
    ctx.fillStyle = rgb(c, theme.dark ? 0.75 : 0.55);
    ctx.beginPath();
    ctx.arc(px(xs[i]), py(ys[i]), 2.6, 0, 2 * Math.PI);
    ctx.fill();
  }
  // the parent pool the current generation is bred from: rings, bold for elites
  ctx.strokeStyle = theme.fg;
  for (let i = 0; i < n; i++) {
    if (!inPool[i]) continue;
    ctx.lineWidth = elite[i] ? 2.4 : 1;
    ctx.beginPath();
    // a little larger the more often selection picked it
    ctx.arc(px(xs[i]), py(ys[i]), 5.5 + Math.min(3.5, Math.sqrt(kids[i])), 0, 2 * Math.PI);
    ctx.stroke();
  }
  // the newest generation: larger, outlined, shaped by the operator that made it
  const newest = rgb(colourAt(1, stops));
  for (let i = 0; i < n; i++) {
    if (gen[i] !== latest) continue;
    marker(ctx, op[i], px(xs[i]), py(ys[i]), 4.2);
    ctx.fillStyle = newest;
    ctx.fill();
    ctx.strokeStyle = theme.fg;
    ctx.lineWidth = 1;
    ctx.stroke();
  }
  // the chosen child: links to its parents, its mutation as an arrow
  const row = chosenRow(inside, chosen);
  const parents: number[] = [];
  if (row >= 0) {
    for (let k = 0; k < childRow.length; k++) if (childRow[k] === row) parents.push(parentRow[k]);
    const cx = px(xs[row]);
    const cy = py(ys[row]);
    const bxr = Number.isFinite(bx[row]) ? px(bx[row]) : cx;
    const byr = Number.isFinite(by[row]) ? py(by[row]) : cy;
    ctx.strokeStyle = theme.fg;
    ctx.lineWidth = 1.6;
    for (const p of parents) line(ctx, px(xs[p]), py(ys[p]), bxr, byr);
    for (const p of parents) {
      ctx.beginPath();
      ctx.arc(px(xs[p]), py(ys[p]), 5, 0, 2 * Math.PI);
      ctx.fillStyle = rgb(colourAt((gen[p] - first) / span, stops));
      ctx.fill();
      ctx.lineWidth = 2;
      ctx.strokeStyle = accent;
      ctx.stroke();
    }
    if (bxr !== cx || byr !== cy) {
      ctx.beginPath();
      ctx.arc(bxr, byr, 3.5, 0, 2 * Math.PI);
      ctx.strokeStyle = accent;
      ctx.lineWidth = 1.5;
      ctx.stroke();
      arrow(ctx, bxr, byr, cx, cy, accent);
    }
    ctx.beginPath();
    ctx.arc(cx, cy, 6, 0, 2 * Math.PI);
    ctx.fillStyle = accent;
    ctx.fill();
    ctx.strokeStyle = theme.bg;
    ctx.lineWidth = 1.5;
    ctx.stroke();
  }
  ctx.restore();
  unitAxis(ctx, theme, xa, PLOT, false, MAP);
  unitAxis(ctx, theme, ya, PLOT, true, MAP);

  // legend row above the map: the generation colours, then the marks
  ctx.font = `10px ${theme.font}`;
  ctx.textBaseline = "middle";
  ctx.textAlign = "left";
  const ly = 14;
  let at = MAP.x;
  ctx.fillStyle = theme.fg2;
  const g0 = `gen ${first}`;
  ctx.fillText(g0, at, ly);
  at += ctx.measureText(g0).width + 4;
  for (let k = 0; k < 40; k++) {
    ctx.fillStyle = rgb(colourAt(k / 39, stops));
    ctx.fillRect(at + k, ly - 4, 1, 8);
  }
  at += 44;
  ctx.fillStyle = theme.fg2;
  const g1 = `${latest}`;
  ctx.fillText(g1, at, ly);
  at += ctx.measureText(g1).width + 12;
  ctx.strokeStyle = theme.fg;
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.arc(at + 6, ly, 6, 0, 2 * Math.PI);
  ctx.stroke();
  ctx.fillStyle = theme.fg2;
  ctx.fillText("pool (bold: elite)", at + 15, ly);
  at += 15 + ctx.measureText("pool (bold: elite)").width + 12;
  ctx.strokeStyle = theme.fg;
  ctx.lineWidth = 1.6;
  line(ctx, at, ly, at + 14, ly);
  ctx.fillStyle = accent;
  ctx.beginPath();
  ctx.arc(at + 18, ly, 4, 0, 2 * Math.PI);
  ctx.fill();
  ctx.fillStyle = theme.fg2;
  ctx.fillText("parents → child", at + 25, ly);
  ctx.font = `10px ${theme.font}`;
  ctx.fillText("● crossover   ■ copy   ◆ random   (newest generation)", MAP.x, ly + 13);

  const generations = drawStats(ctx, st, inside, theme, colours);
  const parentNumbers = parents.map((p) => number[p]);
  drawn.set(canvas, {
    generations,
    child: row >= 0 ? number[row] : -1,
    parents: parentNumbers,
  });

  // caption: the newest generation, then the chosen child's story
  const ops = (m.operators as string[] | undefined) ?? [];
  let nCross = 0;
  let nCopy = 0;
  let nMut = 0;
  let nNew = 0;
  for (let i = 0; i < n; i++) {
    if (gen[i] !== latest) continue;
    nNew++;
    if (op[i] === 1) nCross++;
    if (op[i] === 2) nCopy++;
    if (nMutated[i] > 0) nMut++;
  }
  const gb = arr(inside, "gen_best")[latest];
  const gd = arr(inside, "gen_diversity")[latest];
  let text =
    `generation ${latest}: ${nNew} individual${nNew === 1 ? "" : "s"} (${nCross} crossed, ` +
    `${nCopy} copied, ${nMut} mutated), best ${fmt(gb)}, diversity ${fmt(gd)}`;
  if (row >= 0) {
    const names: string[] = [];
    for (let k = 0; k < mutRow.length; k++) {
      if (mutRow[k] === row) names.push(st.meta.params[mutParam[k]]?.name ?? "?");
    }
    const how = ops[op[row]] ?? "?";
    text +=
      ` · trial ${number[row]} (generation ${gen[row]}, value ${fmt(value[row])}): ${how}` +
      (parentNumbers.length ? ` of ${parentNumbers.join(" × ")}` : "") +
      (names.length ? `, mutation changed ${names.join(", ")}` : "") +
      "; click a point for its parents";
  }
  const total = Number(m.n_trials);
  if (Number(m.n_drawn) < total) {
    text += ` · ${Number(m.n_drawn).toLocaleString("en-US")} of ${total.toLocaleString("en-US")} trials drawn (generations ${first}–${latest})`;
  }
  return text;
}

// Drawing maths, free of DOM: scales, colour map, landscape image, loss ranges.
import { type ScaleContinuousNumeric, scaleLinear, scaleLog } from "d3-scale";

/** Same stops as nbopt.drawing.LANDSCAPE_COLORMAP (low loss -> high loss). */
export const LANDSCAPE_COLORMAP = [
  "#fbfbfc",
  "#eef0f5",
  "#dfe3ed",
  "#cdd3e3",
  "#b9c1d8",
  "#a4aecb",
];

/**
 * The landscape on a dark page (low loss -> high loss): the same slate hue, from near the
 * page's background up to a muted grey-blue, so that, as on a light page, the valleys are
 * the colour of the page and light isolines and the paths stand out. The widget only: the
 * matplotlib export draws on white.
 */
export const LANDSCAPE_COLORMAP_DARK = [
  "#16181e",
  "#1c202a",
  "#232938",
  "#2b3347",
  "#343e57",
  "#3e4a68",
];

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

export type Scale = ScaleContinuousNumeric<number, number>;

/** Data -> pixel scales for a plot rectangle (y grows upwards in data space). */
export function planeScales(
  view: [[number, number], [number, number]],
  rect: Rect,
): { sx: Scale; sy: Scale } {
  const sx = scaleLinear()
    .domain(view[0])
    .range([rect.x, rect.x + rect.w]);
  const sy = scaleLinear()
    .domain(view[1])
    .range([rect.y + rect.h, rect.y]);
  return { sx, sy };
}

export function hexToRgb(hex: string): [number, number, number] {
  const m = /^#?([0-9a-f]{6})$/i.exec(hex.trim());
  if (!m) return [128, 128, 128];
  const v = Number.parseInt(m[1], 16);
  return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
}

/** Colour of t in [0, 1] along evenly spaced stops (clamped). */
export function colourAt(
  t: number,
  stops: readonly [number, number, number][],
): [number, number, number] {
  if (!Number.isFinite(t)) t = 1;
  const u = Math.min(1, Math.max(0, t)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(u));
  const f = u - i;
  const a = stops[i];
  const b = stops[i + 1];
  return [a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f, a[2] + (b[2] - a[2]) * f];
}

/** Map a loss to [0, 1] on the landscape's colour range (log10(z - floor) when log). */
export function colourPosition(
  z: number,
  log: boolean,
  floor: number,
  range: [number, number],
): number {
  if (log) {
    const lo = Math.log10(range[0] - floor);
    const hi = Math.log10(range[1] - floor);
    const v = z - floor > 0 ? Math.log10(z - floor) : Number.NEGATIVE_INFINITY;
    return hi > lo ? (v - lo) / (hi - lo) : 0;
  }
  return range[1] > range[0] ? (z - range[0]) / (range[1] - range[0]) : 0;
}

/**
 * RGBA pixels of a landscape (nx * ny image, top row = largest y) for putImageData.
 * Non-finite values are transparent.
 */
export function landscapePixels(
  z: ArrayLike<number>,
  nx: number,
  ny: number,
  log: boolean,
  floor: number,
  range: [number, number],
  stops: readonly string[] = LANDSCAPE_COLORMAP,
): Uint8ClampedArray<ArrayBuffer> {
  const rgb = stops.map(hexToRgb);
  const out = new Uint8ClampedArray(new ArrayBuffer(nx * ny * 4));
  for (let j = 0; j < ny; j++) {
    const row = ny - 1 - j;
    for (let i = 0; i < nx; i++) {
      const v = z[j * nx + i];
      const o = (row * nx + i) * 4;
      if (!Number.isFinite(v)) continue;
      const c = colourAt(colourPosition(v, log, floor, range), rgb);
      out[o] = c[0];
      out[o + 1] = c[1];
      out[o + 2] = c[2];
      out[o + 3] = 255;
    }
  }
  return out;
}

/** d3-contour grid coordinate -> data coordinate (sample i sits at grid i + 0.5). */
export function gridToData(g: number, axis: ArrayLike<number>): number {
  const n = axis.length;
  if (n < 2) return axis[0] ?? 0;
  const step = (axis[n - 1] - axis[0]) / (n - 1);
  return axis[0] + (g - 0.5) * step;
}

/** Loss value as drawn: loss - offset, clamped at the axis floor for log scales. */
export function lossValue(v: number, offset: number, log: boolean, floor: number): number {
  const u = v - offset;
  if (!log) return u;
  return Math.max(u, floor);
}

/** Decades a log loss axis spans at the most: a loss that reaches 1e-300 does not squash the rest. */
export const LOSS_DECADES = 40;

/**
 * Y-domain of a loss chart from all finite values (after the offset). For log axes the
 * top is capped at 1e4 x the largest starting loss, so a diverging run does not squash
 * the others; values beyond are drawn at the edge. The bottom is the smallest positive
 * loss of any curve (a curve that converges to 1e-16 keeps its shape, not flat on the
 * floor), at most LOSS_DECADES below the top. Both ends get a margin of 5 % of the span
 * (in decades on a log axis), so no curve runs along the frame.
 */
export function lossDomain(
  series: Iterable<ArrayLike<number>>,
  starts: number[],
  offset: number,
  log: boolean,
): [number, number] {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const s of series) {
    for (let i = 0; i < s.length; i++) {
      const u = s[i] - offset;
      if (!Number.isFinite(u) || (log && u <= 0)) continue;
      if (u < lo) lo = u;
      if (u > hi) hi = u;
    }
  }
  if (!Number.isFinite(lo)) return log ? [1e-3, 1] : [0, 1];
  const cap = Math.max(
    ...starts.map((s) => s - offset).filter((u) => Number.isFinite(u) && (!log || u > 0)),
  );
  if (Number.isFinite(cap) && cap > 0) hi = Math.min(hi, log ? cap * 1e4 : cap * 10);
  if (log) {
    let a = Math.max(Math.log10(lo), Math.log10(hi) - LOSS_DECADES);
    let b = Math.log10(hi);
    if (b <= a) b = a + 1;
    const pad = (b - a) * 0.05;
    a -= pad;
    b += pad;
    return [10 ** a, 10 ** b];
  }
  if (hi <= lo) return [lo - 1, hi + 1];
  const pad = (hi - lo) * 0.05;
  return [lo - pad, hi + pad];
}

export function lossScale(domain: [number, number], log: boolean, range: [number, number]): Scale {
  return log
    ? scaleLog().domain(domain).range(range).clamp(true)
    : scaleLinear().domain(domain).range(range).clamp(true);
}

/**
 * Short human number: 3 significant digits, exponent form for very small/large. The one
 * number format of the widgets: tables, captions and tick labels.
 */
export function fmt(v: number | null | undefined): string {
  return fmtDigits(v, 3);
}

/** `fmt` with `digits` significant digits (a function apart: `values.map(fmt)` stays safe). */
export function fmtDigits(v: number | null | undefined, digits: number): string {
  if (v === null || v === undefined || Number.isNaN(v)) return "—";
  if (!Number.isFinite(v)) return v > 0 ? "∞" : "−∞";
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) return v.toExponential(digits - 1).replace("e+", "e");
  return Number.parseFloat(v.toPrecision(digits)).toString();
}

/**
 * Labels of a linear axis's ticks in the `fmt` format: 3 significant digits, more only
 * when ticks close together would otherwise read the same (0.9782 and 0.9784).
 */
export function tickLabels(values: readonly number[]): string[] {
  for (let digits = 3; digits < 15; digits++) {
    const labels = values.map((v) => fmtDigits(v, digits));
    if (labels.every((l, i) => i === 0 || l !== labels[i - 1])) return labels;
  }
  return values.map((v) => fmtDigits(v, 15));
}

/** Log-scale tick label: powers of ten only ("1e-3"), empty otherwise. */
export function logTickLabel(v: number): string {
  const e = Math.log10(v);
  if (Math.abs(e - Math.round(e)) > 1e-9) return "";
  const k = Math.round(e);
  if (k >= -2 && k <= 3) return String(10 ** k >= 1 ? 10 ** k : Number((10 ** k).toFixed(-k)));
  return `1e${k}`;
}

/** Where segment a->b first crosses the border of the rectangle (a inside), else null. */
export function exitOnBorder(
  a: [number, number],
  b: [number, number],
  view: [[number, number], [number, number]],
): [number, number] | null {
  const [[x0, x1], [y0, y1]] = view;
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  let t = Number.POSITIVE_INFINITY;
  if (dx > 0 && b[0] > x1) t = Math.min(t, (x1 - a[0]) / dx);
  if (dx < 0 && b[0] < x0) t = Math.min(t, (x0 - a[0]) / dx);
  if (dy > 0 && b[1] > y1) t = Math.min(t, (y1 - a[1]) / dy);
  if (dy < 0 && b[1] < y0) t = Math.min(t, (y0 - a[1]) / dy);
  if (!Number.isFinite(t)) return null;
  return [a[0] + t * dx, a[1] + t * dy];
}

/**
 * Ticks of a log axis with labels: the powers of ten when the range holds two or more,
 * otherwise (a range within one decade) the scale's own ticks, labelled in full.
 */
export function logTicks(scale: Scale, count = 5): { value: number; label: string }[] {
  const all = scale.ticks(count);
  const powers = all.filter((v) => logTickLabel(v) !== "");
  if (powers.length >= 2) return powers.map((v) => ({ value: v, label: logTickLabel(v) }));
  const step = Math.max(1, Math.ceil(all.length / count));
  const kept = all.filter((_, i) => i % step === 0);
  const labels = tickLabels(kept);
  return kept.map((v, i) => ({ value: v, label: labels[i] }));
}

/** Pixels between neighbouring tick labels of a y axis: a 10px line of text and a little air. */
export const TICK_GAP = 16;

/**
 * Every k-th tick, from the first, with the smallest k that puts the kept ticks at least
 * `gap` pixels apart along `scale` (labels of ticks closer than a line height overlap).
 */
export function thinTicks<T extends { value: number }>(
  ticks: readonly T[],
  scale: (v: number) => number,
  gap = TICK_GAP,
): T[] {
  for (let k = 1; k < ticks.length; k++) {
    const kept = ticks.filter((_, i) => i % k === 0);
    if (kept.every((t, i) => i === 0 || Math.abs(scale(t.value) - scale(kept[i - 1].value)) >= gap))
      return kept;
  }
  return ticks.slice(0, 1);
}

/**
 * Ticks and labels of a y axis along `scale`: at most `count`, fewer when its pixel range is
 * short, and never two labels closer than `gap` (log axes as `logTicks` labels them).
 */
export function axisTicks(
  scale: Scale,
  log: boolean,
  count = 5,
  gap = TICK_GAP,
): { value: number; label: string }[] {
  const [a, b] = scale.range();
  const n = Math.max(2, Math.min(count, Math.floor(Math.abs(b - a) / (1.5 * gap))));
  let ticks: { value: number; label: string }[];
  if (log) ticks = logTicks(scale, n);
  else {
    const values = scale.ticks(n);
    const labels = tickLabels(values);
    ticks = values.map((v, i) => ({ value: v, label: labels[i] }));
  }
  return thinTicks(ticks, scale, gap);
}

/** log10 slider position <-> value, used by the learning-rate and speed sliders. */
export function toLogSlider(v: number): number {
  return Math.log10(v);
}

export function fromLogSlider(p: number): number {
  return Number.parseFloat((10 ** p).toPrecision(3));
}

/** Checksum of the drawn paths (tests read it from data-checksum to see a change). */
export function pathChecksum(
  paths: Iterable<{ values: Float64Array; length: number; width: number }>,
): string {
  let s = 0;
  for (const p of paths) {
    for (let i = 0; i < p.length * p.width; i++) {
      const v = p.values[i];
      if (Number.isFinite(v)) s += v * ((i % 7) + 1);
    }
  }
  return s.toPrecision(8);
}

/** What ColumnLine draws into (a canvas context or a Path2D). */
export interface PenTarget {
  moveTo(x: number, y: number): void;
  lineTo(x: number, y: number): void;
}

/** A polyline drawn with at most four vertices per pixel column (min/max decimation). */
export class ColumnLine {
  private col = Number.NaN;
  private x = 0;
  private first = 0;
  private lo = 0;
  private hi = 0;
  private last = 0;
  private pen = false;
  private open = false;

  constructor(private ctx: PenTarget) {}

  add(x: number, y: number): void {
    const col = Math.floor(x);
    if (this.open && col === this.col) {
      if (y < this.lo) this.lo = y;
      if (y > this.hi) this.hi = y;
      this.last = y;
      this.x = x;
      return;
    }
    this.flush();
    this.col = col;
    this.x = x;
    this.first = y;
    this.lo = y;
    this.hi = y;
    this.last = y;
    this.open = true;
  }

  /** Continue a stroke that ended at (x, y) (drawn earlier). */
  start(x: number, y: number): void {
    this.flush();
    this.ctx.moveTo(x, y);
    this.pen = true;
  }

  /** End the current stroke (a gap in the data). */
  lift(): void {
    this.flush();
    this.pen = false;
  }

  private flush(): void {
    if (!this.open) return;
    const c = this.ctx;
    const x = this.x;
    if (this.pen) c.lineTo(x, this.first);
    else c.moveTo(x, this.first);
    this.pen = true;
    if (this.lo !== this.hi) {
      c.lineTo(x, this.lo);
      c.lineTo(x, this.hi);
    }
    if (this.last !== this.first) c.lineTo(x, this.last);
    this.open = false;
  }
}

/** A PenTarget that passes moves on and keeps the last vertex and the length drawn. */
export class TrackedPen implements PenTarget {
  last: [number, number] | null = null;
  length = 0;

  constructor(private target: PenTarget) {}

  moveTo(x: number, y: number): void {
    this.target.moveTo(x, y);
    this.last = [x, y];
  }

  lineTo(x: number, y: number): void {
    this.target.lineTo(x, y);
    if (this.last) this.length += Math.hypot(x - this.last[0], y - this.last[1]);
    this.last = [x, y];
  }
}

/**
 * Widen a chart's domain to quarter decades (log) or to multiples of a round unit
 * (linear), so that a slowly moving data range moves the axis only now and then.
 */
export function snapDomain(dom: [number, number], log: boolean): [number, number] {
  const [lo, hi] = dom;
  if (!(Number.isFinite(lo) && Number.isFinite(hi)) || hi <= lo) return dom;
  if (log) {
    if (lo <= 0) return dom;
    const a = Math.floor(Math.log10(lo) * 4) / 4;
    const b = Math.ceil(Math.log10(hi) * 4) / 4;
    return [10 ** a, 10 ** (b > a ? b : a + 0.25)];
  }
  const unit = 10 ** Math.floor(Math.log10(hi - lo)) / 4;
  return [Math.floor(lo / unit) * unit, Math.ceil(hi / unit) * unit];
}

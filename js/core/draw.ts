// Drawing helpers every view uses: theme, DOM and canvas set-up, axes, colour bars, markers.
import {
  axisTicks,
  colourAt,
  hexToRgb,
  logTicks,
  type Rect,
  type Scale,
  tickLabels,
} from "./maths";

export interface Theme {
  bg: string;
  panel: string;
  fg: string;
  fg2: string;
  border: string;
  font: string;
  key: string;
  dark: boolean;
}

/** JupyterLab's CSS variables as seen from `el` (light defaults outside JupyterLab). */
export function readTheme(el: HTMLElement): Theme {
  const cs = getComputedStyle(el);
  const v = (name: string, fallback: string) => cs.getPropertyValue(name).trim() || fallback;
  const t = {
    bg: v("--jp-layout-color0", "#ffffff"),
    panel: v("--jp-layout-color1", "#f5f5f5"),
    fg: v("--jp-ui-font-color1", "#222222"),
    fg2: v("--jp-ui-font-color2", "#666666"),
    border: v("--jp-border-color1", "#bdbdbd"),
    font: v("--jp-ui-font-family", "system-ui, sans-serif"),
    key: "",
    dark: false,
  };
  t.key = [t.bg, t.panel, t.fg, t.fg2, t.border, t.font].join("|");
  t.dark = isDark(t.bg);
  return t;
}

/** True when a CSS colour is dark (relative luminance below one half). */
export function isDark(colour: string): boolean {
  const ctx = document.createElement("canvas").getContext("2d");
  if (!ctx) return false;
  ctx.fillStyle = "#ffffff";
  ctx.fillStyle = colour; // normalized to #rrggbb (or rgba() with alpha)
  const [r, g, b] = hexToRgb(String(ctx.fillStyle));
  return 0.2126 * r + 0.7152 * g + 0.0722 * b < 128;
}

/**
 * Follow theme changes: JupyterLab flips attributes on <body>, and its stylesheets may
 * apply a moment later, so the theme is also looked at again once a second.
 */
export function watchTheme(onChange: () => void): () => void {
  const mo = new MutationObserver(onChange);
  mo.observe(document.body, {
    attributes: true,
    attributeFilter: ["data-jp-theme-name", "data-jp-theme-light", "class"],
  });
  const poll = window.setInterval(onChange, 1000);
  return () => {
    mo.disconnect();
    window.clearInterval(poll);
  };
}

/** Create an element; `text` is set as text, never parsed as markup. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  cls?: string,
  text?: string,
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

/** A view's root in `el`, with its head line: a title and a status (read out on change). */
export function viewRoot(
  el: HTMLElement,
  cls: string,
): { root: HTMLDivElement; head: HTMLDivElement; title: HTMLSpanElement; status: HTMLSpanElement } {
  const root = h("div", cls);
  el.classList.add("nbopt");
  el.appendChild(root);
  const head = h("div", "nbopt-head");
  const title = h("span", "nbopt-title");
  const status = h("span", "nbopt-status");
  status.setAttribute("role", "status");
  head.append(title, status);
  return { root, head, title, status };
}

/** Set an element's text only when it changes (a write costs a style + layout pass). */
export function setText(e: HTMLElement, text: string): void {
  if (e.textContent !== text) e.textContent = text;
}

export function setData(e: HTMLElement, key: string, value: string): void {
  if (e.dataset[key] !== value) e.dataset[key] = value;
}

/** Size a canvas for HiDPI (only when needed: resizing reallocates it) and scale it. */
export function sizeCanvas(
  c: HTMLCanvasElement,
  w: number,
  hgt: number,
  dpr: number,
): CanvasRenderingContext2D {
  const pw = Math.round(w * dpr);
  const ph = Math.round(hgt * dpr);
  if (c.width !== pw || c.height !== ph) {
    c.width = pw;
    c.height = ph;
    c.style.width = `${w}px`;
    c.style.height = `${hgt}px`;
  }
  const ctx = c.getContext("2d");
  if (!ctx) throw new Error("canvas 2d context unavailable");
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  return ctx;
}

export function line(
  ctx: CanvasRenderingContext2D,
  x0: number,
  y0: number,
  x1: number,
  y1: number,
): void {
  ctx.beginPath();
  ctx.moveTo(x0, y0);
  ctx.lineTo(x1, y1);
  ctx.stroke();
}

export interface AxisTicks {
  value: number;
  label: string;
}

/** `text`, cut with an ellipsis to at most `width` pixels in the context's current font. */
export function truncate(ctx: CanvasRenderingContext2D, text: string, width: number): string {
  if (ctx.measureText(text).width <= width) return text;
  let s = text;
  while (s.length > 1 && ctx.measureText(`${s}…`).width > width) s = s.slice(0, -1);
  return `${s}…`;
}

/** Width in pixels of the widest of `labels` in the tick font (which it leaves set). */
export function labelWidth(
  ctx: CanvasRenderingContext2D,
  theme: Theme,
  labels: readonly string[],
): number {
  ctx.font = `10px ${theme.font}`;
  return Math.max(0, ...labels.map((s) => ctx.measureText(s).width));
}

/** Room left of a plot for y tick labels `width` wide and the rotated title beyond them. */
export function yAxisRoom(width: number): number {
  // tick mark and gap (6), the labels, air (5), the title's line (13), the canvas edge (4)
  return 6 + width + 5 + 13 + 4;
}

/**
 * A y axis' title, rotated and centred on `r`'s height, left of tick labels `width` wide
 * (right-aligned 6 px left of the frame), and never nearer the frame than 32 px.
 */
export function yTitle(
  ctx: CanvasRenderingContext2D,
  theme: Theme,
  text: string,
  r: Rect,
  width: number,
): void {
  // the right edge of the title's line; kept on the canvas when the margin is too narrow
  const x = Math.max(14, Math.min(r.x - 32, r.x - 6 - width - 5));
  ctx.save();
  ctx.fillStyle = theme.fg;
  ctx.font = `11px ${theme.font}`;
  ctx.translate(x, r.y + r.h / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.textAlign = "center";
  ctx.textBaseline = "bottom";
  ctx.fillText(text, 0, 0);
  ctx.restore();
}

/** Ticks, tick labels and titles of a plot's x and y axes (the frame is drawn apart). */
export function axes(
  ctx: CanvasRenderingContext2D,
  theme: Theme,
  r: Rect,
  sx: Scale,
  sy: Scale,
  xLabel: string,
  yLabel: string,
  logY: boolean,
  xSpecifier?: string,
): void {
  ctx.strokeStyle = theme.fg2;
  ctx.fillStyle = theme.fg2;
  ctx.lineWidth = 1;
  ctx.font = `10px ${theme.font}`;
  ctx.textAlign = "center";
  ctx.textBaseline = "top";
  const nx = r.w < 320 ? 4 : 6;
  // counts (steps, trials) in SI form ("2k") when asked; other values as every tick reads
  const xs = sx.ticks(nx);
  const xFormat = xSpecifier ? sx.tickFormat(nx, xSpecifier) : null;
  const xLabels = xFormat ? xs.map((v) => (v === 0 ? "0" : xFormat(v))) : tickLabels(xs);
  xs.forEach((v, i) => {
    const x = Math.round(sx(v)) + 0.5;
    line(ctx, x, r.y + r.h, x, r.y + r.h + 4);
    ctx.fillText(xLabels[i], x, r.y + r.h + 6);
  });
  ctx.textAlign = "right";
  ctx.textBaseline = "middle";
  const yt = axisTicks(sy, logY);
  for (const { value, label } of yt) {
    const y = Math.round(sy(value)) + 0.5;
    line(ctx, r.x - 4, y, r.x, y);
    ctx.fillText(label, r.x - 6, y);
  }
  const width = labelWidth(
    ctx,
    theme,
    yt.map((t) => t.label),
  );
  ctx.fillStyle = theme.fg;
  ctx.font = `11px ${theme.font}`;
  ctx.textAlign = "center";
  ctx.textBaseline = "bottom";
  ctx.fillText(xLabel, r.x + r.w / 2, r.y + r.h + 34);
  yTitle(ctx, theme, yLabel, r, width);
}

/**
 * A vertical colour bar right of a plot: `stops` (#rrggbb, low to high) along `scale`
 * (whose range runs from the bar's bottom to its top), ticks and a rotated title at `titleX`.
 */
export function colourBar(
  ctx: CanvasRenderingContext2D,
  theme: Theme,
  bar: Rect,
  stops: readonly string[],
  scale: Scale,
  log: boolean,
  title: string,
  titleX: number,
): void {
  const rgb = stops.map(hexToRgb);
  const grad = ctx.createLinearGradient(0, bar.y + bar.h, 0, bar.y);
  for (let i = 0; i <= 16; i++) {
    const c = colourAt(i / 16, rgb);
    grad.addColorStop(i / 16, `rgb(${c[0]},${c[1]},${c[2]})`);
  }
  ctx.fillStyle = grad;
  ctx.fillRect(bar.x, bar.y, bar.w, bar.h);
  ctx.strokeStyle = theme.border;
  ctx.lineWidth = 1;
  ctx.strokeRect(bar.x + 0.5, bar.y + 0.5, bar.w - 1, bar.h - 1);
  ctx.fillStyle = theme.fg2;
  ctx.strokeStyle = theme.fg2;
  ctx.font = `10px ${theme.font}`;
  ctx.textAlign = "left";
  ctx.textBaseline = "middle";
  const values = scale.ticks(5);
  const labels = tickLabels(values);
  const ticks = log ? logTicks(scale, 6) : values.map((v, i) => ({ value: v, label: labels[i] }));
  for (const { value, label } of ticks) {
    const y = scale(value);
    line(ctx, bar.x + bar.w, y, bar.x + bar.w + 3, y);
    ctx.fillText(label, bar.x + bar.w + 5, y);
  }
  ctx.save();
  ctx.translate(titleX, bar.y + bar.h / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.textAlign = "center";
  ctx.textBaseline = "bottom";
  ctx.fillStyle = theme.fg;
  ctx.font = `11px ${theme.font}`;
  ctx.fillText(title, 0, 0);
  ctx.restore();
}

/** A five-pointed star (known minima, the best trial), skipped outside `clip`. */
export function star(
  ctx: CanvasRenderingContext2D,
  x: number,
  y: number,
  rad: number,
  fill: string,
  stroke: string,
  clip: Rect,
): void {
  if (x < clip.x || x > clip.x + clip.w || y < clip.y || y > clip.y + clip.h) return;
  ctx.beginPath();
  for (let i = 0; i < 10; i++) {
    const a = -Math.PI / 2 + (i * Math.PI) / 5;
    const rr = i % 2 ? rad * 0.45 : rad;
    const px = x + rr * Math.cos(a);
    const py = y + rr * Math.sin(a);
    if (i === 0) ctx.moveTo(px, py);
    else ctx.lineTo(px, py);
  }
  ctx.closePath();
  ctx.fillStyle = fill;
  ctx.fill();
  ctx.strokeStyle = stroke;
  ctx.lineWidth = 1;
  ctx.stroke();
}

/** An x-shaped cross (a diverged run, a failed trial). */
export function cross(ctx: CanvasRenderingContext2D, x: number, y: number, s: number): void {
  line(ctx, x - s, y - s, x + s, y + s);
  line(ctx, x - s, y + s, x + s, y - s);
}

/** A colour string safe to use as a CSS colour (#rrggbb), grey otherwise. */
export function safeColour(c: string): string {
  return /^#[0-9a-f]{6}$/i.test(c) ? c : "#888888";
}

/** Schedule one redraw per animation frame, however often it is asked for. */
export class FrameScheduler {
  private frame = 0;

  constructor(private readonly draw: () => void) {}

  schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.draw();
    });
  }

  cancel(): void {
    if (this.frame) cancelAnimationFrame(this.frame);
    this.frame = 0;
  }
}

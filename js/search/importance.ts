// The parameter-importance panel: each parameter's share of the value's variation, largest
// first, with the method named. Labels are canvas text, never markup.
import { sizeCanvas, type Theme, truncate } from "../core/draw";
import { clear } from "./panels";
import type { ImportanceMeta } from "./protocol";

/** Most bars drawn; the rest are summed in one line. */
export const MAX_BARS = 12;
const BAR_H = 20;

/** Height of the panel for `imp` (the canvas grows with the number of bars). */
export function importanceHeight(imp: ImportanceMeta | null): number {
  const n = imp ? Math.min(imp.names.length, MAX_BARS) + (imp.names.length > MAX_BARS ? 1 : 0) : 1;
  return 24 + n * BAR_H + 8;
}

/** Draw the bars; returns how many were drawn. */
export function drawImportance(
  canvas: HTMLCanvasElement,
  imp: ImportanceMeta | null,
  theme: Theme,
  width: number,
): number {
  const dpr = window.devicePixelRatio || 1;
  const height = importanceHeight(imp);
  const ctx = sizeCanvas(canvas, width, height, dpr);
  clear(ctx, theme, width, height);
  ctx.font = `11px ${theme.font}`;
  ctx.textBaseline = "middle";
  if (!imp) {
    ctx.fillStyle = theme.fg2;
    ctx.textAlign = "left";
    ctx.fillText("needs 4 complete trials", 8, 20);
    return 0;
  }
  const labelW = Math.min(150, Math.max(60, width * 0.3));
  const x0 = labelW + 12;
  const barMax = width - x0 - 52;
  const top = imp.shares.length ? Math.max(...imp.shares) : 1;
  const shown = Math.min(imp.names.length, MAX_BARS);
  const bar = theme.dark ? "#4fc3f7" : "#31688e";
  for (let i = 0; i < shown; i++) {
    const y = 20 + i * BAR_H;
    const share = imp.shares[i];
    ctx.fillStyle = theme.fg;
    ctx.textAlign = "right";
    ctx.fillText(truncate(ctx, imp.names[i], labelW), labelW + 4, y);
    const w = top > 0 ? (share / top) * barMax : 0;
    ctx.fillStyle = bar;
    ctx.fillRect(x0, y - 6, Math.max(1, w), 12);
    ctx.fillStyle = theme.fg2;
    ctx.textAlign = "left";
    ctx.fillText(`${(100 * share).toFixed(share < 0.01 ? 1 : 0)} %`, x0 + w + 6, y);
  }
  if (imp.names.length > shown) {
    let rest = 0;
    for (let i = shown; i < imp.shares.length; i++) rest += imp.shares[i];
    ctx.fillStyle = theme.fg2;
    ctx.textAlign = "left";
    ctx.fillText(
      `${imp.names.length - shown} more: ${(100 * rest).toFixed(1)} % together`,
      x0,
      20 + shown * BAR_H,
    );
  }
  return shown;
}

/** The caption: the method and what it was computed from. */
export function importanceCaption(imp: ImportanceMeta | null): string {
  if (!imp) return "";
  return `${imp.method} · from ${imp.n_complete.toLocaleString("en-US")} complete trials`;
}

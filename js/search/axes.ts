// Shared by the views over the 2-D pair: the parameters' axes in [0, 1] positions, with
// ticks and titles as the dashboard's other views draw them, and the edges of cells.
import { labelWidth, line, type Theme, truncate, yTitle } from "../core/draw";
import type { Rect } from "../core/maths";
import type { AxisMeta } from "./protocol";
import type { SearchState } from "./store";

export function axisOf(st: SearchState, name: string): AxisMeta | undefined {
  return st.meta.params.find((a) => a.name === name);
}

/**
 * Pixels between a 2-D plot's frame and the positions 0 and 1 of its axes, so that points
 * on a bound (a grid's edge, a clipped log range) and stars there are drawn whole.
 */
export const INSET = 7;

/** The rectangle of positions [0, 1] inside a 2-D plot's frame `r`. */
export function inset(r: Rect, by = INSET): Rect {
  return { x: r.x + by, y: r.y + by, w: r.w - 2 * by, h: r.h - 2 * by };
}

/**
 * A parameter's axis: ticks at positions along `r`, marks and labels outside `edge` (the
 * frame; `r` itself unless the positions are inset from it), the title beyond the labels.
 */
export function unitAxis(
  ctx: CanvasRenderingContext2D,
  theme: Theme,
  axis: AxisMeta,
  r: Rect,
  vertical: boolean,
  edge: Rect = r,
): void {
  ctx.fillStyle = theme.fg2;
  ctx.strokeStyle = theme.fg2;
  ctx.lineWidth = 1;
  ctx.font = `10px ${theme.font}`;
  // a Choice's ticks are its options' centres and its labels their names (nbopt.drawing.Axis)
  const labels = axis.ticks.map((_, k) =>
    truncate(ctx, axis.tick_labels[k] ?? "", vertical ? 50 : 80),
  );
  axis.ticks.forEach((u, k) => {
    if (vertical) {
      const y = Math.round(r.y + (1 - u) * r.h) + 0.5;
      line(ctx, edge.x - 4, y, edge.x, y);
      ctx.textAlign = "right";
      ctx.textBaseline = "middle";
      ctx.fillText(labels[k], edge.x - 6, y);
    } else {
      const x = Math.round(r.x + u * r.w) + 0.5;
      line(ctx, x, edge.y + edge.h, x, edge.y + edge.h + 4);
      ctx.textAlign = "center";
      ctx.textBaseline = "top";
      ctx.fillText(labels[k], x, edge.y + edge.h + 6);
    }
  });
  ctx.font = `11px ${theme.font}`;
  const title = axis.name + (axis.log ? " (log scale)" : "");
  if (vertical) {
    const text = truncate(ctx, title, edge.h);
    yTitle(ctx, theme, text, edge, labelWidth(ctx, theme, labels));
  } else {
    ctx.fillStyle = theme.fg;
    ctx.textAlign = "center";
    ctx.textBaseline = "bottom";
    ctx.fillText(truncate(ctx, title, edge.w), edge.x + edge.w / 2, edge.y + edge.h + 34);
  }
}

/** Edges of cells centred at sorted positions `c` (halfway between neighbours, clipped). */
export function edges(c: ArrayLike<number>): number[] {
  const out: number[] = [];
  for (let i = 0; i <= c.length; i++) {
    if (i === 0) out.push(Math.max(0, c[0] - (c.length > 1 ? (c[1] - c[0]) / 2 : 0.5)));
    else if (i === c.length)
      out.push(Math.min(1, c[i - 1] + (c.length > 1 ? (c[i - 1] - c[i - 2]) / 2 : 0.5)));
    else out.push((c[i - 1] + c[i]) / 2);
  }
  return out;
}

// Shared by the views over the 2-D pair: the parameters' axes in [0, 1] positions, with
// ticks and titles as the dashboard's other views draw them, and the edges of cells.
import { line, type Theme } from "../core/draw";
import type { Rect } from "../core/maths";
import type { AxisMeta } from "./protocol";
import type { SearchState } from "./store";

export function axisOf(st: SearchState, name: string): AxisMeta | undefined {
  return st.meta.params.find((a) => a.name === name);
}

export function unitAxis(
  ctx: CanvasRenderingContext2D,
  theme: Theme,
  axis: AxisMeta,
  r: Rect,
  vertical: boolean,
): void {
  ctx.fillStyle = theme.fg2;
  ctx.strokeStyle = theme.fg2;
  ctx.font = `10px ${theme.font}`;
  // a Choice's ticks are its options' centres and its labels their names (nbopt.drawing.Axis)
  const ticks = axis.ticks;
  const labels = axis.tick_labels;
  ticks.forEach((u, i) => {
    if (vertical) {
      const y = Math.round(r.y + (1 - u) * r.h) + 0.5;
      line(ctx, r.x - 4, y, r.x, y);
      ctx.textAlign = "right";
      ctx.textBaseline = "middle";
      ctx.fillText(labels[i] ?? "", r.x - 6, y);
    } else {
      const x = Math.round(r.x + u * r.w) + 0.5;
      line(ctx, x, r.y + r.h, x, r.y + r.h + 4);
      ctx.textAlign = "center";
      ctx.textBaseline = "top";
      ctx.fillText(labels[i] ?? "", x, r.y + r.h + 6);
    }
  });
  ctx.fillStyle = theme.fg;
  ctx.font = `11px ${theme.font}`;
  const title = `${axis.name}${axis.log ? " (log)" : ""}`;
  if (vertical) {
    ctx.save();
    ctx.translate(r.x - 46, r.y + r.h / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    ctx.fillText(title, 0, 0);
    ctx.restore();
  } else {
    ctx.textAlign = "center";
    ctx.textBaseline = "bottom";
    ctx.fillText(title, r.x + r.w / 2, r.y + r.h + 34);
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

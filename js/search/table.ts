// The trial table: sortable, filterable by state and by the brush, virtualized (only the
// rows in view are in the DOM), so 50,000 trials scroll smoothly. Cells are text only.
// A wide table (a cross-validated search has a score per split) scrolls sideways in its
// own box: the trial number and the value stay pinned on the left, and a fade at the
// right edge says there is more until the last column is in view.
import { h, setData, setText } from "../core/draw";
import { fmt } from "../core/maths";
import type { AxisMeta } from "./protocol";
import { type SearchState, STATE_NAMES } from "./store";

const ROW_H = 22;
const VIEW_ROWS = 12;
/** While trials stream in, the rows are filtered and sorted again at most this often (ms). */
const ORDER_INTERVAL = 250;

export type StateFilter = "all" | "complete" | "failed" | "pruned";

interface Column {
  name: string;
  /** numeric key of row r (NaN sorts last) */
  key: (st: SearchState, r: number) => number;
  text: (st: SearchState, r: number) => string;
  num: boolean;
  width: number;
  /** pinned on the left while the table scrolls sideways */
  pin?: boolean;
  /** the cell's tooltip (default: the text when it is too long for the cell) */
  title?: (st: SearchState, r: number) => string;
  /** what the header's tooltip says sorting by it does (default: "sort by <name>") */
  sortHint?: string;
}

/** The scores of one metric per cross-validation split (scikit-learn's `split<i>_<rest>`). */
export interface SplitGroup {
  /** the metric without the split, e.g. "test_score" */
  rest: string;
  /** indices into the metric names, split 0 first */
  members: number[];
}

/**
 * The metric columns in table order: single metrics by index, the per-split scores of one
 * metric gathered in a group, placed after the metric's `std_<rest>` (else its `mean_`,
 * else where its first split was), so a row reads mean, spread, then the splits.
 */
export function metricLayout(names: readonly string[]): (number | SplitGroup)[] {
  const groups = new Map<string, { split: number; j: number }[]>();
  names.forEach((name, j) => {
    const m = /^split(\d+)_(.+)$/.exec(name);
    if (!m) return;
    const list = groups.get(m[2]) ?? [];
    list.push({ split: Number(m[1]), j });
    groups.set(m[2], list);
  });
  const grouped = new Map<number, SplitGroup>(); // position -> group
  const skip = new Set<number>();
  for (const [rest, list] of groups) {
    if (list.length < 2) continue; // one split is a column of its own
    list.sort((a, b) => a.split - b.split);
    const members = list.map((e) => e.j);
    for (const j of members) skip.add(j);
    const after = [`std_${rest}`, `mean_${rest}`].map((n) => names.indexOf(n)).find((j) => j >= 0);
    grouped.set(after ?? Math.min(...members) - 0.5, { rest, members });
  }
  const out: (number | SplitGroup)[] = [];
  const at = (pos: number) => {
    const g = grouped.get(pos);
    if (g) out.push(g);
  };
  names.forEach((_, j) => {
    at(j - 0.5);
    if (!skip.has(j)) out.push(j);
    at(j);
  });
  return out;
}

function seconds(s: number): string {
  if (!Number.isFinite(s)) return "";
  if (s < 1e-3) return `${fmt(s * 1e6)} µs`;
  if (s < 1) return `${fmt(s * 1e3)} ms`;
  if (s < 120) return `${fmt(s)} s`;
  return `${fmt(s / 60)} min`;
}

function paramText(axis: AxisMeta, v: number): string {
  if (!Number.isFinite(v)) return "";
  if (axis.kind === "choice") return axis.categories[v] ?? "";
  if (axis.kind === "int") return String(Math.round(v));
  return fmt(v);
}

/** Room a header needs beside its text: the cell's padding (6 px a side) and the sort arrow. */
export const HEADER_ROOM = 12 + 16;
/** The widest a column grows for its header: a longer name is cut, whole on hover. */
export const HEADER_MOST = 220;
/**
 * Pixels per character when the header cannot be measured (a view not yet in a page): as
 * wide as the table's 13 px sans-serif runs on names of "_", "m" and "w" (svc__gamma).
 */
const CHAR_W = 8.5;

/** Width of a header's text: how wide it is drawn, else an estimate that errs wide. */
export type Measure = (text: string) => number;

export const estimate: Measure = (text) => CHAR_W * text.length;

/**
 * A column wide enough for its header, `least` at the least (up to HEADER_MOST): the
 * header's text as `measure` sizes it, with its padding and the room of the sort arrow.
 */
export function widthFor(name: string, least: number, measure: Measure = estimate): number {
  return Math.round(Math.min(HEADER_MOST, Math.max(least, HEADER_ROOM + measure(name))));
}

let measureCtx: CanvasRenderingContext2D | null | undefined;

/** A Measure in the font `el` is drawn in (the estimate where there is no canvas or font). */
function measureIn(el: HTMLElement): Measure {
  const font = el.isConnected ? getComputedStyle(el).font : "";
  if (measureCtx === undefined) measureCtx = document.createElement("canvas").getContext("2d");
  const ctx = measureCtx;
  if (!ctx || !font) return estimate;
  ctx.font = font;
  return (text) => ctx.measureText(text).width;
}

/** Whether any trial has a reason or an error to show (else the column is left out). */
function hasReasons(st: SearchState): boolean {
  return st.reasons.size > 0 || st.errors.size > 0;
}

function columnsOf(st: SearchState, measure: Measure): Column[] {
  const cols: Column[] = [
    {
      name: "#",
      key: (s, r) => s.cols.number[r],
      text: (s, r) => String(s.cols.number[r]),
      num: true,
      width: 56,
      pin: true,
    },
    {
      name: st.meta.value_axis.name,
      key: (s, r) => s.cols.value[r],
      text: (s, r) => fmt(s.cols.value[r]),
      num: true,
      width: widthFor(st.meta.value_axis.name, 90, measure),
      pin: true,
    },
    {
      name: "state",
      key: (s, r) => s.cols.state[r],
      text: (s, r) => STATE_NAMES[s.cols.state[r]] ?? "",
      num: false,
      width: 92,
    },
  ];
  st.meta.params.forEach((axis, j) => {
    cols.push({
      name: axis.name,
      key: (s, r) => s.cols.params[r * s.cols.d + j],
      text: (s, r) => paramText(axis, s.cols.params[r * s.cols.d + j]),
      num: axis.kind !== "choice",
      width: widthFor(axis.name, axis.kind === "choice" ? 96 : 86, measure),
    });
  });
  cols.push({
    name: "duration",
    key: (s, r) => s.cols.duration[r],
    text: (s, r) => seconds(s.cols.duration[r]),
    num: true,
    width: 80,
  });
  const metric = (s: SearchState, r: number, j: number) =>
    j < s.cols.m ? s.cols.metrics[r * s.cols.m + j] : Number.NaN;
  for (const entry of metricLayout(st.meta.metric_names)) {
    if (typeof entry === "number") {
      const j = entry;
      cols.push({
        name: st.meta.metric_names[j],
        key: (s, r) => metric(s, r, j),
        text: (s, r) => (j < s.cols.m ? fmt(metric(s, r, j)) : ""),
        num: true,
        width: widthFor(st.meta.metric_names[j], 86, measure),
      });
      continue;
    }
    cols.push(splitColumn(st.meta.metric_names, entry, metric));
  }
  if (!hasReasons(st)) return cols;
  cols.push({
    name: "reason",
    key: () => Number.NaN,
    text: (s, r) => {
      const n = s.cols.number[r];
      return s.reasons.get(n) ?? s.errors.get(n) ?? "";
    },
    num: false,
    width: 320,
  });
  return cols;
}

/**
 * One column for the per-split scores of a metric: the splits side by side ("0.91 0.93 …"),
 * each value in full in the tooltip; sorting by it puts the weakest split first.
 */
function splitColumn(
  names: readonly string[],
  g: SplitGroup,
  metric: (s: SearchState, r: number, j: number) => number,
): Column {
  const values = (s: SearchState, r: number) => g.members.map((j) => metric(s, r, j));
  return {
    name: `${g.rest} per split`,
    key: (s, r) => {
      const v = values(s, r).filter((x) => !Number.isNaN(x));
      return v.length ? Math.min(...v) : Number.NaN;
    },
    text: (s, r) => {
      const v = values(s, r);
      return v.every(Number.isNaN) ? "" : v.map(fmt).join(" ");
    },
    title: (s, r) => {
      const v = values(s, r);
      if (v.every(Number.isNaN)) return "";
      return g.members
        .map((j, i) => `${names[j]}: ${Number.isNaN(v[i]) ? "—" : Number(v[i].toPrecision(6))}`)
        .join("\n");
    },
    num: false,
    width: Math.min(260, Math.max(120, 12 + 44 * g.members.length)),
    sortHint: `sort by the lowest of the ${g.members.length} splits of ${g.rest}`,
  };
}

/** The classes of column i's cells: numbers right-aligned, the pinned ones marked. */
function cellClass(cols: readonly Column[], i: number): string {
  const c = cols[i];
  let cls = c.num ? "nbopt-cell nbopt-num" : "nbopt-cell";
  if (c.pin)
    cls += i + 1 < cols.length && cols[i + 1].pin ? " nbopt-pin" : " nbopt-pin nbopt-pin-last";
  return cls;
}

/** The width of the pinned columns together. */
function pinnedWidth(cols: readonly Column[]): number {
  let w = 0;
  for (const c of cols) if (c.pin) w += c.width;
  return w;
}

/** Column i's width, and for a pinned column where it sticks (after the pinned before it). */
function cellStyle(e: HTMLElement, cols: readonly Column[], i: number): void {
  e.style.width = `${cols[i].width}px`;
  if (!cols[i].pin) return;
  let left = 0;
  for (let k = 0; k < i; k++) if (cols[k].pin) left += cols[k].width;
  e.style.left = `${left}px`;
}

/** `rows` in trial-number order (ascending, or descending). */
function byNumber(st: SearchState, rows: number[], descending: boolean): Int32Array<ArrayBuffer> {
  let max = -1;
  for (const r of rows) if (st.cols.number[r] > max) max = st.cols.number[r];
  const slot = new Int32Array(max + 1).fill(-1);
  for (const r of rows) slot[st.cols.number[r]] = r;
  const out = new Int32Array(rows.length);
  let k = 0;
  if (descending) {
    for (let i = max; i >= 0; i--) if (slot[i] >= 0) out[k++] = slot[i];
  } else {
    for (let i = 0; i <= max; i++) if (slot[i] >= 0) out[k++] = slot[i];
  }
  return out;
}

export class TrialTable {
  readonly el: HTMLDivElement;
  private head: HTMLDivElement;
  private frame: HTMLDivElement;
  private fade: HTMLDivElement;
  private scroller: HTMLDivElement;
  private spacer: HTMLDivElement;
  private body: HTMLDivElement;
  private filter: HTMLSelectElement;
  private count: HTMLSpanElement;
  private moreCols: HTMLButtonElement;
  private columns: Column[] = [];
  private columnsKey = "";
  private sortBy = 0;
  private descending = false;
  private order: Int32Array = new Int32Array(0);
  private rowEls: HTMLDivElement[] = [];
  private orderKey = "";
  private orderedAt = Number.NEGATIVE_INFINITY;
  private orderTimer = 0;
  private cleanups: (() => void)[] = [];

  constructor(private readonly onChange: () => void) {
    this.el = h("div", "nbopt-table");
    const bar = h("div", "nbopt-table-bar");
    const label = h("label", "", "show ");
    this.filter = h("select");
    this.filter.setAttribute("aria-label", "filter the trials by state");
    for (const [value, text] of [
      ["all", "all trials"],
      ["complete", "complete"],
      ["failed", "failed"],
      ["pruned", "pruned"],
    ]) {
      const o = h("option", "", text);
      o.value = value;
      this.filter.append(o);
    }
    label.append(this.filter);
    this.count = h("span", "nbopt-table-count");
    this.moreCols = h("button", "nbopt-btn nbopt-small nbopt-table-more");
    this.moreCols.type = "button";
    this.moreCols.title = "scroll the table to the right (or scroll it sideways: Shift + wheel)";
    this.moreCols.hidden = true;
    bar.append(label, this.count, this.moreCols);
    // the header row scrolls sideways with the rows and stays on top (sticky) as they
    // scroll by; the rows start below it, so row i sits at scrollTop i * ROW_H
    this.head = h("div", "nbopt-row nbopt-row-head");
    this.head.setAttribute("role", "row");
    this.scroller = h("div", "nbopt-table-scroll");
    this.scroller.tabIndex = 0;
    this.scroller.setAttribute("role", "grid");
    this.scroller.setAttribute("aria-label", "trials");
    this.spacer = h("div", "nbopt-table-spacer");
    this.body = h("div", "nbopt-table-body");
    this.spacer.append(this.body);
    this.scroller.append(this.head, this.spacer);
    this.scroller.style.height = `${ROW_H * (VIEW_ROWS + 1)}px`;
    this.fade = h("div", "nbopt-table-fade");
    this.fade.setAttribute("aria-hidden", "true");
    this.frame = h("div", "nbopt-table-frame");
    this.frame.append(this.scroller, this.fade);
    this.el.append(bar, this.frame);
    const onFilter = () => {
      this.orderKey = "";
      this.onChange();
    };
    this.filter.addEventListener("change", onFilter);
    this.cleanups.push(() => this.filter.removeEventListener("change", onFilter));
    // a page of columns to the right: what is under the pinned ones does not count
    const onMore = () => {
      const page = this.scroller.clientWidth - pinnedWidth(this.columns);
      this.scroller.scrollBy({ left: Math.max(40, page - 40), behavior: "smooth" });
    };
    this.moreCols.addEventListener("click", onMore);
    this.cleanups.push(() => this.moreCols.removeEventListener("click", onMore));
    const onScroll = () => {
      this.edges();
      this.onChange();
    };
    this.scroller.addEventListener("scroll", onScroll, { passive: true });
    this.cleanups.push(() => this.scroller.removeEventListener("scroll", onScroll));
    // the box and the header row change width with the widget and the columns: read the
    // scroll extent then (after layout), not on every drawn frame
    if (typeof ResizeObserver !== "undefined") {
      const ro = new ResizeObserver(() => this.edges());
      ro.observe(this.scroller);
      ro.observe(this.head);
      this.cleanups.push(() => ro.disconnect());
    }
  }

  /**
   * Mark the edges the box can still scroll towards: `data-more` when columns are hidden
   * on the right (the fade shows, and a button says how many), `data-scrolled` when some
   * are hidden under the pinned ones (their edge gets a shadow).
   */
  private edges(): void {
    const s = this.scroller;
    const more = s.scrollLeft + s.clientWidth < s.scrollWidth - 1;
    setData(this.frame, "more", more ? "true" : "false");
    setData(this.frame, "scrolled", s.scrollLeft > 0 ? "true" : "false");
    // columns that end beyond the visible right edge, even in part
    let hidden = 0;
    let right = 0;
    for (const c of this.columns) {
      right += c.width;
      if (!c.pin && right > s.scrollLeft + s.clientWidth + 1) hidden++;
    }
    if (this.moreCols.hidden === more) this.moreCols.hidden = !more;
    setText(this.moreCols, `${hidden} more column${hidden === 1 ? "" : "s"} →`);
    // the fade stops short of the scroll bars (their width is the box's less its client area)
    const fadeRight = `${s.offsetWidth - s.clientWidth - s.clientLeft * 2}px`;
    const fadeBottom = `${s.offsetHeight - s.clientHeight - s.clientTop * 2}px`;
    if (this.fade.style.right !== fadeRight) this.fade.style.right = fadeRight;
    if (this.fade.style.bottom !== fadeBottom) this.fade.style.bottom = fadeBottom;
  }

  get stateFilter(): StateFilter {
    return this.filter.value as StateFilter;
  }

  /** Rows shown, in display order (for tests and the count). */
  get shown(): number {
    return this.order.length;
  }

  private buildHead(st: SearchState): void {
    const key = [
      st.meta.value_axis.name,
      ...st.meta.params.map((a) => a.name),
      ...st.meta.metric_names,
      hasReasons(st),
    ].join("\u0000");
    if (key === this.columnsKey) return;
    this.columnsKey = key;
    this.columns = columnsOf(st, measureIn(this.head));
    this.head.replaceChildren();
    this.columns.forEach((c, i) => {
      const b = h("button", `nbopt-sort ${cellClass(this.columns, i)}`, c.name);
      b.type = "button";
      cellStyle(b, this.columns, i);
      b.title = c.sortHint ?? `sort by ${c.name}`;
      b.addEventListener("click", () => {
        if (this.sortBy === i) this.descending = !this.descending;
        else {
          this.sortBy = i;
          this.descending = false;
        }
        this.orderKey = "";
        this.onChange();
      });
      this.head.append(b);
    });
    this.orderKey = "";
  }

  /**
   * Recompute which rows are shown and their order (when the data, filter or sort moved);
   * while trials stream in, at most every ORDER_INTERVAL ms (a sort of 50,000 rows is not
   * free), with a last pass after the interval.
   */
  private reorder(st: SearchState, mask: Uint8Array, version: string, streaming: boolean): void {
    const view = `${this.filter.value}|${this.sortBy}|${this.descending}`;
    const key = `${version}|${view}`;
    if (key === this.orderKey) return;
    const now = performance.now();
    const sameView = this.orderKey.endsWith(`|${view}`);
    if (streaming && sameView && now - this.orderedAt < ORDER_INTERVAL) {
      if (!this.orderTimer)
        this.orderTimer = window.setTimeout(
          () => {
            this.orderTimer = 0;
            this.onChange();
          },
          ORDER_INTERVAL - (now - this.orderedAt),
        );
      return;
    }
    this.orderKey = key;
    this.orderedAt = now;
    const want = this.filter.value;
    const code = want === "all" ? -1 : STATE_NAMES.indexOf(want as (typeof STATE_NAMES)[number]);
    const rows: number[] = [];
    for (let r = 0; r < st.cols.n; r++) {
      if (mask[r] && (code < 0 || st.cols.state[r] === code)) rows.push(r);
    }
    if (this.sortBy === 0) {
      // by trial number, the default: numbers are unique, so a pass over them, no sort
      this.order = byNumber(st, rows, this.descending);
    } else {
      const col = this.columns[this.sortBy] ?? this.columns[0];
      const keys = new Float64Array(st.cols.n);
      for (const r of rows) keys[r] = col.key(st, r);
      const sign = this.descending ? -1 : 1;
      rows.sort((a, b) => {
        const ka = keys[a];
        const kb = keys[b];
        const na = Number.isNaN(ka);
        const nb = Number.isNaN(kb);
        if (na || nb) return na === nb ? st.cols.number[a] - st.cols.number[b] : na ? 1 : -1;
        return sign * (ka - kb) || st.cols.number[a] - st.cols.number[b];
      });
      this.order = Int32Array.from(rows);
    }
    this.columns.forEach((c, i) => {
      const b = this.head.children[i] as HTMLElement | undefined;
      if (!b) return;
      const arrow = i === this.sortBy ? (this.descending ? " ▼" : " ▲") : "";
      setText(b, c.name + arrow);
      b.setAttribute(
        "aria-sort",
        i === this.sortBy ? (this.descending ? "descending" : "ascending") : "none",
      );
    });
  }

  /** Draw the rows in view. `version` changes whenever the trials or the brush change. */
  update(
    st: SearchState,
    mask: Uint8Array,
    version: string,
    best: number | null,
    streaming = false,
  ): void {
    this.buildHead(st);
    this.reorder(st, mask, version, streaming);
    const total = this.order.length;
    this.spacer.style.height = `${total * ROW_H}px`;
    setText(
      this.count,
      ` ${total.toLocaleString("en-US")} of ${st.cols.n.toLocaleString("en-US")} trials`,
    );
    const first = Math.max(0, Math.floor(this.scroller.scrollTop / ROW_H) - 2);
    const last = Math.min(total, first + VIEW_ROWS + 4);
    this.body.style.transform = `translateY(${first * ROW_H}px)`;
    const need = last - first;
    while (this.rowEls.length < need) {
      const row = h("div", "nbopt-row");
      row.setAttribute("role", "row");
      this.body.append(row);
      this.rowEls.push(row);
    }
    this.rowEls.forEach((row, k) => {
      const visible = k < need;
      if (row.hidden === visible) row.hidden = !visible;
      if (!visible) return;
      const r = this.order[first + k];
      if (row.children.length !== this.columns.length) {
        row.replaceChildren(
          ...this.columns.map((_, i) => {
            const cell = h("span", cellClass(this.columns, i));
            cellStyle(cell, this.columns, i);
            cell.setAttribute("role", "gridcell");
            return cell;
          }),
        );
      }
      for (const [i, c] of this.columns.entries()) {
        const cell = row.children[i] as HTMLElement;
        const text = c.text(st, r);
        setText(cell, text);
        // long texts (a reason, an error) are cut to the cell: the whole text on hover
        const title = c.title ? c.title(st, r) : text.length > 40 ? text : "";
        if (cell.title !== title) cell.title = title;
      }
      const state = STATE_NAMES[st.cols.state[r]] ?? "";
      if (row.dataset.state !== state) row.dataset.state = state;
      const isBest = st.cols.number[r] === best ? "true" : "false";
      if (row.dataset.best !== isBest) row.dataset.best = isBest;
    });
  }

  destroy(): void {
    window.clearTimeout(this.orderTimer);
    for (const c of this.cleanups) c();
  }
}

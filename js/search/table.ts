// The trial table: sortable, filterable by state and by the brush, virtualized (only the
// rows in view are in the DOM), so 50,000 trials scroll smoothly. Cells are text only.
import { h, setText } from "../core/draw";
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

function columnsOf(st: SearchState): Column[] {
  const cols: Column[] = [
    {
      name: "#",
      key: (s, r) => s.cols.number[r],
      text: (s, r) => String(s.cols.number[r]),
      num: true,
      width: 56,
    },
    {
      name: "state",
      key: (s, r) => s.cols.state[r],
      text: (s, r) => STATE_NAMES[s.cols.state[r]] ?? "",
      num: false,
      width: 92,
    },
    {
      name: st.meta.value_axis.name,
      key: (s, r) => s.cols.value[r],
      text: (s, r) => fmt(s.cols.value[r]),
      num: true,
      width: 90,
    },
  ];
  st.meta.params.forEach((axis, j) => {
    cols.push({
      name: axis.name,
      key: (s, r) => s.cols.params[r * s.cols.d + j],
      text: (s, r) => paramText(axis, s.cols.params[r * s.cols.d + j]),
      num: axis.kind !== "choice",
      width: axis.kind === "choice" ? 96 : 86,
    });
  });
  cols.push({
    name: "duration",
    key: (s, r) => s.cols.duration[r],
    text: (s, r) => seconds(s.cols.duration[r]),
    num: true,
    width: 80,
  });
  st.meta.metric_names.forEach((name, j) => {
    cols.push({
      name,
      key: (s, r) => (j < s.cols.m ? s.cols.metrics[r * s.cols.m + j] : Number.NaN),
      text: (s, r) => (j < s.cols.m ? fmt(s.cols.metrics[r * s.cols.m + j]) : ""),
      num: true,
      width: 86,
    });
  });
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
  private scroller: HTMLDivElement;
  private spacer: HTMLDivElement;
  private body: HTMLDivElement;
  private filter: HTMLSelectElement;
  private count: HTMLSpanElement;
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
    bar.append(label, this.count);
    this.head = h("div", "nbopt-row nbopt-row-head");
    this.head.setAttribute("role", "row");
    this.scroller = h("div", "nbopt-table-scroll");
    this.scroller.tabIndex = 0;
    this.scroller.setAttribute("role", "grid");
    this.scroller.setAttribute("aria-label", "trials");
    this.spacer = h("div", "nbopt-table-spacer");
    this.body = h("div", "nbopt-table-body");
    this.spacer.append(this.body);
    this.scroller.append(this.spacer);
    this.scroller.style.height = `${ROW_H * VIEW_ROWS}px`;
    this.el.append(bar, this.head, this.scroller);
    const onFilter = () => {
      this.orderKey = "";
      this.onChange();
    };
    this.filter.addEventListener("change", onFilter);
    this.cleanups.push(() => this.filter.removeEventListener("change", onFilter));
    const onScroll = () => this.onChange();
    this.scroller.addEventListener("scroll", onScroll, { passive: true });
    this.cleanups.push(() => this.scroller.removeEventListener("scroll", onScroll));
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
    ].join("\u0000");
    if (key === this.columnsKey) return;
    this.columnsKey = key;
    this.columns = columnsOf(st);
    this.head.replaceChildren();
    this.columns.forEach((c, i) => {
      const b = h("button", `nbopt-cell nbopt-sort${c.num ? " nbopt-num" : ""}`, c.name);
      b.type = "button";
      b.style.width = `${c.width}px`;
      b.title = `sort by ${c.name}`;
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
          ...this.columns.map((c) => {
            const cell = h("span", `nbopt-cell${c.num ? " nbopt-num" : ""}`);
            cell.style.width = `${c.width}px`;
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
        const title = text.length > 40 ? text : "";
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

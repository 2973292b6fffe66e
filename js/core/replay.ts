// The replay slider: scrub over the steps (race) or trials (search) of a run that ended.
// Pure frontend: it only changes what the view draws, so it works the same in a live
// widget, in a saved notebook and in a page exported without a kernel.
import { h } from "./draw";

export class ReplayBar {
  readonly el: HTMLDivElement;
  readonly input: HTMLInputElement;
  private label: HTMLSpanElement;
  private max = 0;
  private min = 0;
  /** the position shown, or null at the end (the run as it ended) */
  private at: number | null = null;

  /**
   * `unit` names a position ("step", "trial"); `note` is said while replaying (what the
   * replay does not change).
   */
  constructor(
    private readonly unit: string,
    onChange: () => void,
    private readonly note = "",
  ) {
    this.el = h("div", "nbopt-replay");
    const name = h("span", "nbopt-replay-name", "replay");
    this.input = h("input");
    this.input.type = "range";
    this.input.step = "1";
    this.input.setAttribute("aria-label", `replay: the ${unit} to show`);
    this.label = h("span", "nbopt-replay-text");
    this.el.append(name, this.input, this.label);
    this.el.hidden = true;
    this.input.addEventListener("input", () => {
      const v = Math.round(Number(this.input.value));
      this.at = v >= this.max ? null : v;
      this.show();
      onChange();
    });
  }

  /** The position to draw (null: everything, as the run ended). */
  get value(): number | null {
    return this.el.hidden ? null : this.at;
  }

  /**
   * Offer the bar when the run is over (`over`) with positions `min`..`max`; a run that
   * goes on again (or a new one) hides it and shows everything.
   */
  update(over: boolean, min: number, max: number): void {
    const shown = over && max > min;
    if (this.el.hidden === shown) this.el.hidden = !shown;
    if (!shown) {
      this.at = null;
      return;
    }
    if (max !== this.max || min !== this.min) {
      this.max = max;
      this.min = min;
      this.input.min = String(min);
      this.input.max = String(max);
      if (this.at !== null && (this.at > max || this.at < min)) this.at = null;
      this.input.value = String(this.at ?? max);
      this.show();
    }
  }

  private show(): void {
    const at = this.at ?? this.max;
    this.label.textContent =
      this.at === null
        ? `${this.unit} ${at.toLocaleString("en-US")} of ${this.max.toLocaleString("en-US")} (the end)`
        : `${this.unit} ${at.toLocaleString("en-US")} of ${this.max.toLocaleString("en-US")}` +
          (this.note ? ` · ${this.note}` : "");
  }
}

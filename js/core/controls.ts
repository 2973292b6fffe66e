// The control bar every view shows: play / pause, step, reset, stop and a speed slider.
import type { AnyModel } from "@anywidget/types";
import { h, setText } from "./draw";
import { fmt, fromLogSlider, toLogSlider } from "./maths";
import type { BaseControl, BaseModel } from "./protocol";

/** Slider position meaning "as fast as possible". */
const SPEED_MAX = 3.5;

/** Keys our sliders and buttons act on: JupyterLab's command-mode shortcuts must not take them. */
const OWN_KEYS = new Set([
  "ArrowLeft",
  "ArrowRight",
  "ArrowUp",
  "ArrowDown",
  "Home",
  "End",
  "PageUp",
  "PageDown",
  " ",
  "Enter",
]);

export interface ControlOptions {
  step?: boolean;
  reset?: boolean;
  stop?: boolean;
  speed?: boolean;
  /** Unit of the speed slider ("steps/s"). */
  unit?: string;
  /** Label of the play button when not running ("Play", "Resume"). */
  playLabel?: string;
}

export class ControlBar {
  readonly el: HTMLDivElement;
  readonly playBtn: HTMLButtonElement;
  readonly stepBtn: HTMLButtonElement | null = null;
  readonly resetBtn: HTMLButtonElement | null = null;
  readonly stopBtn: HTMLButtonElement | null = null;
  private speed: HTMLInputElement | null = null;
  private speedText: HTMLSpanElement | null = null;
  private speedTimer = 0;
  private running = false;
  private cleanups: (() => void)[] = [];

  constructor(
    private readonly model: AnyModel<BaseModel>,
    private readonly send: (msg: BaseControl) => void,
    private readonly opts: ControlOptions = {},
  ) {
    this.el = h("div", "nbopt-controls");
    this.playBtn = this.button("Play", "nbopt-btn nbopt-play");
    this.on(this.playBtn, "click", () => this.send({ type: this.running ? "pause" : "play" }));
    if (opts.step !== false) {
      this.stepBtn = this.button("Step", "nbopt-btn", "take one step");
      this.on(this.stepBtn, "click", () => this.send({ type: "step", n: 1 }));
    }
    if (opts.reset !== false) {
      this.resetBtn = this.button("Reset", "nbopt-btn", "back to the start");
      this.on(this.resetBtn, "click", () => this.send({ type: "reset" }));
    }
    if (opts.stop) {
      this.stopBtn = this.button("Stop", "nbopt-btn", "stop for good, keeping what finished");
      this.on(this.stopBtn, "click", () => this.send({ type: "stop" }));
    }
    if (opts.speed !== false) this.buildSpeed(opts.unit ?? "steps/s");
  }

  private button(text: string, cls: string, title?: string): HTMLButtonElement {
    const b = h("button", cls, text);
    b.type = "button";
    if (title) b.title = title;
    this.el.append(b);
    return b;
  }

  private on<E extends Event>(t: EventTarget, ev: string, fn: (e: E) => void): void {
    t.addEventListener(ev, fn as EventListener);
    this.cleanups.push(() => t.removeEventListener(ev, fn as EventListener));
  }

  private buildSpeed(unit: string): void {
    const label = h("label", "nbopt-speed");
    const name = h("span", "", "speed");
    const speed = h("input");
    speed.type = "range";
    speed.min = "0";
    speed.max = String(SPEED_MAX);
    speed.step = "0.05";
    speed.setAttribute("aria-label", `speed in ${unit}`);
    const text = h("span", "nbopt-speed-text");
    label.append(name, speed, text);
    this.el.append(label);
    this.speed = speed;
    this.speedText = text;
    this.on(speed, "input", () => {
      this.showSpeed(Number(speed.value));
      window.clearTimeout(this.speedTimer);
      this.speedTimer = window.setTimeout(() => {
        const p = Number(speed.value);
        this.send({ type: "speed", steps_per_second: p >= SPEED_MAX ? null : fromLogSlider(p) });
      }, 80);
    });
    const sync = () => this.syncSpeed();
    this.model.on("change:steps_per_second", sync);
    this.cleanups.push(() => this.model.off("change:steps_per_second", sync));
    this.syncSpeed();
  }

  /** Keep keys that move our sliders or press our buttons inside `root`. */
  trapKeys(root: HTMLElement): void {
    this.on<KeyboardEvent>(root, "keydown", (e) => {
      if (e.ctrlKey || e.metaKey || e.altKey || e.shiftKey) return;
      if (OWN_KEYS.has(e.key)) e.stopPropagation();
    });
  }

  private syncSpeed(): void {
    if (!this.speed || document.activeElement === this.speed) return;
    const sps = this.model.get("steps_per_second");
    const p =
      sps === null || sps === undefined
        ? SPEED_MAX
        : Math.min(SPEED_MAX - 0.05, Math.max(0, toLogSlider(sps)));
    this.speed.value = String(p);
    this.showSpeed(p);
  }

  private showSpeed(p: number): void {
    if (!this.speedText) return;
    const unit = this.opts.unit ?? "steps/s";
    this.speedText.textContent = p >= SPEED_MAX ? "max" : `${fmt(fromLogSlider(p))} ${unit}`;
  }

  /** Show the run's state: the play button's label and what can be pressed. */
  update(state: string, finished: boolean): void {
    this.running = state === "running";
    setText(this.playBtn, this.running ? "Pause" : (this.opts.playLabel ?? "Play"));
    const pressed = String(this.running);
    if (this.playBtn.getAttribute("aria-pressed") !== pressed)
      this.playBtn.setAttribute("aria-pressed", pressed);
    if (this.playBtn.disabled !== finished) this.playBtn.disabled = finished;
    if (this.stepBtn && this.stepBtn.disabled !== finished) this.stepBtn.disabled = finished;
    if (this.stopBtn) {
      const over = finished || state === "stopped" || state === "error";
      if (this.stopBtn.disabled !== over) this.stopBtn.disabled = over;
    }
  }

  destroy(): void {
    window.clearTimeout(this.speedTimer);
    for (const c of this.cleanups) c();
  }
}

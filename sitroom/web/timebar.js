// The time bar: a slider over every day of the store (from /api/stats, not from a page of events), a
// histogram of events per day under it, a date box and a play control that steps one day at a time.

import { svg } from "./dom.js";
import { addDays, daysBetween } from "./view.js";

const PLAY_STEP_MS = 700;

export class TimeBar {
  constructor({ slider, date, play, histogram, onDay }) {
    Object.assign(this, { slider, date, play, histogram, onDay });
    this.first = null;
    this.last = null;
    this.timer = null;
    this.debounce = null;
    slider.addEventListener("input", () => this.fromSlider());
    date.addEventListener("change", () => date.value && this.set(date.value, true));
    play.addEventListener("click", () => this.toggle());
  }

  // The span: first event start to the later of the last start and the latest report.
  setSpan(first, last) {
    this.first = first;
    this.last = last;
    this.slider.max = String(Math.max(0, daysBetween(first, last)));
    this.slider.dataset.first = first;
    this.slider.dataset.last = last;
    this.date.min = first;
    this.date.max = last;
  }

  day() {
    return addDays(this.first, Number(this.slider.value));
  }

  set(day, notify = false) {
    const clamped = day < this.first ? this.first : day > this.last ? this.last : day;
    this.slider.value = String(daysBetween(this.first, clamped));
    this.date.value = clamped;
    if (notify) this.onDay(clamped);
  }

  fromSlider() {
    this.date.value = this.day();
    clearTimeout(this.debounce); // a drag redraws once it pauses, not at every day passed
    this.debounce = setTimeout(() => this.onDay(this.day()), 120);
  }

  toggle() {
    if (this.timer) return this.stop();
    if (this.day() >= this.last) this.set(this.first);
    this.play.setAttribute("aria-pressed", "true");
    this.play.textContent = "Pause";
    this.timer = setInterval(() => {
      if (this.day() >= this.last) return this.stop();
      this.set(addDays(this.day(), 1), true);
    }, PLAY_STEP_MS);
  }

  stop() {
    clearInterval(this.timer);
    this.timer = null;
    this.play.setAttribute("aria-pressed", "false");
    this.play.textContent = "Play";
  }

  // One bar per day as a single path: thousands of days stay one element.
  drawHistogram(perDay) {
    const days = daysBetween(this.first, this.last) + 1;
    const peak = Math.max(1, ...perDay.map(([, n]) => n));
    const height = 40;
    let d = "";
    for (const [day, n] of perDay) {
      const x = daysBetween(this.first, day);
      if (x < 0 || x >= days) continue;
      const h = Math.max(1, (n / peak) * height);
      d += `M${x},${height}v${-h.toFixed(2)}h1v${h.toFixed(2)}Z`;
    }
    this.histogram.setAttribute("viewBox", `0 0 ${days} ${height}`);
    this.histogram.replaceChildren(svg("path", { class: "bars", d }));
    this.histogram.dataset.days = String(perDay.length);
  }
}

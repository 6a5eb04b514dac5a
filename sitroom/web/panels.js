// The smaller views: what changed in a window, one place's history, and name search results.

import { el } from "./dom.js";

function changeText(change) {
  return `${change.place.name} · ${change.actor}: ${change.before || "–"} → ${change.after || "–"}`;
}

export function drawChanges(list, changes, on) {
  const items = changes.map((c) =>
    el(
      "li",
      { class: "change", dataset: { event: c.event, place: c.place.name } },
      el("span", { class: "when" }, c.when),
      " ",
      el("button", { type: "button", class: "link", onclick: () => on.event(c.event) }, changeText(c)),
    ),
  );
  list.replaceChildren(...(items.length ? items : [el("li", { class: "note" }, "No change in this window.")]));
}

export function drawPlace(panel, place, timeline, on) {
  const events = timeline.events.map((e) =>
    el(
      "li",
      { dataset: { event: e.id } },
      el("span", { class: "when" }, e.date ? e.date.start : "undated"),
      " ",
      el("button", { type: "button", class: "link", onclick: () => on.event(e.id) }, `${e.type} ${e.status}: ${e.actors.map((a) => a.name).join(", ") || "no named actor"}`),
    ),
  );
  const steps = timeline.changes.map((c) => el("li", {}, `${c.when} ${changeText(c)}`));
  panel.replaceChildren(
    el("button", { type: "button", class: "close", "aria-label": "Close", onclick: on.close }, "×"),
    el("h2", {}, `History of ${place}`),
    el("h3", {}, `Changes of state (${steps.length})`),
    el("ol", { class: "place-changes" }, steps),
    el("h3", {}, `Events (${events.length})`),
    el("ol", { class: "place-events" }, events),
  );
  panel.hidden = false;
}

export function drawSearch(list, found, on) {
  const places = found.places.map((p) =>
    el("li", {}, el("button", { type: "button", class: "link", dataset: { kind: "place" }, onclick: () => on.place(p) }, `${p.name}`, el("span", { class: "note" }, ` place · ${[p.admin1, p.country].filter(Boolean).join(", ")} · ${p.events} events`))),
  );
  const actors = found.actors.map((a) =>
    el("li", {}, el("button", { type: "button", class: "link", dataset: { kind: "actor" }, onclick: () => on.actor(a) }, a.name, el("span", { class: "note" }, ` actor · ${a.events} events`))),
  );
  const items = [...places, ...actors];
  list.replaceChildren(...(items.length ? items : [el("li", { class: "note" }, "Nothing of that name.")]));
  list.hidden = false;
}

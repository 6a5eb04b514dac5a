// The situation table: each row opens the events and evidence behind it; expected ends and overdue
// moves in "Until"; a contested hold shows the rival claim beside it. Narrowed by the page's actor and
// place filters and, on request, by the map's view.

import { el } from "./dom.js";
import { citation } from "./detail.js";

const MAX_ROWS = 400;

const fold = (text) => (text || "").normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase();

function inBox(place, box) {
  if (!box || !Number.isFinite(place.lat)) return !box;
  const [w, s, e, n] = box;
  const lonIn = w <= e ? place.lon >= w && place.lon <= e : place.lon >= w || place.lon <= e;
  return lonIn && place.lat >= s && place.lat <= n;
}

export function narrowed(entries, view, box) {
  const actor = fold(view.actor);
  const place = fold(view.place);
  return entries.filter(
    (e) =>
      (!actor || fold(e.actor).includes(actor) || e.actor_id === view.actor) &&
      (!place || [e.place.name, e.place.admin1, e.place.country].some((n) => fold(n).includes(place))) &&
      inBox(e.place, box),
  );
}

function untilCell(entry, day) {
  if (entry.until) return entry.until;
  const end = entry.expected_end;
  if (!end) return "";
  const text = end.start === end.end ? `expected ${end.start}` : `expected ${end.start}..${end.end}`;
  const overdue = entry.status === "withdrawing" && end.end < day;
  return [text, overdue ? el("span", { class: "overdue", title: "the expected end has passed" }, " overdue") : null];
}

function statusCell(entry, rivals) {
  if (!entry.contested) return entry.status;
  const others = rivals.filter((r) => r !== entry && r.status === "controls").map((r) => `${r.actor} also claims control`);
  const why = others.length ? others.join("; ") : "rests on the party's own claim";
  return [entry.status, el("span", { class: "contested-note" }, ` contested: ${why}`)];
}

function detailRow(entry, sources, on) {
  const events = el("p", {}, `${entry.event_count} event stage(s): `, entry.events.map((id) => el("button", { type: "button", class: "link", dataset: { event: id }, onclick: () => on.event(id) }, id)));
  const evidence = entry.evidence.map((e) => el("blockquote", { class: "evidence small" }, e.sentence, el("span", { class: "cite" }, " — ", citation(e.document, sources))));
  const history = el("button", { type: "button", class: "link", onclick: () => on.place(entry.place.name) }, `History of ${entry.place.name}`);
  return el("tr", { class: "entry-detail" }, el("td", { colspan: 5 }, events, evidence, history));
}

export function drawTable(tbody, entries, day, on) {
  const byPlace = new Map();
  for (const e of entries) byPlace.set(e.place.name, [...(byPlace.get(e.place.name) || []), e]);
  const rows = entries.slice(0, MAX_ROWS).map((entry) => {
    const row = el(
      "tr",
      { class: `status-${entry.status}${entry.contested ? " contested" : ""}`, tabindex: 0, dataset: { place: entry.place.name, actor: entry.actor, status: entry.status } },
      el("td", {}, el("button", { type: "button", class: "link row-open", "aria-expanded": "false" }, entry.place.name)),
      el("td", {}, entry.actor),
      el("td", { class: "status" }, statusCell(entry, byPlace.get(entry.place.name))),
      el("td", {}, entry.since || ""),
      el("td", { class: "until" }, untilCell(entry, day)),
    );
    row.addEventListener("click", (e) => {
      if (e.target.closest("tr.entry-detail") || (e.target.closest("button") && !e.target.closest(".row-open"))) return;
      toggleDetail(row, entry, on);
    });
    return row;
  });
  tbody.replaceChildren(...rows);
  return Math.min(entries.length, MAX_ROWS);
}

async function toggleDetail(row, entry, on) {
  const open = row.nextElementSibling && row.nextElementSibling.classList.contains("entry-detail");
  if (open) {
    row.nextElementSibling.remove();
    row.querySelector(".row-open").setAttribute("aria-expanded", "false");
    return;
  }
  const sources = await on.sources(entry.evidence.map((e) => e.document));
  row.after(detailRow(entry, sources, on));
  row.querySelector(".row-open").setAttribute("aria-expanded", "true");
  on.entry(entry);
}

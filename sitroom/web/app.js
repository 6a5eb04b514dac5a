// The situation room page: wires the map, the date slider, the filters, the event list and the panel.

import { ApiError, getJSON, postJSON, token, whoami } from "./api.js";
import { renderEvent } from "./detail.js";
import { el } from "./dom.js";
import { SituationMap, TYPES } from "./map.js";

const PAGE = 500;
const DAY_MS = 86_400_000;
const $ = (selector) => document.querySelector(selector);

const state = { days: [], selected: null, timer: null, generation: 0 };

function showError(error) {
  const box = $("#error");
  box.textContent = error ? `Error: ${error.message}` : "";
  box.hidden = !error;
}

function isoDay(ms) {
  return new Date(ms).toISOString().slice(0, 10);
}

// Every day from the first event's start to the last event's end.
function dayRange(events) {
  const starts = events.filter((e) => e.date).map((e) => Date.parse(e.date.start));
  const ends = events.filter((e) => e.date).map((e) => Date.parse(e.date.end));
  if (starts.length === 0) return [isoDay(Date.now())];
  const days = [];
  for (let t = Math.min(...starts); t <= Math.max(...ends); t += DAY_MS) days.push(isoDay(t));
  return days;
}

function asOf() {
  return state.days[Number($("#slider").value)] || state.days[state.days.length - 1];
}

function filters() {
  return { type: $("#filter-type").value, actor: $("#filter-actor").value.trim(), q: $("#filter-text").value.trim() };
}

function eventLine(event) {
  const who = event.actors.find((a) => a.role === "agent") || event.actors[0];
  const when = event.date ? event.date.start : "undated";
  return el(
    "li",
    { class: `event-item review-${event.review || "none"}`, dataset: { id: event.id, type: event.type } },
    el(
      "button",
      { type: "button", onclick: () => select(event.id) },
      el("span", { class: "swatch", dataset: { type: event.type }, title: event.type }),
      el("span", { class: "when" }, when),
      " ",
      el("strong", {}, event.type),
      " ",
      event.place ? event.place.name : "somewhere",
      who ? ` · ${who.name}` : "",
      event.source_count > 1 ? ` · ${event.source_count} sources` : "",
      event.review ? ` · ${event.review}` : "",
    ),
  );
}

function drawSituationTable(entries) {
  const rows = entries.map((entry) =>
    el(
      "tr",
      { class: `status-${entry.status}`, dataset: { place: entry.place.name, actor: entry.actor, status: entry.status } },
      el("td", {}, entry.place.name),
      el("td", {}, entry.actor),
      el("td", { class: "status" }, entry.status, entry.contested ? " (contested)" : ""),
      el("td", {}, entry.since || ""),
      el("td", {}, entry.until || ""),
    ),
  );
  $("#situation tbody").replaceChildren(...rows);
  $("#situation-empty").hidden = rows.length > 0;
}

async function refresh(map) {
  const generation = ++state.generation;
  const day = asOf();
  $("#as-of").textContent = day;
  try {
    const [situation, page] = await Promise.all([
      getJSON("/api/situation", { as_of: day }),
      getJSON("/api/events", { ...filters(), until: day, limit: PAGE }),
    ]);
    if (generation !== state.generation) return; // a newer refresh is on its way
    drawSituationTable(situation.entries);
    map.drawSituation(situation.entries);
    map.drawEvents(page.items, select);
    map.select(state.selected);
    $("#events").replaceChildren(...page.items.map(eventLine));
    const shown = page.items.length < page.total ? `${page.items.length} of ${page.total}` : `${page.total}`;
    $("#events-count").textContent = `${shown} events dated by ${day}`;
    $("#map").dataset.asOf = day;
    showError(null);
  } catch (error) {
    showError(error);
  }
}

function select(id) {
  if (location.hash !== `#event=${encodeURIComponent(id)}`) location.hash = `event=${encodeURIComponent(id)}`;
  else openEvent(id);
}

async function openEvent(id) {
  state.selected = id;
  try {
    const [event, reviews] = await Promise.all([
      getJSON(`/api/events/${encodeURIComponent(id)}`),
      getJSON(`/api/events/${encodeURIComponent(id)}/reviews`),
    ]);
    renderEvent($("#event-panel"), event, reviews, (action) => reviewEvent(event.id, action));
    state.map.select(id);
    for (const item of document.querySelectorAll(".event-item")) item.classList.toggle("selected", item.dataset.id === id);
  } catch (error) {
    showError(error);
  }
}

async function reviewEvent(id, action) {
  const message = $("#review-message");
  if (!token.get()) {
    message.textContent = "Enter a write token (top right) to review.";
    return;
  }
  try {
    const result = await postJSON(`/api/events/${encodeURIComponent(id)}/review`, { action });
    message.textContent = `${action}ed by ${result.review.author}`;
    const next = result.event ? result.event.id : id;
    await openEvent(next);
    $("#review-message").textContent = `${action}ed by ${result.review.author}`;
    refresh(state.map);
  } catch (error) {
    message.textContent = error instanceof ApiError && error.status === 401 ? "Token refused." : error.message;
  }
}

async function checkToken(secret) {
  const status = $("#token-status");
  if (!secret) {
    status.textContent = "reads only";
    return;
  }
  try {
    const me = await whoami(secret);
    status.textContent = `writes as ${me.name}`;
    return me;
  } catch (error) {
    status.textContent = error.status === 401 ? "token refused" : error.message;
    return null;
  }
}

function wireControls(map) {
  $("#slider").addEventListener("input", () => {
    $("#as-of").textContent = asOf();
    clearTimeout(state.timer);
    state.timer = setTimeout(() => refresh(map), 120);
  });
  $("#filters").addEventListener("submit", (e) => {
    e.preventDefault();
    refresh(map);
  });
  $("#filters").addEventListener("reset", () => setTimeout(() => refresh(map), 0));
  $("#token-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const secret = $("#token").value.trim();
    if ((await checkToken(secret)) || !secret) token.set(secret);
    $("#token").value = "";
  });
  window.addEventListener("hashchange", openFromHash);
}

function openFromHash() {
  const match = /^#event=(.+)$/.exec(location.hash);
  if (match) openEvent(decodeURIComponent(match[1]));
}

async function start() {
  const map = new SituationMap($("#map"), $("#legend"));
  state.map = map;
  for (const type of Object.keys(TYPES)) $("#filter-type").append(el("option", { value: type }, type));
  wireControls(map);
  checkToken(token.get());
  try {
    const [all, actors] = await Promise.all([getJSON("/api/events", { limit: PAGE }), getJSON("/api/actors")]);
    $("#actor-names").replaceChildren(...actors.map((a) => el("option", { value: a.name })));
    state.days = dayRange(all.items);
    $("#slider").max = String(state.days.length - 1);
    $("#slider").value = String(state.days.length - 1);
    $("#slider").dataset.first = state.days[0];
    $("#slider").dataset.last = state.days[state.days.length - 1];
    try {
      await map.loadBasemap();
    } catch (error) {
      $("#map-note").textContent = `No basemap: ${error.message}`;
    }
    map.fit(all.items);
    await refresh(map);
    openFromHash();
    document.body.dataset.ready = "true";
  } catch (error) {
    showError(error);
  }
}

start();

// The situation room page: asks the API only for what the view needs (the day, the window, the map's
// view, the filters, a page of events) and keeps that view in the URL, so a link reopens it.

import { ApiError, getJSON, postJSON, token, url, whoami } from "./api.js";
import { renderEvent } from "./detail.js";
import { el } from "./dom.js";
import { SituationMap, TYPES } from "./map.js";
import { drawChanges, drawPlace, drawSearch } from "./panels.js";
import { drawTable, narrowed } from "./situation.js";
import { TimeBar } from "./timebar.js";
import { eventFilters, readView, windowOf, writeView } from "./view.js";

const PAGE = 100;
const BASEMAP_KEY = "sitroom.basemap";
const $ = (selector) => document.querySelector(selector);
const state = { view: readView(), pages: 1, generation: 0, mapGeneration: 0, sources: {} };

function showError(error) {
  $("#error").textContent = error ? `Error: ${error.message}` : "";
  $("#error").hidden = !error;
}

// The view changed: put it in the URL without a new history entry or a hashchange.
function remember() {
  const m = state.map ? state.map.view() : null;
  if (m) state.view.map = `${m.zoom}/${m.lat.toFixed(4)}/${m.lon.toFixed(4)}`;
  history.replaceState(null, "", writeView(state.view));
  $("#permalink").href = location.href;
  drawExportLinks();
}

function listParams() {
  return { ...eventFilters(state.view), ...windowOf(state.view) };
}

function drawExportLinks() {
  for (const kind of ["csv", "geojson", "jsonl"]) $(`#export-${kind}`).href = url(`/api/export/events.${kind}`, listParams());
  const feed = { place: state.view.place, actor: state.view.actor, type: state.view.type };
  $("#atom-link").href = url("/api/changes.atom", feed);
}

// --- the event list: newest first, a page at a time --------------------------------------------------

function eventLine(event) {
  const who = event.actors.find((a) => a.role === "agent") || event.actors[0];
  return el(
    "li",
    { class: `event-item review-${event.review || "none"}${event.id === state.view.ev ? " selected" : ""}`, dataset: { id: event.id, type: event.type } },
    el(
      "button",
      { type: "button", onclick: () => select(event.id) },
      el("span", { class: "swatch", dataset: { type: event.type }, title: event.type }),
      el("span", { class: "when" }, event.date ? event.date.start : "undated"),
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

// The newest `pages` pages: /api/events lists oldest first, so the last ones are read.
async function newestEvents(params) {
  const { total } = await getJSON("/api/events", { ...params, limit: 1 });
  const wanted = Math.min(total, PAGE * state.pages);
  const items = [];
  for (let end = total; end > total - wanted; end -= PAGE) {
    const offset = Math.max(total - wanted, end - PAGE);
    const page = await getJSON("/api/events", { ...params, limit: end - offset, offset });
    items.push(...page.items.reverse());
  }
  return { total, items };
}

function drawList({ total, items }) {
  $("#events").replaceChildren(...items.map(eventLine));
  const { since, until } = windowOf(state.view);
  const shown = items.length < total ? `${items.length} newest of ${total}` : `${total}`;
  $("#events-count").textContent = since
    ? `${shown} events from ${since} to ${until}`
    : until
      ? `${shown} events dated by ${until}`
      : `${shown} events, any date or none (undated first)`;
  // "As known on" reads the reports again for the situation, changes and histories; the list does not.
  $("#known-note").hidden = !state.view.k;
  $("#more").hidden = items.length >= total;
}

// --- the situation ----------------------------------------------------------------------------------

// The situation for the day, narrowed by the actor and place filters (and the map's view, on request)
// by the server: the table's rows and every place for the map, not the whole store's situation.
function situationParams() {
  return {
    as_of: state.view.d,
    known_at: state.view.k || undefined,
    actor: state.view.actor,
    place: state.view.place,
    bbox: $("#in-view").checked ? state.map.view().bbox.join(",") : undefined,
  };
}

function drawSituation(answer) {
  const shown = drawTable($("#situation tbody"), answer.entries, state.view.d, handlers);
  $("#situation-empty").hidden = answer.total > 0;
  $("#situation-empty").textContent = $("#in-view").checked ? "Nothing known in the map's view on this date." : "Nothing known as of this date.";
  $("#situation-count").textContent = shown < answer.total ? `(${shown} of ${answer.total})` : `(${answer.total})`;
  state.map.drawSituation(answer.places);
}

async function refreshSituation() {
  drawSituation(await getJSON("/api/situation/view", situationParams()));
}

// Timings a page benchmark reads (sitroom bench-page): what a redraw costs, measured in the page.
function measured(name, started) {
  performance.measure(`sitroom:${name}`, { start: started, end: performance.now() });
}

async function refresh() {
  const started = performance.now();
  const generation = ++state.generation;
  const day = state.view.d;
  $("#as-of").textContent = day;
  remember();
  try {
    const [situation, list] = await Promise.all([
      getJSON("/api/situation/view", situationParams()),
      newestEvents(listParams()),
      refreshMap(),
    ]);
    if (generation !== state.generation) return; // a newer refresh is on its way
    drawSituation(situation);
    drawList(list);
    $("#map").dataset.asOf = day;
    measured("refresh", started);
    showError(null);
  } catch (error) {
    showError(error);
  }
}

// --- the map: events in the view, labels -------------------------------------------------------------

async function refreshMap() {
  const generation = ++state.mapGeneration;
  const view = state.map.view();
  const [events, labels] = await Promise.all([
    getJSON("/api/map", { ...listParams(), bbox: view.bbox.join(","), zoom: view.zoom }),
    getJSON("/api/labels", { bbox: view.bbox.join(","), zoom: view.zoom }),
  ]);
  if (generation !== state.mapGeneration) return;
  state.map.drawEvents(events);
  state.map.select(state.view.ev);
  state.map.drawLabels(labels);
  const what = events.cells ? `${events.total} events in ${events.cells.length} areas (zoom in for each)` : `${events.total} events`;
  $("#map-note").textContent = `${what} in the map view`;
  $("#map").dataset.mode = events.cells ? "cells" : "points";
  $("#map").dataset.total = String(events.total);
}

function onMapMoved() {
  clearTimeout(state.moveTimer);
  state.moveTimer = setTimeout(async () => {
    remember();
    try {
      await Promise.all([refreshMap(), $("#in-view").checked ? refreshSituation() : null]);
    } catch (error) {
      showError(error);
    }
  }, 150);
}

// --- events, places, reviews -------------------------------------------------------------------------

async function sourcesOf(ids) {
  const missing = [...new Set(ids)].filter((id) => !(id in state.sources));
  if (missing.length) Object.assign(state.sources, await getJSON("/api/sources", { documents: missing.join(",") }));
  return state.sources;
}

function select(id) {
  state.view.ev = id;
  remember();
  openEvent(id);
}

async function openEvent(id) {
  try {
    const path = `/api/events/${encodeURIComponent(id)}`;
    const [event, reviews] = await Promise.all([getJSON(path), getJSON(`${path}/reviews`)]);
    const documents = [...event.evidence.map((e) => e.document), ...event.claims.map((c) => c.evidence.document), ...event.reports.map((r) => r.document)];
    const sources = await sourcesOf(documents);
    renderEvent($("#event-panel"), { event, reviews, sources }, eventHandlers(event));
    state.map.select(id);
    if (event.place && Number.isFinite(event.place.lat)) state.map.showPoint(event.place.lat, event.place.lon);
    for (const item of document.querySelectorAll(".event-item")) item.classList.toggle("selected", item.dataset.id === id);
    $("#event-panel").scrollIntoView({ block: "nearest" });
    document.body.classList.add("panel-open");
  } catch (error) {
    showError(error);
  }
}

function closePanel(panel) {
  panel.hidden = true;
  if ($("#event-panel").hidden && $("#place-panel").hidden) document.body.classList.remove("panel-open");
  if (panel === $("#event-panel")) state.view.ev = undefined;
  if (panel === $("#place-panel")) state.view.at = undefined;
  remember();
}

function eventHandlers(event) {
  return {
    review: (action, extra) => reviewEvent(event.id, action, extra),
    undo: (reviewId) => undoReview(reviewId),
    place: (name) => openPlace(name),
    close: () => closePanel($("#event-panel")),
  };
}

function needToken() {
  if (token.get()) return false;
  $("#review-message").textContent = "Enter a write token (Settings) to review.";
  return true;
}

const DONE = { confirm: "confirmed", reject: "rejected", correct: "corrected", merge: "merged", split: "split" };

async function reviewEvent(id, action, extra) {
  if (needToken()) return;
  try {
    const result = await postJSON(`/api/events/${encodeURIComponent(id)}/review`, { action, ...extra });
    const next = result.event ? result.event.id : id;
    state.view.ev = next;
    await openEvent(next);
    const message = $("#review-message");
    message.replaceChildren(`${DONE[action]} by ${result.review.author} `, el("button", { id: "undo", type: "button", onclick: () => undoReview(result.review.id) }, "Undo"));
    refresh();
  } catch (error) {
    $("#review-message").textContent = error instanceof ApiError && error.status === 401 ? "Token refused." : error.message;
  }
}

async function undoReview(reviewId) {
  if (needToken()) return;
  try {
    const result = await postJSON(`/api/reviews/${encodeURIComponent(reviewId)}/undo`, {});
    if (result.event) {
      state.view.ev = result.event.id;
      await openEvent(result.event.id);
    }
    $("#review-message").textContent = `${result.review.action} undone`;
    refresh();
  } catch (error) {
    $("#review-message").textContent = error.message;
  }
}

async function openPlace(name) {
  try {
    const timeline = await getJSON(`/api/places/${encodeURIComponent(name)}/timeline`, { known_at: state.view.k || undefined });
    drawPlace($("#place-panel"), name, timeline, { event: select, close: () => closePanel($("#place-panel")) });
    state.view.at = name;
    remember();
    document.body.classList.add("panel-open");
    $("#place-panel").scrollIntoView({ block: "nearest" });
  } catch (error) {
    showError(error);
  }
}

const handlers = { event: select, place: openPlace, sources: sourcesOf, entry: () => {} };

// --- controls ----------------------------------------------------------------------------------------

function readFilters() {
  Object.assign(state.view, {
    type: $("#filter-type").value,
    actor: $("#filter-actor").value.trim(),
    place: $("#filter-place").value.trim(),
    q: $("#filter-text").value.trim(),
    rej: $("#filter-rejected").checked ? "1" : "0",
  });
}

function showFilters() {
  $("#filter-type").value = state.view.type || "";
  $("#filter-actor").value = state.view.actor || "";
  $("#filter-place").value = state.view.place || "";
  $("#filter-text").value = state.view.q || "";
  $("#filter-rejected").checked = state.view.rej === "1";
  $("#window").value = state.view.w || "30";
  $("#known-at").value = state.view.k || "";
  $("#changed-since").value = state.view.since || "";
}

async function applyFilters() {
  const started = performance.now();
  readFilters();
  state.pages = 1;
  await Promise.all([refresh(), loadHistogram()]);
  measured("filter", started);
  document.body.dataset.filtered = String(Number(document.body.dataset.filtered || 0) + 1);
}

async function loadHistogram() {
  const stats = await getJSON("/api/stats", eventFilters(state.view));
  state.timebar.drawHistogram(stats.per_day);
  return stats;
}

async function showChanges() {
  const since = $("#changed-since").value;
  state.view.since = since || undefined;
  remember();
  if (!since) return;
  try {
    const found = await getJSON("/api/changes", { since, until: state.view.d, known_at: state.view.k || undefined, limit: 200 });
    drawChanges($("#changes"), narrowed(found.changes, state.view, null), { event: select });
  } catch (error) {
    showError(error);
  }
}

function wireSearch() {
  let timer = null;
  const find = async () => {
    const q = $("#search").value.trim();
    if (!q) return ($("#search-results").hidden = true);
    const found = await getJSON("/api/search", { q });
    drawSearch($("#search-results"), found, {
      place: (p) => {
        $("#search-results").hidden = true;
        if (Number.isFinite(p.lat)) state.map.setView(Math.max(state.map.view().zoom, 7), p.lat, p.lon);
        openPlace(p.name);
      },
      actor: (a) => {
        $("#search-results").hidden = true;
        $("#filter-actor").value = a.id || a.name;
        applyFilters();
      },
    });
  };
  $("#search").addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(find, 200);
  });
  $("#search-form").addEventListener("submit", (e) => {
    e.preventDefault();
    find();
  });
}

function wireControls() {
  $("#filters").addEventListener("submit", (e) => {
    e.preventDefault();
    applyFilters();
  });
  $("#filters").addEventListener("reset", () => setTimeout(applyFilters, 0));
  $("#filter-rejected").addEventListener("change", applyFilters);
  $("#window").addEventListener("change", () => {
    state.view.w = $("#window").value;
    refresh();
  });
  $("#known-at").addEventListener("change", () => {
    state.view.k = $("#known-at").value || undefined;
    refresh();
    if (state.view.since) showChanges();
  });
  $("#in-view").addEventListener("change", () => refreshSituation().catch(showError));
  $("#more").addEventListener("click", () => {
    state.pages += 1;
    refresh();
  });
  $("#changes-form").addEventListener("submit", (e) => {
    e.preventDefault();
    showChanges();
  });
  $("#token-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const secret = $("#token").value.trim();
    if ((await checkToken(secret)) || !secret) token.set(secret);
    $("#token").value = "";
  });
  $("#basemap-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const tiles = $("#basemap").value.trim();
    if (tiles) localStorage.setItem(BASEMAP_KEY, tiles);
    else localStorage.removeItem(BASEMAP_KEY);
    state.map.useBasemap(tiles);
  });
  window.addEventListener("hashchange", () => openView(readView()));
  wireSearch();
}

async function checkToken(secret) {
  const status = $("#token-status");
  if (!secret) {
    status.textContent = "reads only";
    return null;
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

function onDay(day) {
  state.view.d = day;
  refresh();
}

// A view from a link: its day, filters, map view, open event and place.
async function openView(view) {
  state.view = view;
  state.timebar.set(view.d || state.latest);
  state.view.d = state.timebar.day();
  showFilters();
  const [z, lat, lon] = (view.map || "").split("/").map(Number);
  if (Number.isFinite(z) && Number.isFinite(lat)) state.map.setView(z, lat, lon);
  await refresh();
  if (view.ev) await openEvent(view.ev);
  if (view.at) await openPlace(view.at);
  if (view.since) await showChanges();
}

async function fitToEvents() {
  const whole = await getJSON("/api/map", { ...listParams(), zoom: 2 });
  const points = (whole.points || whole.cells || []).map((p) => [p[p.length === 5 ? 0 : 1], p[p.length === 5 ? 1 : 2]]);
  state.map.fitPoints(points);
}

async function start() {
  for (const type of Object.keys(TYPES)) $("#filter-type").append(el("option", { value: type }, type));
  state.map = new SituationMap($("#map"), $("#legend"), { onSelect: select, onPlace: openPlace, onView: onMapMoved });
  state.timebar = new TimeBar({ slider: $("#slider"), date: $("#date"), play: $("#play"), histogram: $("#histogram"), onDay });
  wireControls();
  checkToken(token.get());
  try {
    // The span, the user's basemap and the countries are independent: asked for together.
    const countries = state.map.loadBasemap().catch((error) => ($("#map-note").textContent = `No basemap: ${error.message}`));
    const [stats] = await Promise.all([getJSON("/api/stats", eventFilters(state.view)), useSavedBasemap(), countries]);
    const first = stats.first || new Date().toISOString().slice(0, 10);
    state.latest = [stats.latest_report, stats.last].filter(Boolean).sort().pop() || first;
    state.timebar.setSpan(first, state.latest);
    state.timebar.drawHistogram(stats.per_day);
    $("#span").textContent = `${stats.events} events starting ${first} to ${stats.last || first}; latest report ${stats.latest_report || "none"}`;
    state.timebar.set(state.view.d || state.latest);
    state.view.d = state.timebar.day();
    if (!state.view.map) await fitToEvents();
    await openView(state.view);
    performance.mark("sitroom:first-render"); // map and list drawn, from the navigation's start
    document.body.dataset.ready = "true";
    suggestActors().catch(showError); // after the first render: the view does not wait for every actor
  } catch (error) {
    showError(error);
  }
}

async function suggestActors() {
  const actors = await getJSON("/api/actors", { limit: 200 });
  $("#actor-names").replaceChildren(...actors.filter((a) => a.id).map((a) => el("option", { value: a.name })));
}

// The user's own basemap (Settings), else the one the server serves (`sitroom serve --basemap`).
async function useSavedBasemap() {
  const saved = localStorage.getItem(BASEMAP_KEY) || (await getJSON("/api/page-settings")).basemap;
  if (!saved) return;
  $("#basemap").value = saved;
  state.map.useBasemap(saved);
}

start();

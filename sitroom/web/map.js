// The map (Leaflet, from npm, served by sitroom): Natural Earth countries from world-atlas at the scale
// that fits the zoom, town labels from sitroom's own gazetteer, events by type (clustered; grid cells
// counted by the server when a view holds thousands), the situation by place, and a user's own basemap.
/* global L, pmtiles, topojson */

import { el } from "./dom.js";

export const TYPES = {
  withdraw: { colour: "#d9480f", shape: "triangle-down" },
  deploy: { colour: "#1c7ed6", shape: "triangle-up" },
  presence: { colour: "#2b8a3e", shape: "square" },
  assault: { colour: "#c92a2a", shape: "circle" },
  fight: { colour: "#862e9c", shape: "cross" },
  control: { colour: "#e67700", shape: "diamond" },
  statement: { colour: "#495057", shape: "ring" },
};
export const STATUSES = ["present", "withdrawing", "departed", "controls"];

// How far from its point an event may be, by UCDP where_prec (km): 1 is the exact site.
const UNCERTAINTY_KM = { 1: 0, 2: 25, 3: 60, 4: 150, 5: 120, 6: 300, 7: 300 };
const PRECISION_NAMES = {
  1: "exact site",
  2: "near a town",
  3: "district",
  4: "province",
  5: "area",
  6: "country",
  7: "international",
};
const DETAILED_FROM_ZOOM = 4; // countries at 1:50m from here, 1:110m below
const TAP = 24; // the smallest thing a finger is asked to hit, in CSS pixels

export function precisionName(level) {
  return PRECISION_NAMES[level] || `precision ${level}`;
}

function eventIcon(type, review, selected) {
  const shape = (TYPES[type] || TYPES.statement).shape;
  return L.divIcon({
    className: `ev-marker type-${type} shape-${shape} review-${review || "none"}${selected ? " selected" : ""}`,
    iconSize: [TAP, TAP],
    html: "<span></span>",
  });
}

function cellIcon(count) {
  const size = Math.round(Math.min(56, TAP + 6 * Math.log10(count)));
  const label = count >= 1000 ? `${Math.round(count / 100) / 10}k` : String(count);
  return L.divIcon({ className: "cell-marker", iconSize: [size, size], html: `<span>${label}</span>` });
}

// entries: [actor, status, contested] at one place.
function situationIcon(entries) {
  const dots = el("span", { class: "dots" }, entries.map(([, status]) => el("i", { class: `dot status-${status}` })));
  const contested = entries.some(([, , c]) => c) ? " contested" : "";
  // Wider than a cluster's icon, so the ring shows around the events drawn at the same place.
  return L.divIcon({ className: `sit-marker status-${entries[0][1]}${contested}`, iconSize: [50, 50], html: dots });
}

// [min lon, min lat, max lon, max lat] of the view, wrapped into -180..180 (min lon > max lon: the view
// crosses the antimeridian; a view wider than the world asks for all of it).
export function viewBox(bounds) {
  const south = Math.max(-90, bounds.getSouth());
  const north = Math.min(90, bounds.getNorth());
  if (bounds.getEast() - bounds.getWest() >= 360) return [-180, south, 180, north];
  const wrap = (lon) => ((((lon + 180) % 360) + 360) % 360) - 180;
  return [wrap(bounds.getWest()), south, wrap(bounds.getEast()), north].map((v) => Number(v.toFixed(4)));
}

export class SituationMap {
  constructor(root, legend, handlers) {
    this.handlers = handlers; // onSelect(id), onPlace(name), onView()
    this.map = L.map(root, { preferCanvas: true, worldCopyJump: true, minZoom: 1, maxZoom: 16, zoomSnap: 1 });
    this.map.attributionControl.setPrefix("Leaflet");
    this.map.attributionControl.addAttribution("Natural Earth (world-atlas)");
    this.map.setView([20, 20], 2);
    this.countries = { coarse: null, fine: null, shown: null };
    this.layers = {
      rings: L.layerGroup().addTo(this.map),
      events: L.layerGroup().addTo(this.map),
      situation: L.layerGroup().addTo(this.map),
      labels: L.layerGroup().addTo(this.map),
    };
    this.markers = new Map();
    this.selected = null;
    this.map.on("zoomend", () => {
      this.map.getContainer().dataset.zoom = String(this.map.getZoom());
      this.showCountries();
    });
    this.map.on("moveend", () => this.handlers.onView());
    this.drawLegend(legend);
  }

  view() {
    const c = this.map.getCenter();
    return { zoom: this.map.getZoom(), lat: c.lat, lon: c.lng, bbox: viewBox(this.map.getBounds()) };
  }

  setView(zoom, lat, lon) {
    this.map.setView([lat, lon], zoom, { animate: false });
  }

  fitPoints(points) {
    if (points.length === 0) return;
    this.map.fitBounds(L.latLngBounds(points).pad(0.15), { animate: false, maxZoom: 7 });
  }

  async loadBasemap() {
    this.countries.coarse = await this.countryLayer("/vendor/world-atlas/countries-110m.json");
    this.showCountries();
  }

  async countryLayer(url) {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`basemap: HTTP ${response.status} (run scripts/setup.sh)`);
    const world = await response.json();
    return L.geoJSON(topojson.feature(world, world.objects.countries), { style: this.countryStyle(), interactive: false });
  }

  // Over a user's basemap the countries are outlines only, so its tiles show through.
  countryStyle() {
    return { color: "#9a9a9a", weight: 0.8, fillColor: "#f4f1ea", fillOpacity: this.userTiles ? 0 : 1 };
  }

  // Country outlines at the scale that fits the zoom; the 1:50m file is read on the first zoom in.
  async showCountries() {
    let wanted = this.countries.coarse;
    if (this.map.getZoom() >= DETAILED_FROM_ZOOM) {
      this.countries.fine = this.countries.fine || (await this.countryLayer("/vendor/world-atlas/countries-50m.json"));
      wanted = this.countries.fine;
    }
    if (!wanted || wanted === this.countries.shown) return;
    if (this.countries.shown) this.countries.shown.remove();
    wanted.addTo(this.map).bringToBack();
    this.countries.shown = wanted;
    this.map.getContainer().dataset.countries = wanted === this.countries.fine ? "50m" : "110m";
  }

  // A user's own raster tiles under the countries: a PMTiles file (read in ranges by the pmtiles
  // package) or an XYZ template. The page's CSP lets either come only from this server.
  useBasemap(url) {
    if (this.userTiles) this.userTiles.remove();
    const options = { maxZoom: 19, attribution: "your basemap" };
    this.userTiles = !url
      ? null
      : /\.pmtiles([?#]|$)/.test(url)
        ? pmtiles.leafletRasterLayer(new pmtiles.PMTiles(url), options)
        : L.tileLayer(url, options);
    if (this.userTiles) this.userTiles.addTo(this.map);
    this.map.getContainer().dataset.basemap = url || "";
    for (const layer of [this.countries.coarse, this.countries.fine]) if (layer) layer.setStyle(this.countryStyle());
  }

  drawEvents(answer) {
    this.layers.events.clearLayers();
    this.layers.rings.clearLayers();
    this.markers.clear();
    if (answer.cells) return this.drawCells(answer.cells);
    const cluster = L.markerClusterGroup({ maxClusterRadius: 36, showCoverageOnHover: false, chunkedLoading: true });
    const markers = answer.points.map((p) => this.eventMarker(p));
    cluster.addLayers(markers);
    this.layers.events.addLayer(cluster);
    this.cluster = cluster;
  }

  eventMarker([id, lat, lon, type, status, review, place, start, precision]) {
    const label = `${type} ${status}: ${place || "somewhere"}, ${start || "undated"} (${precisionName(precision)})`;
    const marker = L.marker([lat, lon], { icon: eventIcon(type, review, id === this.selected), title: label, keyboard: true });
    marker.on("click", () => this.handlers.onSelect(id));
    marker.on("add", () => Object.assign(marker.getElement().dataset, { id, type }));
    this.markers.set(id, { marker, type, review });
    const km = UNCERTAINTY_KM[precision] || 0;
    if (km > 0) {
      const ring = { radius: km * 1000, color: TYPES[type]?.colour || "#495057", weight: 1, dashArray: "3 3" };
      this.layers.rings.addLayer(L.circle([lat, lon], { ...ring, fillOpacity: precision >= 4 ? 0.04 : 0.1, interactive: false }));
    }
    return marker;
  }

  drawCells(cells) {
    for (const [lat, lon, count, id, type] of cells) {
      const marker = id
        ? this.eventMarker([id, lat, lon, type, "", null, "", "", 1])
        : L.marker([lat, lon], { icon: cellIcon(count), title: `${count} events`, keyboard: true });
      if (!id) marker.on("click", () => this.map.setView([lat, lon], Math.min(16, this.map.getZoom() + 2)));
      this.layers.events.addLayer(marker);
    }
  }

  // places: {name, lat, lon, entries: [[actor, status, contested]]}, from /api/situation/view.
  drawSituation(places) {
    this.layers.situation.clearLayers();
    this.placeNames = [];
    for (const place of places) {
      const title = place.entries.map(([actor, status, contested]) => `${actor} ${status}${contested ? " (contested)" : ""}`).join("; ");
      const marker = L.marker([place.lat, place.lon], { icon: situationIcon(place.entries), title: `${place.name}: ${title}`, zIndexOffset: -100 });
      marker.on("click", () => this.handlers.onPlace(place.name));
      marker.on("add", () => Object.assign(marker.getElement().dataset, { place: place.name, statuses: place.entries.map((e) => e[1]).join(" ") }));
      this.layers.situation.addLayer(marker);
      this.placeNames.push({ name: place.name, lat: place.lat, lon: place.lon, weight: Infinity });
    }
    this.drawLabels(this.towns || []); // the situation's places are labelled before any town
  }

  // Labels, largest first, each left out where it would overlap one already placed.
  drawLabels(towns) {
    this.towns = towns;
    this.layers.labels.clearLayers();
    const taken = [];
    const candidates = [...(this.placeNames || []), ...towns.map(([name, lat, lon, population]) => ({ name, lat, lon, weight: population }))];
    for (const town of candidates) {
      const at = this.map.latLngToContainerPoint([town.lat, town.lon]);
      const box = { x: at.x + 8, y: at.y - 8, w: 7 * town.name.length + 6, h: 16 };
      if (taken.some((b) => b.x < box.x + box.w && box.x < b.x + b.w && b.y < box.y + box.h && box.y < b.y + b.h)) continue;
      taken.push(box);
      const strong = town.weight === Infinity ? " situation-place" : "";
      const icon = L.divIcon({ className: `town-label${strong}`, iconSize: null, iconAnchor: [-8, 8], html: el("span", {}, town.name) });
      this.layers.labels.addLayer(L.marker([town.lat, town.lon], { icon, interactive: false, keyboard: false }));
    }
    this.map.getContainer().dataset.labels = String(taken.length);
  }

  // Bring a point into the view, at the zoom the user chose.
  showPoint(lat, lon) {
    if (!this.map.getBounds().contains([lat, lon])) this.map.panTo([lat, lon], { animate: false });
  }

  select(id) {
    const old = this.markers.get(this.selected);
    if (old) old.marker.setIcon(eventIcon(old.type, old.review, false));
    this.selected = id;
    const now = this.markers.get(id);
    if (!now) return;
    now.marker.setIcon(eventIcon(now.type, now.review, true));
  }

  drawLegend(legend) {
    const types = Object.keys(TYPES).map((type) =>
      el("li", {}, el("span", { class: `ev-marker legend-icon type-${type} shape-${TYPES[type].shape}` }, el("span")), type),
    );
    const statuses = STATUSES.map((s) => el("li", {}, el("i", { class: `dot status-${s}` }), s));
    legend.replaceChildren(
      el("ul", {}, types, el("li", {}, el("span", { class: "cell-marker legend-icon" }, el("span", {}, "n")), "events in an area: zoom in")),
      el("ul", {}, statuses, el("li", {}, "dashed ring: contested; faint circle: place known only to a town, district or province")),
    );
  }
}

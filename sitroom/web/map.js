// The map: an offline basemap (Natural Earth countries from world-atlas), events by type with their
// place precision, and the situation as of the chosen date, by status.
/* global d3, topojson */

import { el, svg } from "./dom.js";

export const TYPES = {
  withdraw: { colour: "#d9480f", shape: "triangle-down" },
  deploy: { colour: "#1c7ed6", shape: "triangle-up" },
  presence: { colour: "#2b8a3e", shape: "square" },
  assault: { colour: "#c92a2a", shape: "circle" },
  fight: { colour: "#862e9c", shape: "cross" },
  control: { colour: "#e67700", shape: "diamond" },
  statement: { colour: "#495057", shape: "ring" },
};

export const STATUSES = {
  present: "present",
  withdrawing: "withdrawing",
  departed: "departed",
  controls: "controls",
};

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
const KM_PER_DEGREE = 111.32;
const WIDTH = 900;
const HEIGHT = 620;

export function precisionName(level) {
  return PRECISION_NAMES[level] || `precision ${level}`;
}

function symbolPath(shape, r) {
  switch (shape) {
    case "triangle-up":
      return `M0,${-r}L${r},${r * 0.8}L${-r},${r * 0.8}Z`;
    case "triangle-down":
      return `M0,${r}L${r},${-r * 0.8}L${-r},${-r * 0.8}Z`;
    case "square":
      return `M${-r * 0.8},${-r * 0.8}h${r * 1.6}v${r * 1.6}h${-r * 1.6}Z`;
    case "diamond":
      return `M0,${-r}L${r},0L0,${r}L${-r},0Z`;
    case "cross": {
      const w = r * 0.35;
      return `M${-w},${-r}h${2 * w}v${r - w}h${r - w}v${2 * w}h${w - r}v${r - w}h${-2 * w}v${w - r}h${w - r}v${-2 * w}h${r - w}Z`;
    }
    default:
      return `M${r},0A${r},${r} 0 1 1 ${-r},0A${r},${r} 0 1 1 ${r},0Z`;
  }
}

function hasPoint(place) {
  return place && Number.isFinite(place.lat) && Number.isFinite(place.lon);
}

export class SituationMap {
  constructor(root, legend) {
    this.root = root;
    this.legend = legend;
    this.projection = d3.geoMercator();
    this.path = d3.geoPath(this.projection);
    this.layers = {};
    for (const name of ["land", "borders", "rings", "situation", "events"]) {
      this.layers[name] = svg("g", { class: `layer-${name}` });
      root.append(this.layers[name]);
    }
    this.world = null;
    this.drawLegend();
  }

  async loadBasemap() {
    const response = await fetch("/vendor/world-atlas/countries-50m.json");
    if (!response.ok) throw new Error(`basemap: HTTP ${response.status} (run npm ci)`);
    this.world = await response.json();
  }

  // Frame the places that events happened at, with a margin, and draw the countries there.
  fit(events) {
    const points = events.filter((e) => hasPoint(e.place)).map((e) => [e.place.lon, e.place.lat]);
    if (points.length === 0) points.push([0, 15]);
    const lons = points.map((p) => p[0]);
    const lats = points.map((p) => p[1]);
    const pad = 2.5;
    const box = {
      type: "MultiPoint",
      coordinates: [
        [Math.min(...lons) - pad, Math.min(...lats) - pad],
        [Math.max(...lons) + pad, Math.max(...lats) + pad],
      ],
    };
    this.projection.fitExtent([[16, 16], [WIDTH - 16, HEIGHT - 16]], box);
    this.drawBasemap();
  }

  drawBasemap() {
    if (!this.world) return;
    const countries = topojson.feature(this.world, this.world.objects.countries);
    const borders = topojson.mesh(this.world, this.world.objects.countries, (a, b) => a !== b);
    this.layers.land.replaceChildren(
      svg("rect", { class: "sea", x: 0, y: 0, width: WIDTH, height: HEIGHT }),
      ...countries.features.map((f) =>
        svg("path", { class: "country", d: this.path(f) || "" }, svg("title", { text: f.properties.name })),
      ),
    );
    this.layers.borders.replaceChildren(svg("path", { class: "border", d: this.path(borders) || "" }));
  }

  drawEvents(events, onSelect) {
    const rings = [];
    const marks = [];
    const seen = new Map();
    for (const event of events) {
      if (!hasPoint(event.place)) continue;
      const style = TYPES[event.type] || TYPES.statement;
      const km = UNCERTAINTY_KM[event.place.precision] || 0;
      const ringKey = `${event.place.lon},${event.place.lat},${km}`;
      if (km > 0 && !seen.has(ringKey)) {
        seen.set(ringKey, 0); // one ring per place and precision, however many events share it
        const circle = d3.geoCircle().center([event.place.lon, event.place.lat]).radius(km / KM_PER_DEGREE)();
        rings.push(
          svg("path", {
            class: `uncertainty${event.place.precision >= 4 ? " wide" : ""}`,
            d: this.path(circle) || "",
            fill: style.colour,
            stroke: style.colour,
            dataset: { id: event.id, precision: event.place.precision },
          }),
        );
      }
      const [x, y] = this.spread(this.projection([event.place.lon, event.place.lat]), seen);
      const label = `${event.type} ${event.status}: ${event.place.name} (${precisionName(event.place.precision)})`;
      marks.push(
        svg(
          "path",
          {
            class: `event review-${event.review || "none"}`,
            d: symbolPath(style.shape, 6),
            transform: `translate(${x.toFixed(1)},${y.toFixed(1)})`,
            fill: style.colour,
            tabindex: 0,
            role: "button",
            "aria-label": label,
            dataset: { id: event.id, type: event.type },
            onclick: () => onSelect(event.id),
            onkeydown: (e) => e.key === "Enter" && onSelect(event.id),
          },
          svg("title", { text: label }),
        ),
      );
    }
    this.layers.rings.replaceChildren(...rings);
    this.layers.events.replaceChildren(...marks);
  }

  // Events at the same point are set around it, so each can be clicked.
  spread([x, y], seen) {
    const key = `${Math.round(x)},${Math.round(y)}`;
    const n = seen.get(key) || 0;
    seen.set(key, n + 1);
    if (n === 0) return [x, y];
    const angle = n * 2.4;
    const r = 7 + 2 * Math.sqrt(n);
    return [x + r * Math.cos(angle), y + r * Math.sin(angle)];
  }

  drawSituation(entries) {
    const rings = [];
    const labels = [];
    const perPlace = new Map();
    for (const entry of entries) {
      if (!hasPoint(entry.place)) continue;
      const key = entry.place.gazetteer_id || entry.place.name;
      const n = perPlace.get(key) || 0;
      perPlace.set(key, n + 1);
      const [x, y] = this.projection([entry.place.lon, entry.place.lat]);
      if (n === 0) labels.push(svg("text", { class: "place-label", x: x + 14, y: y - 12 }, entry.place.name));
      const label = `${entry.place.name}: ${entry.actor} ${entry.status}${entry.contested ? " (contested)" : ""}`;
      rings.push(
        svg(
          "circle",
          {
            class: `situation status-${entry.status}${entry.contested ? " contested" : ""}`,
            cx: x.toFixed(1),
            cy: y.toFixed(1),
            r: 12 + 5 * n,
            dataset: { place: entry.place.name, actor: entry.actor, status: entry.status },
          },
          svg("title", { text: label }),
        ),
      );
    }
    this.layers.situation.replaceChildren(...rings, ...labels);
  }

  select(id) {
    for (const node of this.root.querySelectorAll(".event.selected")) node.classList.remove("selected");
    for (const node of this.root.querySelectorAll(".event")) {
      if (node.dataset.id === id) node.classList.add("selected");
    }
  }

  drawLegend() {
    const types = Object.entries(TYPES).map(([name, style]) =>
      el(
        "li",
        {},
        svgIcon(svg("path", { d: symbolPath(style.shape, 6), fill: style.colour, transform: "translate(8,8)" })),
        name,
      ),
    );
    const statuses = Object.keys(STATUSES).map((status) =>
      el("li", {}, svgIcon(svg("circle", { class: `situation status-${status}`, cx: 8, cy: 8, r: 6 })), status),
    );
    const precision = el(
      "li",
      {},
      svgIcon(svg("circle", { class: "uncertainty", cx: 8, cy: 8, r: 7, fill: "#868e96", stroke: "#868e96" })),
      "place known only to a town, district or province (wider: less precise)",
    );
    this.legend.replaceChildren(
      el("h3", { text: "Events" }),
      el("ul", {}, types, precision),
      el("h3", { text: "Situation" }),
      el("ul", {}, statuses, el("li", {}, "dashed: contested")),
    );
  }
}

function svgIcon(shape) {
  return svg("svg", { width: 16, height: 16, viewBox: "0 0 16 16", "aria-hidden": "true" }, shape);
}

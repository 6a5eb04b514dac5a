// What the page shows, kept in the URL's fragment so that a link reopens the same view: the day, what
// was known, the window, the filters, the map's view, the open event or place, and "changed since".

const KEYS = ["d", "k", "w", "type", "actor", "place", "q", "rej", "map", "ev", "at", "since"];
const DEFAULTS = { w: "30", rej: "0" };

export function readView(hash = location.hash) {
  const params = new URLSearchParams(hash.replace(/^#/, ""));
  const view = { ...DEFAULTS };
  for (const key of KEYS) if (params.has(key)) view[key] = params.get(key);
  if (params.has("event")) view.ev = params.get("event"); // links made before the permalinks
  return view;
}

export function writeView(view) {
  const params = new URLSearchParams();
  for (const key of KEYS) {
    const value = view[key];
    if (value !== undefined && value !== null && value !== "" && value !== DEFAULTS[key]) params.set(key, value);
  }
  return `#${params.toString()}`;
}

// The /api/events filters of a view, for the list, the map and the export links alike.
export function eventFilters(view) {
  return {
    type: view.type,
    actor: view.actor,
    place: view.place,
    q: view.q,
    rejected: view.rej === "1" ? "include" : "exclude",
  };
}

const DAY_MS = 86_400_000;

export function addDays(day, days) {
  return new Date(Date.parse(day) + days * DAY_MS).toISOString().slice(0, 10);
}

export function daysBetween(first, last) {
  return Math.round((Date.parse(last) - Date.parse(first)) / DAY_MS);
}

// The window of event dates the list and the map show: `w` days up to the day, all up to it, or ("u")
// every event, those with no date too.
export function windowOf(view) {
  if (view.w === "u") return { since: undefined, until: undefined };
  const days = Number(view.w || 0);
  return { since: days > 0 ? addDays(view.d, -(days - 1)) : undefined, until: view.d };
}

// The event panel: evidence with its marked words and its source (the article's link, outlet and date),
// resolved dates beside the phrases, claims (only real disagreements shown as disputes), sources, the
// merged reports and why, and the review actions with undo. Document text only goes into text nodes.

import { el, safeLink } from "./dom.js";
import { precisionName } from "./map.js";

const CORRECTABLE = ["type", "status", "certainty", "fatalities", "date_start", "date_end"];

// The sentence cut at every mark boundary; each piece carries the labels of the marks covering it.
export function segments(evidence) {
  const text = evidence.sentence;
  const marks = (evidence.marks || [])
    .map((m) => ({ start: m.start - evidence.start, end: m.end - evidence.start, label: m.label }))
    .map((m) => ({ ...m, start: Math.max(0, m.start), end: Math.min(text.length, m.end) }))
    .filter((m) => m.end > m.start);
  const cuts = new Set([0, text.length]);
  for (const m of marks) {
    cuts.add(m.start);
    cuts.add(m.end);
  }
  const points = [...cuts].sort((a, b) => a - b);
  const pieces = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const [from, to] = [points[i], points[i + 1]];
    const labels = marks.filter((m) => m.start <= from && m.end >= to).map((m) => m.label);
    pieces.push({ text: text.slice(from, to), labels: [...new Set(labels)] });
  }
  return pieces;
}

function spanText(span) {
  if (!span) return "date unknown";
  return span.start === span.end ? span.start : `${span.start} to ${span.end}`;
}

// Where a document came from: a link to the article where it has a URL, its outlet and its date.
export function citation(documentId, sources) {
  const source = sources[documentId] || {};
  const name = source.outlet || source.title || documentId;
  const parts = [source.url ? safeLink(source.url, name) : name];
  if (source.date) parts.push(`, ${source.date}`);
  return el("span", { class: "citation", dataset: { document: documentId } }, ...parts);
}

function evidenceBlock(evidence, sources, resolved) {
  const sentence = el("blockquote", { class: "evidence", dataset: { document: evidence.document } });
  for (const piece of segments(evidence)) {
    if (piece.labels.length === 0) {
      sentence.append(document.createTextNode(piece.text));
      continue;
    }
    const label = piece.labels.join(" ");
    const classes = piece.labels.map((l) => `m-${l}`).join(" ");
    sentence.append(el("mark", { class: classes, title: label, dataset: { label } }, piece.text));
  }
  const dates = [...resolved].filter(([phrase]) => evidence.sentence.includes(phrase));
  const resolvedNote = dates.length
    ? el("p", { class: "resolved" }, dates.map(([phrase, day]) => `“${phrase}” → ${day}`).join("; "))
    : null;
  const where = el("p", { class: "cite" }, citation(evidence.document, sources), ` · [${evidence.start}:${evidence.end}]`);
  return el("div", { class: "evidence-item" }, sentence, resolvedNote, where);
}

// The stage of the event a dated claim tells of ("began" on Wednesday, "completed" on Thursday), or "":
// the narrowest stage whose dates hold the claim's (an expected end "by April" holds every later stage).
function stageOf(claim, history) {
  if (!claim.span) return "";
  const holding = history.filter((s) => s.date && s.date.start <= claim.span.start && claim.span.end <= s.date.end);
  const width = (s) => Date.parse(s.date.end) - Date.parse(s.date.start);
  const step = holding.sort((a, b) => width(a) - width(b))[0];
  return step ? step.status : "";
}

function claimKey(claim) {
  if (claim.span) return `${claim.span.start}/${claim.span.end}`;
  if (claim.low !== null && claim.low !== undefined) return `${claim.low}/${claim.high}`;
  return claim.value.toLowerCase();
}

// A field is disputed where sources give different values for the same thing: dates of different
// stages of one event (a withdrawal's start and end) are not a dispute.
export function disputed(group, history) {
  const byStage = new Map();
  for (const claim of group) {
    const stage = claim.field === "date" ? stageOf(claim, history) : "";
    if (!byStage.has(stage)) byStage.set(stage, new Set());
    byStage.get(stage).add(claimKey(claim));
  }
  return [...byStage.values()].some((keys) => keys.size > 1);
}

function claimsBlock(claims, history, sources) {
  const byField = new Map();
  for (const claim of claims) {
    if (!byField.has(claim.field)) byField.set(claim.field, []);
    byField.get(claim.field).push(claim);
  }
  return [...byField].map(([field, group]) => {
    const dispute = disputed(group, history);
    const values = group.map((c) => {
      const stage = c.field === "date" ? stageOf(c, history) : "";
      return el(
        "div",
        { class: "claim" },
        el("div", { class: "value" }, c.value, c.span ? ` → ${spanText(c.span)}` : ""),
        stage ? el("div", { class: "stage" }, `the ${stage} stage`) : null,
        el("div", {}, c.source.name, ` (${c.certainty})`),
        el("div", { class: "cite" }, citation(c.evidence.document, sources)),
      );
    });
    const title = el("h4", {}, field.replaceAll("_", " "), dispute ? " (disputed)" : "");
    return el("div", { class: `claim-row${dispute ? " disputed" : ""}`, dataset: { field } }, title, el("div", { class: "claim-values" }, values));
  });
}

function sourceItem(source) {
  const extra = [source.kind.replaceAll("_", " ")];
  if (source.stance !== "asserts") extra.push(source.stance);
  if (source.via) extra.push(`via ${source.via}`);
  return el("li", { class: `source stance-${source.stance}` }, el("strong", {}, source.name), ` (${extra.join(", ")})`);
}

function reportItem(report, sources) {
  const why = report.reasons.length ? `joined: ${report.reasons.join(", ")}` : "first report";
  return el(
    "li",
    { class: "report", dataset: { report: report.id } },
    citation(report.document, { [report.document]: { outlet: report.outlet, date: report.reported, ...sources[report.document] } }),
    ` · ${report.status}`,
    el("br"),
    el("span", { class: "why" }, why),
  );
}

function section(title, ...content) {
  return el("section", {}, el("h3", {}, title), ...content);
}

function reviewForms(event, on) {
  const field = el("select", { id: "correct-field", "aria-label": "field" }, CORRECTABLE.map((f) => el("option", { value: f }, f)));
  const value = el("input", { id: "correct-value", "aria-label": "new value", placeholder: "new value" });
  const other = el("input", { id: "merge-other", "aria-label": "other event id", placeholder: "ev-…" });
  const report = el("select", { id: "split-report", "aria-label": "report" }, event.reports.map((r) => el("option", { value: r.id }, `${r.outlet || r.document} (${r.reported})`)));
  const submit = (action, extra) => (e) => {
    e.preventDefault();
    on.review(action, extra());
  };
  return el(
    "div",
    { class: "review-forms" },
    el("form", { class: "review-form", onsubmit: submit("correct", () => ({ changes: { [field.value]: value.value.trim() } })) }, field, value, el("button", { id: "correct", type: "submit" }, "Correct")),
    el("form", { class: "review-form", onsubmit: submit("merge", () => ({ other: other.value.trim() })) }, other, el("button", { id: "merge", type: "submit" }, "Merge with")),
    event.reports.length > 1
      ? el("form", { class: "review-form", onsubmit: submit("split", () => ({ other: report.value })) }, report, el("button", { id: "split", type: "submit" }, "Split out"))
      : null,
  );
}

function reviewList(reviews, on) {
  return el(
    "ul",
    { class: "reviews" },
    reviews.map((r) =>
      el("li", { class: "review", dataset: { review: r.id } }, `${r.action} by ${r.author} at ${r.at.slice(0, 16)} `, el("button", { type: "button", class: "undo", onclick: () => on.undo(r.id) }, "Undo")),
    ),
  );
}

function facts(event, on) {
  const actors = event.actors.map((a) => `${a.name} (${a.role})`).join("; ") || "no named actor";
  const place = event.place;
  const where = place
    ? el("button", { type: "button", class: "link place-link", onclick: () => on.place(place.name) }, [place.name, place.admin1, place.country].filter((v, i, all) => v && all.indexOf(v) === i).join(", "))
    : "place unknown";
  const expected = event.expected_end ? spanText(event.expected_end) : null;
  return el(
    "dl",
    {},
    el("dt", {}, "When"),
    el("dd", {}, spanText(event.date)),
    expected ? [el("dt", {}, "Expected end"), el("dd", {}, expected)] : null,
    el("dt", {}, "Where"),
    el("dd", {}, where, place ? ` (${precisionName(place.precision)}, where_prec ${place.precision})` : ""),
    el("dt", {}, "Who"),
    el("dd", {}, actors),
    el("dt", {}, "Killed"),
    el("dd", {}, event.fatalities === null ? "not reported" : String(event.fatalities)),
    el("dt", {}, "Sources"),
    el("dd", {}, `${event.source_count} independent; reported ${event.reported || "?"}, updated ${event.updated || "?"}`),
  );
}

export function renderEvent(panel, { event, reviews, sources }, on) {
  const resolved = new Map(event.claims.filter((c) => c.field === "date" && c.span).map((c) => [c.value, spanText(c.span)]));
  const parts = [
    el("button", { type: "button", class: "close", "aria-label": "Close", onclick: on.close }, "×"),
    el("h2", {}, `${event.type} · ${event.status} · ${event.certainty}`),
    el("p", { class: "meta" }, el("code", {}, event.id), " · ", el("span", { id: "review-state", class: `review-${event.review || "none"}` }, event.review || "not reviewed")),
    facts(event, on),
    el(
      "div",
      { class: "review-buttons" },
      el("button", { id: "confirm", type: "button", onclick: () => on.review("confirm", {}) }, "Confirm"),
      el("button", { id: "reject", type: "button", onclick: () => on.review("reject", {}) }, "Reject"),
      el("span", { id: "review-message", role: "status" }),
    ),
    reviewForms(event, on),
    section("Evidence", event.evidence.map((e) => evidenceBlock(e, sources, resolved))),
    event.claims.length ? section("Claims", claimsBlock(event.claims, event.history || [], sources)) : null,
    section("Sources", el("ul", {}, event.sources.map(sourceItem))),
    section(`Reports merged (${event.reports.length})`, el("ol", { class: "reports" }, event.reports.map((r) => reportItem(r, sources)))),
    reviews.length ? section("Reviews", reviewList(reviews, on)) : null,
  ];
  panel.replaceChildren(...parts.filter(Boolean));
  panel.hidden = false;
}

// The event panel: evidence with its marked words, sources, the merged reports and why, disputed
// values side by side, and review buttons. Document text only ever goes into text nodes.

import { el } from "./dom.js";
import { precisionName } from "./map.js";

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

function evidenceBlock(evidence) {
  const sentence = el("blockquote", { class: "evidence", dataset: { document: evidence.document } });
  for (const piece of segments(evidence)) {
    if (piece.labels.length === 0) {
      sentence.append(document.createTextNode(piece.text));
    } else {
      const label = piece.labels.join(" ");
      sentence.append(
        el("mark", { class: piece.labels.map((l) => `m-${l}`).join(" "), title: label, dataset: { label } }, piece.text),
      );
    }
  }
  return el("div", {}, sentence, el("p", { class: "cite" }, `${evidence.document} [${evidence.start}:${evidence.end}]`));
}

function dateText(span) {
  if (!span) return "date unknown";
  return span.start === span.end ? span.start : `${span.start} to ${span.end}`;
}

function placeText(place) {
  if (!place) return "place unknown";
  const where = [place.name, place.admin1, place.country].filter((v, i, all) => v && all.indexOf(v) === i);
  return `${where.join(", ")} (${precisionName(place.precision)}, where_prec ${place.precision})`;
}

function sourceItem(source) {
  const extra = [source.kind.replaceAll("_", " ")];
  if (source.stance !== "asserts") extra.push(source.stance);
  if (source.via) extra.push(`via ${source.via}`);
  return el("li", { class: `source stance-${source.stance}` }, el("strong", {}, source.name), ` (${extra.join(", ")})`);
}

function reportItem(report) {
  const why = report.reasons.length ? `joined: ${report.reasons.join(", ")}` : "first report";
  return el(
    "li",
    { class: "report", dataset: { report: report.id } },
    el("strong", {}, report.outlet || report.document),
    ` reported ${report.reported}, ${report.status}`,
    el("br"),
    el("span", { class: "why" }, why),
    el("br"),
    el("span", { class: "cite" }, `${report.document} · origin ${report.origin}`),
  );
}

// Claims grouped by field; a field with more than one value is disputed, and its values stand side by side.
function claimsBlock(claims) {
  const byField = new Map();
  for (const claim of claims) {
    if (!byField.has(claim.field)) byField.set(claim.field, []);
    byField.get(claim.field).push(claim);
  }
  const rows = [];
  for (const [field, group] of byField) {
    const values = new Set(group.map((c) => c.value));
    rows.push(
      el(
        "div",
        { class: `claim-row${values.size > 1 ? " disputed" : ""}`, dataset: { field } },
        el("h4", {}, field.replaceAll("_", " "), values.size > 1 ? " (disputed)" : ""),
        el(
          "div",
          { class: "claim-values" },
          group.map((c) =>
            el(
              "div",
              { class: "claim" },
              el("div", { class: "value" }, c.value),
              el("div", {}, c.source.name),
              el("div", { class: "cite" }, c.certainty),
            ),
          ),
        ),
      ),
    );
  }
  return rows;
}

function section(title, ...content) {
  return el("section", {}, el("h3", {}, title), ...content);
}

export function renderEvent(panel, event, reviews, onReview) {
  const actors = event.actors.map((a) => `${a.name} (${a.role})`).join("; ") || "no named actor";
  const review = event.review || "not reviewed";
  const parts = [
    el("h2", {}, `${event.type} · ${event.status} · ${event.certainty}`),
    el("p", { class: "meta" }, el("code", {}, event.id), " · ", el("span", { id: "review-state", class: `review-${event.review || "none"}` }, review)),
    el(
      "dl",
      {},
      el("dt", {}, "When"),
      el("dd", {}, dateText(event.date)),
      el("dt", {}, "Where"),
      el("dd", {}, placeText(event.place)),
      el("dt", {}, "Who"),
      el("dd", {}, actors),
      el("dt", {}, "Killed"),
      el("dd", {}, event.fatalities === null ? "not reported" : String(event.fatalities)),
      el("dt", {}, "Sources"),
      el("dd", {}, `${event.source_count} independent`),
    ),
    el(
      "div",
      { class: "review-buttons" },
      el("button", { id: "confirm", type: "button", onclick: () => onReview("confirm") }, "Confirm"),
      el("button", { id: "reject", type: "button", onclick: () => onReview("reject") }, "Reject"),
      el("span", { id: "review-message", role: "status" }),
    ),
    section("Evidence", event.evidence.map(evidenceBlock)),
    event.claims.length ? section("Claims", claimsBlock(event.claims)) : null,
    section("Sources", el("ul", {}, event.sources.map(sourceItem))),
    section(`Reports merged (${event.reports.length})`, el("ol", { class: "reports" }, event.reports.map(reportItem))),
    reviews.length
      ? section(
          "Reviews",
          el("ul", {}, reviews.map((r) => el("li", { class: "review" }, `${r.action} by ${r.author} at ${r.at}`))),
        )
      : null,
  ];
  panel.replaceChildren(...parts.filter(Boolean));
  panel.hidden = false;
}

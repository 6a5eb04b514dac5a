"""Real news from many outlets, coded by hand: events, merges and the situation, as a user would get them.

The folder (`../shared/realnews-dev/` by default) holds `docs.jsonl` (articles) and `gold.json` (per-article
facts, multi-article events, situation checks); its README gives the coding rules and how the facts are
counted, which this module follows so that it agrees with the reference scorer kept there:

- Every article is ingested into one fresh store, as a user would ingest an archive; events are read
  back as the JSON `sitroom events --json` prints.
- An article's gold event is found by one of the events naming that article whose type is of the gold
  type's family and whose place matches (a name variant among the place's words, or its point within the
  gold distance); each found event then scores actor, date, admin1, point, fatalities, quantity and status.
  An extracted event serves one gold event of an article.
- A multi-article event is merged when one event of its family at its place names all its articles.
- A situation check is met by an entry with its place, actor and status (or a contested flag).
"""

from __future__ import annotations

import json
import math
import tempfile
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sitroom import codec
from sitroom.errors import EvalError
from sitroom.evaluation.metrics import Ratio
from sitroom.ingest import make_document
from sitroom.records import Document

# Beside the peer data (../shared/realnews-dev): a folder relative to the evaluation data folder, so that
# `--data` elsewhere finds no real-news set unless one lies beside it there.
FOLDER = "../realnews-dev"
KEY = "realnews"
TITLE = "Real news from many outlets, hand-coded (../shared/realnews-dev)"
SPLIT = "dev"
FIELDS = ("actor", "date", "admin1", "point", "status", "fatalities", "quantity")
# The event types of each gold type's family.
FAMILY = {
    "withdraw": {"withdraw"},
    "deploy": {"deploy"},
    "assault": {"assault", "fight"},
    "control": {"control"},
    "presence": {"presence"},
}
SHORT_WORD = 3  # names this short ("us", "rsf") count only as whole words


def evaluate_realnews(pipeline: Any, folder: Path, limit: int | None = None) -> dict[str, Any]:
    documents, gold = _load(folder, limit)
    with tempfile.TemporaryDirectory() as tmp:
        from sitroom.jobs import ingest
        from sitroom.store import open_store

        with open_store(str(Path(tmp) / "realnews.db")) as store:
            report = ingest(documents, store, pipeline)
            events = codec.to_dict(store.events())
            checks = [_situation(store, check) for check in gold.get("situation", [])]
    return score_realnews(
        events, gold, checks, undated=sum(e["date"] is None for e in events), added=report.added
    )


def score_realnews(
    events: list[dict], gold: dict, situation_hits: list[bool], undated: int = 0, added: int = 0
) -> dict[str, Any]:
    """The section from the events' JSON and whether each situation check was met."""
    found, fields, facts = Ratio(), {f: Ratio() for f in FIELDS}, Ratio()
    for doc_id in sorted({g["doc"] for g in gold["events"]}):
        mine = [e for e in events if _names_document(e, doc_id)]
        used: set[int] = set()
        for want in (g for g in gold["events"] if g["doc"] == doc_id):
            index, got, wanted = _best(want, mine, used)
            found.add(index is not None)
            facts.add(index is not None)
            for name in wanted:
                hit = index is not None and name in got
                facts.add(hit)
                if index is not None and name in fields:
                    fields[name].add(hit)
                elif index is not None and name == "fatalities_any":
                    fields["fatalities"].add(hit)
    merges = Ratio()
    for merge in gold.get("merge", []):
        hit = _merged(merge, events)
        merges.add(hit)
        facts.add(hit)
    situation = Ratio()
    for hit in situation_hits:
        situation.add(hit)
        facts.add(hit)
    metrics = {
        "gold events found": found.metric(),
        **{f"{name} (of found)": ratio.metric() for name, ratio in fields.items()},
        "multi-report events merged": merges.metric(),
        "situation checks met": situation.metric(),
        "realnews facts": facts.metric(),
    }
    counts = {"documents ingested": added, "events": len(events), "events with no date window": undated}
    return {
        "splits": [SPLIT],
        "metrics": {SPLIT: {k: m.to_dict() for k, m in metrics.items()}},
        "counts": {SPLIT: counts},
    }


def _load(folder: Path, limit: int | None) -> tuple[list[Document], dict]:
    try:
        rows = [json.loads(line) for line in (folder / "docs.jsonl").read_text().splitlines() if line.strip()]
        gold = json.loads((folder / "gold.json").read_text())
    except (OSError, ValueError) as exc:
        raise EvalError(f"cannot read the real-news set in {folder}: {exc}") from exc
    if limit is not None:
        keep = {row["id"] for row in rows[:limit]}
        rows = [row for row in rows if row["id"] in keep]
        gold = {
            **gold,
            "events": [g for g in gold["events"] if g["doc"] in keep],
            "merge": [m for m in gold.get("merge", []) if set(m["docs"]) <= keep],
            "situation": [],
        }
    documents = [
        make_document(
            row["text"],
            date.fromisoformat(row["date"]),
            doc_id=row["id"],
            url=row.get("url"),
            outlet=row.get("outlet"),
            title=row.get("title"),
        )
        for row in rows
    ]
    return documents, gold


def _situation(store: Any, check: dict) -> bool:
    entries = codec.to_dict(store.situation_as_of(date.fromisoformat(check["as_of"])))
    for entry in entries:
        place_ok = _matches(check["place"], " ".join(_strings(entry["place"])))
        actor_ok = _matches(check["actor"], f"{entry['actor']} {entry.get('actor_id') or ''}")
        stated = f"{entry['status']} {'True' if entry.get('contested') else ''}"
        contested = entry.get("contested") is True and any(
            s in ("contested", "disputed") for s in check["status"]
        )
        if place_ok and actor_ok and (_matches(check["status"], stated) or contested):
            return True
    return False


# --- matching, as the folder's README describes it --------------------------------------------------


def _best(want: dict, mine: list[dict], used: set[int]) -> tuple[int | None, list[str], list[str]]:
    """The unused event of the gold event's family and place with the most facts right."""
    best: tuple[int | None, list[str]] = (None, [])
    wanted = _facts(want, {})[1]
    for index, event in enumerate(mine):
        if index in used or event["type"] not in FAMILY[want["type"]] or not _at_place(want, event):
            continue
        got, wanted = _facts(want, event)
        if best[0] is None or len(got) > len(best[1]):
            best = (index, got)
    if best[0] is not None:
        used.add(best[0])
    return best[0], best[1], wanted


def _facts(want: dict, event: dict) -> tuple[list[str], list[str]]:
    """The facts of a gold event that an event gets right, and all the facts it is scored on."""
    checks = [("actor", lambda: _matches(want["actor"], " ".join(_strings(event.get("actors", [])))))]
    if want.get("date"):
        checks.append(("date", lambda: _within(event.get("date"), want["date"])))
    place, gold_place = event.get("place") or {}, want.get("place") or {}
    if gold_place.get("admin1"):
        admin = " ".join(_strings({k: v for k, v in place.items() if k.startswith("admin")}))
        checks.append(("admin1", lambda: _matches(gold_place["admin1"], admin)))
    if "lat" in gold_place:
        checks.append(("point", lambda: _near(place, gold_place)))
    if gold_place and not gold_place.get("admin1") and "lat" not in gold_place:
        checks.append(("place", lambda: _matches(gold_place["names"], " ".join(_strings(place)))))
    if "fatalities" in want:
        checks.append(("fatalities", lambda: event.get("fatalities") in want["fatalities"]))
    if "fatalities_any" in want:
        tolls = set(_numbers([event.get("fatalities"), event.get("claims", [])]))
        checks.append(("fatalities_any", lambda: any(x in tolls for x in want["fatalities_any"])))
    if "quantity" in want:
        checks.append(("quantity", lambda: any(x in set(_numbers(event)) for x in want["quantity"])))
    if "status" in want:
        checks.append(("status", lambda: _matches(want["status"], str(event.get("status", "")))))
    return [name for name, check in checks if event and check()], [name for name, _ in checks]


def _at_place(want: dict, event: dict) -> bool:
    gold_place = want.get("place")
    if not gold_place:
        return True
    place = event.get("place") or {}
    return _matches(gold_place["names"], " ".join(_strings(place))) or _near(place, gold_place)


def _near(place: dict, gold_place: dict) -> bool:
    if place.get("lat") is None or place.get("lon") is None or "lat" not in gold_place:
        return False
    return _km(place["lat"], place["lon"], gold_place["lat"], gold_place["lon"]) <= gold_place["km"]


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine) on a sphere of 6371 km."""
    rad = math.pi / 180
    a = math.sin((lat2 - lat1) * rad / 2) ** 2
    a += math.cos(lat1 * rad) * math.cos(lat2 * rad) * math.sin((lon2 - lon1) * rad / 2) ** 2
    return 2 * 6371 * math.asin(math.sqrt(a))


def _within(span: dict | None, window: list[str]) -> bool:
    """The event's window lies inside the gold window, with 3 days' slack when that is a range."""
    if not span or not span.get("start") or not span.get("end"):
        return False
    low, high = date.fromisoformat(window[0]), date.fromisoformat(window[1])
    slack = timedelta(days=0 if low == high else 3)
    return (
        date.fromisoformat(span["start"]) >= low - slack and date.fromisoformat(span["end"]) <= high + slack
    )


def _merged(merge: dict, events: list[dict]) -> bool:
    wanted = set(merge["docs"])
    candidates = [
        e
        for e in events
        if e["type"] in FAMILY[merge["type"]]
        and _matches(merge["place"], " ".join(_strings(e.get("place") or {})))
    ]
    return any(all(_names_document(e, d) for d in wanted) for e in candidates)


def _names_document(event: dict, doc_id: str) -> bool:
    return any(s == doc_id or s.startswith(doc_id + "~") for s in _strings(event))


def _normal(text: str) -> str:
    return " ".join(str(text or "").lower().replace("-", " ").replace("_", " ").replace("'", "").split())


def _matches(names: list[str], text: str) -> bool:
    hay = f" {_normal(text)} "
    for name in map(_normal, names):
        if (f" {name} " in hay) if len(name) <= SHORT_WORD else (name in hay):
            return True
    return False


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _numbers(value: Any) -> Iterator[float]:
    if isinstance(value, bool):
        return
    if isinstance(value, int | float):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _numbers(item)
    elif isinstance(value, list):
        for item in value:
            yield from _numbers(item)

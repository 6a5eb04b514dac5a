"""Temporal section of `sitroom eval`: relative day references in UCDP headlines, resolved against the
headline's source date and scored against UCDP's coded event dates.

Rows with one source (one headline, one source date) whose headline says "yesterday", "today", "last
night", "overnight" or names a weekday. Each such expression is found with sitroom's finder and resolved
with its resolver against the source date; the baseline takes the source date itself as the event date,
as a coder without the resolver would.
"""

from __future__ import annotations

import csv
import re
from datetime import date
from pathlib import Path
from typing import Any

from sitroom.errors import EvalError
from sitroom.evaluation.metrics import SPLITS, Ratio, first_per_split, metrics_dict, read_split
from sitroom.evaluation.ucdp import DATA_FILE, parse_dateline
from sitroom.extract.dates import find_time_expressions
from sitroom.records import TimeSpan
from sitroom.resolve.time import resolve_time

FOLDER = "ucdp-ged-syria"
KEY = "ucdp-ged-syria:temporal"
TITLE = "UCDP GED Syria: relative day references in headlines, against source_date"
RELATIVE_DAY = re.compile(
    r"\b(yesterday|today|tonight|last night|overnight|monday|tuesday|wednesday|thursday|friday|saturday|"
    r"sunday)\b",
    re.IGNORECASE,
)


class _Tally:
    def __init__(self) -> None:
        self.resolved = Ratio()
        self.exact = Ratio()
        self.overlap = Ratio()
        self.baseline_exact = Ratio()
        self.baseline_overlap = Ratio()

    def add(self, found: TimeSpan | None, dateline: date, start: date, end: date) -> None:
        self.resolved.add(found is not None)
        self.exact.add(found is not None and (found.start, found.end) == (start, end))
        self.overlap.add(found is not None and found.start <= end and start <= found.end)
        self.baseline_exact.add((dateline, dateline) == (start, end))
        self.baseline_overlap.add(start <= dateline <= end)

    def metrics(self) -> dict:
        return {
            "resolved": self.resolved.metric(),
            "exact_interval": self.exact.metric(),
            "overlap": self.overlap.metric(),
            "baseline_source_date.exact_interval": self.baseline_exact.metric(),
            "baseline_source_date.overlap": self.baseline_overlap.metric(),
        }


def relative_expression(headline: str) -> str | None:
    """The first temporal expression of a headline that refers to a day relative to its date."""
    for start, end in find_time_expressions(headline):
        if RELATIVE_DAY.search(headline[start:end]):
            return headline[start:end]
    return None


def evaluate_temporal(pipeline: Any, folder: Path, limit: int | None = None) -> dict[str, Any]:
    """The temporal section of `run_all`'s result (the pipeline is not needed: it scores the resolver)."""
    tallies = {split: _Tally() for split in SPLITS}
    counts = {split: {"rows_with_relative_day": 0, "rows_single_source": 0} for split in SPLITS}
    for split, row in _rows(folder, limit):
        counts[split]["rows_single_source"] += 1
        expression = relative_expression(row["source_headline"])
        if expression is None:
            continue
        counts[split]["rows_with_relative_day"] += 1
        dateline = parse_dateline(row["source_date"])
        found = resolve_time(expression, dateline)
        tallies[split].add(
            found, dateline, date.fromisoformat(row["date_start"]), date.fromisoformat(row["date_end"])
        )
    return {
        "title": TITLE,
        "metrics": {split: metrics_dict(tallies[split].metrics()) for split in SPLITS},
        "counts": counts,
        "info": {"expressions": "yesterday, today, tonight, last night, overnight, weekdays"},
    }


def _rows(folder: Path, limit: int | None) -> list[tuple[str, dict[str, str]]]:
    splits = read_split(folder / "split.csv", "id")
    path = folder / DATA_FILE
    if not path.is_file():
        raise EvalError(f"{path}: UCDP GED file missing")
    with path.open(encoding="utf-8", newline="") as f:
        single = (
            (splits[r["id"]], r)
            for r in csv.DictReader(f)
            if r["id"] in splits
            and ";" not in r["source_date"]
            and parse_dateline(r["source_date"]) is not None
        )
        return first_per_split(single, limit)

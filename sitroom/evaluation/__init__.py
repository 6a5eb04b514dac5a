"""`sitroom eval`: score the pipeline against public coded data, dev and held-out rows separately.

The data sets live outside the package: the peer data in a folder passed as `data_dir` (`sitroom eval`
names its default, see --data), sitroom's hand-coded story in the examples folder passed as
`examples_dir`. Both are read at run time only. `run_all` returns a JSON-ready dict:

    {"data_dir": str, "limit": int | None,
     "datasets": {<folder>: {"title": str, "seconds": float,
                             "metrics": {"dev": {<name>: {"value", "n", "unit"}}, "heldout": {...}},
                             "counts": {"dev": {<name>: int}, "heldout": {...}},
                             "info": {...}}
                  | {"title": str, "skipped": <reason>}}}

A metric's unit is "share" (a value in [0, 1]) or "km"; its value is None when n is 0.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from sitroom.errors import EvalError
from sitroom.evaluation import geoparsing, plover, realnews, story, temporal, ucdp
from sitroom.evaluation.metrics import KM, SPLITS

Evaluation = Callable[[Any, Path, int | None], dict[str, Any]]
# key -> (folder under the data dir, or under the examples dir for those in FROM_EXAMPLES; title; evaluation)
EVALUATIONS: dict[str, tuple[str, str, Evaluation]] = {
    ucdp.FOLDER: (ucdp.FOLDER, ucdp.TITLE, ucdp.evaluate_ucdp),
    temporal.KEY: (temporal.FOLDER, temporal.TITLE, temporal.evaluate_temporal),
    plover.FOLDER: (plover.FOLDER, plover.TITLE, plover.evaluate_plover),
    geoparsing.FOLDER: (geoparsing.FOLDER, geoparsing.TITLE, geoparsing.evaluate_geoparsing),
    story.KEY: (story.FOLDER, story.TITLE, story.evaluate_story),
    # real news with hand-coded gold, beside the peer data (../shared/realnews-dev)
    realnews.KEY: (realnews.FOLDER, realnews.TITLE, realnews.evaluate_realnews),
}
# sitroom's own hand-coded data, shipped in its examples rather than with the peer data
FROM_EXAMPLES = {story.KEY}


def run_all(
    pipeline: Any,
    data_dir: Path,
    limit: int | None = None,
    only: Sequence[str] = (),
    examples_dir: Path | None = None,
) -> dict[str, Any]:
    """Every evaluation whose folder is in `data_dir` or `examples_dir` (or just those named in `only`);
    `limit` caps the rows per split of each data set."""
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise EvalError(f"evaluation data folder {data_dir} does not exist (pass --data)")
    if limit is not None and limit < 1:
        raise EvalError(f"--limit must be at least 1, not {limit}")
    unknown = sorted(set(only) - set(EVALUATIONS))
    if unknown:
        raise EvalError(f"no evaluation called {', '.join(unknown)} (choose from {', '.join(EVALUATIONS)})")
    datasets = {}
    for key, (folder, title, evaluate) in EVALUATIONS.items():
        if only and key not in only:
            continue
        root = examples_dir if key in FROM_EXAMPLES else data_dir
        if root is None:
            datasets[key] = {"title": title, "skipped": "no examples folder given (--examples)"}
            continue
        path = Path(root) / folder
        if not path.is_dir():
            datasets[key] = {"title": title, "skipped": f"folder {path} is missing"}
            continue
        started = time.perf_counter()
        section = evaluate(pipeline, path, limit)
        datasets[key] = {**section, "seconds": round(time.perf_counter() - started, 1)}
    return {"data_dir": str(data_dir), "limit": limit, "datasets": datasets}


def render_table(results: dict[str, Any]) -> str:
    """A plain-text table per data set: one line per metric, columns dev and heldout."""
    lines = [
        f"data: {results['data_dir']}"
        + (f"  (limit {results['limit']} rows per split)" if results.get("limit") else "")
    ]
    for folder, section in results["datasets"].items():
        lines += ["", f"== {section.get('title', folder)} [{folder}] =="]
        if "skipped" in section:
            lines.append(f"skipped: {section['skipped']}")
            continue
        lines += _section_lines(section)
    return "\n".join(lines)


def _section_lines(section: dict[str, Any]) -> list[str]:
    metrics, counts = section["metrics"], section.get("counts", {})
    splits = section.get("splits", SPLITS)  # a section without dev / held-out rows names its own column
    names = list(dict.fromkeys(n for split in splits for n in metrics.get(split, {})))
    count_names = list(dict.fromkeys(n for split in splits for n in counts.get(split, {})))
    width = max(len(n) for n in [*names, *count_names, "metric"]) + 2
    rows = [_line("metric", splits, width)]
    rows += [_line(n, [_cell(metrics.get(s, {}).get(n)) for s in splits], width) for n in names]
    rows += [_line(n, [str(counts.get(s, {}).get(n, "")) for s in splits], width) for n in count_names]
    info = {k: v for k, v in section.get("info", {}).items() if v not in (None, 0, "")}
    rows += [f"{key}: {value}" for key, value in info.items()]
    if "seconds" in section:
        rows.append(f"time: {section['seconds']} s")
    return rows


def _line(label: str, cells: Sequence[str], width: int) -> str:
    return f"{label:<{width}}" + "".join(f"{cell:>22}" for cell in cells)


def _cell(metric: dict[str, Any] | None) -> str:
    if metric is None:
        return ""
    value, n = metric["value"], metric["n"]
    if value is None:
        return f"- (n={n})"
    if metric.get("unit") == KM:
        return f"{value:.1f} km (n={n})"
    return f"{100 * value:.1f}% (n={n})"

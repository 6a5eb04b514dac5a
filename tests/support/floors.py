"""Accuracy floors of a quality gate: `--update-baseline` raises a floor where a score improved and keeps
it where the score fell, so that a regression can never lower its own floor; `--allow-regression` lowers
it, and every floor it lowers is named."""

from __future__ import annotations

from typing import Any

# Scores where higher is better, besides the per-key rates under "keys".
RATES = ("events_fully_matched", "situations_met")
# Counts where lower is better: their "floor" is a ceiling.
CEILINGS = ("background_coded",)


def updated_floors(
    floors: dict[str, Any] | None, scores: dict[str, Any], allow_regression: bool = False
) -> tuple[dict[str, Any], list[str]]:
    """The floors to write after a run, and a line for each floor that goes down (only with
    `allow_regression`; without it, each keeps its old value). No old floors: the scores are the floors."""
    if floors is None:
        return scores, []
    lowered: list[str] = []
    keys = dict(floors["keys"])
    for key, score in scores["keys"].items():
        keys[key] = _kept(f"keys.{key}", keys.get(key), score, max, allow_regression, lowered)
    new = {**floors, "keys": keys}
    for name in RATES:
        new[name] = _kept(name, floors.get(name), scores[name], max, allow_regression, lowered)
    for name in CEILINGS:
        new[name] = _kept(name, floors.get(name), scores[name], min, allow_regression, lowered)
    return new, lowered


def _kept(name: str, floor: Any, score: Any, better: Any, allow_regression: bool, lowered: list[str]) -> Any:
    if floor is None or better(floor, score) == score:
        return score
    if not allow_regression:
        return floor
    lowered.append(f"{name}: {floor} -> {score}")
    return score

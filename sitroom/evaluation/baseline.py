"""The naive place baseline that the resolver is scored against: the most populous namesake."""

from __future__ import annotations

from sitroom.records import Place
from sitroom.resolve.gazetteer import Gazetteer
from sitroom.resolve.geo import place_of


def most_populous(gazetteer: Gazetteer, mention: str) -> Place | None:
    """The most populous entry spelled like the mention (a country's demonyms included, so it draws on
    the same gazetteer as the resolver), no context."""
    exact = [c for c in gazetteer.candidates(mention) if c.exact and c.matched != "near_town"]
    best = max(exact, key=lambda c: c.population, default=None)
    return place_of(best, mention) if best else None

"""Hypothesis strategies for events with every nested record, shared by the store and export tests."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import strategies as st

from sitroom.records import (
    ActorRef,
    Certainty,
    Claim,
    DatePrecision,
    Event,
    EventType,
    Evidence,
    Mark,
    Place,
    PlacePrecision,
    Quantity,
    Role,
    Source,
    SourceKind,
    Stance,
    Status,
    TimeSpan,
)

# Any text a document can hold (lone surrogates cannot be UTF-8 encoded, so no document has them).
texts = st.text(st.characters(blacklist_categories=("Cs",)), max_size=20)
ids = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=12)
counts = st.integers(min_value=0, max_value=10**9)
days = st.dates(min_value=date(1950, 1, 1), max_value=date(2090, 12, 31))
finite = st.floats(allow_nan=False, allow_infinity=False)
DOCUMENT_IDS = ("doc-a", "doc-b", "doc-c")


def optional(strategy: st.SearchStrategy) -> st.SearchStrategy:
    return st.none() | strategy


@st.composite
def time_spans(draw: st.DrawFn) -> TimeSpan:
    start = draw(days)
    end = start + timedelta(days=draw(st.integers(0, 400)))
    return TimeSpan(start, end, draw(st.sampled_from(DatePrecision)), draw(texts))


places = st.builds(
    Place,
    name=texts,
    lat=optional(st.floats(-90, 90)),
    lon=optional(st.floats(-180, 180)),
    precision=st.sampled_from(PlacePrecision),
    country=optional(texts),
    country_code=optional(st.sampled_from(["SY", "IQ", "US", "XX"])),
    admin1=optional(texts),
    admin2=optional(texts),
    feature=optional(texts),
    gazetteer_id=optional(texts),
    mention=texts,
)
actors = st.builds(
    ActorRef,
    name=texts,
    role=st.sampled_from(Role),
    mention=texts,
    id=optional(ids),
    kind=optional(st.sampled_from(["state_force", "armed_group", "civilians", "coalition", "other"])),
    country=optional(texts),
)
sources = st.builds(
    Source,
    name=texts,
    kind=st.sampled_from(SourceKind),
    count=optional(counts),
    stance=st.sampled_from(Stance),
    via=optional(texts),
)
marks = st.builds(Mark, start=counts, end=counts, label=texts)
evidence = st.builds(
    Evidence,
    document=st.sampled_from(DOCUMENT_IDS),
    start=counts,
    end=counts,
    sentence=texts,
    marks=st.lists(marks, max_size=2).map(tuple),
)
quantities = st.builds(
    Quantity,
    kind=texts,
    value=counts,
    high=optional(counts),
    category=optional(texts),
    approximate=st.booleans(),
    text=texts,
)
claims = st.builds(
    Claim,
    field=texts,
    value=texts,
    source=sources,
    certainty=st.sampled_from(Certainty),
    evidence=evidence,
    low=optional(finite),
    high=optional(finite),
    span=optional(time_spans()),
)


def tuples(strategy: st.SearchStrategy, max_size: int = 3) -> st.SearchStrategy:
    return st.lists(strategy, max_size=max_size).map(tuple)


events = st.builds(
    Event,
    id=ids,
    type=st.sampled_from(EventType),
    status=st.sampled_from(Status),
    certainty=st.sampled_from(Certainty),
    trigger=texts,
    actors=tuples(actors),
    place=optional(places),
    date=optional(time_spans()),
    fatalities=optional(counts),
    quantities=tuples(quantities, 2),
    claims=tuples(claims, 2),
    sources=tuples(sources),
    evidence=tuples(evidence),
    expected_end=optional(time_spans()),
    reported=optional(days),
)
event_lists = st.lists(events, max_size=6, unique_by=lambda event: event.id)

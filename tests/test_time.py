"""Temporal expressions: finding them in text and resolving them against a dateline."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sitroom.errors import DataError
from sitroom.extract import dates
from sitroom.extract.dates import find_time_expressions
from sitroom.records import DatePrecision as P
from sitroom.resolve.time import parse_duration, precision_for, resolve_expected_end, resolve_time

MON = date(2026, 2, 23)  # a Monday dateline
THU = date(2026, 2, 26)  # a Thursday dateline
NEW_YEAR = date(2027, 1, 2)  # a Saturday, just across a month and year boundary


def d(iso: str) -> date:
    return date.fromisoformat(iso)


PAST = [
    # seasons: three months from their first; the nearest one begun by the dateline
    ("in the summer of 2025", MON, "2025-06-01", "2025-08-31", P.YEAR),
    ("last summer", MON, "2025-06-01", "2025-08-31", P.YEAR),
    ("this winter", MON, "2025-12-01", "2026-02-28", P.YEAR),
    ("late in the autumn", MON, "2025-11-01", "2025-11-30", P.MONTH),
    # weekdays: the most recent such day on or before the dateline
    ("on Monday", MON, "2026-02-23", "2026-02-23", P.DAY),
    ("on Saturday", MON, "2026-02-21", "2026-02-21", P.DAY),
    ("on Tuesday", MON, "2026-02-17", "2026-02-17", P.DAY),
    ("on Monday morning", MON, "2026-02-23", "2026-02-23", P.DAY),
    ("late on Sunday", MON, "2026-02-22", "2026-02-22", P.DAY),
    ("Tuesday night", MON, "2026-02-17", "2026-02-17", P.DAY),
    ("early Friday", MON, "2026-02-20", "2026-02-20", P.DAY),
    ("last Monday", MON, "2026-02-16", "2026-02-16", P.DAY),
    # written the day after: yesterday, or the Sunday of the week before
    ("last Sunday", MON, "2026-02-15", "2026-02-22", P.WEEK),
    ("next Monday", MON, "2026-03-02", "2026-03-02", P.DAY),
    ("Monday's", MON, "2026-02-23", "2026-02-23", P.DAY),
    ("on Monday", THU, "2026-02-23", "2026-02-23", P.DAY),
    ("on Thursday", THU, "2026-02-26", "2026-02-26", P.DAY),
    ("on Friday", THU, "2026-02-20", "2026-02-20", P.DAY),
    ("last Thursday", THU, "2026-02-19", "2026-02-19", P.DAY),
    ("late on Sunday", THU, "2026-02-22", "2026-02-22", P.DAY),
    ("on Thursday", NEW_YEAR, "2026-12-31", "2026-12-31", P.DAY),
    # days next to the dateline
    ("yesterday", MON, "2026-02-22", "2026-02-22", P.DAY),
    ("Yesterday morning", THU, "2026-02-25", "2026-02-25", P.DAY),
    ("yesterday", NEW_YEAR, "2027-01-01", "2027-01-01", P.DAY),
    ("today", MON, "2026-02-23", "2026-02-23", P.DAY),
    ("tonight", MON, "2026-02-23", "2026-02-23", P.DAY),
    ("this morning", MON, "2026-02-23", "2026-02-23", P.DAY),
    ("tomorrow", MON, "2026-02-24", "2026-02-24", P.DAY),
    ("last night", MON, "2026-02-22", "2026-02-22", P.DAY),
    ("overnight", MON, "2026-02-22", "2026-02-23", P.DAYS),
    ("overnight", NEW_YEAR, "2027-01-01", "2027-01-02", P.DAYS),
    ("overnight on Sunday", THU, "2026-02-22", "2026-02-23", P.DAYS),
    ("overnight on Monday", MON, "2026-02-22", "2026-02-23", P.DAYS),
    # weekends
    ("over the weekend", MON, "2026-02-21", "2026-02-22", P.DAYS),
    ("over the weekend", THU, "2026-02-21", "2026-02-22", P.DAYS),
    ("over the weekend", NEW_YEAR, "2027-01-02", "2027-01-03", P.DAYS),
    ("last weekend", MON, "2026-02-21", "2026-02-22", P.DAYS),
    ("last weekend", NEW_YEAR, "2026-12-26", "2026-12-27", P.DAYS),
    # calendar weeks, months, years
    ("last week", MON, "2026-02-16", "2026-02-22", P.WEEK),
    ("last week", NEW_YEAR, "2026-12-21", "2026-12-27", P.WEEK),
    ("this week", MON, "2026-02-23", "2026-02-23", P.DAY),
    ("earlier this week", MON, "2026-02-23", "2026-02-23", P.DAY),
    ("earlier this week", THU, "2026-02-23", "2026-02-26", P.DAYS),
    ("this week", NEW_YEAR, "2026-12-28", "2027-01-02", P.DAYS),
    ("earlier this month", MON, "2026-02-01", "2026-02-23", P.MONTH),
    ("earlier this month", NEW_YEAR, "2027-01-01", "2027-01-02", P.DAYS),
    ("this month", MON, "2026-02-01", "2026-02-23", P.MONTH),
    ("last month", MON, "2026-01-01", "2026-01-31", P.MONTH),
    ("last month", NEW_YEAR, "2026-12-01", "2026-12-31", P.MONTH),
    ("late last month", MON, "2026-01-21", "2026-01-31", P.MONTH),
    ("the end of the month", MON, "2026-02-22", "2026-02-28", P.WEEK),
    ("last year", NEW_YEAR, "2026-01-01", "2026-12-31", P.YEAR),
    ("late last year", MON, "2025-09-01", "2025-12-31", P.YEAR),
    ("earlier this year", MON, "2026-01-01", "2026-02-23", P.YEAR),
    # rolling periods back from the dateline
    ("in recent weeks", MON, "2026-01-26", "2026-02-23", P.MONTH),
    ("in recent weeks", NEW_YEAR, "2026-12-05", "2027-01-02", P.MONTH),
    ("in recent days", MON, "2026-02-16", "2026-02-23", P.WEEK),
    ("in recent days", THU, "2026-02-19", "2026-02-26", P.WEEK),
    ("in the past two weeks", MON, "2026-02-09", "2026-02-23", P.MONTH),
    ("over the past week", MON, "2026-02-16", "2026-02-23", P.WEEK),
    ("in the past 24 hours", MON, "2026-02-22", "2026-02-23", P.DAYS),
    ("the last few days", MON, "2026-02-17", "2026-02-23", P.WEEK),
    # since
    ("since 2019", MON, "2019-01-01", "2026-02-23", P.YEAR),
    ("since March", MON, "2025-03-01", "2026-02-23", P.YEAR),
    ("since March 2024", MON, "2024-03-01", "2026-02-23", P.YEAR),
    ("since Feb. 1", MON, "2026-02-01", "2026-02-23", P.MONTH),
    ("since December", NEW_YEAR, "2026-12-01", "2027-01-02", P.YEAR),
    # explicit dates
    ("March 5", MON, "2025-03-05", "2025-03-05", P.DAY),
    ("5 March", MON, "2025-03-05", "2025-03-05", P.DAY),
    ("March 5, 2024", MON, "2024-03-05", "2024-03-05", P.DAY),
    ("on Feb. 21", MON, "2026-02-21", "2026-02-21", P.DAY),
    ("Feb. 28", MON, "2026-02-28", "2026-02-28", P.DAY),  # within 7 days ahead: upcoming
    ("2024-03-05", MON, "2024-03-05", "2024-03-05", P.DAY),
    ("on Monday, Feb. 23, 2026", THU, "2026-02-23", "2026-02-23", P.DAY),
    ("the 5th of March", MON, "2025-03-05", "2025-03-05", P.DAY),
    ("Dec. 30", NEW_YEAR, "2026-12-30", "2026-12-30", P.DAY),
    ("Jan. 5", NEW_YEAR, "2027-01-05", "2027-01-05", P.DAY),
    ("Jan. 12", NEW_YEAR, "2026-01-12", "2026-01-12", P.DAY),
    ("March 5-7", MON, "2025-03-05", "2025-03-07", P.DAYS),
    ("between 5 and 7 March", MON, "2025-03-05", "2025-03-07", P.DAYS),
    ("from March 5 to March 10", MON, "2025-03-05", "2025-03-10", P.DAYS),
    ("from 2014 to 2019", MON, "2014-01-01", "2019-12-31", P.YEAR),
    # months, years and their parts
    ("in March", MON, "2025-03-01", "2025-03-31", P.MONTH),
    ("in February", MON, "2026-02-01", "2026-02-28", P.MONTH),
    ("in March 2024", MON, "2024-03-01", "2024-03-31", P.MONTH),
    ("in December", NEW_YEAR, "2026-12-01", "2026-12-31", P.MONTH),
    ("in 2023", MON, "2023-01-01", "2023-12-31", P.YEAR),
    ("mid-March", MON, "2025-03-11", "2025-03-20", P.MONTH),
    ("early March", MON, "2025-03-01", "2025-03-10", P.MONTH),
    ("late March", MON, "2025-03-21", "2025-03-31", P.MONTH),
    ("late December", NEW_YEAR, "2026-12-21", "2026-12-31", P.MONTH),
    ("the end of March", MON, "2025-03-25", "2025-03-31", P.WEEK),
    ("late March 2024", MON, "2024-03-21", "2024-03-31", P.MONTH),
    ("mid-2023", MON, "2023-05-01", "2023-08-31", P.YEAR),
    ("the end of 2023", MON, "2023-12-01", "2023-12-31", P.MONTH),
    # ago, and durations framed by a preposition
    ("three weeks ago", MON, "2026-02-02", "2026-02-02", P.DAY),
    ("two months ago", MON, "2025-12-01", "2025-12-31", P.MONTH),
    ("a year ago", MON, "2025-01-01", "2025-12-31", P.YEAR),
    ("for more than a decade", MON, "2016-02-24", "2026-02-23", P.YEAR),
    ("for three years", MON, "2023-02-24", "2026-02-23", P.YEAR),
    ("in a decade", MON, "2016-02-24", "2026-02-23", P.YEAR),
    ("by Friday", MON, "2026-02-20", "2026-02-20", P.DAY),
    ("until 2019", MON, "2019-01-01", "2019-12-31", P.YEAR),
]

FUTURE = [
    ("at the end of the summer", MON, "2026-08-01", "2026-08-31", P.MONTH),
    ("by the end of the summer", MON, "2026-02-23", "2026-08-31", P.YEAR),
    ("next spring", MON, "2026-03-01", "2026-05-31", P.YEAR),
    ("on Friday", MON, "2026-02-27", "2026-02-27", P.DAY),
    ("on Monday", MON, "2026-02-23", "2026-02-23", P.DAY),
    ("Sunday", MON, "2026-03-01", "2026-03-01", P.DAY),
    ("on Friday", THU, "2026-02-27", "2026-02-27", P.DAY),
    ("on Thursday", THU, "2026-02-26", "2026-02-26", P.DAY),
    ("on Monday", NEW_YEAR, "2027-01-04", "2027-01-04", P.DAY),
    ("overnight", MON, "2026-02-23", "2026-02-24", P.DAYS),
    ("this week", MON, "2026-02-23", "2026-03-01", P.WEEK),
    ("later this week", THU, "2026-02-26", "2026-03-01", P.DAYS),
    ("next week", NEW_YEAR, "2027-01-04", "2027-01-10", P.WEEK),
    ("over the weekend", THU, "2026-02-28", "2026-03-01", P.DAYS),
    ("this weekend", MON, "2026-02-28", "2026-03-01", P.DAYS),
    ("later this month", MON, "2026-02-23", "2026-02-28", P.DAYS),
    ("next month", MON, "2026-03-01", "2026-03-31", P.MONTH),
    ("March 5", MON, "2026-03-05", "2026-03-05", P.DAY),
    ("Feb. 20", MON, "2027-02-20", "2027-02-20", P.DAY),
    ("Dec. 30", NEW_YEAR, "2027-12-30", "2027-12-30", P.DAY),
    ("in March", MON, "2026-03-01", "2026-03-31", P.MONTH),
    ("in December", NEW_YEAR, "2027-12-01", "2027-12-31", P.MONTH),
    ("by the end of March", MON, "2026-02-23", "2026-03-31", P.YEAR),
    ("within weeks", MON, "2026-02-23", "2026-04-06", P.YEAR),
    ("in two weeks", MON, "2026-03-09", "2026-03-09", P.DAY),
    ("in the coming weeks", MON, "2026-03-02", "2026-04-06", P.YEAR),
    ("in the next two weeks", MON, "2026-02-23", "2026-03-09", P.MONTH),
    ("for three months", MON, "2026-02-23", "2026-05-24", P.YEAR),
    ("last week", MON, "2026-02-16", "2026-02-22", P.WEEK),  # the words decide, not the tense
    ("yesterday", MON, "2026-02-22", "2026-02-22", P.DAY),
]

EXPECTED_ENDS = [
    ("approximately a month", "2026-03-18", "2026-04-02", P.MONTH),  # 30 days +-25%
    ("several weeks", "2026-03-09", "2026-04-06", P.MONTH),
    ("within weeks", "2026-02-23", "2026-04-06", P.YEAR),
    ("a few days", "2026-02-25", "2026-03-01", P.DAYS),
    ("by the end of March", "2026-02-23", "2026-03-31", P.YEAR),
    ("in the coming months", "2026-03-25", "2026-08-22", P.YEAR),
    ("two to three weeks", "2026-03-09", "2026-03-16", P.WEEK),
    ("for about three weeks", "2026-03-11", "2026-03-21", P.MONTH),
    ("within the next two weeks", "2026-02-23", "2026-03-09", P.MONTH),
    ("on Friday", "2026-02-27", "2026-02-27", P.DAY),
    ("next month", "2026-03-01", "2026-03-31", P.MONTH),
    ("until the end of March", "2026-03-25", "2026-03-31", P.WEEK),
    ("30-day", "2026-03-25", "2026-03-25", P.DAY),
]

DURATIONS = [  # expression, low days, high days
    ("two years", 730, 730),
    ("a decade", 3652, 3652),
    ("more than a decade", 3652, 5478),
    ("for three years", 1095, 1095),
    ("a month and a half", 45, 45),
    ("approximately a month", 22.5, 37.5),
    ("about three weeks", 15.75, 26.25),
    ("three weeks or so", 15.75, 26.25),
    ("nearly two years", 584, 730),
    ("at least two weeks", 14, 21),
    ("less than a week", 0, 7),
    ("several weeks", 14, 42),
    ("a few days", 2, 6),
    ("a couple of weeks", 14, 21),
    ("dozens of days", 24, 99),
    ("two to three weeks", 14, 21),
    ("2-3 weeks", 14, 21),
    ("between two and three weeks", 14, 21),
    ("two or three weeks", 14, 21),
    ("twenty-four hours", 1, 1),
    ("48 hours", 2, 2),
    ("one and a half years", 547.5, 547.5),
    ("half a year", 182.5, 182.5),
    ("two days of fighting", 2, 2),
    ("within weeks", 14, 42),
    ("two-week", 14, 14),
    ("forty days", 40, 40),
    ("over the past two weeks", 14, 14),
]

NOT_DURATIONS = ["two", "weeks of", "banana", "", "Monday", "a week and", "forty two hundred days", "five"]

# Neither a point nor a range in time: pure durations, event-relative or open-ended phrases, nonsense.
UNRESOLVED = [
    "several weeks",
    "more than a decade",
    "two days of fighting",
    "a month and a half",
    "the next day",
    "the previous week",
    "two days later",
    "after March 5",
    "before Monday",
    "February 30",
    "2023-02-30",
    "from March 10 to March 5",
    "in the past",
    "banana",
    "",
    "   ",
]

FOUND = [  # expression -> the span the finder gives for it inside a sentence
    *[(e, e) for e, *_ in PAST if e != "Monday's" and not e.startswith("from ")],
    *[(e, e) for e, *_ in FUTURE],
    ("two days of fighting", "two days"),
    ("more than a decade", "more than a decade"),
    ("approximately a month", "approximately a month"),
    ("several weeks", "several weeks"),
    ("a few days", "a few days"),
    ("two to three weeks", "two to three weeks"),
    ("in the coming months", "in the coming months"),
]


@pytest.mark.parametrize(("expression", "anchor", "start", "end", "precision"), PAST)
def test_resolves_past_copy(expression: str, anchor: date, start: str, end: str, precision: P) -> None:
    span = resolve_time(expression, anchor)
    assert span is not None
    assert (span.start, span.end, span.precision) == (d(start), d(end), precision)
    assert span.text == expression


@pytest.mark.parametrize(("expression", "anchor", "start", "end", "precision"), FUTURE)
def test_resolves_future_copy(expression: str, anchor: date, start: str, end: str, precision: P) -> None:
    span = resolve_time(expression, anchor, future=True)
    assert span is not None
    assert (span.start, span.end, span.precision) == (d(start), d(end), precision)


@pytest.mark.parametrize("expression", UNRESOLVED)
def test_leaves_what_is_no_point_in_time_unresolved(expression: str) -> None:
    assert resolve_time(expression, MON) is None


@pytest.mark.parametrize(("expression", "start", "end", "precision"), EXPECTED_ENDS)
def test_resolves_expected_end(expression: str, start: str, end: str, precision: P) -> None:
    span = resolve_expected_end(expression, MON)
    assert span is not None
    assert (span.start, span.end, span.precision) == (d(start), d(end), precision)


@pytest.mark.parametrize("expression", ["since March", "last month", "banana", "after March", "yesterday"])
def test_expected_end_is_none_when_it_is_no_end(expression: str) -> None:
    assert resolve_expected_end(expression, MON) is None


@pytest.mark.parametrize(("expression", "low", "high"), DURATIONS)
def test_parses_durations(expression: str, low: float, high: float) -> None:
    assert parse_duration(expression) == (timedelta(days=low), timedelta(days=high))


@pytest.mark.parametrize("expression", NOT_DURATIONS)
def test_rejects_what_is_no_duration(expression: str) -> None:
    assert parse_duration(expression) is None


@pytest.mark.parametrize(
    ("days", "precision"),
    [
        (1, P.DAY),
        (2, P.DAYS),
        (6, P.DAYS),
        (7, P.WEEK),
        (8, P.WEEK),
        (9, P.MONTH),
        (31, P.MONTH),
        (32, P.YEAR),
    ],
)
def test_precision_follows_span_length(days: int, precision: P) -> None:
    assert precision_for(MON, MON + timedelta(days=days - 1)) is precision


@pytest.mark.parametrize(("expression", "expected"), FOUND)
def test_finds_each_expression_inside_a_sentence(expression: str, expected: str) -> None:
    text = f"The ministry said the fighting resumed {expression}, residents said."
    found = [text[start:end] for start, end in find_time_expressions(text)]
    assert found == [expected]


def test_finds_exact_offsets_in_wire_copy() -> None:
    text = (
        "BEIRUT, Feb 23 (Reuters) - U.S. troops, stationed in Syria for more than a decade, began "
        "leaving the base on Monday morning, two days after clashes that broke out late on Sunday. "
        "The withdrawal, expected to take approximately a month, follows talks held since March 2024 "
        "and a deal signed on Feb. 21, officials said on Monday's call."
    )
    expected = [
        "Feb 23",
        "for more than a decade",
        "on Monday morning",
        "two days",
        "late on Sunday",
        "approximately a month",
        "since March 2024",
        "on Feb. 21",
        "on Monday",
    ]
    spans = find_time_expressions(text)
    assert [text[s:e] for s, e in spans] == expected
    assert spans[2] == (text.index("on Monday morning"), text.index("on Monday morning") + 17)


@pytest.mark.parametrize(
    "text",
    [
        "Protesters may march on the capital.",
        "The army sent 2000 troops and 2023 vehicles.",
        "In the past, the base was a school.",
        "The day was long.",
    ],
)
def test_finds_nothing_where_there_is_no_date(text: str) -> None:
    assert find_time_expressions(text) == []


def test_malformed_word_lists_raise_data_error(tmp_path, monkeypatch) -> None:
    bad = tmp_path / "temporal.toml"
    bad.write_text("[months]\nmarch = 13\n")
    monkeypatch.setattr(dates, "_VOCABULARY_FILE", bad)
    dates.temporal_vocabulary.cache_clear()
    try:
        with pytest.raises(DataError):
            dates.temporal_vocabulary()
    finally:
        monkeypatch.undo()
        dates.temporal_vocabulary.cache_clear()
    assert dates.temporal_vocabulary().months["march"] == 3


# Text made of the words the grammar knows, punctuation and anything else, so that the
# properties below exercise the patterns and not only text that matches nothing.
_WORDS = st.sampled_from(
    "on in since by for within the of last next this past recent coming early mid- late end "
    "Monday Sunday weekend week month year weeks days March May Feb. 5 21 2019 2024 2024-03-05 "
    "a two several few more than about approximately and half ago - , . 's overnight yesterday".split()
)
_TEXT = st.one_of(st.text(), st.lists(st.one_of(_WORDS, st.text(max_size=3)), max_size=12).map(" ".join))


@settings(max_examples=300, deadline=None)
@given(_TEXT)
def test_found_spans_are_sorted_disjoint_and_in_bounds(text: str) -> None:
    spans = find_time_expressions(text)
    assert all(0 <= start < end <= len(text) for start, end in spans)
    assert all(a_end <= b_start for (_, a_end), (b_start, _) in zip(spans, spans[1:], strict=False))


@settings(max_examples=300, deadline=None)
@given(_TEXT, st.dates(), st.booleans())
def test_resolving_any_text_never_raises(text: str, anchor: date, future: bool) -> None:
    for span in (resolve_time(text, anchor, future=future), resolve_expected_end(text, anchor)):
        assert span is None or span.start <= span.end
    duration = parse_duration(text)
    assert duration is None or timedelta(0) <= duration[0] <= duration[1]


def test_a_datetime_anchor_counts_as_its_day() -> None:
    span = resolve_time("on Saturday", datetime(2026, 2, 23, 14, 30))
    assert span is not None and (span.start, span.end) == (d("2026-02-21"), d("2026-02-21"))


def _without_cues(text: str) -> list[tuple[int, int]]:
    """What the finder gives when every pattern is tried on every text, whatever cue words it holds."""
    _, patterns = dates._patterns()
    spans = [m.span() for _, p, keep in patterns for m in p.finditer(text) if keep is None or keep(m)]
    return dates._longest_first(spans)


CUE_EDGE_CASES = [
    "Fighting flared in midMarch, officials said.",
    "Fighting flared again by mid-May, officials said.",
    "MARCH 2024 and march 2024 are not dates, but March 2024 is.",
    "The Midday prayers on Friday, then 3days later a two weeks-long lull.",
    "Since 2019, over 1,000 troops came; on 2024-03-05 and in Sept. 5, 2024 more.",
    "Strikes overnight into Tuesday and fortnightly patrols in recent weeks.",
    "They left today; tonight's convoy and last night's attack; the weekend before.",
]


@pytest.mark.parametrize("text", CUE_EDGE_CASES)
def test_cue_words_never_hide_an_expression(text: str) -> None:
    assert list(find_time_expressions(text)) == _without_cues(text)


def test_cue_words_never_hide_an_expression_in_the_example_article(seed_path) -> None:
    for line in seed_path.read_text().splitlines():
        assert list(find_time_expressions(line)) == _without_cues(line)


@pytest.mark.parametrize(
    "text",
    ["After the fall of Kabul the army left.", "The Arab Spring protests began.", "A spring offensive."],
)
def test_a_season_word_unframed_or_a_fall_is_no_time(text: str) -> None:
    assert find_time_expressions(text) == []

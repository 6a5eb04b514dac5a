"""Resolve the temporal expressions of wire copy to dates, against a dateline.

The anchor is the dateline, or the date of the reported speech. `future=True` when the verb is
future or expected ("will leave on Friday"). Anything not understood resolves to None; any string
may be passed in and none raises.

Conventions:
- Weekdays: past copy names the most recent such day on or before the anchor (the anchor's own
  weekday is the anchor), future copy the next one on or after it. "last Monday" is strictly
  before the anchor (written a day or two after a Monday, it spans that Monday and the one a week
  before: both readings are in use), "next Monday" strictly after. "late on"/"early"/"Sunday night"
  keep the day.
  "overnight" is anchor-1..anchor (future: anchor..anchor+1); "overnight on Sunday" is Sunday
  night (Sunday..Monday), or Saturday..Sunday when that Monday is after the anchor in past copy.
- "yesterday"/"last night" = anchor-1, "today"/"tonight"/"this morning" = anchor, "tomorrow" = +1.
- Weekend: the most recent Saturday..Sunday whose Saturday is on or before the anchor (the current
  one on a Saturday or Sunday); future copy the first one whose Sunday is on or after it.
  "last weekend" ends strictly before the anchor, "next weekend" starts strictly after it.
- Calendar periods: "last week" = the previous Monday..Sunday, "last month"/"last year" the
  previous calendar month/year, "next ..." likewise. "this week"/"earlier this week" = Monday of
  the anchor's week..anchor ("this month"/"this year" alike); "later this week", or "this week" in
  future copy, = anchor..Sunday. Parts ("early", "mid", "late", "the end of", ...) of a week,
  month or year come from temporal.toml: early 1-10, mid 11-20, late 21-end of a month, its end
  = its last 7 days; early Jan-Apr, mid May-Aug, late Sep-Dec, end = December of a year.
- Rolling periods count back from the anchor: "in the past two weeks" = anchor-14..anchor,
  "in recent days" = anchor-7..anchor, "in recent weeks" = anchor-28..anchor (recent months 180,
  years 1825 days); "in the coming weeks" = anchor+1 week..anchor+6 weeks (any unit: 1..6 units),
  "in the next two weeks" = anchor..anchor+14. "the next day"/"the previous week" are relative to
  another event, not to the dateline: None.
- Explicit dates without a year: past copy takes the latest occurrence not more than 7 days after
  the anchor (copy seldom names a date a year back without its year; a date just ahead is an
  upcoming event); future copy the first occurrence ending on or after the anchor. Months and
  parts of months without a year: the latest one starting on or before the anchor (future: the
  first one ending on or after it). "March 5-7" and "from X to Y"/"between X and Y" are ranges.
- "N units ago": that day for days and weeks, that calendar month for months, that calendar year
  for years; a vague or approximate amount gives the range it allows.
- Prepositions: "since X" = X's start..anchor. "by/until/through X" = anchor..X's end in future
  copy, X itself in past copy. "before/after X" are open-ended: None.
- Durations (see parse_duration) are no point in time and resolve to None unless framed:
  "for/over X" = anchor-low..anchor (future: anchor..anchor+low, low = the least the wording
  allows, so "for more than a decade" covers the ten years it certainly did); "within X" =
  anchor..anchor+high in future copy; "in X" = anchor+low..anchor+high in future copy and
  anchor-high..anchor in past copy ("the worst fighting in a decade").
- Precision from the span, counting both ends: 1 day DAY, 2-6 DAYS, 7-8 WEEK (a calendar week,
  or the 7 days before the anchor with it), 9-31 MONTH, longer YEAR.

Durations: a month is 30 days, a year 365. Qualifiers scale the amount (temporal.toml):
"about/approximately/roughly/around/some X" = 75%..125% of X, "nearly/almost X" = 80%..100%,
"more than/over/at least X" = 100%..150%, "less than/up to X" = 0..100%. Vague counts:
"a few"/"several" = 2..6, "a couple of" = 2..3, "many" = 3..10, "dozens of" = 24..99; a bare
plural ("within weeks") counts as "several".

Expected ends (resolve_expected_end, from the start of what is expected to end): "by/before X" =
start..X's end; "within X" = start..start+high; any other duration = start+low..start+high
("several weeks" = start+14..start+42, "approximately a month" = start+23..start+38); a point in
time ("on Friday", "next month", "in the coming months") resolves as future copy from the start.
"""

from __future__ import annotations

import calendar
import functools
import re
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import TypeVar

from sitroom.extract.dates import (
    count_range,
    duration_days,
    normalize_expression,
    temporal_vocabulary,
    tie_offsets,
    words_pattern,
)
from sitroom.records import DatePrecision, TimeSpan

Range = tuple[date, date]
T = TypeVar("T")

_PREPOSITIONS = (
    "as of|no later than|throughout|through|during|between|within|since|until|till|before|after"
    "|from|over|for|on|in|at|by"
)
_UNTIL = {"by", "no later than", "until", "till", "through"}
_DEADLINE = {"by", "no later than", "before"}
_OVER = {"for", "over", "throughout", "during"}
_DAY_OFFSETS = {"yesterday": -1, "last night": -1, "tomorrow": 1}
_PART_ALIASES = {"start": "beginning", "earlier": "early", "later": "late"}
_DATE_SLACK_DAYS = 7  # a yearless date this far after the anchor is upcoming, not a year back
_COMING_UNITS = (1, 6)  # "in the coming weeks": one to six weeks ahead


def precision_for(start: date, end: date) -> DatePrecision:
    """The UCDP precision of a span, from its length counting both ends."""
    days = (end - start).days + 1
    if days <= 1:
        return DatePrecision.DAY
    if days <= 6:
        return DatePrecision.DAYS
    if days <= 8:
        return DatePrecision.WEEK
    return DatePrecision.MONTH if days <= 31 else DatePrecision.YEAR


def resolve_time(expression: str, anchor: date, *, future: bool = False) -> TimeSpan | None:
    """The date or range `expression` refers to, read against `anchor`; None when unsure."""
    try:
        return _time_span(_resolve(normalize_expression(expression), _day(anchor), future), expression)
    except (ValueError, OverflowError):  # impossible dates, dates beyond year 1..9999
        return None


def resolve_tie(phrase: str, told_before: TimeSpan, report: date) -> TimeSpan | None:
    """When an event tied to the one told before happened: "the same day" is that event's day, "two days
    later" two days after, "later" any day from it to the report. Never after the report."""
    offsets = tie_offsets(phrase)
    if offsets is None:
        start, end = told_before.start, max(told_before.end, report)
    else:
        start = told_before.start + timedelta(days=offsets[0])
        end = told_before.end + timedelta(days=offsets[1])
    if start > report:
        return None
    end = min(end, report)
    return TimeSpan(start, end, precision_for(start, end), phrase)


def resolve_expected_end(expression: str, start: date) -> TimeSpan | None:
    """When something expected, starting at `start`, will end; None when unsure."""
    try:
        return _time_span(_expected_end(normalize_expression(expression), _day(start)), expression)
    except (ValueError, OverflowError):
        return None


def parse_duration(expression: str) -> tuple[timedelta, timedelta] | None:
    """The (low, high) length of a duration phrase ("about a month", "two to three weeks")."""
    try:
        found = duration_days(normalize_expression(expression))
        return None if found is None else (_to_timedelta(found[0]), _to_timedelta(found[1]))
    except (ValueError, OverflowError):
        return None


def _day(value: date) -> date:
    """A datetime compares with no date: keep its day."""
    return value.date() if isinstance(value, datetime) else value


def _to_timedelta(days: float) -> timedelta:
    return timedelta(seconds=round(days * 86400))  # whole seconds: unit lengths are decimal fractions


def _time_span(found: Range | None, expression: str) -> TimeSpan | None:
    if found is None or found[1] < found[0]:
        return None
    return TimeSpan(found[0], found[1], precision_for(*found), expression.strip())


@functools.cache
def _grammar() -> dict[str, re.Pattern[str]]:
    v = temporal_vocabulary()
    month, weekday, unit = words_pattern(v.months), words_pattern(v.weekdays), words_pattern(v.units)
    season = words_pattern(v.seasons)
    part = r"(?P<part>early|mid|late|earlier|later|(?:the )?(?:end|beginning|start|middle) of)"
    daypart = r"(?:morning|afternoon|evening|night)"
    sources = {
        "preposition": rf"(?P<prep>{_PREPOSITIONS}) (?P<core>.+)",
        "two": r"(?:from|between) (?P<a>.+?) (?:to|and|until|till|through|-) (?P<b>.+)",
        "iso": r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})",
        "date": rf"(?:(?:the )?{weekday} )?(?:(?P<m1>{month}) (?P<d1>\d{{1,2}})"
        rf"(?: ?(?:-|to|and|through) ?(?P<e1>\d{{1,2}}))?|(?:the )?(?P<d2>\d{{1,2}})"
        rf"(?: ?(?:-|to|and) ?(?P<e2>\d{{1,2}}))? (?:of )?(?P<m2>{month}))(?: (?P<y>\d{{4}}))?",
        "ago": r"(?P<amount>.+) ago",
        "day_word": r"(?:(?:earlier|later|early|late) (?:on )?)?(?P<word>today|tonight|yesterday|tomorrow"
        rf"|overnight|last night|this (?:morning|afternoon|evening))(?: {daypart})?",
        "weekday": rf"(?:(?P<mod>last|this|next|overnight|earlier|later|early|late)(?: on)? "
        rf"|(?:the )?{daypart} of )?(?P<day>{weekday})(?: {daypart})?",
        "weekend": r"(?P<mod>the|this|last|next) weekend",
        "calendar": rf"(?:{part} ?)?(?P<rel>this|last|next|the) (?P<unit>week|month|year)",
        "rolling": rf"(?:the )?(?P<dir>past|last|previous|coming|next|recent) (?:(?P<n>.+?) )?"
        rf"(?P<unit>{unit})(?P<plural>s)?",
        "month_year": rf"(?:{part} (?:in )?)?(?:(?P<m>{month})(?: (?P<y>\d{{4}}))?|(?P<yo>\d{{4}}))",
        "season": rf"(?:{part} (?:in )?(?:the )?)?(?:(?P<rel>this|last|next|the) )?(?P<season>{season})"
        rf"(?: (?:of )?(?P<y>\d{{4}}))?",
    }
    return {name: re.compile(source) for name, source in sources.items()}


def _resolve(text: str, anchor: date, future: bool) -> Range | None:
    if (pair := _range_of_two(text, anchor, future)) is not None:
        return pair
    prep, core = _split_preposition(text)
    point = _point(core, anchor, future and prep != "since")
    if point is not None:
        return _with_point(prep, point, anchor, future)
    duration = duration_days(core)
    return None if duration is None else _with_duration(prep, duration, anchor, future)


def _split_preposition(text: str) -> tuple[str | None, str]:
    match = _grammar()["preposition"].fullmatch(text)
    return (match["prep"], match["core"]) if match else (None, text)


def _with_point(prep: str | None, point: Range, anchor: date, future: bool) -> Range | None:
    if prep == "since":
        return (point[0], anchor) if point[0] <= anchor else None
    if prep in ("before", "after"):  # open-ended
        return None
    if prep in _UNTIL and future and point[1] >= anchor:
        return anchor, point[1]
    return point


def _with_duration(prep: str | None, days: tuple[float, float], anchor: date, future: bool) -> Range | None:
    low, high = (timedelta(days=_whole_days(d)) for d in days)
    if prep in _OVER:
        return (anchor, anchor + low) if future else (anchor - low, anchor)
    if prep == "within" and future:
        return anchor, anchor + high
    if prep == "in":
        return (anchor + low, anchor + high) if future else (anchor - high, anchor)
    return None  # a bare duration is no point in time


def _expected_end(text: str, start: date) -> Range | None:
    prep, core = _split_preposition(text)
    point = _point(core, start, True)
    if point is not None:
        if point[1] < start or prep in ("since", "after"):  # no end, or an open one
            return None
        return (start, point[1]) if prep in _DEADLINE else point
    duration = duration_days(core)
    if duration is None or prep in ("since", "before", "by"):
        return None
    low, high = (timedelta(days=_whole_days(d)) for d in duration)
    return (start, start + high) if prep == "within" else (start + low, start + high)


def _whole_days(days: float) -> int:
    return int(days + 0.5)


def _point(text: str, anchor: date, future: bool) -> Range | None:
    """A date or range named by `text` alone (no leading preposition)."""
    for handler in _HANDLERS:
        if (found := handler(text, anchor, future)) is not None:
            return found
    return None


def _range_of_two(text: str, anchor: date, future: bool) -> Range | None:
    match = _grammar()["two"].fullmatch(text)
    if match is None:
        return None
    first, second = _point(match["a"], anchor, future), _point(match["b"], anchor, future)
    if first is None or second is None or second[1] < first[0]:
        return None
    return first[0], second[1]


def _explicit_date(text: str, anchor: date, future: bool) -> Range | None:
    if iso := _grammar()["iso"].fullmatch(text):
        day = date(int(iso["y"]), int(iso["m"]), int(iso["d"]))
        return day, day
    match = _grammar()["date"].fullmatch(text)
    if match is None:
        return None
    month = temporal_vocabulary().months[match["m1"] or match["m2"]]
    first = int(match["d1"] or match["d2"])
    last = int(match["e1"] or match["e2"] or first)

    def in_year(year: int) -> Range:
        if last < first:
            raise ValueError("day range out of order")
        return date(year, month, first), date(year, month, last)

    if match["y"]:
        return in_year(int(match["y"]))
    return _nearest_year(in_year, anchor, future, slack_days=_DATE_SLACK_DAYS)


def _nearest_year(
    in_year: Callable[[int], Range], anchor: date, future: bool, slack_days: int = 0
) -> Range | None:
    """The occurrence of a yearless date or period nearest the anchor, on the side the tense says."""
    found = []
    for year in range(anchor.year - 4, anchor.year + 5):  # four years back: February 29
        try:
            found.append(in_year(year))
        except ValueError:
            continue
    if future:
        return min((r for r in found if r[1] >= anchor), default=None)
    limit = anchor + timedelta(days=slack_days)
    return max((r for r in found if r[0] <= limit), default=None)


def _ago(text: str, anchor: date, future: bool) -> Range | None:
    match = _grammar()["ago"].fullmatch(text)
    duration = duration_days(match["amount"]) if match else None
    if duration is None:
        return None
    low, high = (_whole_days(d) for d in duration)
    if low != high:
        return anchor - timedelta(days=high), anchor - timedelta(days=low)
    day = anchor - timedelta(days=low)
    if low < 28:
        return day, day
    if low < 365:
        return _month_range(day.year, day.month)
    return date(day.year, 1, 1), date(day.year, 12, 31)


def _day_word(text: str, anchor: date, future: bool) -> Range | None:
    match = _grammar()["day_word"].fullmatch(text)
    if match is None:
        return None
    if match["word"] == "overnight":
        return (anchor, anchor + timedelta(days=1)) if future else (anchor - timedelta(days=1), anchor)
    day = anchor + timedelta(days=_DAY_OFFSETS.get(match["word"], 0))
    return day, day


def _weekday(text: str, anchor: date, future: bool) -> Range | None:
    match = _grammar()["weekday"].fullmatch(text)
    if match is None:
        return None
    day = _weekday_date(anchor, temporal_vocabulary().weekdays[match["day"]], match["mod"], future)
    if match["mod"] == "last" and not future and (anchor - day).days <= _LAST_IS_AMBIGUOUS_DAYS:
        # "last Wednesday" written on a Thursday: yesterday, or the Wednesday of the week before
        return day - timedelta(days=7), day
    if match["mod"] != "overnight":
        return day, day
    after = day + timedelta(days=1)
    return (day - timedelta(days=1), day) if after > anchor and not future else (day, after)


# "last <weekday>" names the most recent such day, or, when that day is this close, perhaps the one
# a week before it (writers name yesterday "on Wednesday" more often than "last Wednesday").
_LAST_IS_AMBIGUOUS_DAYS = 2


def _weekday_date(anchor: date, weekday: int, mod: str | None, future: bool) -> date:
    back = (anchor.weekday() - weekday) % 7
    ahead = (weekday - anchor.weekday()) % 7
    if mod == "last":
        return anchor - timedelta(days=back or 7)
    if mod == "next":
        return anchor + timedelta(days=ahead or 7)
    return anchor + timedelta(days=ahead) if future else anchor - timedelta(days=back)


def _weekend(text: str, anchor: date, future: bool) -> Range | None:
    match = _grammar()["weekend"].fullmatch(text)
    if match is None:
        return None
    weekday = anchor.weekday()
    if match["mod"] == "last":
        sunday = anchor - timedelta(days=(weekday - 6) % 7 or 7)
    elif match["mod"] == "next":
        sunday = anchor + timedelta(days=((5 - weekday) % 7 or 7) + 1)
    elif future:
        sunday = anchor + timedelta(days=(6 - weekday) % 7)
    else:
        sunday = anchor - timedelta(days=(weekday - 5) % 7) + timedelta(days=1)
    return sunday - timedelta(days=1), sunday


def _calendar(text: str, anchor: date, future: bool) -> Range | None:
    match = _grammar()["calendar"].fullmatch(text)
    if match is None:
        return None
    part, rel, unit = _part_word(match["part"]), match["rel"], match["unit"]
    if rel == "the" and part is None:
        return None
    offset = {"last": -1, "next": 1}.get(rel, 0)
    start, end = _calendar_period(anchor, unit, offset)
    if offset == 0 and part in (None, "earlier", "later"):
        ahead = part == "later" or (part is None and future)
        return (anchor, end) if ahead else (start, anchor)
    return _sub_period(start, end, unit, part) if part else (start, end)


def _calendar_period(anchor: date, unit: str, offset: int) -> Range:
    if unit == "week":
        monday = anchor - timedelta(days=anchor.weekday()) + timedelta(weeks=offset)
        return monday, monday + timedelta(days=6)
    if unit == "month":
        year, month0 = divmod(anchor.year * 12 + anchor.month - 1 + offset, 12)
        return _month_range(year, month0 + 1)
    return date(anchor.year + offset, 1, 1), date(anchor.year + offset, 12, 31)


def _rolling(text: str, anchor: date, future: bool) -> Range | None:
    match = _grammar()["rolling"].fullmatch(text)
    if match is None:
        return None
    direction, unit, plural = match["dir"], match["unit"], bool(match["plural"])
    vocabulary = temporal_vocabulary()
    unit_days, ahead = vocabulary.units[unit], direction in ("coming", "next")
    if match["n"] is not None:
        count = count_range(match["n"])
        length = None if count is None else count[1] * unit_days
    elif plural and ahead:
        low, high = (timedelta(days=_whole_days(n * unit_days)) for n in _COMING_UNITS)
        return anchor + low, anchor + high
    elif plural:
        length = vocabulary.recent.get(unit)
    else:  # "the next day", "the previous week": relative to another event
        length = None if direction in ("next", "previous", "recent") else unit_days
    if length is None:
        return None
    span = timedelta(days=_whole_days(length))
    return (anchor, anchor + span) if ahead else (anchor - span, anchor)


def _month_or_year(text: str, anchor: date, future: bool) -> Range | None:
    match = _grammar()["month_year"].fullmatch(text)
    part = _part_word(match["part"]) if match else None
    if match is None or part in ("earlier", "later"):
        return None
    if match["yo"]:
        year = int(match["yo"])
        whole = date(year, 1, 1), date(year, 12, 31)
        return _sub_period(*whole, "year", part) if part else whole

    month = temporal_vocabulary().months[match["m"]]

    def in_year(year: int) -> Range:
        whole = _month_range(year, month)
        return _sub_period(*whole, "month", part) if part else whole

    return in_year(int(match["y"])) if match["y"] else _nearest_year(in_year, anchor, future)


def _season(text: str, anchor: date, future: bool) -> Range | None:
    """ "the summer", "last winter", "the end of the summer", "the summer of 2021": three months from the
    season's first; without a year the nearest one on the tense's side, "last"/"next" the one before or
    after the anchor's own."""
    match = _grammar()["season"].fullmatch(text)
    part = _part_word(match["part"]) if match else None
    if match is None or part in ("earlier", "later"):
        return None
    first = temporal_vocabulary().seasons[match["season"]]

    def in_year(year: int) -> Range:
        months = [(year + (first + i - 1) // 12, (first + i - 1) % 12 + 1) for i in range(3)]
        if part:
            low, high = temporal_vocabulary().parts["season"][_PART_ALIASES.get(part, part)]
            months = [_slot(months, low), _slot(months, high)]
        return _month_range(*months[0])[0], _month_range(*months[-1])[1]

    if match["y"]:
        return in_year(int(match["y"]))
    if match["rel"] == "this":  # the one of the anchor's year (a winter: the one the anchor's January is in)
        return in_year(anchor.year - 1 if first == 12 and anchor.month <= 2 else anchor.year)
    if match["rel"] == "last":
        return max(
            (r for r in map(in_year, range(anchor.year - 2, anchor.year + 1)) if r[1] < anchor), default=None
        )
    if match["rel"] == "next":
        return min(
            (r for r in map(in_year, range(anchor.year - 1, anchor.year + 2)) if r[0] > anchor), default=None
        )
    return _nearest_year(in_year, anchor, future)


def _part_word(words: str | None) -> str | None:
    """'the end of' -> 'end', 'mid' -> 'mid'."""
    return None if words is None else words.removeprefix("the ").split()[0]


def _sub_period(start: date, end: date, unit: str, part: str) -> Range:
    first, last = temporal_vocabulary().parts[unit][_PART_ALIASES.get(part, part)]
    if unit == "year":
        months = list(range(1, 13))
        return date(start.year, _slot(months, first), 1), _month_range(start.year, _slot(months, last))[1]
    days = [start + timedelta(days=i) for i in range((end - start).days + 1)]
    return _slot(days, first), _slot(days, last)


def _slot(items: list[T], number: int) -> T:
    """The `number`th item counting from 1, or from the end when negative."""
    return items[number - 1] if number > 0 else items[number]


def _month_range(year: int, month: int) -> Range:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


_HANDLERS = (
    _explicit_date,
    _ago,
    _day_word,
    _weekday,
    _weekend,
    _calendar,
    _rolling,
    _month_or_year,
    _season,
)

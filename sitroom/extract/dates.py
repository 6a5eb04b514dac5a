"""Find the temporal expressions of wire copy in plain text.

`find_time_expressions` returns character spans; `sitroom.resolve.time` turns the words of a span
into dates. Finding is regex over word lists (`sitroom/data/temporal.toml`), no model involved.
This module also reads the words of an expression for the resolver: `temporal_vocabulary`,
`normalize_expression`, `duration_days` and `count_range`.

Span conventions:
- A span covers the whole expression including a leading preposition that changes its meaning
  or that the resolver reads ("on Monday", "since March 2024", "by the end of March",
  "in recent weeks", "over the weekend", "for three years", "within weeks").
- A duration span covers the amount and its unit, not what lasts: "two days of fighting"
  gives "two days"; "three weeks ago" is kept whole because "ago" makes it a date.
- A possessive is left out ("Monday's attack" gives "Monday").
- Month names must be capitalised ("may", "march" are common verbs). A bare month or a bare
  year is taken only after a preposition or a part word ("in May", "since 2019", "mid-March",
  "early 2023") or together ("March 2024"), so that "2000 troops" is not a date.
- Overlapping matches are settled longest first, then leftmost; the result is sorted.
"""

from __future__ import annotations

import bisect
import functools
import re
import tomllib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from sitroom import data
from sitroom.errors import DataError

_VOCABULARY_FILE = data.path("temporal.toml")
# Slots a part of a period may name: days of a week, days of the shortest month, months.
_SLOT_LIMITS = {"week": 7, "month": 28, "year": 12, "season": 3}

Pair = tuple[float, float]


@dataclass(frozen=True, slots=True)
class TemporalVocabulary:
    """The word lists of temporal.toml, checked and typed."""

    months: Mapping[str, int]
    weekdays: Mapping[str, int]
    numbers: Mapping[str, float]
    vague: Mapping[str, Pair]  # vague count -> (low, high)
    units: Mapping[str, float]  # unit -> length in days
    qualifiers: Mapping[str, Pair]  # qualifier word -> (low, high) factor
    recent: Mapping[str, float]  # unit -> days covered by "in recent <units>"
    parts: Mapping[str, Mapping[str, tuple[int, int]]]  # period unit -> part -> slots
    seasons: Mapping[str, int]  # season -> its first month


@functools.cache
def temporal_vocabulary() -> TemporalVocabulary:
    """The word lists, read once. Raises DataError when the file is missing or malformed."""
    try:
        with _VOCABULARY_FILE.open("rb") as f:
            return _vocabulary_from(tomllib.load(f))
    except (OSError, tomllib.TOMLDecodeError, KeyError, TypeError, ValueError, AttributeError) as exc:
        raise DataError(f"cannot read temporal word lists from {_VOCABULARY_FILE}: {exc}") from exc


def _vocabulary_from(raw: dict) -> TemporalVocabulary:
    return TemporalVocabulary(
        months={k: _month_number(v) for k, v in raw["months"].items()},
        weekdays={k: int(v) % 7 for k, v in raw["weekdays"].items()},
        numbers={k: float(v) for k, v in raw["numbers"].items()},
        vague={k: _pair(v) for k, v in raw["vague"].items()},
        units={k: float(v) for k, v in raw["units"].items()},
        qualifiers={w: _pair(q["factor"]) for q in raw["qualifiers"].values() for w in q["words"]},
        recent={k: float(v) for k, v in raw["recent"].items()},
        parts={unit: _parts(unit, table) for unit, table in raw["parts"].items()},
        seasons={k: _month_number(v) for k, v in raw["seasons"].items()},
    )


def _month_number(value: object) -> int:
    number = int(value)  # type: ignore[call-overload]
    if not 1 <= number <= 12:
        raise ValueError(f"month number out of range: {number}")
    return number


def _pair(value: list) -> Pair:
    low, high = (float(x) for x in value)
    if high < low:
        raise ValueError(f"pair out of order: {value}")
    return low, high


def _parts(unit: str, table: dict) -> dict[str, tuple[int, int]]:
    limit = _SLOT_LIMITS[unit]
    slots = {part: (int(first), int(last)) for part, (first, last) in table.items()}
    if any(not 0 < abs(n) <= limit for pair in slots.values() for n in pair):
        raise ValueError(f"a part of a {unit} names a slot outside 1..{limit}")
    return slots


def words_pattern(words: Iterable[str]) -> str:
    """A regex alternation of `words`, longest first, a space matching any run of whitespace."""
    escaped = (re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))
    return "(?:" + "|".join(escaped) + ")"


def find_tie(text: str) -> tuple[int, int] | None:
    """The span of the first phrase tying an event to the one told before ("the same day", "two days
    later", "later"), or None."""
    match = _tie_pattern().search(text)
    return match.span() if match else None


@functools.cache
def _tie_pattern() -> re.Pattern[str]:
    raw = _raw_vocabulary()["ties"]
    v = temporal_vocabulary()
    number = rf"(?:\d+|{words_pattern(v.numbers)})"
    counted = rf"{number}\s+{words_pattern(v.units)}s?\s+{words_pattern(raw['counted'])}"
    phrases = words_pattern([*raw["offsets"], *raw["open"]["words"]])
    return re.compile(rf"(?<![\w-])(?:{counted}|{phrases})(?![\w-])", re.IGNORECASE)


@functools.cache
def _raw_vocabulary() -> dict:
    with _VOCABULARY_FILE.open("rb") as f:
        return tomllib.load(f)


def tie_offsets(phrase: str) -> tuple[int, int] | None:
    """The [first, last] days after the event told before that a tie phrase allows; None for an open
    tie ("later": from that event to the report)."""
    raw = _raw_vocabulary()["ties"]
    text = " ".join(phrase.lower().split())
    if text in raw["offsets"]:
        low, high = raw["offsets"][text]
        return int(low), int(high)
    words = text.split()
    if len(words) >= 3 and words[-1] in raw["counted"]:
        v = temporal_vocabulary()
        amount = float(words[0]) if words[0].isdigit() else v.numbers.get(words[0])
        unit = v.units.get(words[-2].rstrip("s")) or v.units.get(words[-2])
        if amount is not None and unit is not None:
            days = round(amount * unit) * int(raw["counted"][words[-1]])
            return days, days
    return None


def find_time_expressions(text: str) -> list[tuple[int, int]]:
    """Character spans (start, end) of temporal expressions: sorted, non-overlapping, longest."""
    return list(_time_expressions(text))


@functools.lru_cache(maxsize=64)  # events and claims both read each sentence's dates
def _time_expressions(text: str) -> tuple[tuple[int, int], ...]:
    cue_words, patterns = _patterns()
    found = _cues(text, cue_words)
    candidates = [
        match.span()
        for needs, pattern, keep in patterns
        if needs & found
        for match in pattern.finditer(text)
        if keep is None or keep(match)
    ]
    return tuple(_longest_first(candidates))


def _longest_first(candidates: list[tuple[int, int]]) -> list[tuple[int, int]]:
    chosen: list[tuple[int, int]] = []
    for start, end in sorted(set(candidates), key=lambda span: (span[0] - span[1], span[0])):
        i = bisect.bisect_left(chosen, (start, end))
        clashes_before = i > 0 and chosen[i - 1][1] > start
        clashes_after = i < len(chosen) and chosen[i][0] < end
        if start < end and not clashes_before and not clashes_after:
            chosen.insert(i, (start, end))
    return chosen


Keep = Callable[[re.Match[str]], bool] | None


Patterns = tuple[tuple[frozenset[str], re.Pattern[str], Keep], ...]
CueWords = Mapping[str, str]  # word -> kind of cue; month names capitalised, other words lower case

# Runs of letters and runs of digits: every cue word of a match is a whole run ("Monday's", "mid-March").
_RUNS = re.compile(r"[^\W\d_]+|\d+")
_DAY_WORDS = "today tonight yesterday tomorrow overnight morning afternoon evening weekend".split()


def _cues(text: str, cue_words: CueWords) -> set[str]:
    """The kinds of cue word a text holds: a weekday, a capitalised month, a unit (or its plural), a
    day word, a run of four or more digits (a year, an ISO date)."""
    found = set()
    for run in _RUNS.findall(text):
        if run[0].isdigit():
            if len(run) >= 4:
                found.add("year")
            continue
        # "midMarch": the part word may run into a month name
        for word in (run, run[3:]) if run[:3].lower() == "mid" else (run,):
            lower = word.lower()
            kind = cue_words.get(word) or cue_words.get(lower)
            if kind is None and lower.endswith("s") and cue_words.get(lower[:-1]) == "unit":
                kind = "unit"
            if kind is not None:
                found.add(kind)
    return found


@functools.cache
def _patterns() -> tuple[CueWords, Patterns]:
    """The cue words, and (cues, pattern, keep) for each kind of expression: every match of a pattern
    holds one of its cues as a whole word. Most sentences hold no date, and looking their words up costs
    far less than trying the long patterns at every character."""
    v = temporal_vocabulary()
    bits = _pattern_bits(v)
    cue_words = {
        **{word: "day_word" for word in _DAY_WORDS},
        **{word: "unit" for word in (*v.units, "week", "month", "year")},
        **{word: "weekday" for word in v.weekdays},
        **{word.capitalize(): "month" for word in v.months},
        **{word: "season" for word in v.seasons},
    }
    sources: list[tuple[set[str], str, Keep]] = [
        ({"weekday"}, _weekday_source(bits), None),
        ({"unit", "day_word"}, _relative_source(bits), None),
        ({"month", "year"}, _explicit_date_source(bits), None),
        ({"month", "year"}, _month_year_source(bits), _names_a_date),
        ({"unit"}, _duration_source(bits), None),
        ({"season"}, _season_source(bits, v), _names_a_season),
    ]
    patterns = tuple(
        (frozenset(needs), re.compile(rf"(?<!\w)(?:{source})(?!\w)", re.IGNORECASE), keep)
        for needs, source, keep in sources
    )
    return cue_words, patterns


def _pattern_bits(v: TemporalVocabulary) -> dict[str, str]:
    full, short = _month_names(v.months)
    units = words_pattern(v.units)
    number_word = words_pattern(v.numbers)
    number = rf"(?:\d+(?:\.\d+)?|{number_word}(?:[\s-]+{number_word})?)"
    return {
        "prep": r"(?:(?:on|in|at|during|over|since|by|until|till|through|throughout|from|for|within"
        r"|between|as\s+of|no\s+later\s+than)\s+)",
        "weekday": words_pattern(v.weekdays),
        "daypart": r"(?:morning|afternoon|evening|night)",
        "month": rf"(?-i:{full}|{short}\.?)",
        "day": r"(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?",
        "days_to": r"\s*(?:-|–|to|and|through)\s*",
        "year": r"(?:1[89]|20)\d\d(?!-\d)",  # not the year of an ISO date
        "part": r"(?:(?:early|late)(?:\s+in)?\s+|mid-?\s*|(?:the\s+)?(?:end|beginning|start|middle)\s+of\s+)",
        "unit": rf"{units}s?",
        "units": rf"{units}s",
        "amount": rf"(?:{number}(?:\s+and\s+a\s+half)?|half\s+an?|{words_pattern(v.vague)})",
        "number": number,
        "qualifier": words_pattern(v.qualifiers),
    }


def _month_names(months: Mapping[str, int]) -> tuple[str, str]:
    """Alternations of capitalised full month names and of their abbreviations."""
    longest: dict[int, str] = {}
    for name, number in months.items():
        if len(name) > len(longest.get(number, "")):
            longest[number] = name
    full = set(longest.values())
    short = set(months) - full
    return words_pattern(n.capitalize() for n in full), words_pattern(n.capitalize() for n in short)


def _weekday_source(b: dict[str, str]) -> str:
    modifier = (
        rf"(?:(?:early|late|earlier|later|overnight)\s+(?:on\s+)?|(?:last|this|next)\s+"
        rf"|(?:the\s+)?{b['daypart']}\s+of\s+)"
    )
    return rf"{b['prep']}?{modifier}?{b['weekday']}(?:\s+{b['daypart']})?"


def _relative_source(b: dict[str, str]) -> str:
    """Days, weekends, calendar weeks, months and years, and rolling periods, relative to the anchor."""
    day_word = (
        rf"(?:(?:early|late|earlier|later)\s+(?:on\s+)?)?(?:today|tonight|yesterday|tomorrow|overnight"
        rf"|last\s+night|this\s+(?:morning|afternoon|evening))(?:\s+{b['daypart']})?"
    )
    weekend = r"(?:the|this|last|next)\s+weekend"
    calendar_part = r"(?:earlier|later|early|late|(?:the\s+)?(?:end|beginning|start|middle)\s+of)\s+|mid-?\s*"
    calendar = (
        rf"(?:{calendar_part})?(?:this|last|next)\s+(?:week|month|year)"
        rf"|(?:the\s+)?(?:end|beginning|start|middle)\s+of\s+the\s+(?:week|month|year)"
    )
    rolling = (
        rf"(?:the\s+)?(?:past|last|previous|coming|next)\s+(?:{b['amount']}\s+)?{b['unit']}"
        rf"|recent\s+{b['units']}"
    )
    return rf"{b['prep']}?(?:{day_word}|{weekend}|{calendar}|{rolling})"


def _explicit_date_source(b: dict[str, str]) -> str:
    lead = rf"{b['prep']}?(?:{b['weekday']},?\s+)?"
    year = rf"(?:,?\s+{b['year']})?"
    month_day = rf"{b['month']}\s+{b['day']}(?:{b['days_to']}{b['day']})?{year}"
    day_month = rf"(?:the\s+)?{b['day']}(?:{b['days_to']}{b['day']})?\s+(?:of\s+)?{b['month']}{year}"
    iso = r"\d{4}-\d{2}-\d{2}"
    return rf"{lead}(?:{month_day}|{day_month})|{b['prep']}?{iso}"


def _month_year_source(b: dict[str, str]) -> str:
    return (
        rf"(?P<prep>{b['prep']})?(?P<part>{b['part']})?"
        rf"(?:(?P<month>{b['month']})(?P<year>,?\s+{b['year']})?|{b['year']})"
    )


def _season_source(b: dict[str, str], v: TemporalVocabulary) -> str:
    """ "in the summer of 2021", "by the end of the summer", "last winter", "late in the autumn"."""
    return (
        rf"(?P<prep>{b['prep']})?(?P<part>{b['part']})?(?P<rel>(?:the|this|last|next)\s+)?"
        rf"{words_pattern(v.seasons)}(?:\s+(?:of\s+)?{b['year']})?"
    )


def _names_a_season(match: re.Match[str]) -> bool:
    """A season is a time only framed: "the summer", "last winter", "in spring" (not "Arab Spring")."""
    return bool(match["prep"] or match["part"] or match["rel"])


def _names_a_date(match: re.Match[str]) -> bool:
    """A bare month or year is a date only after a preposition or a part word, or together."""
    return bool(match["prep"] or match["part"] or (match["month"] and match["year"]))


def _duration_source(b: dict[str, str]) -> str:
    frame = r"(?:(?:for|within|in|over|after|during|throughout|lasting)\s+)"
    amount_range = rf"(?:between\s+)?{b['number']}\s*(?:-|–|to|or|and)\s*{b['number']}"
    trailer = r"(?:\s+(?:ago|later|earlier|or\s+so|or\s+more|or\s+longer))?"
    counted = (
        rf"{frame}?(?:{b['qualifier']}\s+)?(?:{amount_range}|{b['amount']})[\s-]+{b['unit']}"
        rf"(?:\s+and\s+a\s+half)?{trailer}"
    )
    return rf"{counted}|{frame}{b['units']}"


# Reading the words of an expression: what sitroom.resolve.time parses after finding.

# Words around an amount that are no part of it ("for the past two weeks").
_FRAME_WORDS = frozenset("for within in after during throughout lasting the past last next coming".split())
_FRAME_WORDS |= {"previous", "following", "recent"}


def normalize_expression(text: str) -> str:
    """Lower case, single spaces; no possessive, thousands comma, ordinal suffix, abbreviation dot,
    word hyphen ('mid-March', 'two-week', '30-day') or stray punctuation."""
    t = text.lower().replace("\u2019", "'").replace("\u2013", "-").replace("\u2014", "-")
    t = re.sub(r"'s\b", "", t)
    t = re.sub(r"(?<=\d),(?=\d{3})", "", t)
    t = re.sub(r"(?<=\d)(?:st|nd|rd|th)\b", "", t)
    t = re.sub(r"(?<=[a-z])\.", "", t)
    t = re.sub(r"(?<=[a-z])-|-(?=[a-z])", " ", t)
    t = re.sub(r"[,;:()\"!?]", " ", t)
    t = re.sub(r"\bthe (?:early|small|late) hours of\b", "", t)  # a time of day: the day is what counts
    return re.sub(r"\s+", " ", t).strip(" .'")


@functools.cache
def _amount_pattern() -> re.Pattern[str]:
    unit = words_pattern(temporal_vocabulary().units)
    return re.compile(rf"(?P<amount>.*?)\b(?P<unit>{unit})(?P<plural>s)?(?P<half> and a half)?(?P<rest> .+)?")


def duration_days(text: str) -> tuple[float, float] | None:
    """(low, high) days of a normalized duration phrase; framing words ('for the past') are ignored,
    a qualifier may come before ('about') or after ('or so'), 'of fighting'/'ago' after are ignored."""
    match = _amount_pattern().fullmatch(_strip_frame(text))
    if match is None:
        return None
    v = temporal_vocabulary()
    factor, amount = _qualifier(match["amount"].strip())
    rest = (match["rest"] or "").strip()
    if rest in v.qualifiers and factor is None:
        factor = v.qualifiers[rest]
    elif rest and not re.fullmatch(r"of .+|ago|later|earlier|long|old", rest):
        return None
    count = count_range(amount) if amount else v.vague["several"] if match["plural"] else None
    if count is None:
        return None
    half = 0.5 if match["half"] else 0.0
    low_factor, high_factor = factor or (1.0, 1.0)
    unit_days = v.units[match["unit"]]
    return (count[0] + half) * unit_days * low_factor, (count[1] + half) * unit_days * high_factor


def _strip_frame(text: str) -> str:
    """'for the past two weeks' -> 'two weeks'. 'over' alone is a qualifier ('over a decade')."""
    words = re.sub(r"^over the ", "the ", text).split()
    while len(words) > 1 and words[0] in _FRAME_WORDS:
        words = words[1:]
    return " ".join(words)


def _qualifier(amount: str) -> tuple[Pair | None, str]:
    qualifiers = temporal_vocabulary().qualifiers
    for word in sorted(qualifiers, key=len, reverse=True):
        if amount == word or amount.startswith(word + " "):
            return qualifiers[word], amount[len(word) :].strip()
    return None, amount


def count_range(words: str) -> Pair | None:
    """(low, high) of a normalized count: 'three', '24', 'a few', 'two to three', 'one and a half'."""
    v = temporal_vocabulary()
    words = words.strip()
    if words in v.vague:
        return v.vague[words]
    if words in ("half a", "half an"):
        return 0.5, 0.5
    if words.endswith(" and a half"):
        whole = count_range(words.removesuffix(" and a half"))
        return None if whole is None else (whole[0] + 0.5, whole[1] + 0.5)
    if spread := re.fullmatch(r"(?:between )?(?P<a>.+?)(?: ?- ?| (?:to|or|and) )(?P<b>.+)", words):
        low, high = _number(spread["a"]), _number(spread["b"])
        if low is not None and high is not None and low <= high:
            return low, high
    value = _number(words)
    return None if value is None else (value, value)


def _number(words: str) -> float | None:
    """A count in digits or words; two number words add up only as tens and units ('twenty four')."""
    if re.fullmatch(r"\d+(?:\.\d+)?", words):
        return float(words)
    numbers = temporal_vocabulary().numbers
    values = [numbers.get(word) for word in words.split()]
    if not values or None in values or len(values) > 2:
        return None
    if len(values) == 2 and not (values[0] >= 20 and values[0] % 10 == 0 and values[1] < 10):  # type: ignore[operator]
        return None
    return float(sum(values))  # type: ignore[arg-type]

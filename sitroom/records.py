"""Typed records shared by every stage, the store, the API and the exports.

Records are frozen: a stage returns new records and never mutates its input.
Every mention carries its document id and character offsets into the
document text, so any fact can be traced back to the words that carry it.
"""

from __future__ import annotations

import copyreg
import operator
from collections.abc import Callable
from dataclasses import dataclass, field, fields, is_dataclass
from datetime import date
from enum import IntEnum, StrEnum
from typing import Any


class EventType(StrEnum):
    """Event types, aligned with PLOVER categories (comment gives the PLOVER name)."""

    WITHDRAW = "withdraw"  # RETREAT (military withdrawal)
    DEPLOY = "deploy"  # MOBILIZE
    PRESENCE = "presence"  # (state, not an event in PLOVER: forces stationed somewhere)
    ASSAULT = "assault"  # ASSAULT
    FIGHT = "fight"  # FIGHT (armed clashes between organised forces)
    CONTROL = "control"  # territory or a facility changes hands (ACLED transfers of territory)
    STATEMENT = "statement"  # claims, announcements, refusals to comment


class Status(StrEnum):
    BEGAN = "began"
    ONGOING = "ongoing"
    COMPLETED = "completed"
    EXPECTED = "expected"  # foreseen: "will withdraw", "is expected to withdraw"
    PLANNED = "planned"  # intended by the actor: "plans to withdraw", "ordered troops to withdraw"


class Certainty(StrEnum):
    REPORTED = "reported"
    CLAIMED = "claimed"
    EXPECTED = "expected"
    UNCERTAIN = "uncertain"
    DENIED = "denied"


class Role(StrEnum):
    AGENT = "agent"  # who acts: withdraws, deploys, attacks, takes control
    TARGET = "target"  # who is acted on: attacked, loses control
    PREVIOUS = "previous"  # previous holder of an area or facility
    PARTNER = "partner"  # fights or operates alongside the agent
    CLAIMANT = "claimant"  # claims responsibility


class SourceKind(StrEnum):
    OUTLET = "outlet"  # the outlet that published the document
    NEWS_OUTLET = "news_outlet"  # another outlet cited in the text
    NAMED_OFFICIAL = "named_official"
    ANONYMOUS_OFFICIAL = "anonymous_official"
    MILITARY_SOURCE = "military_source"
    LOCAL_OFFICIAL = "local_official"
    WITNESS = "witness"
    RESIDENT = "resident"
    FOOTAGE = "footage"
    MEDICAL = "medical"
    RIGHTS_GROUP = "rights_group"
    GROUP_CLAIM = "group_claim"  # an armed group's own claim
    GOVERNMENT = "government"  # a government, ministry or spokesperson statement
    OTHER = "other"


class Stance(StrEnum):
    ASSERTS = "asserts"
    DENIES = "denies"
    DECLINED = "declined"  # declined or did not respond to a request for comment


class DatePrecision(IntEnum):
    """UCDP GED date_prec codes."""

    DAY = 1  # exact day
    DAYS = 2  # within a span of 2-6 days
    WEEK = 3  # only the week is known
    MONTH = 4  # only the month (or 8-30 days) is known
    YEAR = 5  # only the year, or a longer span

    @property
    def acled(self) -> int:
        """ACLED time_precision: 1 day, 2 week, 3 month or coarser."""
        return {1: 1, 2: 2, 3: 2}.get(int(self), 3)


class DateBasis(StrEnum):
    """Where an event's date window comes from."""

    TEXT = "text"  # a time expression of the event's own clause
    # another clause of the sentence, the speech that reports it, or the event it is tied to ("the same day")
    DISCOURSE = "discourse"
    REPORT = "report"  # the text gives none: bounded by the report, on or before its dateline


class PlacePrecision(IntEnum):
    """UCDP GED where_prec codes."""

    SITE = 1  # the exact location
    NEAR = 2  # within about 25 km of a known point (near a town)
    ADMIN2 = 3  # second-order administrative division
    ADMIN1 = 4  # first-order administrative division (province, governorate)
    AREA = 5  # a linear feature or an area that is not an administrative unit
    COUNTRY = 6
    INTERNATIONAL = 7  # international waters or airspace

    @property
    def acled(self) -> int:
        """ACLED geo_precision: 1 town or site, 2 near a town or part of a district, 3 region."""
        return {1: 1, 2: 2, 3: 2}.get(int(self), 3)


@dataclass(frozen=True, slots=True)
class Document:
    id: str
    text: str
    date: date  # the dateline: what relative dates are resolved against
    content_hash: str
    origin: str = ""  # file path, URL or "-" (stdin) the document was read from
    url: str | None = None
    outlet: str | None = None
    title: str | None = None


@dataclass(frozen=True, slots=True)
class Skipped:
    """An input that was not ingested, and why. A rejection is a value, not an exception."""

    origin: str
    reason: str


@dataclass(frozen=True, slots=True)
class Ignored:
    """A file in a folder that is passed over by rule, not for a fault: a README, a hidden file."""

    origin: str
    reason: str


@dataclass(frozen=True, slots=True)
class Mention:
    """A span of a document's text."""

    document: str
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Mark:
    """Words of an evidence sentence that carry one fact (offsets into the document)."""

    start: int
    end: int
    label: str  # trigger, actor, place, date, quantity, source, hedge


@dataclass(frozen=True, slots=True)
class Evidence:
    document: str
    start: int
    end: int
    sentence: str
    marks: tuple[Mark, ...] = ()


@dataclass(frozen=True, slots=True)
class TimeSpan:
    start: date
    end: date
    precision: DatePrecision
    text: str = ""  # the expression it was resolved from
    basis: DateBasis = DateBasis.TEXT

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"time span ends before it starts: {self.start} > {self.end}")


# The feature of a place given as a distance and direction from a named one ("51 nautical miles west of X"):
# a point of its own, known to tens of kilometres.
OFFSET_FEATURE = "offset"


@dataclass(frozen=True, slots=True)
class Place:
    name: str
    lat: float | None
    lon: float | None
    precision: PlacePrecision
    country: str | None = None
    country_code: str | None = None  # ISO 3166-1 alpha-2
    admin1: str | None = None
    admin2: str | None = None
    feature: str | None = None  # base, city, town, admin1, country, crossing, offset (OFFSET_FEATURE), ...
    gazetteer_id: str | None = None  # "geonames:170794" or "sitroom:<site id>"
    mention: str = ""  # the words in the text that named it


@dataclass(frozen=True, slots=True)
class ActorRef:
    name: str  # canonical name
    role: Role
    mention: str  # the words in the text
    id: str | None = None  # canonical id in sitroom's actor data; None when unresolved
    kind: str | None = None  # state_force, armed_group, coalition, government, civilians, ...
    country: str | None = None


@dataclass(frozen=True, slots=True)
class Quantity:
    kind: str  # troops, vehicles, fatalities, injured, ...
    value: int  # the lowest figure of the expression
    high: int | None = None  # upper bound where a range or "dozens" was given
    category: str | None = None  # for fatalities: civilian, military, militant, unknown
    approximate: bool = False
    text: str = ""
    # Which account of the sentence gives it: figures of one account add up ("3 soldiers and 2 civilians"),
    # those of two speakers are alternatives ("14 people, the ministry said, while the army said 6").
    account: int = 0


@dataclass(frozen=True, slots=True)
class Source:
    name: str  # "Reuters", "three Syrian military and security sources", "witnesses"
    kind: SourceKind
    count: int | None = None
    stance: Stance = Stance.ASSERTS
    via: str | None = None  # the outlet that cites this source


@dataclass(frozen=True, slots=True)
class Claim:
    """A value that one source gives and others may dispute."""

    field: str  # expected_duration, fatalities, troops, date, ...
    value: str  # the value as stated
    source: Source
    certainty: Certainty
    evidence: Evidence
    low: float | None = None  # numeric form where there is one
    high: float | None = None
    span: TimeSpan | None = None  # date form where there is one (e.g. expected end)


class ReviewState(StrEnum):
    CONFIRMED = "confirmed"
    REJECTED = "rejected"  # kept, with its reports, but left out of the situation
    CORRECTED = "corrected"


@dataclass(frozen=True, slots=True)
class ReportLink:
    """One document's account of an event, as merged into it, and why it was merged."""

    id: str  # the report event's id (what one document said)
    document: str
    reported: date  # the document's dateline
    origin: str  # reports of one origin (an agency story and its republications) count as one source
    status: Status
    outlet: str | None = None
    reasons: tuple[str, ...] = ()  # why it joined: "same place", "dates overlap", ...; () for the first


@dataclass(frozen=True, slots=True)
class StatusStep:
    """A stage of an event as one report gave it: "began withdrawing" on one day, "completed" later."""

    status: Status
    date: TimeSpan | None
    reported: date
    report: str


@dataclass(frozen=True, slots=True)
class Event:
    id: str
    type: EventType
    status: Status
    certainty: Certainty
    trigger: str
    actors: tuple[ActorRef, ...] = ()
    place: Place | None = None
    date: TimeSpan | None = None
    fatalities: int | None = None
    quantities: tuple[Quantity, ...] = ()
    claims: tuple[Claim, ...] = ()
    sources: tuple[Source, ...] = ()
    evidence: tuple[Evidence, ...] = ()
    expected_end: TimeSpan | None = None
    reported: date | None = None  # dateline of the first report: when sitroom could know it
    updated: date | None = None  # dateline of the latest report merged in
    reports: tuple[ReportLink, ...] = ()  # every document's account, oldest first
    source_count: int = 1  # independent origins among the reports
    history: tuple[StatusStep, ...] = ()  # stages in the order they took effect
    review: ReviewState | None = None

    @property
    def documents(self) -> tuple[str, ...]:
        linked = (r.document for r in self.reports)
        return tuple(dict.fromkeys((*linked, *(e.document for e in self.evidence))))


class PostureStatus(StrEnum):
    PRESENT = "present"
    WITHDRAWING = "withdrawing"
    DEPARTED = "departed"
    CONTROLS = "controls"


@dataclass(frozen=True, slots=True)
class SituationEntry:
    """What one actor's relation to one place is, over an interval."""

    place: Place
    actor: str  # canonical actor name
    actor_id: str | None
    status: PostureStatus
    since: date | None
    until: date | None = None
    expected_end: TimeSpan | None = None
    contested: bool = False
    events: tuple[str, ...] = ()  # the first event and the latest ones (see event_count)
    evidence: tuple[Evidence, ...] = field(default=())  # the first item and the latest ones
    event_count: int = 0  # how many event stages support this state in all


@dataclass(frozen=True, slots=True)
class PlaceMention:
    start: int
    end: int
    text: str
    place: Place | None  # None: sitroom abstains


@dataclass(frozen=True, slots=True)
class DateMention:
    start: int
    end: int
    text: str
    span: TimeSpan | None


@dataclass(frozen=True, slots=True)
class SourceMention:
    start: int
    end: int
    text: str
    source: Source


@dataclass(frozen=True, slots=True)
class Annotation:
    """What the pipeline sees in one document, without storing anything."""

    document: Document
    places: tuple[PlaceMention, ...] = ()
    dates: tuple[DateMention, ...] = ()
    sources: tuple[SourceMention, ...] = ()
    events: tuple[Event, ...] = ()


@dataclass(frozen=True, slots=True)
class ActorMention:
    """An actor phrase found as an argument of an event, before resolution."""

    mention: Mention
    role: Role


@dataclass(frozen=True, slots=True)
class PlaceCue:
    """A place phrase found as an argument of an event, with what surrounds it, before resolution."""

    mention: Mention
    container: str | None = None  # an enclosing area named beside it ("in Hasakah province")
    feature_hint: str | None = None  # the head noun: base, garrison, province, city, near, ...
    alternate: str | None = None  # another name given for it ("also known as X")
    anaphoric: bool = False  # "the town", "the base": the last such place the document named
    facility: str | None = None  # "airport" of "X's airport", "military base" of "a military base in X"
    described: str | None = None  # "city" of "a city in eastern X": an unnamed place the text names later


@dataclass(frozen=True, slots=True)
class EventCandidate:
    """An event as the extractor found it in one sentence: mentions, not yet resolved entities."""

    document: str
    type: EventType
    trigger: Mention
    sentence: Mention
    status: Status
    certainty: Certainty
    actors: tuple[ActorMention, ...] = ()
    places: tuple[PlaceCue, ...] = ()
    times: tuple[Mention, ...] = ()  # time expressions for the event, best first
    anchor_times: tuple[Mention, ...] = ()  # when the speaker said it ("reported last week that ...")
    linked_times: tuple[
        Mention, ...
    ] = ()  # of a clause joined to the event's ("left on Monday and handed ...")
    tie: Mention | None = None  # a phrase tying it to the event told before ("the same day", "hours later")
    future: bool = False
    quantities: tuple[Quantity, ...] = ()
    sources: tuple[Source, ...] = ()
    claims: tuple[Claim, ...] = ()
    marks: tuple[Mark, ...] = ()
    nominal: bool = False  # the trigger is a noun ("the withdrawal"), which adds detail to a verbal mention
    facet: str = ""  # the second fact of one trigger ("control" of a handover, "withdraw" of an expulsion)


class ReviewAction(StrEnum):
    CONFIRM = "confirm"
    REJECT = "reject"
    CORRECT = "correct"  # set fields: type, status, certainty, fatalities, date_start, date_end
    MERGE = "merge"  # the event and `other` are one event
    SPLIT = "split"  # report `other` is not part of the event


@dataclass(frozen=True, slots=True)
class Review:
    """A reviewer's decision. It names reports, not only the event id, so it survives re-merging."""

    id: str
    event_id: str
    action: ReviewAction
    author: str
    at: str  # ISO 8601 timestamp, UTC
    reports: tuple[str, ...] = ()  # the reports the event held when reviewed
    other: str | None = None  # MERGE: the other event's id; SPLIT: the report taken out
    other_reports: tuple[str, ...] = ()  # MERGE: the other event's reports
    changes: tuple[tuple[str, str], ...] = ()  # CORRECT: (field, value)
    note: str = ""


# --- moving records between processes ------------------------------------------------------------------


def _pickled_as_constructor_call(cls: type) -> Callable[[Any], tuple]:
    """How `cls` is pickled: a call of the class on the field values. The dataclass default for a frozen
    record with slots sets each field in a Python loop that asks for the fields anew; that loop was half
    of what the ingest client did to receive results from its Dask workers."""
    names = [f.name for f in fields(cls)]
    values = operator.attrgetter(*names)
    if len(names) == 1:
        return lambda record: (cls, (values(record),))
    return lambda record: (cls, values(record))


for _record in [v for v in list(globals().values()) if is_dataclass(v) and v.__module__ == __name__]:
    copyreg.pickle(_record, _pickled_as_constructor_call(_record))

"""EventCandidates -> Events: actors to entities, places to coordinates, time expressions to dates.

Resolution is document-level: the places of the whole document decide its main country, which then
disambiguates both place names and generic actor phrases ("government forces").
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

from sitroom.extract.arguments import PRONOUN, STATIONED
from sitroom.extract.events import fatality_accounts, figure_claim
from sitroom.extract.triggers import COUNTRY_ANAPHOR, holder_in_passing
from sitroom.lexicon import load_lexicon
from sitroom.records import (
    ActorRef,
    Claim,
    DateBasis,
    DatePrecision,
    Document,
    Event,
    EventCandidate,
    EventType,
    Evidence,
    Mention,
    Place,
    PlaceCue,
    PlacePrecision,
    Quantity,
    Role,
    Status,
    TimeSpan,
)
from sitroom.resolve.actors import ActorResolver
from sitroom.resolve.geo import GeoContext, GeoResolver
from sitroom.resolve.time import precision_for, resolve_expected_end, resolve_tie, resolve_time


def _words(name: str) -> str:
    """A regex alternation of a lexicon word list, longest first."""
    return "|".join(re.escape(w) for w in sorted(load_lexicon().word_set(name), key=len, reverse=True))


_CAPITAL = re.compile(r"^(?:the\s+)?capital(?:['’]s)?$", re.I)
_POSSESSIVE_START = re.compile(rf"^(?:{_words('possessive_determiners')})\b", re.I)
_DIRECTIONS = re.compile(
    r"^(?:the\s+)?((?:north|south)?-?(?:east|west)?(?:ern)?|north(?:ern)?|south(?:ern)?|"
    r"east(?:ern)?|west(?:ern)?|central)$",
    re.I,
)
# Violent types: when the text gives no place, the document's main country; no date, the report's days.
_COUNTRY_FALLBACK = frozenset({EventType.ASSAULT, EventType.FIGHT})


# Counts that sources dispute, kept as claims beside the tolls.
_CLAIMED_COUNTS = frozenset({"troops", "vehicles"})
# Types where a state named as the agent acts through its armed forces.
_FORCE_TYPES = frozenset(
    {
        EventType.WITHDRAW,
        EventType.DEPLOY,
        EventType.PRESENCE,
        EventType.ASSAULT,
        EventType.FIGHT,
        EventType.CONTROL,
    }
)


@dataclass(frozen=True)
class Resolvers:
    geo: GeoResolver
    actors: ActorResolver


@dataclass(frozen=True)
class DocumentContext:
    document: Document
    country_code: str | None
    places: dict[tuple[int, int, str | None], Place | None]  # by (start, end, feature hint)
    # The dateline's city, when it lies in the document's country and is the only town of that country
    # the document names: where a facility the text places no closer than the country is.
    dateline: Place | None = None
    # The province most of the document's places lie in: where a place it names but the gazetteer does not
    # know is placed (no finer than that province).
    region: Place | None = None
    # The sites (bases, airports, camps) the document names, in the order it names them.
    sites: tuple[Place, ...] = ()
    # The towns the document names, with where it names them, in that order.
    towns: tuple[tuple[int, Place], ...] = ()


def document_context(
    document: Document,
    candidates: Sequence[EventCandidate],
    place_mentions: Sequence[Mention],
    resolvers: Resolvers,
    dateline_city: str | None = None,
    headline_places: Sequence[str] = (),
    reference_points: frozenset[int] = frozenset(),
) -> DocumentContext:
    """Every place cue of the document resolved together, with the document's main country and the city
    of its dateline. `headline_places`: places the headline names, which "the town" in the first lines
    may point back at ("Ukraine captures town of X" over "Its forces have been in the town since ...").
    `reference_points`: where places are named only to say where another lies ("15 km north of X"),
    which no later "the town" points back at."""
    other_places = list(dict.fromkeys([*headline_places, *(m.text for m in place_mentions)]))
    cues = [cue for cand in candidates for cue in cand.places if not cue.anaphoric]
    mentions = [(cue.mention.text, _geo_context(cue, other_places)) for cue in cues]
    mentions += [(m.text, GeoContext(document_places=tuple(other_places))) for m in place_mentions]
    mentions += [(text, GeoContext(document_places=tuple(other_places))) for text in headline_places]
    resolved = resolvers.geo.resolve_document(mentions) if mentions else []
    country = _main_country(resolved)
    places = {}
    for cue, place in zip(cues, resolved[: len(cues)], strict=True):
        if _CAPITAL.match(cue.mention.text) and country is not None:
            place = resolvers.geo.capital(country)  # "the capital", "the capital's airport"
        place = _with_alternate(cue, place, resolvers, other_places, country)
        places[_cue_key(cue)] = _at_facility(cue, place, resolvers)
    in_text = resolved[len(cues) : len(cues) + len(place_mentions)]
    named = sorted(
        [(c.mention.start, places[_cue_key(c)]) for c in cues if c.mention.start not in reference_points]
        + [(m.start, p) for m, p in zip(place_mentions, in_text, strict=True)]
        # the headline comes before the text; of its places, the first it names is what it is about
        + [(-1 - i, p) for i, p in enumerate(resolved[len(cues) + len(place_mentions) :])],
        key=lambda item: item[0],
    )
    # "it" points back at a place an event happened at (the town, not a city named to say where the town
    # lies), else at any place named before
    told = [(c.mention.start, places[_cue_key(c)]) for c in cues if c.mention.start not in reference_points]
    for cue in (c for cand in candidates for c in cand.places if c.anaphoric):
        found = None
        if cue.feature_hint == PRONOUN:  # a place its own sentence names before it, else an event's place
            sentence = [(start, p) for start, p in named if start >= _sentence_start(cue, candidates)]
            found = _antecedent(cue, sentence, resolvers)
            found = found or _antecedent(cue, sorted(told, key=lambda item: item[0]), resolvers)
        found = found or _antecedent(cue, named, resolvers)
        if found is None and cue.feature_hint == COUNTRY_ANAPHOR and country is not None:
            found = _country_place(country, cue.mention.text, resolvers)  # no place named before it
        places[_cue_key(cue)] = found
        told.append((cue.mention.start, places[_cue_key(cue)]))
    for cue in (c for cand in candidates for c in cand.places if c.described):
        later = _named_later(cue, places.get(_cue_key(cue)), named, document.text, resolvers)
        if later is not None:
            places[_cue_key(cue)] = later
    dateline = _dateline_place(dateline_city, country, [p for _, p in named], other_places, resolvers)
    region = _main_region(country, [p for _, p in named], resolvers)
    sites = tuple(dict.fromkeys(p for _, p in named if p is not None and is_site(p)))
    towns = tuple((start, p) for start, p in named if p is not None and p.feature in ("city", "town"))
    return DocumentContext(document, country, places, dateline, region, sites, towns)


_REGION_SHARE = 0.6


def _main_region(country: str | None, named: Sequence[Place | None], resolvers: Resolvers) -> Place | None:
    """The admin1 unit of the main country that most of its named places lie in, when most do."""
    units = Counter(
        p.admin1
        for p in named
        if p is not None and p.country_code == country and p.admin1 and p.precision <= PlacePrecision.ADMIN1
    )
    if not units or country is None:
        return None
    unit, count = units.most_common(1)[0]
    if count < 2 or count < _REGION_SHARE * sum(units.values()):
        return None
    place = resolvers.geo.resolve(unit, GeoContext(country_hint=country, feature_hint="province"))
    return place if place is not None and place.feature == "admin1" else None


def _main_country(resolved: Sequence[Place | None]) -> str | None:
    """The country the document's towns, sites and provinces lie in most; only where it names none, the
    country it names most (a country named is often an actor: "France handed ...")."""
    # "West", "Eastern": a compass word that happens to name a region somewhere casts no vote
    places = [p for p in resolved if p is not None and p.country_code and not _DIRECTIONS.match(p.mention)]
    inside = Counter(p.country_code for p in places if p.precision < PlacePrecision.COUNTRY)
    counts = inside or Counter(p.country_code for p in places)
    return counts.most_common(1)[0][0] if counts else None


def _dateline_place(
    city: str | None,
    country: str | None,
    named: Sequence[Place | None],
    other_places: Sequence[str],
    resolvers: Resolvers,
) -> Place | None:
    """The dateline's town, if it is in the document's country (or, where the document names no town, in a
    country it names: "PORT-BOUET, Ivory Coast" over a story that names France more often than Ivory
    Coast) and no other town there is named."""
    if not city or country is None:
        return None
    text = city if not city.isupper() else city.title()
    place = resolvers.geo.resolve(text, GeoContext(document_places=tuple(other_places)))
    if place is None or place.feature not in ("city", "town"):
        return None
    no_towns = all(p is None or p.precision >= PlacePrecision.COUNTRY for p in named)
    named_countries = {p.country_code for p in named if p is not None}
    if place.country_code != country and not (no_towns and place.country_code in named_countries):
        return None
    country = place.country_code
    towns = {
        p.gazetteer_id
        for p in named
        if p is not None and p.country_code == country and p.feature in ("city", "town")
    }
    return place if towns <= {place.gazetteer_id} else None


def read_place_cues(candidates: Sequence[EventCandidate], resolvers: Resolvers) -> list[EventCandidate]:
    """The candidates with each place cue read for what it is before resolution: "the French base" names
    no place, so like "the base" it points back at one named before."""
    return [_nationality_cues_anaphoric(c, resolvers) for c in candidates]


def _at_facility(cue: PlaceCue, place: Place | None, resolvers: Resolvers) -> Place | None:
    """ "X's airport", "a military base in X": a site of the gazetteer when it knows one there, otherwise
    the facility itself at X's point, coded near the town (UCDP where_prec 2) and keeping its kind."""
    if cue.facility is None or place is None or place.feature in _FACILITY_FEATURES:
        return place
    if place.precision > PlacePrecision.NEAR or is_site(place):
        return place  # a facility somewhere in a province or a country is no more precise than that
    kind = cue.facility.split()[-1]
    own = resolvers.geo.resolve(f"{cue.mention.text} {cue.facility}", GeoContext())
    if own is not None and (own.gazetteer_id or "").startswith("sitroom:"):
        return replace(own, mention=place.mention)  # "the Adji Kossei military base": a site sitroom lists
    for name in dict.fromkeys((place.name, cue.mention.text)):
        site = resolvers.geo.resolve(f"{name} {cue.facility}", GeoContext(country_hint=place.country_code))
        if site is not None and is_site(site) and site.country_code == place.country_code:
            return replace(site, mention=place.mention)  # "the naval facility in Tartus": a site of its own
    features = _SITE_FEATURES_OF_KIND.get(kind)
    site = resolvers.geo.only_site_at(place, features) if features else None
    if site is not None:
        return replace(site, mention=place.mention)  # "the military base in N'Djamena": the one base there
    return replace(
        place,
        name=f"{place.name} {cue.facility}",
        precision=max(place.precision, PlacePrecision.NEAR),
        feature=kind,
        gazetteer_id=f"{place.gazetteer_id or place.name}#{kind}",
    )


# The gazetteer's site features a facility word may name: "the base in X" is X's base, airbase or camp.
_SITE_FEATURES_OF_KIND = {
    "base": frozenset({"base", "airbase", "naval_base", "garrison", "camp"}),
    "airbase": frozenset({"airbase"}),
    "airfield": frozenset({"airbase", "airport"}),
    "airport": frozenset({"airport", "airbase"}),
}


def is_site(place: Place) -> bool:
    """A site of the gazetteer's own (sites.tsv, an airport), or a facility placed at its town."""
    return _listed_site(place) or place.feature in _FACILITY_FEATURES


# Facility words that may stand for any kind of site ("handed the facility over", "left the base").
_ANY_SITE = frozenset(
    {"facility", "base", "site", "installation", "compound", "position", "camp", "garrison", "post"}
)
# Features of the gazetteer's own sites: a facility phrase that resolved to one of them needs no wrapping.
_FACILITY_FEATURES = frozenset(
    {
        "base",
        "airbase",
        "airport",
        "garrison",
        "crossing",
        "camp",
        "naval_base",
        "dam",
        "gas_field",
        "oil_field",
    }
)


def _nationality_cues_anaphoric(cand: EventCandidate, resolvers: Resolvers) -> EventCandidate:
    if not any(resolvers.geo.is_demonym(c.mention.text) for c in cand.places):
        return cand
    cues = tuple(
        replace(c, anaphoric=True) if resolvers.geo.is_demonym(c.mention.text) else c for c in cand.places
    )
    return replace(cand, places=cues)


def _cue_key(cue: PlaceCue) -> tuple[int, int, str | None]:
    return (cue.mention.start, cue.mention.end, cue.feature_hint)


def _sentence_start(cue: PlaceCue, candidates: Sequence[EventCandidate]) -> int:
    return next(c.sentence.start for c in candidates if cue in c.places)


def _antecedent(cue: PlaceCue, named: list[tuple[int, Place | None]], resolvers: Resolvers) -> Place | None:
    """The last place named before "the town" / "the base" that is a town or a site; for "the base", the
    last town when no site was named (the base is then placed at it)."""
    wants_site = cue.feature_hint not in ("town", "city", "village")
    kind = cue.facility.split()[-1] if cue.facility else None
    before = [place for start, place in named if start < cue.mention.start and place is not None]
    if cue.feature_hint == PRONOUN:  # "captured it": the last town or site named
        last = next((p for p in reversed(before) if is_site(p) or p.feature in ("city", "town")), None)
        return replace(last, mention=cue.mention.text) if last is not None else None
    if cue.feature_hint == COUNTRY_ANAPHOR:  # "left the country": the country of the last place named
        code = next((p.country_code for p in reversed(before) if p.country_code), None)
        return _country_place(code, cue.mention.text, resolvers) if code else None
    for place in reversed(before):
        site = is_site(place)
        specific = kind is not None and kind not in _ANY_SITE
        if specific and site and kind not in (place.feature or "") and kind not in place.name.lower():
            continue  # "the palace" does not point back at an airport (but "the facility" may)
        if site == wants_site and (site or place.feature in ("city", "town")):
            return replace(place, mention=cue.mention.text)
    if cue.facility is not None:
        town = next((p for p in reversed(before) if p.feature in ("city", "town")), None)
        if town is not None:
            return _at_facility(cue, replace(town, mention=cue.mention.text), resolvers)
    return None


def _named_later(
    cue: PlaceCue, area: Place | None, named: list[tuple[int, Place | None]], text: str, resolvers: Resolvers
) -> Place | None:
    """ "Russia took a city in eastern X ... the city of Y": the unnamed place a lede describes is the
    first town (or, for a facility, the first site or town) the report names after it inside that area,
    unless the sentence naming it names another ("at the A camp and at the B camp": which one is not said)."""
    if area is None or area.precision < PlacePrecision.ADMIN1 or not area.country_code:
        return None  # the area must be wider than a town for a town inside it to be the one meant
    facility = cue.described not in ("city", "town", "village")
    later = [
        (start, place)
        for start, place in named
        if start > cue.mention.start
        and place is not None
        and place.country_code == area.country_code
        and (area.precision != PlacePrecision.ADMIN1 or place.admin1 == area.admin1)
        and (place.feature in ("city", "town") or facility and is_site(place))
    ]
    if not later:
        return None
    first_start, first = later[0]
    sentence_end = text.find(". ", first_start)
    sentence_end = len(text) if sentence_end < 0 else sentence_end
    if any(p.gazetteer_id != first.gazetteer_id for start, p in later if start < sentence_end):
        return None
    found = replace(first, mention=cue.mention.text)
    return _at_facility(cue, found, resolvers) if facility and not is_site(found) else found


def _country_place(code: str, mention: str, resolvers: Resolvers) -> Place | None:
    country = resolvers.geo.resolve(code, GeoContext(country_hint=code))
    return replace(country, mention=mention) if country is not None else None


def _geo_context(cue: PlaceCue, other_places: Sequence[str], country: str | None = None) -> GeoContext:
    return GeoContext(
        document_places=tuple(other_places),
        container=cue.container,
        country_hint=country,
        feature_hint=cue.feature_hint if cue.feature_hint != STATIONED else None,
    )


def _with_alternate(
    cue: PlaceCue, place: Place | None, resolvers: Resolvers, other_places: Sequence[str], country: str | None
) -> Place | None:
    """ "a base in X, also known as Y": a site found under either name beats a town found under one."""
    if cue.alternate:
        alt = resolvers.geo.resolve(cue.alternate, _geo_context(cue, other_places, country))
        if alt is not None and (
            place is None or alt.precision <= place.precision and alt.feature != place.feature
        ):
            return replace(alt, mention=f"{cue.mention.text} ({cue.alternate})")
    if _DIRECTIONS.match(cue.mention.text):
        # "the northeast": a part of the document's country, never a place that happens to have that name
        return _region(cue.mention.text, country, resolvers) if country else None
    return place


def _region(direction: str, country_code: str, resolvers: Resolvers) -> Place | None:
    """ "the northeast" of the document's country, as the geo resolver reads "<country>'s northeast"."""
    country = resolvers.geo.resolve(country_code, GeoContext(country_hint=country_code))
    if country is None:
        return None
    word = re.sub(r"^the\s+", "", direction, flags=re.I).lower()
    area = resolvers.geo.resolve(f"{country.name}'s {word}", GeoContext(country_hint=country_code))
    return replace(area, mention=direction) if area is not None else None


def resolve_candidates(
    candidates: Sequence[EventCandidate], ctx: DocumentContext, resolvers: Resolvers
) -> list[Event]:
    """Each candidate resolved in document order: an event tied to the one told before it ("the same
    day", "two days later") takes its date from that one."""
    events: list[Event] = []
    told_before: TimeSpan | None = None
    for cand in candidates:
        event = resolve_candidate(cand, ctx, resolvers, told_before)
        if event.date is not None and event.date.basis == DateBasis.TEXT and not cand.future:
            told_before = event.date
        events.append(event)
    return events


def with_receiver(event: Event, cand: EventCandidate, resolvers: Resolvers) -> Event | None:
    """The control a handover gives, with its receiver. A foreign force that hands a place back without
    the text naming to whom ("France handed back the camp") hands it to the host state, whose army then
    controls the place; where the receiver cannot be told, there is no control to code (None)."""
    if cand.facet != EventType.CONTROL.value or any(a.role == Role.AGENT for a in event.actors):
        return event
    place = event.place
    givers = [a for a in event.actors if a.role == Role.PREVIOUS and a.country is not None]
    if place is None or place.country_code is None or not givers:
        return None
    if any(a.country == place.country_code for a in givers):
        return None
    on = event.date.start if event.date is not None else event.reported
    army = resolvers.actors.resolve("army", country_hint=place.country_code, on=on)
    if army is None:
        return None
    host = ActorRef(army.name, Role.AGENT, "", army.id, army.kind, army.country)
    return replace(event, actors=(host, *event.actors))


def at_the_forces_sites(events: Sequence[Event | None], ctx: DocumentContext) -> list[Event | None]:
    """A foreign force placed no closer than the country it is in, leaves or is sent to ("some US troops
    will leave Chad"), in a report that names one base or airfield of that country and places that force
    there ("US troops stationed at Adji Kossei"): the force is at that site, as analysts code it, and the
    report's own name for the country stays the mention. A base the report ties to another force only
    ("the attack on the army base in Ayorou") is not where the foreign force stood."""
    stood: dict[str, dict[str, date]] = {}  # force -> site -> the latest day the report has it there
    for event in events:
        day = _last_day(event) if event is not None else None
        if event is not None and event.place is not None and _listed_site(event.place) and day is not None:
            for agent in (a for a in event.actors if a.role == Role.AGENT and a.id):
                sites = stood.setdefault(agent.id, {})
                key = event.place.gazetteer_id or ""
                sites[key] = max(sites.get(key, day), day)
    return [_at_the_forces_site(e, ctx, stood) if e is not None else None for e in events]


def _at_the_forces_site(event: Event, ctx: DocumentContext, stood: dict[str, dict[str, date]]) -> Event:
    place = event.place
    if event.type not in _POSTURE_TYPES or place is None or place.precision < PlacePrecision.COUNTRY:
        return event
    day = _last_day(event)
    if place.gazetteer_id is None or day is None:
        return event  # a name the gazetteer lacks, coded at its country, is not the country itself
    foreign = [
        a.id
        for a in event.actors
        if a.id and a.kind in _STATE_FORCES and a.country not in (None, place.country_code)
    ]
    site = _only_site_named_in(place, ctx) if foreign else None
    if site is None:
        return event
    # the force there in the same season: the troops sent to the country years before are not at the base
    there = [stood.get(force, {}).get(site.gazetteer_id or "") for force in foreign]
    if not any(seen is not None and abs((seen - day).days) <= _SAME_POSTING_DAYS for seen in there):
        return event
    return replace(event, place=replace(site, mention=place.mention))


def _last_day(event: Event) -> date | None:
    """The last day of the event's window, or the report's day where the text gave none (yet)."""
    return event.date.end if event.date is not None else event.reported


def _listed_site(place: Place) -> bool:
    """A base or airfield of the gazetteer's own (sites.tsv, an airport), not a facility at a town."""
    return (place.gazetteer_id or "").startswith(("sitroom:", "airport:"))


_POSTURE_TYPES = frozenset({EventType.WITHDRAW, EventType.DEPLOY, EventType.PRESENCE})
_SAME_POSTING_DAYS = 365
_STATE_FORCES = frozenset({"state_force", "coalition"})


def points_back_at_nothing(event: Event, cand: EventCandidate) -> bool:
    """ "seized it" where no town or site was named before: no place, so no event (what was seized is
    not known to be a place at all)."""
    return event.place is None and bool(cand.places) and all(c.feature_hint == PRONOUN for c in cand.places)


def is_background(event: Event) -> bool:
    """ "has been fighting for more than 15 years": a summary of a conflict, not an event in it."""
    return (
        event.type in (EventType.ASSAULT, EventType.FIGHT)
        and event.date is not None
        and (event.date.end - event.date.start).days > 366
    )


def resolve_candidate(
    cand: EventCandidate, ctx: DocumentContext, resolvers: Resolvers, told_before: TimeSpan | None = None
) -> Event:
    doc = ctx.document
    place = _at_dateline(cand, _best_place(cand, ctx), ctx, resolvers)
    named = next((c for c in cand.places if not c.anaphoric and c.mention.text[:1].isupper()), None)
    when = _date(cand, doc, told_before)
    actors = _actors(cand, ctx.country_code, resolvers, when.start if when else doc.date)
    leaving = cand.type == EventType.WITHDRAW and not cand.places and _foreign_agent(actors, ctx.country_code)
    if (
        place is None
        and ctx.country_code
        and (named is not None or cand.type in _COUNTRY_FALLBACK or leaving)
    ):
        country = resolvers.geo.resolve(ctx.country_code, GeoContext(country_hint=ctx.country_code))
        if country is not None and named is not None:
            # a place the gazetteer does not know: keep its name, placed no finer than the province most
            # of the document's places lie in, else its country
            place = replace(
                ctx.region or country,
                name=named.mention.text,
                gazetteer_id=None,
                feature="unresolved",
                mention=named.mention.text,
            )
        elif country is not None:
            place = replace(
                country, mention=""
            )  # an attack, or a foreign force leaving, in the report's country
    claims = tuple(_resolve_claim(c, when, doc) for c in cand.claims)
    quantities = cand.quantities
    fatalities = _headline_toll(quantities)
    # whoever gave a figure or an estimate is a source of the event too
    sources = tuple(dict.fromkeys(cand.sources + tuple(c.source for c in claims)))
    if fatalities is not None and not any(c.field == "fatalities" and c.low == fatalities for c in claims):
        # (tolls told in later sentences come with a claim per speaker already)
        claims += (figure_claim("fatalities", str(fatalities), fatalities, None, cand),)
    claims += tuple(
        figure_claim(q.kind, q.text, q.value, q.high, cand) for q in quantities if q.kind in _CLAIMED_COUNTS
    )
    if when is not None and when.text and when.basis == DateBasis.TEXT:
        claims += (replace(figure_claim("date", when.text, 0, None, cand), low=None, high=None, span=when),)
    return Event(
        id=event_id(
            doc.id, cand.trigger.start, cand.places[0].mention.start if cand.places else None, cand.facet
        ),
        type=cand.type,
        status=cand.status,
        certainty=cand.certainty,
        trigger=cand.trigger.text,
        actors=actors,
        place=place,
        date=when,
        fatalities=fatalities,
        quantities=quantities,
        claims=claims,
        sources=sources,
        evidence=(Evidence(doc.id, cand.sentence.start, cand.sentence.end, cand.sentence.text, cand.marks),),
        expected_end=_expected_end(claims),
        reported=doc.date,
    )


def _foreign_agent(actors: Sequence[ActorRef], country: str | None) -> bool:
    """ "Around 350 French soldiers are now leaving", in a report on Senegal: a state's force of another
    country, whose leaving with no place named is leaving the report's country."""
    return any(
        a.role == Role.AGENT and a.kind in _STATE_FORCES and a.country not in (None, country) for a in actors
    )


def _headline_toll(quantities: Sequence[Quantity]) -> int | None:
    """Of several accounts the lowest stands (ACLED's conservative rule), the others stay as claims."""
    return min(fatality_accounts(quantities), default=None)


def event_id(document_id: str, trigger_offset: int, place_offset: int | None = None, facet: str = "") -> str:
    """Stable across re-extraction of the same text: the document and where the event is named in it
    (and which of its facts, where one trigger names two)."""
    key = f"{document_id}:{trigger_offset}" + (f":{place_offset}" if place_offset is not None else "")
    key += f":{facet}" if facet else ""
    return "ev-" + hashlib.sha1(key.encode()).hexdigest()[:14]


def _at_dateline(
    cand: EventCandidate, place: Place | None, ctx: DocumentContext, resolvers: Resolvers
) -> Place | None:
    """A facility the text places no closer than a country: the one site of that country the report names,
    else, filed from a town of that country that is the only one the report names, at that town (coded
    near it): "Belgium handed back its only base in Benin"."""
    if place is not None and place.precision < PlacePrecision.COUNTRY:
        return place
    facility = next((c for c in cand.places if c.facility is not None), None)
    if facility is None:
        return place
    named = _only_site_named_in(place, ctx)
    if named is not None:
        return replace(named, mention=facility.mention.text)
    unnamed = facility.mention.text.lower().endswith(facility.facility.split()[-1])  # "a military base"
    if place is None and unnamed and cand.type in (EventType.WITHDRAW, EventType.CONTROL):
        # "handed over keys to a military base" after "French forces have left the city of X": the story's
        # town, the last one named before it
        town = next((p for start, p in reversed(ctx.towns) if start < facility.mention.start), None)
        if town is not None:
            return _at_facility(facility, replace(town, mention=facility.mention.text), resolvers)
    if ctx.dateline is None or place is not None and place.country_code != ctx.dateline.country_code:
        return place
    return _at_facility(facility, replace(ctx.dateline, mention=facility.mention.text), resolvers) or place


def _only_site_named_in(country: Place | None, ctx: DocumentContext) -> Place | None:
    """ "its only base in Benin", in a report that names one site of that country (the camp
    at Port-Bouet): the base is that site."""
    if country is None or country.country_code is None:
        return None
    inside = {p.gazetteer_id: p for p in ctx.sites if p.country_code == country.country_code}
    return next(iter(inside.values())) if len(inside) == 1 else None


def _best_place(cand: EventCandidate, ctx: DocumentContext) -> Place | None:
    found = [ctx.places.get(_cue_key(c)) for c in cand.places if c.feature_hint != STATIONED]
    found = [p for p in found if p is not None]
    best = min(found, key=lambda p: p.precision) if found else None
    if best is None or best.precision < PlacePrecision.ADMIN1:
        return best
    # "troops based in Niamey will leave Niger": where they are based, inside the place they leave
    based = [ctx.places.get(_cue_key(c)) for c in cand.places if c.feature_hint == STATIONED]
    inside = [p for p in based if p is not None and _lies_in(p, best)]
    return min(inside, key=lambda p: p.precision) if inside else best


def _lies_in(place: Place, area: Place) -> bool:
    if place.country_code != area.country_code or place.precision >= area.precision:
        return False
    return area.precision >= PlacePrecision.COUNTRY or bool(area.admin1) and place.admin1 == area.admin1


def _date(cand: EventCandidate, doc: Document, told_before: TimeSpan | None = None) -> TimeSpan | None:
    """The event's date window, from the closest words that give one: its own clause's time expression
    (resolved against the dateline or the date the speaker spoke), a clause joined to it, the event it is
    tied to ("the same day"), or the date the speaker said it ("announced on Thursday that its troops
    had taken X"). A state reported as ongoing holds on the day of the report. None when the text says
    nothing; `with_report_date` then bounds it by the report.
    """
    said = next((s for s in (resolve_time(m.text, doc.date) for m in cand.anchor_times) if s), None)
    anchor = said.end if said is not None else doc.date
    for mention in cand.times:
        span = resolve_time(mention.text, anchor, future=cand.future)
        if span is not None:
            return span
    for mention in cand.linked_times:
        span = resolve_time(mention.text, anchor, future=cand.future)
        if span is not None:
            return replace(span, basis=DateBasis.DISCOURSE)
    if cand.tie is not None and told_before is not None:
        span = resolve_tie(cand.tie.text, told_before, doc.date)
        if span is not None:
            return replace(span, basis=DateBasis.DISCOURSE)
    done = cand.status != Status.ONGOING  # "is fighting for X", said on a day: that day
    if said is not None and cand.type in _COUNTRY_FALLBACK and said.start == said.end and done:
        # news of an attack told in a statement: the day of the statement or the day before
        start = said.start - timedelta(days=1)
        return TimeSpan(start, said.end, DatePrecision.DAYS, said.text, DateBasis.DISCOURSE)
    if said is not None:
        return replace(said, basis=DateBasis.DISCOURSE)
    if cand.status == Status.ONGOING and not cand.future:
        return TimeSpan(anchor, anchor, DatePrecision.DAY, "", DateBasis.REPORT)
    return None


# Days before the dateline that an undated report's window reaches back, by the kind of event: news of
# an attack is of the day of the report or the day before; other news of the week it was written in.
_REPORT_WINDOW_DAYS = {EventType.ASSAULT: 1, EventType.FIGHT: 1}
_REPORT_WINDOW_DEFAULT = 6


def with_report_date(event: Event) -> Event:
    """An event whose text gives no date is bounded by the report, as ACLED and UCDP code undated
    reports: on or before the dateline, a window that says so (basis "report"). What has happened falls
    within the days before the dateline (an attack: the day of the report or the day before; other news:
    the week before); what is planned or expected is dated the day it was reported.

    Applied after merging, so that an undated mention can still join the dated report of its event."""
    if event.date is not None or event.reported is None:
        return event
    back = 0
    if event.status in (Status.COMPLETED, Status.BEGAN, Status.ONGOING) and event.type != EventType.STATEMENT:
        back = _REPORT_WINDOW_DAYS.get(event.type, _REPORT_WINDOW_DEFAULT)
    start = event.reported - timedelta(days=back)
    span = TimeSpan(start, event.reported, precision_for(start, event.reported), "", DateBasis.REPORT)
    return replace(event, date=span)


def _actors(
    cand: EventCandidate, country: str | None, resolvers: Resolvers, cand_date: date
) -> tuple[ActorRef, ...]:
    refs: dict[tuple[str, Role], ActorRef] = {}
    places = {c.mention.text for c in cand.places}
    for item in cand.actors:
        text = item.mention.text
        if item.role == Role.TARGET and text in places:
            continue  # "shelled Kidal": the town is where, not whom
        entity = _actor_entity(text, country, resolvers, on=cand_date)
        if entity is not None and entity.kind == "government" and cand.type in _FORCE_TYPES:
            entity = resolvers.actors.forces_of(entity) or entity  # "the United States withdrew its troops"
        if entity is not None:
            ref = ActorRef(entity.name, item.role, text, entity.id, entity.kind, entity.country)
        else:
            ref = ActorRef(_clean(_COUNT_PREFIX.sub("", text)), item.role, text)
        refs.setdefault((ref.id or ref.name, ref.role), ref)
    return tuple(refs.values())


# A count leading an actor phrase: "about 300 U.S. troops", "the last 50 soldiers", "dozens of fighters".
_COUNT_PREFIX = re.compile(
    rf"^(?:(?:{_words('count_qualifiers')})\s+)*(?:[\d,]+|{_words('vague_counts')})\s+", re.I
)


def with_document_actors(
    events: Sequence[Event], resolvers: Resolvers, country: str | None = None
) -> list[Event]:
    """A bare force noun ("the troops", "its soldiers", "the rebels", "the group") stands for the actor of
    that kind the document named last before it, else the one it names most; a state's forces where it
    names none, else the army of the document's country."""
    named: list[tuple[int, ActorRef]] = []  # (event index, resolved actor), in document order
    for index, event in enumerate(events):
        if holder_in_passing(event.type, event.trigger):
            continue  # "north of Russian-occupied Donetsk": not whom "his forces" in the next line means
        named += [(index, a) for a in event.actors if a.id is not None and a.kind is not None]
    # the army as of the report: in 2017 "the army" of Syria is Assad's, not the army that succeeded it
    on = next((e.reported for e in events if e.reported is not None), None)
    army = resolvers.actors.resolve("army", country_hint=country, on=on) if country else None
    if army is not None:
        named.insert(0, (-1, ActorRef(army.name, Role.AGENT, "", army.id, army.kind, army.country)))
    if not named:
        return list(events)
    resolved = [_with_antecedents(event, index, named, resolvers) for index, event in enumerate(events)]
    return _attackers_of_the_report(resolved)


def _attackers_of_the_report(events: list[Event]) -> list[Event]:
    """An attack told without its attacker, in a report whose other attacks all have one and the same
    (named or claiming) attacker, is attributed to it: "the ship was hit off Hodeidah" in a report of
    the Houthis' campaign. Likewise a withdrawal told without who left ("the base, which was handed over
    to the army this morning") in a report whose withdrawals all name one force. The inferred actor
    carries no mention of its own."""
    for family in (_COUNTRY_FALLBACK, frozenset({EventType.WITHDRAW})):
        events = _sole_doer_of(family, events)
    return events


def _sole_doer_of(family: frozenset[EventType], events: list[Event]) -> list[Event]:
    doers = {
        a.id: a
        for e in events
        if e.type in family
        for a in e.actors
        if a.role in (Role.AGENT, Role.CLAIMANT) and a.id is not None
    }
    if len(doers) != 1:
        return events
    (doer,) = doers.values()
    inferred = replace(doer, role=Role.AGENT, mention="")
    return [
        replace(e, actors=(*e.actors, inferred))
        if e.type in family and not any(a.role in (Role.AGENT, Role.CLAIMANT) for a in e.actors)
        else e
        for e in events
    ]


def _with_antecedents(
    event: Event, index: int, named: list[tuple[int, ActorRef]], resolvers: Resolvers
) -> Event:
    actors = []
    agent_kinds = {a.kind for a in event.actors if a.id is not None and a.role == Role.AGENT}
    for ref in event.actors:
        kinds = None if ref.id is not None else _generic_kinds(ref.mention, resolvers)
        if kinds and agent_kinds and _POSSESSIVE_START.match(ref.mention):
            continue  # "the United States withdrew its troops": "its troops" are the agent named beside them
        if kinds and ref.role == Role.AGENT and agent_kinds & kinds:
            continue  # "the army chief said he was withdrawing troops": the troops of the agent named
        antecedent = _antecedent_actor(kinds, index, named) if kinds else None
        if antecedent is not None and not any(a.id == antecedent.id for a in event.actors):
            ref = replace(antecedent, role=ref.role, mention=ref.mention)
        actors.append(ref)
    return replace(event, actors=tuple(actors)) if actors != list(event.actors) else event


_STATE_KINDS = frozenset({"state_force", "coalition", "peacekeepers", "pmc"})
_GROUP_KINDS = frozenset({"armed_group", "militia", "pmc"})
# What may stand before a bare force noun: "the troops", "its soldiers", "some 60 remaining troops", "a
# smaller contingent".
_GENERIC_FILLER = re.compile(
    rf"^(?:(?:{_words('count_qualifiers')}|{_words('possessive_determiners')}|{_words('vague_counts')}"
    rf"|{_words('force_size_words')}|[\d,]+)"
    r"\s+)*",
    re.I,
)


def _generic_kinds(mention: str, resolvers: Resolvers) -> frozenset[str] | None:
    """The actor kinds a bare force noun can stand for, or None when the mention is not one."""
    words = _GENERIC_FILLER.sub("", mention.strip()).casefold().split()
    if len(words) != 1:
        return None
    word = words[0]
    if word in ("group", "groups", "movement", "organisation", "organization"):
        return frozenset({"armed_group"})
    if word in resolvers.actors.irregular_nouns:
        return _GROUP_KINDS
    if word in resolvers.actors.regular_nouns:
        return _STATE_KINDS
    return None


def _antecedent_actor(
    kinds: frozenset[str], index: int, named: list[tuple[int, ActorRef]]
) -> ActorRef | None:
    before = [a for i, a in named if 0 <= i <= index and a.kind in kinds]
    if before:
        return before[-1]
    counts = Counter(a.id for i, a in named if i >= 0 and a.kind in kinds)
    if not counts:
        counts = Counter(a.id for _, a in named if a.kind in kinds)  # the army of the document's country
    if not counts:
        return None
    top = counts.most_common(1)[0][0]
    return next(a for _, a in named if a.id == top)


def _actor_entity(text: str, country: str | None, resolvers: Resolvers, on: date | None = None):
    """The entity a phrase names, also when a count leads it ("about 300 U.S. troops"); a capital city
    ("Moscow said") stands for its country's government."""
    # "ISIS fighters east of the Euphrates", "troops in the area": the force, not where it is
    stripped = _WHERE_AFTER.sub("", _COUNT_PREFIX.sub("", text))
    words = re.sub(r"^(the|a|an)\s+", "", stripped, flags=re.I).split()
    tries = [text, stripped, f"{stripped} forces"]  # "Israeli" in "an Israeli drone strike"
    if len(words) > 1:
        tries.append(" ".join(words[:-1]) + " forces")  # "Israeli warplanes", "military aircraft"
    if len(words) > 2:
        tries.append(" ".join(words[-2:]))  # "the last Italian troops", "remaining Russian forces"
    for attempt in dict.fromkeys(tries):
        entity = resolvers.actors.resolve(attempt, country_hint=country, on=on)
        if entity is not None:
            return entity
    return resolvers.actors.capital_government(stripped)


_WHERE_AFTER = re.compile(
    rf"\s+(?:(?:{_words('compass')})\s+of|in|at|near|around|inside|outside|from)\s+.*$", re.I
)


def _clean(text: str) -> str:
    return re.sub(r"^(the|a|an)\s+", "", re.sub(r"\s+", " ", text).strip(), flags=re.I)


def _resolve_claim(claim: Claim, when: TimeSpan | None, doc: Document) -> Claim:
    if claim.field != "expected_duration":
        return claim
    start = when.start if when is not None else doc.date
    return replace(claim, span=resolve_expected_end(claim.value, start))


def _expected_end(claims: tuple[Claim, ...]) -> TimeSpan | None:
    spans = [c.span for c in claims if c.field == "expected_duration" and c.span is not None]
    if not spans:
        return None
    start, end = min(s.start for s in spans), max(s.end for s in spans)
    return TimeSpan(start, end, max(s.precision for s in spans), "; ".join(s.text for s in spans if s.text))

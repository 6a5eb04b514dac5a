import pytest

from sitroom.nlp import split_patterns
from sitroom.nlp.components.wire_dateline import WIRE_DATELINE
from sitroom.records import Evidence, Mark
from sitroom.render import highlighted


@pytest.mark.parametrize(
    "text",
    [
        "GOMA, Feb 9 - M23 rebels",
        "ERBIL, Iraq, Feb 2 (Reuters) - Kurdish forces",
        "ADEN/DUBAI, Jan 17 - The",
        "PORT-AU-PRINCE, Feb 23 \u2013 A contingent",
    ],
)
def test_wire_datelines_are_recognised(text):
    match = WIRE_DATELINE.match(text)
    assert match and text[match.end() :][0].isupper()


@pytest.mark.parametrize("text", ["US forces began withdrawing, officials said.", "IS, the group - which"])
def test_ordinary_openings_are_not_datelines(text):
    assert WIRE_DATELINE.match(text) is None


def test_plain_token_patterns_become_phrases():
    lower, exact = split_patterns(
        [
            {"label": "FAC", "pattern": [{"LOWER": "ain"}, {"LOWER": "al-asad"}]},
            {"label": "ORG", "pattern": [{"ORTH": "IS"}, {"LOWER": {"IN": ["fighters"]}, "OP": "?"}]},
            {"label": "ORG", "pattern": [{"LOWER": "syrian"}, {"LOWER": {"IN": ["troops"]}}]},
            {"label": "GPE", "pattern": "Central"},
        ]
    )
    assert lower == [{"label": "FAC", "pattern": "ain al-asad"}]
    assert {"label": "ORG", "pattern": "IS"} in exact and {"label": "GPE", "pattern": "Central"} in exact
    assert any(isinstance(p["pattern"], list) for p in exact)


@pytest.mark.slow
def test_pipeline_is_consistent_and_splits_datelines(pipeline):
    nlp = pipeline.nlp
    assert not any(nlp.analyze_pipes(pretty=False)["problems"].values())
    doc = nlp("GOMA, Feb 9 - M23 rebels took control of the town on Sunday.")
    assert [s.text for s in doc.sents][0] == "GOMA, Feb 9 -"
    ents = {e.text: e.label_ for e in nlp("Islamic State fighters attacked the al-Tanf garrison.").ents}
    assert ents.get("Islamic State") == "ORG" and ents.get("al-Tanf garrison") == "FAC"
    ents = {e.text: e.label_ for e in nlp("Convoys left Qasrak for Kharab al-Jir, Daesh said.").ents}
    assert ents.get("Qasrak") == "FAC" and ents.get("Kharab al-Jir") == "FAC" and ents.get("Daesh") == "ORG"


def test_highlighted_marks_nest_and_share_brackets():
    evidence = Evidence(
        "d",
        10,
        30,
        "The army said X left",
        (Mark(10, 18, "actor"), Mark(10, 18, "source"), Mark(14, 18, "x"), Mark(29, 30, "trigger")),
    )
    assert highlighted(evidence) == "[The [army]{x}]{actor,source} said X lef[t]{trigger}"

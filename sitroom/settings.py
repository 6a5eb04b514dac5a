"""One settings path: defaults.toml < user file < environment < command-line flags.

This is the only module that reads environment variables.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path

import platformdirs

_DEFAULTS = Path(__file__).with_name("defaults.toml")
_ENV = {"SITROOM_DB": ("store", "db"), "SITROOM_GAZETTEER": ("gazetteer", "path")}


@dataclass(frozen=True, slots=True)
class Settings:
    db: str
    model: str
    batch_size: int
    max_bytes: int
    gazetteer_path: Path

    def with_overrides(self, **changes: object) -> Settings:
        """A copy with the given non-None values replaced (what CLI flags do)."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


def load_settings(config_file: str | Path | None = None) -> Settings:
    raw = _read_toml(_DEFAULTS)
    user = Path(config_file or os.environ.get("SITROOM_CONFIG") or _user_config())
    if user.is_file():
        _merge(raw, _read_toml(user))
    for var, (section, key) in _ENV.items():
        if os.environ.get(var):
            raw[section][key] = os.environ[var]
    return Settings(
        db=raw["store"]["db"] or str(default_db_path()),
        model=raw["nlp"]["model"],
        batch_size=int(raw["nlp"]["batch_size"]),
        max_bytes=int(raw["ingest"]["max_bytes"]),
        gazetteer_path=Path(raw["gazetteer"]["path"] or default_gazetteer_path()),
    )


def default_db_path() -> Path:
    """The database used when none is given: in the user's data directory, made on first use."""
    return Path(platformdirs.user_data_dir("sitroom")) / "sitroom.db"


def default_gazetteer_path() -> Path:
    """One index file; it is rebuilt when the code or sitroom's data files no longer match it."""
    return Path(platformdirs.user_cache_dir("sitroom")) / "gazetteer.sqlite"


def _user_config() -> Path:
    return Path(platformdirs.user_config_dir("sitroom")) / "sitroom.toml"


def _read_toml(path: Path) -> dict:
    with path.open("rb") as f:
        return tomllib.load(f)


def _merge(base: dict, extra: dict) -> None:
    for section, values in extra.items():
        base.setdefault(section, {}).update(values)

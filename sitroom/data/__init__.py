"""sitroom's own data files (sites, areas, countries, actors, lexicons), found where the package is
installed: `path("sites.tsv")`. The files are read in place, so the package is installed as files
(as pip does), never run from a zip archive."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def folder() -> Path:
    """The folder that holds the data files."""
    return Path(str(files(__name__)))


def path(name: str) -> Path:
    """The data file called `name` ("sites.tsv", "lexicon.toml")."""
    return folder() / name

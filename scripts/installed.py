"""Exit 0 when sitroom is installed from this checkout with every requirement of pyproject.toml met.

Used by scripts/setup.sh so that a set-up machine is not asked to run pip again:
    python scripts/installed.py REPO [EXTRA ...]
"""

from __future__ import annotations

import json
import sys
import tomllib
from importlib import metadata
from pathlib import Path
from urllib.parse import unquote, urlparse


def installed_from(repo: Path) -> bool:
    try:
        direct_url = metadata.distribution("sitroom").read_text("direct_url.json")
    except metadata.PackageNotFoundError:
        return False
    if not direct_url:
        return False
    info = json.loads(direct_url)
    if not info.get("dir_info", {}).get("editable"):
        return False
    return Path(unquote(urlparse(info["url"]).path)).resolve() == repo.resolve()


def requirements(repo: Path, extras: list[str]) -> list[str]:
    project = tomllib.loads((repo / "pyproject.toml").read_text())["project"]
    wanted = list(project["dependencies"])
    for extra in extras:
        wanted += project["optional-dependencies"][extra]
    return wanted


def satisfied(requirement: str) -> bool:
    from packaging.requirements import Requirement

    req = Requirement(requirement)
    if req.marker is not None and not req.marker.evaluate():
        return True
    try:
        version = metadata.version(req.name)
    except metadata.PackageNotFoundError:
        return False
    if not req.specifier.contains(version, prereleases=True):
        return False
    return all(satisfied(r) for r in extra_requirements(req.name, req.extras))


def extra_requirements(name: str, extras: set[str]) -> list[str]:
    """What `name[extras]` adds to `name` (dask[distributed] needs distributed)."""
    from packaging.requirements import Requirement

    added = []
    for line in metadata.requires(name) or []:
        req = Requirement(line)
        if req.marker is not None and any(req.marker.evaluate({"extra": e}) for e in extras):
            added.append(f"{req.name}{req.specifier}")
    return added


def main(argv: list[str]) -> int:
    repo, extras = Path(argv[0]), argv[1:]
    if not installed_from(repo):
        return 1
    try:
        missing = [r for r in requirements(repo, extras) if not satisfied(r)]
    except ImportError:  # no `packaging` yet: pip will bring it
        return 1
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

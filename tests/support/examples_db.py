"""The bundled examples, ingested once per test run into a SQLite file that API and web tests copy."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

from sitroom.ingest import read_inputs
from sitroom.jobs import ingest
from sitroom.store import open_store

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
_built: dict[str, Path] = {}


def examples_db(pipeline) -> Path:
    """A database holding the ingested examples/ (built on the first call, shared after it: copy it
    before writing to it)."""
    if "db" not in _built:
        folder = Path(tempfile.mkdtemp(prefix="sitroom-examples-"))
        atexit.register(shutil.rmtree, folder, True)
        path = folder / "examples.db"
        with open_store(str(path)) as store:
            report = ingest(read_inputs([str(EXAMPLES)]), store, pipeline)
        assert report.added >= 10 and not report.skipped, report
        _built["db"] = path
    return _built["db"]


def copy_of_examples(pipeline, folder: Path) -> Path:
    target = folder / "examples.db"
    shutil.copy(examples_db(pipeline), target)
    return target

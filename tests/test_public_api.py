"""The Python API: `import sitroom` is cheap, names what it exports, and the README's example runs."""

from __future__ import annotations

import contextlib
import io
import re
import subprocess
import sys
from pathlib import Path

import sitroom

REPO = Path(__file__).resolve().parent.parent


def test_every_exported_name_resolves() -> None:
    for name in sitroom.__all__:
        assert getattr(sitroom, name) is not None, name


def test_import_loads_no_stage() -> None:
    probe = "import sys, sitroom; print(sorted(m for m in sys.modules if m.startswith('sitroom')))"
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert loaded.stdout.strip() == "['sitroom']"


def _readme_example() -> str:
    section = (REPO / "README.md").read_text(encoding="utf-8").split("### From Python", 1)[1]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


def test_readme_example_runs(tmp_path, monkeypatch, pipeline) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "examples").symlink_to(REPO / "examples")
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(_readme_example(), "README.md", "exec"), {})
    assert "Niger Italian Armed Forces departed" in printed.getvalue().splitlines()

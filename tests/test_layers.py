"""Data flows one way: ingest -> nlp -> extract -> resolve -> merge -> store -> situation -> cli.

Each package may import only from the layers before it (and from the shared base modules)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "sitroom"
BASE = {"records", "errors", "settings", "codec", "text", "lexicon", "data"}
# layer -> the sitroom modules it may import besides BASE and itself
ALLOWED = {
    "ingest": set(),
    "nlp": set(),
    "extract": {"nlp"},
    "resolve": {"extract"},
    "merge": set(),
    # The store runs two pure stages at write time: merging reports into events, and the situation
    # fold into its table. Neither of them reads the store.
    "store": {"merge", "situation"},
    "situation": set(),
    "export": set(),
    "render": {"situation"},
    # The read side: the situation, its changes and a place's timeline, answered from the store.
    "queries": {"store", "situation"},
}


def _layer(path: Path) -> str:
    return path.relative_to(PACKAGE).parts[0].removesuffix(".py")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "sitroom":
            found |= {a.name for a in node.names}  # from sitroom import records
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("sitroom."):
            found.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            found |= {a.name.split(".")[1] for a in node.names if a.name.startswith("sitroom.")}
    return found


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_follow_the_flow(path):
    layer = _layer(path)
    if layer not in ALLOWED:
        return  # orchestrators (pipeline, jobs, cli, bench, evaluation) may use every stage
    wrong = _imports(path) - BASE - ALLOWED[layer] - {layer}
    assert not wrong, f"{path.relative_to(PACKAGE)} ({layer}) imports {sorted(wrong)}"

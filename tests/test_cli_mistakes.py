"""A newcomer's mistakes get a clear message and a non-zero exit status, never a silent empty answer."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from support.builders import actor, day, event, place

from sitroom.cli import main
from sitroom.ingest import count_documents, folder_entries, make_document, read_inputs
from sitroom.ingest.jsonl import field_mapping
from sitroom.progress import Progress
from sitroom.records import Document, EventType, Ignored, Skipped, Status
from sitroom.store import open_store

REPO = Path(__file__).resolve().parent.parent
REPORT = REPO / "examples" / "2026-03-02-italy-to-leave-niger.txt"
READ_COMMANDS = [
    ["events"],
    ["situation"],
    ["show", "ev-1"],
    ["changes", "--since", "2026-01-01"],
    ["timeline", "Niamey"],
    ["export", "--format", "csv"],
    ["remerge"],
    ["token", "list"],
]


def _invoke(*args: str):
    return CliRunner().invoke(main, list(args))


@pytest.mark.parametrize("command", READ_COMMANDS, ids=lambda c: c[0])
def test_a_read_command_on_a_missing_database_says_so_and_creates_nothing(tmp_path, command):
    db = tmp_path / "no-such-folder" / "sitroom.db"
    result = _invoke("--db", str(db), *command)
    assert result.exit_code == 2, result.output
    assert f"no database at {db}" in result.output
    assert not db.parent.exists()


def test_a_read_command_on_a_missing_file_in_an_existing_folder_creates_nothing(tmp_path):
    db = tmp_path / "sitroom.db"
    result = _invoke("--db", str(db), "events")
    assert result.exit_code == 2 and "no database at" in result.output
    assert list(tmp_path.iterdir()) == []


def test_ingest_does_not_make_missing_folders_unless_asked(tmp_path):
    db = tmp_path / "new" / "deeper" / "sitroom.db"
    refused = _invoke("--db", str(db), "ingest", str(tmp_path / "nothing.txt"))
    assert refused.exit_code == 2
    assert f"no folder {db.parent}" in refused.output and "--create-dirs" in refused.output
    assert not (tmp_path / "new").exists()


@pytest.mark.slow
def test_ingest_makes_the_folder_with_create_dirs(tmp_path):
    db = tmp_path / "new" / "sitroom.db"
    result = _invoke("--db", str(db), "ingest", "--create-dirs", str(REPORT))
    assert result.exit_code == 0, result.output
    assert db.is_file() and "1 documents added" in result.output


def test_an_unknown_event_type_lists_the_valid_ones(tmp_path):
    result = _invoke("--db", str(_store_with_events(tmp_path)), "events", "--type", "bombing")
    assert result.exit_code == 2
    assert "'bombing' is not one of" in result.output
    assert all(t.value in result.output for t in EventType)


@pytest.mark.parametrize(
    ("option", "given", "suggested"),
    [("--actor", "Italain", "Italian Armed Forces"), ("--place", "Niamy", "Niamey")],
)
def test_an_unknown_actor_or_place_says_so_and_suggests_the_nearest(tmp_path, option, given, suggested):
    result = _invoke("--db", str(_store_with_events(tmp_path)), "events", option, given)
    assert result.exit_code == 2, result.output
    assert f"no {option[2:]} by the name {given!r} is known" in result.output
    assert "nearest:" in result.output and suggested in result.output


def test_a_known_name_that_matches_nothing_in_the_window_is_an_empty_answer(tmp_path):
    db = str(_store_with_events(tmp_path))
    result = _invoke("--db", db, "events", "--actor", "italian", "--since", "2030-01-01")
    assert result.exit_code == 0 and "0 events" in result.output
    found = _invoke("--db", db, "events", "--place", "niamey", "--json")
    assert found.exit_code == 0 and len(json.loads(found.output)) == 1


def _store_with_events(tmp_path: Path) -> Path:
    db = tmp_path / "store.db"
    niamey = place("Niamey", country="NE")
    italians = actor("Italian Armed Forces", actor_id="ita-armed-forces")
    russians = actor("Russian Armed Forces", actor_id="rus-armed-forces")
    document = make_document("A sentence.", day("2026-03-02").start, doc_id="doc")
    events = [
        event("ev-1", EventType.WITHDRAW, Status.ONGOING, niamey, day("2026-03-02"), [italians]),
        event("ev-2", EventType.DEPLOY, Status.COMPLETED, place("Agadez", country="NE"), None, [russians]),
    ]
    with open_store(str(db)) as store:
        store.write(document, events)
    return db


# --- ingest FOLDER names every file it passes over --------------------------------------------------


def _folder_of_everything(tmp_path: Path) -> Path:
    folder = tmp_path / "inbox"
    (folder / ".git").mkdir(parents=True)
    (folder / ".git" / "config").write_text("x")
    (folder / "report.txt").write_text(REPORT.read_text())
    (folder / "scan.pdf").write_bytes(b"%PDF-1.7\n...")
    (folder / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0")
    (folder / "brief.docx").write_bytes(b"PK\x03\x04")
    (folder / "table.csv").write_text("a,b\n")
    (folder / "README.md").write_text("What this folder holds.")
    (folder / ".DS_Store").write_bytes(b"\x00")
    (folder / "big.txt").write_text("date 2026-03-02\n" + "word " * 600)
    (folder / "french.txt").write_text(
        "date 2026-03-02\nLe ministère de la Défense a annoncé mardi que les soldats quitteront la base"
        " aérienne de la capitale avant la fin du mois, selon un communiqué publié à Paris."
    )
    return folder


def test_every_file_of_a_folder_comes_out_read_skipped_or_ignored(tmp_path):
    folder = _folder_of_everything(tmp_path)
    items = list(read_inputs([str(folder)], max_bytes=1500))
    by_name = {Path(item.origin).name: item for item in items}
    assert isinstance(by_name["report.txt"], Document)
    for name, reason in [
        ("scan.pdf", "a PDF file"),
        ("photo.jpg", "an image"),
        ("brief.docx", "an office document"),
        ("table.csv", "not a kind of file sitroom reads (.csv)"),
        ("big.txt", "too big"),
        ("french.txt", "not English"),
    ]:
        assert isinstance(by_name[name], Skipped) and reason in by_name[name].reason, name
    for name, reason in [("README.md", "README"), (".DS_Store", "hidden file"), (".git", "hidden folder")]:
        assert isinstance(by_name[name], Ignored) and reason in by_name[name].reason, name
    assert len(items) == len(by_name) == 10
    assert count_documents([str(folder)]) == 10


def test_a_sitroomignore_file_lists_what_to_pass_over(tmp_path):
    folder = tmp_path / "corpus"
    (folder / "truth").mkdir(parents=True)
    (folder / "truth" / "a.txt").write_text("date 2026-03-02\nTroops left.")
    (folder / "sub").mkdir()
    (folder / "sub" / "answers.json").write_text("{}")
    (folder / "sub" / "notes.txt").write_text("date 2026-03-02\nTroops left.")
    (folder / "report.txt").write_text("date 2026-03-02\nTroops came.")
    (folder / ".sitroomignore").write_text("# not reports\ntruth/\n*.json\n")
    entries = {str(e if isinstance(e, Path) else e.origin): e for e in folder_entries(folder)}
    ignored = {Path(k).name: e.reason for k, e in entries.items() if isinstance(e, Ignored)}
    assert ignored == {
        ".sitroomignore": "the folder's list of files to pass over",
        "truth": "listed in .sitroomignore",
        "answers.json": "listed in .sitroomignore",
    }
    assert sorted(Path(k).name for k, e in entries.items() if isinstance(e, Path)) == [
        "notes.txt",
        "report.txt",
    ]


@pytest.mark.slow
def test_ingest_folder_names_each_skipped_file_and_exits_non_zero(tmp_path):
    folder = _folder_of_everything(tmp_path)
    db = str(tmp_path / "s.db")
    settings = tmp_path / "small.toml"
    settings.write_text("[ingest]\nmax_bytes = 1500\n")
    text = _invoke("--db", db, "--config", str(settings), "ingest", str(folder))
    assert text.exit_code == 1
    for name in ("scan.pdf", "photo.jpg", "brief.docx", "table.csv", "big.txt", "french.txt"):
        assert any(line.startswith("skipped") and name in line for line in text.output.splitlines()), name
    assert "1 documents added" in text.output and "6 skipped, 3 ignored" in text.output

    as_json = _invoke("--db", db, "--config", str(settings), "ingest", "--json", str(folder))
    assert as_json.exit_code == 1
    summary = json.loads(as_json.output[as_json.output.index("{") :])
    assert summary["unchanged"] == 1 and summary["added"] == 0
    skipped = {Path(s["origin"]).name: s["reason"] for s in summary["skipped"]}
    assert set(skipped) == {"scan.pdf", "photo.jpg", "brief.docx", "table.csv", "big.txt", "french.txt"}
    assert "a PDF file" in skipped["scan.pdf"]
    assert {Path(s["origin"].rstrip("/")).name for s in summary["ignored"]} == {
        "README.md",
        ".DS_Store",
        ".git",
    }


# --- JSONL corpora with other field names ----------------------------------------------------------


def test_jsonl_fields_are_read_from_the_names_corpora_use_and_the_names_are_told(tmp_path):
    corpus = tmp_path / "feed.jsonl"
    rows = [
        {
            "guid": "a",
            "published": "Mon, 02 Mar 2026 10:00:00 GMT",
            "body": "Troops left.",
            "link": "u1",
            "source": {"name": "Wire One"},
        },
        {"id": "b", "date": "2026-03-03T08:00:00Z", "content": "Troops came.", "publisher": "Paper"},
    ]
    corpus.write_text("\n".join(json.dumps(r) for r in rows))
    notes = []
    first, second = read_inputs([str(corpus)], on_note=lambda origin, note: notes.append(note))
    assert (first.id, str(first.date), first.text, first.url, first.outlet) == (
        "a",
        "2026-03-02",
        "Troops left.",
        "u1",
        "Wire One",
    )
    assert (second.id, str(second.date), second.text, second.outlet) == (
        "b",
        "2026-03-03",
        "Troops came.",
        "Paper",
    )
    (note,) = notes
    for told in (
        "id from 'guid'",
        "date from 'published'",
        "text from 'body' or 'content'",
        "url from 'link'",
        "outlet from 'source' or 'publisher'",
    ):
        assert told in note


def test_a_field_mapping_names_the_field_to_read(tmp_path):
    corpus = tmp_path / "c.jsonl"
    corpus.write_text(json.dumps({"when": "2026-03-02", "story": "Troops left.", "text": "not this"}))
    (doc,) = read_inputs([str(corpus)], fields=field_mapping(["date=when", "text=story"]))
    assert doc.text == "Troops left." and str(doc.date) == "2026-03-02"
    (missing,) = read_inputs([str(corpus)], fields=field_mapping(["text=headline"]))
    assert isinstance(missing, Skipped) and "text (looked for 'headline')" in missing.reason


def test_a_bad_field_mapping_is_a_usage_error(tmp_path):
    result = _invoke("--db", str(tmp_path / "x.db"), "ingest", "--field", "author=byline", "x.jsonl")
    assert result.exit_code == 2 and "--field" in result.output and "FIELD=NAME" in result.output
    assert not (tmp_path / "x.db").exists()


@pytest.mark.slow
def test_ingest_says_which_jsonl_fields_it_used(tmp_path):
    corpus = tmp_path / "c.jsonl"
    corpus.write_text(json.dumps({"id": "x1", "published": "2026-03-02", "body": REPORT.read_text()}))
    result = _invoke("--db", str(tmp_path / "x.db"), "ingest", str(corpus))
    assert result.exit_code == 0, result.output
    assert "JSONL fields read: date from 'published', text from 'body'" in result.output


# --- progress --------------------------------------------------------------------------------------


def test_progress_off_a_terminal_is_a_line_every_n_documents_with_a_total():
    out = io.StringIO()
    with Progress("ingest", total=250, every=100, stream=out) as progress:
        for _ in range(250):
            progress.update()
    lines = out.getvalue().splitlines()
    assert [line.split(",")[0] for line in lines] == [
        "ingest: 100/250 documents (40%)",
        "ingest: 200/250 documents (80%)",
        "ingest: 250/250 documents (100%)",
    ]
    assert "left" in lines[0] and "left" not in lines[-1]


def test_progress_without_a_total_counts_documents():
    out = io.StringIO()
    with Progress("ingest", total=None, every=2, stream=out) as progress:
        progress.update()
        progress.update()
    assert out.getvalue().startswith("ingest: 2 documents,")


def test_progress_on_a_terminal_draws_a_bar_with_an_eta():
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    out = Terminal()
    with Progress("ingest", total=4, stream=out) as progress:
        progress.update(2)
    assert "2/4" in out.getvalue() and "<" in out.getvalue()  # tqdm's "elapsed<remaining"

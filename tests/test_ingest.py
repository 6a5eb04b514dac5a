from datetime import date
from pathlib import Path

import pytest

from sitroom.ingest import make_document, parse_jsonl_line, parse_text_document, read_inputs
from sitroom.records import Document, Skipped


def _write(path, data: bytes):
    path.write_bytes(data)
    return str(path)


def test_dateline_is_read_and_removed(tmp_path):
    path = _write(tmp_path / "a.txt", b"  date 2026-02-23 Troops left the base on Monday.\n")
    (doc,) = read_inputs([path])
    assert doc.date == date(2026, 2, 23)
    assert doc.text == "Troops left the base on Monday."


def test_dateline_on_its_own_line(tmp_path):
    path = _write(tmp_path / "b.txt", b"date 2026-03-09\n\nTroops left.\n")
    (doc,) = read_inputs([path])
    assert (doc.date, doc.text) == (date(2026, 3, 9), "Troops left.")


def test_default_date_used_without_dateline(tmp_path):
    path = _write(tmp_path / "c.txt", b"Troops left.")
    (doc,) = read_inputs([path], default_date=date(2026, 1, 5))
    assert doc.date == date(2026, 1, 5)


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("empty.txt", b"", "empty input"),
        ("binary.bin", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x01", "binary"),
        ("nodate.txt", b"Troops left the base.", "no dateline"),
        ("baddate.txt", b"date 2026-02-31\nTroops left.", "not a real date"),
    ],
)
def test_bad_inputs_are_skipped_with_a_reason(tmp_path, name, data, reason):
    path = _write(tmp_path / name, data)
    (item,) = read_inputs([path])
    assert isinstance(item, Skipped)
    assert item.origin == path
    assert reason in item.reason


def test_invalid_utf8_is_read_as_windows_1252_with_a_note(tmp_path):
    path = _write(tmp_path / "bad.txt", b"date 2026-01-01\nTroops \x93left\x94 the base")
    notes = []
    (doc,) = read_inputs([path], on_note=lambda origin, message: notes.append((origin, message)))
    assert doc.text == "Troops \u201cleft\u201d the base"
    assert notes == [(path, "not valid UTF-8 at byte 23 (b'\\x93'); read as Windows-1252")]


def test_one_bad_input_does_not_stop_the_others(tmp_path):
    good = _write(tmp_path / "good.txt", b"date 2026-01-01\nTroops left.")
    bad = _write(tmp_path / "bad.txt", b"")
    items = list(read_inputs([bad, good, str(tmp_path / "missing.txt")]))
    assert [type(i) for i in items] == [Skipped, Document, Skipped]
    assert "no such file" in items[2].reason


def test_jsonl_lines(tmp_path):
    path = _write(
        tmp_path / "c.jsonl",
        b'{"id": "a", "date": "2026-01-02", "text": "Troops left.", "outlet": "X"}\n'
        b"not json\n"
        b'{"id": "b", "date": "2026-01-03"}\n'
        b'{"id": "c", "date": "2026-01-04", "text": "Troops arrived."}\n',
    )
    items = list(read_inputs([path]))
    assert [type(i).__name__ for i in items] == ["Document", "Skipped", "Skipped", "Document"]
    assert items[0].outlet == "X" and items[0].id == "a"
    assert items[1].origin.endswith("c.jsonl:2") and "not JSON" in items[1].reason
    assert "missing field(s): text" in items[2].reason


def test_folders_are_read_recursively_in_order(tmp_path):
    (tmp_path / "sub").mkdir()
    _write(tmp_path / "sub" / "b.txt", b"date 2026-01-01\nB.")
    _write(tmp_path / "a.txt", b"date 2026-01-01\nA.")
    _write(tmp_path / "README.md", b"not a report")
    items = list(read_inputs([str(tmp_path)]))
    assert [d.text for d in items if isinstance(d, Document)] == ["A.", "B."]
    assert [(Path(i.origin).name, type(i).__name__) for i in items if not isinstance(i, Document)] == [
        ("README.md", "Ignored")
    ]


def test_same_text_and_date_give_same_hash():
    a = make_document("Troops left.", date(2026, 1, 1), name="x")
    b = make_document("Troops left.\r\n", date(2026, 1, 1), name="y")
    c = make_document("Troops left.", date(2026, 1, 2), name="x")
    assert a.content_hash == b.content_hash != c.content_hash


def test_jsonl_non_object_and_bad_date():
    assert "must be an object" in parse_jsonl_line("[1, 2]", "f:1").reason
    assert "not YYYY-MM-DD" in parse_jsonl_line('{"id": 1, "date": "soon", "text": "x"}', "f:1").reason


def test_dateline_without_text():
    item = parse_text_document("date 2026-01-01\n\n", "f", "f", None)
    assert isinstance(item, Skipped) and "no text" in item.reason

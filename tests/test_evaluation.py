"""`sitroom eval`: scoring helpers (no model needed) and one slow run on the real peer data."""

from __future__ import annotations

import math

import pytest
from click.testing import CliRunner
from conftest import PEER_DATA, REPORTS

from sitroom.errors import EvalError
from sitroom.evaluation import EVALUATIONS, render_table, run_all
from sitroom.evaluation.metrics import (
    Distances,
    Ratio,
    admin1_key,
    first_per_split,
    haversine_km,
    median,
    overlaps_either_way,
    same_admin1,
    share,
)
from sitroom.evaluation.plover import FALSE_POSITIVE_TYPES, MAPPED_TYPES, PLOVER_TO_SITROOM, actor_texts
from sitroom.evaluation.ucdp import headline_text, parse_dateline
from sitroom.evaluation.ucdp_places import governorate_name, place_mentions
from sitroom.records import EventType

PLOVER_CATEGORIES = {
    "AGREE",
    "DEMAND",
    "REJECT",
    "THREATEN",
    "PROTEST",
    "COERCE",
    "FIGHT",
    "DISAPPROVE",
    "ASSAULT",
    "RETREAT",
    "SANCTION",
    "SUPPORT",
    "CONCEDE",
    "CONSULT",
    "AID",
    "INVESTIGATE",
    "MOBILIZE",
    "COOPERATE",
}


def test_haversine_damascus_to_aleppo() -> None:
    assert haversine_km(33.5138, 36.2765, 36.2021, 37.1343) == pytest.approx(310, abs=5)


def test_haversine_is_zero_for_one_point_and_symmetric() -> None:
    assert haversine_km(35.0, 38.0, 35.0, 38.0) == 0
    assert haversine_km(34.7, 36.7, 35.9, 39.0) == pytest.approx(haversine_km(35.9, 39.0, 34.7, 36.7))


def test_one_degree_of_latitude_is_about_111_km() -> None:
    assert haversine_km(0, 0, 1, 0) == pytest.approx(111.2, abs=0.2)


def test_median_and_share_of_nothing_are_none() -> None:
    assert median([]) is None and share(0, 0) is None
    assert median([3.0, 1.0, 2.0]) == 2.0 and median([1.0, 2.0]) == 1.5
    assert share(1, 4) == 0.25


def test_ratio_and_distances_report_their_n() -> None:
    ratio = Ratio()
    for hit in (True, False, True, True):
        ratio.add(hit)
    assert ratio.metric().value == 0.75 and ratio.metric().n == 4
    distances = Distances([4.0, 30.0, 60.0])
    assert distances.median().value == 30.0 and distances.median().unit == "km"
    assert distances.within(25).value == pytest.approx(1 / 3) and distances.within(50).n == 3
    assert Distances().within(25).value is None


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("Homs Governorate", "homs"),
        ("Deir ez Zor Governorate", "deir zor"),
        ("Deir ez-Zor", "deir zor"),
        ("Al Hasakah Governorate", "hasakah"),
        ("As Suwayda Governorate", "suwayda"),
        ("Ḩamāh Province", "hamah"),
    ],
)
def test_admin1_key_normalises_ucdp_and_sitroom_names(raw: str, key: str) -> None:
    assert admin1_key(raw) == key


@pytest.mark.parametrize(
    ("predicted", "gold"),
    [
        ("Homs", "Homs Governorate"),
        ("Hama", "Hamah Governorate"),
        ("Raqqa", "Ar Raqqah Governorate"),
        ("Rif Dimashq", "Rif Dimashq Governorate"),
        ("Deir ez-Zor", "Deir ez Zor Governorate"),
        ("Hasakah", "Al Hasakah Governorate"),
        ("Idlib", "Idlib Governorate"),
    ],
)
def test_same_admin1_accepts_spelling_variants(predicted: str, gold: str) -> None:
    assert same_admin1(predicted, gold)


def test_same_admin1_rejects_other_divisions_and_blanks() -> None:
    assert not same_admin1("Homs", "Hamah Governorate")
    assert not same_admin1("Damascus", "Rif Dimashq Governorate")
    assert not same_admin1(None, "Homs Governorate") and not same_admin1("Homs", "")


def test_plover_table_covers_all_eighteen_categories() -> None:
    assert set(PLOVER_TO_SITROOM) == PLOVER_CATEGORIES
    assert PLOVER_TO_SITROOM["RETREAT"] == EventType.WITHDRAW
    assert PLOVER_TO_SITROOM["MOBILIZE"] == EventType.DEPLOY
    assert PLOVER_TO_SITROOM["COERCE"] is None
    assert set(MAPPED_TYPES) == {EventType.ASSAULT, EventType.FIGHT, EventType.WITHDRAW, EventType.DEPLOY}
    assert FALSE_POSITIVE_TYPES == {*MAPPED_TYPES, EventType.CONTROL}


def test_plover_actor_field_shapes() -> None:
    assert actor_texts("") == ()
    assert actor_texts([{"actorText": " Rebels ", "code": "REB"}, {"code": "X"}]) == ("Rebels",)
    assert actor_texts({"actorText": "Police"}) == ("Police",)


def test_span_overlap_is_case_insensitive_either_way() -> None:
    assert overlaps_either_way("Israeli", "israeli troops")
    assert overlaps_either_way("the Turkish army", "Turkish army")
    assert not overlaps_either_way("", "army") and not overlaps_either_way("navy", "army")


def test_headlines_become_sentences_and_first_source_date_is_the_dateline() -> None:
    joined = headline_text("Shells hit a town;Clashes go on.;Shells hit a town")
    assert joined == "Shells hit a town. Clashes go on"
    assert parse_dateline("2017-03-02;2017-03-04").isoformat() == "2017-03-02"
    assert parse_dateline("unknown") is None


def test_place_mentions_drop_descriptors_and_try_alternatives() -> None:
    assert place_mentions("Teir Maaleh village") == ["Teir Maaleh"]
    assert place_mentions("Tadmur/Palmyra town") == ["Tadmur", "Palmyra"]
    assert place_mentions("Ghazal (Qizil Mazra'ah) village") == ["Ghazal", "Qizil Mazra'ah"]
    assert place_mentions("Homs countryside") == ["Homs"]
    assert governorate_name("Deir ez Zor Governorate") == "Deir ez Zor" and governorate_name("") is None


def test_first_per_split_keeps_file_order_per_split() -> None:
    items = [("dev", 1), ("heldout", 2), ("dev", 3), ("dev", 4), ("heldout", 5)]
    assert first_per_split(items, 2) == [("dev", 1), ("heldout", 2), ("dev", 3), ("heldout", 5)]
    assert first_per_split(items, None) == items


def test_missing_data_dir_is_an_eval_error(tmp_path) -> None:
    with pytest.raises(EvalError):
        run_all(object(), tmp_path / "absent")


def test_missing_data_sets_are_skipped_with_a_reason(tmp_path) -> None:
    peer_sections = [key for key in EVALUATIONS if key != "story"]  # the story ships with sitroom
    results = run_all(object(), tmp_path, only=peer_sections)
    assert all("missing" in section["skipped"] for section in results["datasets"].values())
    assert "skipped" in render_table(results)


def test_the_story_is_read_from_the_examples_folder_passed_in(tmp_path) -> None:
    unnamed = run_all(object(), tmp_path, only=["story"])
    assert "--examples" in unnamed["datasets"]["story"]["skipped"]
    elsewhere = run_all(object(), tmp_path, only=["story"], examples_dir=tmp_path)
    assert "missing" in elsewhere["datasets"]["story"]["skipped"]


def test_measurement_data_defaults_are_named_by_the_cli() -> None:
    from sitroom.cli import DEFAULT_BENCH_TEXTS, DEFAULT_EXAMPLES, DEFAULT_PEER_DATA, main

    assert DEFAULT_PEER_DATA == PEER_DATA and REPORTS in DEFAULT_BENCH_TEXTS
    assert (DEFAULT_EXAMPLES / "iraq-drawdown" / "expected.json").is_file()
    shown = CliRunner().invoke(main, ["eval", "--help"]).output
    assert "--data" in shown and "--examples" in shown
    assert "--texts" in CliRunner().invoke(main, ["bench", "--help"]).output


def _check_metric(name: str, metric: dict) -> None:
    value, n = metric["value"], metric["n"]
    assert isinstance(n, int) and n >= 0, name
    if value is None:
        assert n == 0, f"{name}: no value although n = {n}"
    elif metric["unit"] == "km":
        assert value >= 0, name
    else:
        assert 0 <= value <= 1 and not math.isnan(value), name


@pytest.mark.slow
@pytest.mark.peer
def test_run_all_on_the_peer_data() -> None:
    data_dir = PEER_DATA
    if not data_dir.is_dir():
        pytest.skip(f"peer data folder {data_dir} is absent (it lives outside the repository)")
    from sitroom.pipeline import Pipeline
    from sitroom.settings import load_settings

    results = run_all(Pipeline(load_settings()), data_dir, limit=20)
    for folder in ("ucdp-ged-syria", "plover-gsr"):
        section = results["datasets"][folder]
        assert "skipped" not in section, section.get("skipped")
        for split in ("dev", "heldout"):
            assert next(iter(section["counts"][split].values())) > 0, (folder, split)
            assert section["metrics"][split], (folder, split)
            for name, metric in section["metrics"][split].items():
                _check_metric(f"{folder}/{split}/{name}", metric)
    assert "heldout" in render_table(results)


@pytest.mark.parametrize(
    ("headline", "expected"),
    [
        ("66 people were killed yesterday, including 26 members of the regime forces", "yesterday"),
        ("Clashes on Monday in the countryside of Hama", "on Monday"),
        ("Clashes continue in the countryside of Hama since 2015", None),
        ("Renewed bombardment on the city", None),
    ],
)
def test_relative_day_references_in_headlines(headline, expected) -> None:
    from sitroom.evaluation.temporal import relative_expression

    assert relative_expression(headline) == expected


@pytest.mark.peer
def test_temporal_section_beats_the_source_date_baseline() -> None:
    from sitroom.evaluation.temporal import evaluate_temporal

    folder = PEER_DATA / "ucdp-ged-syria"
    if not folder.is_dir():
        pytest.skip(f"peer data folder {folder} is absent (it lives outside the repository)")
    section = evaluate_temporal(None, folder)
    for split in ("dev", "heldout"):
        metrics = section["metrics"][split]
        assert section["counts"][split]["rows_with_relative_day"] > 100
        assert metrics["exact_interval"]["value"] > metrics["baseline_source_date.exact_interval"]["value"]

"""A quality gate's floors only move the right way unless a regression is allowed by name."""

from support.floors import updated_floors

FLOORS = {
    "keys": {"place": 0.6, "date": 0.8},
    "events_fully_matched": 0.3,
    "situations_met": 0.6,
    "background_coded": 6,
}


def _scores(place: float, date: float, full: float, background: int) -> dict:
    return {
        "keys": {"place": place, "date": date},
        "events_fully_matched": full,
        "situations_met": 0.6,
        "background_coded": background,
    }


def test_an_improvement_raises_its_floor() -> None:
    new, lowered = updated_floors(FLOORS, _scores(0.7, 0.8, 0.4, 5))
    assert new["keys"]["place"] == 0.7 and new["events_fully_matched"] == 0.4
    assert new["background_coded"] == 5 and lowered == []


def test_a_regression_cannot_lower_its_floor() -> None:
    new, lowered = updated_floors(FLOORS, _scores(0.5, 0.9, 0.2, 8))
    assert new["keys"] == {"place": 0.6, "date": 0.9}
    assert new["events_fully_matched"] == 0.3 and new["background_coded"] == 6
    assert lowered == []


def test_allowing_a_regression_lowers_the_floor_and_names_it() -> None:
    new, lowered = updated_floors(FLOORS, _scores(0.5, 0.8, 0.3, 8), allow_regression=True)
    assert new["keys"]["place"] == 0.5 and new["background_coded"] == 8
    assert lowered == ["keys.place: 0.6 -> 0.5", "background_coded: 6 -> 8"]


def test_first_run_takes_the_scores() -> None:
    scores = _scores(0.5, 0.8, 0.3, 8)
    assert updated_floors(None, scores) == (scores, [])

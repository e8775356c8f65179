"""A circulation walks its reverse transfer trails over the item's own flows: upward or
horizontal flows only, no unit twice, dates never going back (undated hops pass), shortest
first and then by the ids on the way, and the walk stops at the path cap."""

import pytest

from service.model.views import FlowView, UnitRef
from service.services import paths

pytestmark = pytest.mark.unit


def flow(source: str, target: str, direction: str, date: str | None) -> FlowView:
    return FlowView.model_validate(
        {
            "id": f"{source}-{target}",
            "direction": direction,
            "mode": "planned",
            "knowledge": "k",
            "date": date,
            "source": source,
            "target": target,
        }
    )


LEARNER = UnitRef.model_validate({"id": "l", "name": "L", "role": "subsidiary", "firm": "f"})
FLOWS = [
    flow("l", "h", "upward", "2010"),
    flow("h", "c", "upward", "2011-03"),
    flow("l", "c", "horizontal", "2012"),
    flow("l", "p", "horizontal", "2010"),
    flow("p", "h", "horizontal", "2009"),  # earlier than the flow that reached p
    flow("h", "l", "upward", "2011"),  # back to where the walk started
    flow("l", "d", "downward", "2010"),
    flow("d", "c", "upward", "2011"),  # reached only by a downward flow
    flow("l", "q", "upward", None),
    flow("q", "c", "upward", "2000"),
]


def test_trails_keep_the_walk_rules_and_their_order() -> None:
    trails = paths._circulation_trails([LEARNER, LEARNER], {"f": "c"}, FLOWS)
    assert [[start, *(f.target for f in trail)] for start, trail in trails] == [
        ["l", "c"],
        ["l", "h", "c"],
        ["l", "q", "c"],
    ]
    assert paths._circulation_trails([LEARNER], {"other": "c"}, FLOWS) == []


def test_the_walk_stops_at_the_path_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(paths, "MAX_WALKED_PATHS", 2)
    with pytest.raises(paths._Capped):
        paths._circulation_trails([LEARNER], {"f": "c"}, FLOWS)

"""A circulation walks its reverse transfer trails over the item's own flows: upward or
horizontal flows only, no unit twice, dates never going back (undated hops pass), shortest
first and then by the ids on the way; it never steps where the target is out of reach, and
stops at the path cap or its step budget."""

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


def test_the_walk_never_steps_where_the_target_is_out_of_reach(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Three levels of four branches each that never lead to the centre: 84 flows a blind
    # walk would step along, against a budget of 20 steps.
    dead_ends = []
    parents = ["l"]
    for _ in range(3):
        children = []
        for parent in parents:
            for n in range(4):
                child = f"{parent}.{n}"
                dead_ends.append(flow(parent, child, "upward", None))
                children.append(child)
        parents = children
    monkeypatch.setattr(paths, "MAX_WALK_STEPS", 20)
    trails = paths._circulation_trails([LEARNER], {"f": "c"}, [*dead_ends, *FLOWS])
    assert [[start, *(f.target for f in trail)] for start, trail in trails] == [
        ["l", "c"],
        ["l", "h", "c"],
        ["l", "q", "c"],
    ]


def test_the_walk_stops_at_its_step_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(paths, "MAX_WALK_STEPS", 3)
    with pytest.raises(paths._Capped):
        paths._circulation_trails([LEARNER], {"f": "c"}, FLOWS)

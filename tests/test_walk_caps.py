"""Capped walks never answer wrongly: a walk the path cap cut short is not ranked as if whole.

The engine hands back a capped walk in its own order, so shorter paths may be missing from
it. On the small synthetic firm, with the cap lowered, a page of routes is still exact when
shorter walks fit under the cap, a request that needs the cut walk is refused naming
maxHops, and dissemination reaches every unit however small the cap."""

from typing import Any

import pytest

from service.services import paths
from service.services.errors import InvalidArgument
from service.services.paging import PageRequest
from service.services.synthetic import SIZES, generate_case_document, generate_firm
from service.store.port import GraphStore
from tests.test_synthetic import upstream_routes

pytestmark = pytest.mark.integration

SUBSIDIARY = "synth-sub-00007"


@pytest.fixture
async def firm(store: GraphStore) -> dict[str, Any]:
    await generate_firm(store, size=SIZES["small"])
    return generate_case_document(size=SIZES["small"])


def downstream_distances(document: dict[str, Any], source: str, hops: int) -> dict[str, int]:
    """Each unit's shortest distance from source over downward and horizontal flows."""
    distance = {source: 0}
    frontier = {source}
    for level in range(1, hops + 1):
        frontier = {
            f["to"]
            for f in document["flows"]
            if f["from"] in frontier and f["direction"] != "upward" and f["to"] not in distance
        }
        distance |= dict.fromkeys(frontier, level)
    del distance[source]
    return distance


async def route_ids(store: GraphStore, *, max_hops: int, first: int) -> list[list[str]]:
    page = await paths.list_reverse_transfer_paths(
        store,
        question=paths.PathQuestion(unit_id=SUBSIDIARY, max_hops=max_hops),
        page=PageRequest(0, first),
    )
    return [[hop.unit.id for hop in path.hops] for path in page.paths]


async def test_a_page_of_short_routes_stays_exact_when_the_long_walk_meets_the_cap(
    store: GraphStore, firm: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = upstream_routes(firm, SUBSIDIARY, "synth-ccd", 4)
    assert len(expected) > 40  # so a cap of 40 cuts the 4-hop walk
    monkeypatch.setattr(paths, "MAX_WALKED_PATHS", 40)
    short = [route for route in expected if len(route) <= 3]
    assert await route_ids(store, max_hops=4, first=len(short)) == short


async def test_a_page_that_needs_a_cut_walk_is_refused_naming_max_hops(
    store: GraphStore, firm: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = upstream_routes(firm, SUBSIDIARY, "synth-ccd", 4)
    monkeypatch.setattr(paths, "MAX_WALKED_PATHS", 40)
    with pytest.raises(InvalidArgument, match="ask for maxHops 3 or fewer") as refused:
        await route_ids(store, max_hops=4, first=len(expected))
    assert refused.value.argument == "maxHops"
    assert "more than 40 paths of up to 4 hops lead from 'synth-sub-00007'" in str(refused.value)
    with pytest.raises(InvalidArgument, match="maxHops"):
        await paths.count_reverse_transfer_paths(
            store, question=paths.PathQuestion(unit_id=SUBSIDIARY, to_id="synth-ccd")
        )


async def test_dissemination_reaches_every_unit_whatever_the_cap(
    store: GraphStore, firm: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    def reached(found: list[paths.Reach]) -> dict[str, int]:
        return {reach.unit.id: reach.distance for reach in found}

    whole = await paths.list_dissemination(
        store, unit_id="synth-ccd", knowledge_id=None, max_hops=3
    )
    assert reached(whole) == downstream_distances(firm, "synth-ccd", 3)
    monkeypatch.setattr(paths, "MAX_WALKED_PATHS", 20)
    capped = await paths.list_dissemination(
        store, unit_id="synth-ccd", knowledge_id=None, max_hops=3
    )
    assert reached(capped) == reached(whole)
    assert [r.route for r in capped] == [r.route for r in whole]

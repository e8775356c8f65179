"""A graph written before flows kept their derived data is brought
up to date when the store opens: routes, hub metrics and the whole graph then equal those of
a fresh load, a second run changes nothing, and an up-to-date graph is left alone."""

from pathlib import Path
from typing import Any

import pytest

from service.bootstrap import open_store
from service.cypher import Query, parse_query
from service.model.case import Unit
from service.model.enums import HubMetricOrder, UnitRole
from service.model.graph import FIRST_FLOW_FIELDS, UNIT_METRICS
from service.services import migration
from service.services.exchange import export_graph
from service.services.metrics import get_hub_thresholds, list_hub_metrics
from service.services.migration import (
    list_underived_firms,
    migrate_flow_data,
    migrate_integration_roles,
)
from service.services.paging import PageRequest
from service.services.paths import PathQuestion, list_reverse_transfer_paths
from service.services.recording import record_unit
from service.services.seeding import list_case_files, seed_cases
from service.settings import Settings
from service.store.port import GraphStore
from tests.helpers import SEED_DIR, cite

pytestmark = pytest.mark.integration


def statement(name: str, text: str) -> Query:
    """A statement only these tests run: it takes the graph back to an older kflow's."""
    header = "// Take the graph back to an older kflow's.\n// params: (none)\n// returns: done\n"
    return parse_query(name, header + text, Path(__file__))


UNIT_COUNTERS = ", ".join(f"u.{name}" for name in UNIT_METRICS)
FIRST_FLOW = ", ".join(f"s.{name}" for name in FIRST_FLOW_FIELDS)
DELETE_SENDS = statement(
    "delete_sends",
    "MATCH ()-[s:SENDS_UP|SENDS_DOWN|SENDS_ACROSS]->() DELETE s RETURN count(*) AS done",
)
# An older kflow kept SENDS_* with only {flows, firm}, and no counters or `flowed` pairs.
SET_OLD_SENDS = statement(
    "set_old_sends",
    f"MATCH ()-[s:SENDS_UP|SENDS_DOWN|SENDS_ACROSS]->() REMOVE {FIRST_FLOW} "
    "RETURN count(*) AS done",
)
SET_NO_COUNTERS = statement(
    "set_no_counters", f"MATCH (u:Unit) REMOVE {UNIT_COUNTERS} RETURN count(*) AS done"
)
SET_NO_FLOWED = statement(
    "set_no_flowed", "MATCH (k:Knowledge) REMOVE k.flowed RETURN count(*) AS done"
)
OLD_GRAPHS = {
    "flows only": (DELETE_SENDS, SET_NO_COUNTERS, SET_NO_FLOWED),
    "199a66b": (SET_OLD_SENDS, SET_NO_COUNTERS, SET_NO_FLOWED),
}


async def take_back(store: GraphStore, *, version: str) -> None:
    """Strip the derived data an older kflow did not keep."""
    for query in OLD_GRAPHS[version]:
        await store.write(query)


async def read_graph(store: GraphStore) -> dict[str, Any]:
    """Every firm's nodes and relationships, in a stable order, missing flow counts as 0."""
    exported = await export_graph(store, derived=True)
    for node in exported.nodes:
        # Readers take a missing count as 0: units recorded through the API have none until
        # their first flow, and a firm without flows has nothing to migrate.
        if "Unit" in node.labels:
            node.properties = dict.fromkeys(UNIT_METRICS, 0) | node.properties
    return {
        "nodes": sorted(exported.nodes, key=lambda n: n.id),
        "relationships": sorted(
            exported.relationships,
            key=lambda r: (r.type, r.source, r.target, str(r.properties.get("id"))),
        ),
    }


async def read_answers(store: GraphStore) -> dict[str, Any]:
    """What users read off the derived data: routes, hub metrics, and the whole graph."""
    graph = await read_graph(store)
    metrics = {}
    for firm_id in sorted({node.properties["firm"] for node in graph["nodes"]}):
        thresholds = await get_hub_thresholds(store, firm_id=firm_id)
        metrics[firm_id] = await list_hub_metrics(
            store,
            thresholds=thresholds,
            roles=None,
            order=HubMetricOrder.UNIT,
            page=PageRequest(skip=0, limit=1_000),
        )
    routes = await list_reverse_transfer_paths(
        store, question=PathQuestion(unit_id="huawei-uk"), page=PageRequest(skip=0, limit=100)
    )
    return {"routes": routes, "metrics": metrics, **graph}


def firms_with_flows(answers: dict[str, Any]) -> list[str]:
    """The firms that hold flows, so have derived data to lose."""
    return sorted({r.properties["firm"] for r in answers["relationships"] if r.type == "FLOWS"})


async def seed(store: GraphStore) -> None:
    await seed_cases(store, paths=list(list_case_files(SEED_DIR).values()))


@pytest.mark.parametrize("version", sorted(OLD_GRAPHS))
async def test_an_old_graph_answers_as_a_fresh_one_once_migrated(
    store: GraphStore, version: str
) -> None:
    await seed(store)
    fresh = await read_answers(store)
    assert fresh["routes"].paths and await list_underived_firms(store) == []
    await take_back(store, version=version)
    assert await read_graph(store) != {k: fresh[k] for k in ("nodes", "relationships")}
    assert await list_underived_firms(store) == firms_with_flows(fresh)

    reported: list[str] = []
    derived = await migrate_flow_data(store, report=reported.append)
    assert [d.firm for d in derived] == firms_with_flows(fresh)
    assert "derived" in reported[0] and "SENDS relationships" in reported[0]
    assert await read_answers(store) == fresh

    assert await migrate_flow_data(store, report=reported.append) == []
    assert await read_answers(store) == fresh


async def test_a_firm_too_large_for_one_statement_goes_in_batches_a_cut_run_finishes(
    store: GraphStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    await seed(store)
    fresh = await read_answers(store)
    await take_back(store, version="flows only")
    monkeypatch.setattr(migration, "VALUES_PER_STATEMENT", 50)
    adapter = type(store)
    write = adapter.write
    calls = [0]

    async def cut_write(self: GraphStore, query: Query, params: Any = None) -> Any:
        calls[0] += 1
        if calls[0] == 2:
            raise RuntimeError("the process was stopped")
        return await write(self, query, params)

    monkeypatch.setattr(adapter, "write", cut_write)
    with pytest.raises(RuntimeError):
        await migrate_flow_data(store, report=lambda _line: None)
    # The first firm (beta) was cut after its first batch: it still reads as underived.
    assert await list_underived_firms(store) == firms_with_flows(fresh)

    monkeypatch.setattr(adapter, "write", write)
    derived = await migrate_flow_data(store, report=lambda _line: None)
    assert max(d.statements for d in derived) > 1
    assert await read_answers(store) == fresh


async def test_units_without_flows_need_no_migration(store: GraphStore) -> None:
    await seed(store)
    unit = Unit(
        id="huawei-pl",
        name="Huawei Poland",
        role=UnitRole.SUBSIDIARY,
        reports_to="huawei-uk",
        cite=cite(),
    )
    await record_unit(store, firm_id="huawei", unit=unit)
    assert await list_underived_firms(store) == []


async def test_opening_the_store_migrates_an_old_data_directory(tmp_path: Path) -> None:
    settings = Settings(graph_url=f"embedded://{tmp_path / 'data'}")
    store = await open_store(settings)
    try:
        await seed(store)
        fresh = await read_answers(store)
        await take_back(store, version="199a66b")
    finally:
        await store.close()
    reported: list[str] = []
    store = await open_store(settings, report=reported.append)
    try:
        assert len(reported) == len(firms_with_flows(fresh))
        assert await read_answers(store) == fresh
    finally:
        await store.close()


# An older kflow placed every integration event AT one unit, its sponsor.
SET_OLD_INTEGRATION_UNIT = statement(
    "set_old_integration_unit",
    "MATCH (i:IntegrationEvent {id: 'zte-leverage-solar-battery'})-[r:SPONSORED_BY]->(u:Unit) "
    "CREATE (i)-[:AT]->(u) DELETE r RETURN count(*) AS done",
)


async def test_an_old_integration_event_keeps_its_unit_as_sponsor(store: GraphStore) -> None:
    await seed(store)
    fresh = await read_graph(store)
    await store.write(SET_OLD_INTEGRATION_UNIT)
    assert await read_graph(store) != fresh
    reported: list[str] = []
    assert await migrate_integration_roles(store, report=reported.append) == 1
    assert reported == ["made the AT unit of 1 integration events their sponsor"]
    assert await read_graph(store) == fresh
    assert await migrate_integration_roles(store, report=reported.append) == 0

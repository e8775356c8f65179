"""A short soak of the served API; bench/soak.py is the long, measured one.

Concurrent clients mix GraphQL reads with recordFlow writes on the shared test server. The
writes go between two units the soak adds to acme (a hub under its capability centre and a
subsidiary under the hub), so that the paths other tests read from acme's own units never
see them.
"""

import asyncio
import time
from pathlib import Path

import pytest
import yaml

from service.services.analyst import run_named_query
from service.services.exchange import export_neighbourhood
from service.services.paging import page_request
from service.services.paths import PathQuestion, list_reverse_transfer_paths
from service.services.seeding import seed_cases
from service.store.embedded import EmbeddedStore
from service.store.engine import EngineProcess
from tests.helpers import TINY_FIRM_EDGES, Served, add_units, tiny_firm, tiny_flow
from tests.load import Plan, find_written, run_load

pytestmark = pytest.mark.e2e

REQUESTS = 300
CLIENTS = 8
SOAK_HUB, SOAK_SUB = "soak-hub", "soak-sub"


def add_soak_units(server: Served) -> None:
    answers = add_units(
        server.base, [(SOAK_HUB, "REGIONAL_HQ", "acme-ccd"), (SOAK_SUB, "SUBSIDIARY", SOAK_HUB)]
    )
    assert [answer["__typename"] for answer in answers] == ["UnitRecorded"] * 2, answers


def test_concurrent_reads_and_writes_make_no_errors_and_lose_no_write(server: Served) -> None:
    add_soak_units(server)
    plan = Plan(
        path_units=["huawei-uk", "huawei-rhq", "zte-us"],
        firms=["acme", "huawei", "zte"],
        flows=[(SOAK_SUB, SOAK_HUB, "UPWARD")],
        id_prefix="soak-flow-",
    )
    started = time.monotonic()
    result = asyncio.run(
        run_load(server.base, plan, requests=REQUESTS, clients=CLIENTS, max_seconds=60)
    )
    assert result.errors == 0, result.error_examples
    assert result.requests == REQUESTS, f"only {result.requests} requests in {result.seconds} s"
    assert result.writes > 0 and result.reads > 0
    assert len(result.acknowledged) == result.writes
    found = find_written(server.base, plan.id_prefix)
    assert set(result.acknowledged) <= found, sorted(set(result.acknowledged) - found)[:10]
    assert time.monotonic() - started < 60


def parallel_flows(copies: int) -> list[dict[str, object]]:
    """`copies` flows on each of the five upward and sideways edges of the test firm."""
    edges = [edge for edge in TINY_FIRM_EDGES if edge[2] != "downward"]
    return [
        tiny_flow(f"acme-flow-{source}-{target}-{n}", source, target, direction)
        for source, target, direction in edges
        for n in range(copies)
    ]


# Was a finding (every trail of up to 6 flows was enumerated before filtering, exponential in
# parallel flows); routes now walk one derived SENDS_* link per pair and direction, and the
# neighbourhood export walks ring by ring.
async def test_reverse_paths_stay_fast_when_units_share_many_flows(
    engine: EngineProcess, tmp_path: Path
) -> None:
    store = EmbeddedStore(
        engine, graph_name="soakpaths", pool_size=2, query_timeout_ms=2_000, owns_engine=False
    )
    try:
        await store.ensure_schema()
        seed = tmp_path / "acme.yaml"
        seed.write_text(yaml.safe_dump(tiny_firm("acme", flows=parallel_flows(12))))
        await seed_cases(store, paths=[seed])
        started = time.monotonic()
        await list_reverse_transfer_paths(
            store,
            question=PathQuestion(unit_id="acme-uk"),
            page=page_request(first=10, after=None),
        )
        assert time.monotonic() - started < 1.0
        # The analyst's question and the neighbourhood export walk the same graph; each must
        # answer within the store's 2 s limit (QueryTimedOut otherwise).
        answer = await run_named_query(
            store, name="list_reverse_transfer_paths", params={"unit": "acme-uk"}, row_cap=10
        )
        assert answer.rows[0][1] == ["acme-uk", "acme-europe", "acme-ccd"]
        neighbourhood = await export_neighbourhood(store, unit_id="acme-uk", hops=3)
        assert {"acme-hq", "acme-de"} <= {node.id for node in neighbourhood.nodes}
    finally:
        await store.drop_graph()
        await store.close()

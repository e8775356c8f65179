"""The store port behaves the same on every backend."""

import asyncio
import datetime
import logging
import os

import pytest

from service.services.bulk import write_case
from service.store.embedded import EmbeddedStore
from service.store.engine import EngineProcess
from service.store.neo4j import Neo4jStore
from service.store.port import (
    AdhocLimits,
    ConstraintViolation,
    GraphStore,
    LoadInProgress,
    QueryFailed,
    QueryParameterError,
    QueryTimedOut,
    StatementPlan,
    StoreUnavailable,
)
from tests.conftest import connect_neo4j
from tests.helpers import Backend, as_case, load_test_statement, tiny_firm

pytestmark = pytest.mark.integration

CREATE_UNIT = load_test_statement("contract/create_unit")
LIST_UNITS = load_test_statement("contract/list_units")
GET_VALUES = load_test_statement("contract/get_values")
GET_DIVISION = load_test_statement("contract/get_division")
COUNT_PAIRS = load_test_statement("contract/count_pairs")


async def test_a_write_is_read_back_as_plain_maps(store: GraphStore) -> None:
    written = await store.write(CREATE_UNIT, {"id": "huawei-uk", "name": "Huawei UK"})
    assert written == [{"unit": {"id": "huawei-uk", "name": "Huawei UK"}}]
    assert await store.read(LIST_UNITS) == [{"unit": {"id": "huawei-uk", "name": "Huawei UK"}}]


async def test_values_come_back_as_plain_python(store: GraphStore) -> None:
    rows = await store.read(
        GET_VALUES,
        {
            "text": "quote ' and \" and é",
            "number": 2**62,
            "ratio": 0.25,
            "flag": True,
            "items": ["a", "b"],
            "day": "2001-02-03",
        },
    )
    assert rows == [
        {
            "text": "quote ' and \" and é",
            "number": 2**62,
            "ratio": 0.25,
            "flag": True,
            "items": ["a", "b"],
            "day": datetime.date(2001, 2, 3),
            "nested": {"inner": [1, 2], "label": "x"},
            "nothing": None,
        }
    ]
    assert type(rows[0]["day"]) is datetime.date


async def test_a_missing_parameter_is_named(store: GraphStore) -> None:
    with pytest.raises(QueryParameterError, match="contract/create_unit': missing name"):
        await store.write(CREATE_UNIT, {"id": "x"})


async def test_an_extra_parameter_is_named(store: GraphStore) -> None:
    with pytest.raises(QueryParameterError, match="unexpected colour"):
        await store.write(CREATE_UNIT, {"id": "x", "name": "X", "colour": "red"})


async def test_a_write_statement_cannot_run_as_a_read(store: GraphStore) -> None:
    with pytest.raises(QueryParameterError, match="is a write statement"):
        await store.read(CREATE_UNIT, {"id": "x", "name": "X"})
    assert await store.read(LIST_UNITS) == []


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        (float("nan"), "not a finite number"),
        (float("inf"), "not a finite number"),
        (b"bytes", "a bytes cannot be sent"),
        ("nul\x00inside", "NUL character"),
        (2**64, "does not fit in 64 bits"),
    ],
)
async def test_values_the_engines_would_garble_are_refused(
    store: GraphStore, value: object, problem: str
) -> None:
    with pytest.raises(QueryParameterError, match=problem):
        await store.write(CREATE_UNIT, {"id": "x", "name": value})
    assert await store.read(LIST_UNITS) == []


async def test_parameters_nested_too_deep_are_refused(store: GraphStore) -> None:
    deep: object = "leaf"
    for _ in range(40):
        deep = [deep]
    with pytest.raises(QueryParameterError, match="nested deeper than"):
        await store.write(CREATE_UNIT, {"id": "x", "name": deep})


async def test_an_engine_error_comes_back_typed_with_its_message(store: GraphStore) -> None:
    with pytest.raises(QueryFailed, match=r"(?i)division by zero|/ by zero") as failure:
        await store.read(GET_DIVISION, {"numerator": 1, "denominator": 0})
    assert failure.value.query == "contract/get_division"


async def test_a_duplicate_id_is_refused_and_nothing_is_written(store: GraphStore) -> None:
    await store.write(CREATE_UNIT, {"id": "zte-us", "name": "ZTE US"})
    with pytest.raises(ConstraintViolation):
        await store.write(CREATE_UNIT, {"id": "zte-us", "name": "ZTE USA"})
    assert await store.read(LIST_UNITS) == [{"unit": {"id": "zte-us", "name": "ZTE US"}}]


async def test_the_store_pings_and_names_its_engine(store: GraphStore) -> None:
    await store.ping()
    info = await store.info()
    assert info.backend == store.backend
    assert info.engine_version.startswith(("FalkorDB 4.22", "Neo4j/5"))


async def test_schema_setup_is_idempotent(store: GraphStore) -> None:
    await store.ensure_schema()
    await store.ensure_schema()
    await store.write(CREATE_UNIT, {"id": "a", "name": "A"})
    with pytest.raises(ConstraintViolation):
        await store.write(CREATE_UNIT, {"id": "a", "name": "A"})


LIMITS = AdhocLimits(timeout_ms=5000, row_cap=10, max_bytes=1_000_000)


def any_plan(plan: StatementPlan) -> None:
    """The adapter's own read-only run, without the analyst sandbox's plan check."""


async def test_neo4j_notifications_go_to_the_debug_log(
    neo4j_store: Neo4jStore, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="kflow.store")
    await neo4j_store.run_readonly(
        "MATCH (n) RETURN n.aPropertyNoGraphHas AS x", {}, limits=LIMITS, check=any_plan
    )
    notes = [r for r in caplog.records if "aPropertyNoGraphHas" in r.getMessage()]
    assert notes and {(r.name, r.levelname) for r in notes} == {("kflow.store", "DEBUG")}


async def test_a_missing_neo4j_database_is_named_at_start_up(neo4j_backend: Backend) -> None:
    with pytest.raises(StoreUnavailable, match=r"no database 'sales' \(KFLOW_NEO4J_DATABASE\)"):
        await Neo4jStore.connect(
            neo4j_backend.url,
            user="neo4j",
            password=neo4j_backend.password,
            database="sales",
            pool_size=1,
            query_timeout_ms=1000,
        )


async def test_the_routing_driver_reaches_the_same_neo4j(neo4j_backend: Backend) -> None:
    # neo4j:// is how a cluster or Aura is reached: reads are routed to readers.
    routed = await connect_neo4j(
        neo4j_backend, url=neo4j_backend.url.replace("bolt://", "neo4j://")
    )
    try:
        await routed.ensure_schema()
        await routed.write(CREATE_UNIT, {"id": "zte-de", "name": "ZTE Germany"})
        async with routed.snapshot() as snapshot:
            assert await snapshot.read(LIST_UNITS) == [
                {"unit": {"id": "zte-de", "name": "ZTE Germany"}}
            ]
        with pytest.raises(ConstraintViolation):
            await routed.write(CREATE_UNIT, {"id": "zte-de", "name": "again"})
        adhoc = await routed.run_readonly(
            "MATCH (u:Unit) RETURN u.id AS id", {}, limits=LIMITS, check=any_plan
        )
        assert adhoc.rows == [["zte-de"]]
        assert (await routed.info()).backend == "neo4j"
    finally:
        await routed.close()


async def test_kflows_own_statement_past_the_time_limit_says_which_limit(
    backend: Backend, engine: EngineProcess
) -> None:
    # A timed-out statement is the server's limit, not a fault: callers see a 408 naming it.
    store: GraphStore
    if backend.name == "neo4j":
        store = await connect_neo4j(backend, query_timeout_ms=300)
    else:
        embedded = EmbeddedStore(
            engine, graph_name="timelimit", pool_size=1, query_timeout_ms=300, owns_engine=False
        )
        await embedded.ensure_schema()
        store = embedded
    try:
        with pytest.raises(
            QueryTimedOut,
            match=r"contract/count_pairs' ran past the 300 ms limit \(KFLOW_QUERY_TIMEOUT_MS\)",
        ):
            await store.read(COUNT_PAIRS, {"n": 40_000})
    finally:
        if backend.name != "neo4j":
            await embedded.drop_graph()
        await store.close()


async def test_a_second_load_in_the_same_process_is_refused_and_the_first_lands_whole(
    store: GraphStore,
) -> None:
    async def second_load() -> None:
        async with store.bulk_load() as second:
            await write_case(second.graph, case=as_case(tiny_firm("second")), tag=second.tag)

    async with store.bulk_load() as first:
        await write_case(first.graph, case=as_case(tiny_firm("first")), tag=first.tag)
        with pytest.raises(LoadInProgress, match=rf"this kflow process \(pid {os.getpid()}\)"):
            await asyncio.create_task(second_load())
    units = [row["unit"]["id"] for row in await store.read(LIST_UNITS)]
    assert units == sorted(unit["id"] for unit in tiny_firm("first")["units"])

"""Shared fixtures: one real embedded engine per test session, one fresh graph per test.

The store-contract tests also run against Neo4j when KFLOW_TEST_NEO4J_URL is set
(with KFLOW_TEST_NEO4J_PASSWORD, and KFLOW_TEST_NEO4J_USER defaulting to neo4j).
"""

import contextlib
import itertools
import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import pytest_asyncio
import yaml

from service.settings import Settings
from service.store.embedded import EmbeddedStore
from service.store.engine import EngineConfig, EngineProcess
from service.store.port import GraphStore
from tests.helpers import SEED_DIR, Served, kflow, serve, tiny_firm

_graph_numbers = itertools.count()
NEO4J_URL = os.environ.get("KFLOW_TEST_NEO4J_URL")


def engine_config(data_dir: Path, **overrides: object) -> EngineConfig:
    """The engine settings tests use: the defaults, on a directory of the test's own."""
    defaults = Settings(graph_url=f"embedded://{data_dir}")
    config = {
        "data_dir": data_dir,
        "module": defaults.engine_module,
        "fsync": defaults.engine_fsync,
        "start_timeout_s": 30.0,
        "query_timeout_ms": defaults.query_timeout_ms,
        "query_memory_mb": defaults.query_memory_mb,
    }
    config.update(overrides)
    return EngineConfig(**config)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EngineProcess]:
    process = EngineProcess(engine_config(tmp_path_factory.mktemp("engine")))
    process.start()
    yield process
    process.stop()


@contextlib.asynccontextmanager
async def fresh_graph(engine: EngineProcess) -> AsyncIterator[EmbeddedStore]:
    """An embedded store on a graph no other test sees, dropped afterwards."""
    graph = EmbeddedStore(
        engine,
        graph_name=f"test{next(_graph_numbers)}",
        pool_size=4,
        query_timeout_ms=10_000,
        owns_engine=False,
    )
    await graph.ensure_schema()
    try:
        yield graph
    finally:
        await graph.drop_graph()
        await graph.close()


@pytest_asyncio.fixture
async def store(engine: EngineProcess) -> AsyncIterator[EmbeddedStore]:
    """An embedded store on a fresh graph."""
    async with fresh_graph(engine) as graph:
        yield graph


@pytest_asyncio.fixture(params=["embedded", "neo4j"])
async def any_store(
    request: pytest.FixtureRequest, engine: EngineProcess
) -> AsyncIterator[GraphStore]:
    """The store contract's subject: the embedded engine, and Neo4j when one is configured."""
    if request.param == "embedded":
        async with fresh_graph(engine) as graph:
            yield graph
        return
    if not NEO4J_URL:
        pytest.skip("KFLOW_TEST_NEO4J_URL is not set: no Neo4j server to test against")
    from service.services.health import clear_graph
    from service.store.neo4j import Neo4jStore

    neo4j = await Neo4jStore.connect(
        NEO4J_URL,
        user=os.environ.get("KFLOW_TEST_NEO4J_USER", "neo4j"),
        password=os.environ.get("KFLOW_TEST_NEO4J_PASSWORD", ""),
        database=None,
        pool_size=4,
        query_timeout_ms=10_000,
    )
    await neo4j.ensure_schema()
    await clear_graph(neo4j)
    yield neo4j
    await clear_graph(neo4j)
    await neo4j.close()


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """`kflow serve` on a free port, with every case demo and a small test firm, acme.

    Anonymous callers may edit here, so API tests need no keys; tests/test_access.py runs
    its own server with keys and no anonymous access.
    """
    data = tmp_path_factory.mktemp("served")
    extra = tmp_path_factory.mktemp("acme-seed")
    (extra / "acme.yaml").write_text(yaml.safe_dump(tiny_firm("acme"), sort_keys=False))
    for seed_dir in (SEED_DIR, extra):
        seeded = kflow("seed", "--seed-dir", str(seed_dir), data=data)
        assert seeded.returncode == 0, seeded.stderr
    with serve(data, KFLOW_ANONYMOUS_ROLE="editor") as served:
        yield served

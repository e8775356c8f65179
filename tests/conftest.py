"""Shared fixtures: one real embedded engine per test session, one fresh graph per test,
and one seeded `kflow serve` per backend; every store-backed fixture runs on each backend of
tests/backends.py (the embedded engine and Neo4j).
"""

import contextlib
import itertools
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import pytest_asyncio
import yaml

from service.services.synthetic import SIZES, generate_case_document
from service.settings import Settings
from service.store.embedded import EmbeddedStore
from service.store.engine import EngineConfig, EngineProcess
from service.store.neo4j import Neo4jStore
from service.store.port import GraphStore
from tests.backends import BACKENDS, backend_named, stop_own_servers
from tests.fakes import MemoryStore
from tests.helpers import (
    NEO4J_TEST_TIMEOUT_MS,
    SEED_DIR,
    Backend,
    Served,
    kflow,
    serve,
    tiny_firm,
)

_graph_numbers = itertools.count()


TIERS = ("unit", "integration", "e2e")


def pytest_sessionfinish() -> None:
    stop_own_servers()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Refuse a test in no tier, or in more than one: `-m unit` must mean what it says."""
    problems = [
        f"{item.nodeid}: tiers {tiers or 'none'}; mark it with one of {', '.join(TIERS)}"
        for item in items
        if len(tiers := [m.name for m in item.iter_markers() if m.name in TIERS]) != 1
    ]
    if problems:
        raise pytest.UsageError("\n".join(problems))


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
        if graph._auth is not None:  # the keys' graph, once a test used keys
            await graph._auth.drop_graph()
        await graph.close()


@pytest_asyncio.fixture
async def embedded_store(engine: EngineProcess) -> AsyncIterator[EmbeddedStore]:
    """An embedded store on a fresh graph, for tests of the embedded engine itself."""
    async with fresh_graph(engine) as graph:
        yield graph


async def connect_neo4j(
    backend: Backend, *, url: str | None = None, query_timeout_ms: int = NEO4J_TEST_TIMEOUT_MS
) -> Neo4jStore:
    """A Neo4j store on a leased server (through `url` if given), as the tests configure it."""
    return await Neo4jStore.connect(
        url or backend.url,
        user="neo4j",
        password=backend.password,
        database=None,
        pool_size=4,
        query_timeout_ms=query_timeout_ms,
    )


@contextlib.asynccontextmanager
async def neo4j_graph() -> AsyncIterator[Neo4jStore]:
    """A Neo4j store on a leased server's empty graph, its schema made."""
    with backend_named("neo4j") as backend:
        neo4j = await connect_neo4j(backend)
        await neo4j.ensure_schema()
        try:
            yield neo4j
        finally:
            await neo4j.close()


@pytest_asyncio.fixture(params=BACKENDS)
async def store(request: pytest.FixtureRequest, engine: EngineProcess) -> AsyncIterator[GraphStore]:
    """A store on a fresh graph, once on each backend."""
    if request.param == "embedded":
        async with fresh_graph(engine) as graph:
            yield graph
        return
    async with neo4j_graph() as neo4j:
        yield neo4j


@pytest_asyncio.fixture(
    params=[
        pytest.param("memory", marks=pytest.mark.unit),
        *(pytest.param(name, marks=pytest.mark.integration) for name in BACKENDS),
    ]
)
async def any_store(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[GraphStore]:
    """An empty store of each kind a capability's contract holds alike: the in-memory one
    (a unit test) and each backend (an integration test)."""
    if request.param == "memory":
        yield MemoryStore()
        return
    if request.param == "embedded":
        engine: EngineProcess = request.getfixturevalue("engine")
        async with fresh_graph(engine) as graph:
            yield graph
        return
    async with neo4j_graph() as neo4j:
        yield neo4j


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> Iterator[Backend]:
    """Each backend in turn, for tests that run kflow processes: Neo4j with an empty graph."""
    with backend_named(request.param) as chosen:
        yield chosen


class SeededServers:
    """One seeded `kflow serve` per backend, started when a test first asks for it."""

    def __init__(self, factory: pytest.TempPathFactory) -> None:
        self._factory = factory
        self._running: dict[str, Served] = {}
        self._stack = contextlib.ExitStack()

    def get(self, name: str) -> Served:
        if name not in self._running:
            self._running[name] = self._start(name)
        return self._running[name]

    def _start(self, name: str) -> Served:
        backend = self._stack.enter_context(backend_named(name))
        data = self._factory.mktemp(f"served-{name}")
        extra = self._factory.mktemp(f"acme-seed-{name}")
        (extra / "acme.yaml").write_text(yaml.safe_dump(tiny_firm("acme"), sort_keys=False))
        for seed_dir in (SEED_DIR, extra):
            seeded = kflow("seed", "--seed-dir", str(seed_dir), data=data, backend=backend)
            assert seeded.returncode == 0, seeded.stderr
        # Tests walk the whole schema here, over the default cost budget of a client; the
        # refusal is still tested here, with a query far over this budget.
        return self._stack.enter_context(
            serve(
                data,
                backend=backend,
                KFLOW_ANONYMOUS_ROLE="editor",
                KFLOW_GRAPHQL_MAX_COST="100000",
            )
        )

    def close(self) -> None:
        self._stack.close()


@pytest.fixture(scope="session")
def seeded_servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SeededServers]:
    servers = SeededServers(tmp_path_factory)
    yield servers
    servers.close()


@pytest.fixture(scope="session", params=BACKENDS)
def server(request: pytest.FixtureRequest, seeded_servers: SeededServers) -> Served:
    """`kflow serve` on a free port, with every case demo and a small test firm, acme; one
    per backend, started once per session.

    Anonymous callers may edit here, so API tests need no keys; tests/test_access.py runs
    its own server with keys and no anonymous access.
    """
    return seeded_servers.get(request.param)


@pytest.fixture
def neo4j_backend() -> Iterator[Backend]:
    """A leased Neo4j server with an empty graph, for what only Neo4j has."""
    with backend_named("neo4j") as backend:
        yield backend


@pytest_asyncio.fixture
async def neo4j_store(neo4j_backend: Backend) -> AsyncIterator[Neo4jStore]:
    """A Neo4j store on an empty graph, for what only Neo4j has."""
    neo4j = await connect_neo4j(neo4j_backend)
    try:
        yield neo4j
    finally:
        await neo4j.close()


@pytest.fixture(scope="module")
def document() -> dict[str, object]:
    """The small synthetic firm's case document (1 centre, 3 hubs, 50 subsidiaries)."""
    return generate_case_document(size=SIZES["small"])

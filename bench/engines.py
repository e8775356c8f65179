"""The engines bench/run.py measures kflow against: the embedded engine, or a Neo4j server.

Each gives the benchmark the same handful of things: a store to load through kflow, a second,
empty graph for the raw load, the environment `kflow serve` needs, a direct client that runs
statements and reports the engine's own execution time, the engine's process (for memory and
CPU) and its version.
"""

import os
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from falkordb import FalkorDB

from service.settings import Settings
from service.store.embedded import EmbeddedStore
from service.store.engine import EngineConfig, EngineProcess
from service.store.engine_share import read_state
from service.store.neo4j import Neo4jStore
from service.store.port import GraphStore

GRAPH = "kflow"
REPO = Path(__file__).resolve().parent.parent
NEO4J_SCRIPT = REPO / "scripts" / "neo4j.sh"


class DirectClient(Protocol):
    """Statements straight to the engine, bypassing kflow."""

    def rows(self, text: str, params: dict[str, Any]) -> list[list[Any]]:
        """The rows of a read statement."""
        ...

    def execution_ms(self, text: str, params: dict[str, Any]) -> float:
        """Run a read statement; the engine's own time for it, in ms."""
        ...

    def write(self, text: str, params: dict[str, Any]) -> None:
        """Run a write statement."""
        ...


def engine_config(data_dir: Path) -> EngineConfig:
    defaults = Settings(graph_url=f"embedded://{data_dir}")
    return EngineConfig(
        data_dir=data_dir,
        module=defaults.engine_module,
        fsync=defaults.engine_fsync,
        start_timeout_s=900,
        query_timeout_ms=defaults.query_timeout_ms,
        query_memory_mb=defaults.query_memory_mb,
    )


class FalkorClient:
    def __init__(self, socket_path: Path) -> None:
        self.db = FalkorDB(unix_socket_path=str(socket_path))
        self.graph = self.db.select_graph(GRAPH)

    def rows(self, text: str, params: dict[str, Any]) -> list[list[Any]]:
        return list(self.graph.ro_query(text, params, timeout=10_000).result_set)

    def execution_ms(self, text: str, params: dict[str, Any]) -> float:
        return float(self.graph.ro_query(text, params, timeout=10_000).run_time_ms)

    def write(self, text: str, params: dict[str, Any]) -> None:
        self.graph.query(text, params)


class Neo4jClient:
    def __init__(self, url: str, password: str) -> None:
        import neo4j

        self.driver = neo4j.GraphDatabase.driver(url, auth=("neo4j", password))

    def rows(self, text: str, params: dict[str, Any]) -> list[list[Any]]:
        with self.driver.session() as session:
            return [list(values) for values in session.run(text, params).values()]

    def execution_ms(self, text: str, params: dict[str, Any]) -> float:
        with self.driver.session() as session:
            summary = session.run(text, params).consume()
        return float((summary.result_available_after or 0) + (summary.result_consumed_after or 0))

    def write(self, text: str, params: dict[str, Any]) -> None:
        with self.driver.session() as session:
            session.run(text, params).consume()


@dataclass
class EmbeddedEngines:
    """The embedded engine: one engine process per data directory."""

    work: Path
    name: str = "embedded"

    def data_dir(self, role: str) -> Path:
        return self.work / role

    async def open_store(self, role: str, pool_size: int) -> GraphStore:
        store = await EmbeddedStore.start(
            engine_config(self.data_dir(role)), graph_name=GRAPH, pool_size=pool_size
        )
        return store

    def after_load(self, store: GraphStore) -> float:
        """Wait for the engine's log rewrite after a load; the seconds it took."""
        assert isinstance(store, EmbeddedStore)
        client = store.engine.client(decode_responses=True)
        started = time.perf_counter()
        while True:
            info = client.info("persistence")
            if not info["aof_rewrite_in_progress"] and not info["aof_rewrite_scheduled"]:
                return time.perf_counter() - started
            time.sleep(0.2)

    def direct(self, role: str, store: GraphStore | None = None) -> DirectClient:
        return FalkorClient(self.data_dir(role) / "engine.sock")

    def serve_env(self) -> dict[str, str]:
        return {
            "KFLOW_GRAPH_URL": f"embedded://{self.data_dir('kflow')}",
            "KFLOW_ENGINE_START_TIMEOUT_S": "900",
        }

    def engine_pid(self, server_pid: int) -> int | None:
        # The engine belongs to its host process, which names it in engine.lock.
        state = read_state(self.data_dir("kflow")) or {}
        return state.get("engine")

    def recording_store(self) -> GraphStore:
        engine = EngineProcess(engine_config(self.data_dir("kflow")))  # only its socket is used
        return EmbeddedStore(
            engine, graph_name=GRAPH, pool_size=2, query_timeout_ms=10_000, owns_engine=False
        )

    def version(self) -> str:
        modules = FalkorDB(
            unix_socket_path=str(self.data_dir("kflow") / "engine.sock")
        ).connection.execute_command("MODULE", "LIST")
        for module in modules:
            info = dict(zip(module[::2], module[1::2], strict=False))
            if info.get(b"name", info.get("name")) in (b"graph", "graph"):
                version = int(info.get(b"ver", info.get("ver")))
                return f"FalkorDB {version // 10000}.{version // 100 % 100}.{version % 100}"
        return "FalkorDB ?"

    def stop(self) -> None:
        """Nothing runs outside kflow's own processes."""


@dataclass
class Neo4jEngines:
    """Two Neo4j 5.26 servers in one JVM, started with scripts/neo4j.sh in the work directory:
    server 0 holds kflow's load and serves it, server 1 takes the raw load."""

    work: Path
    name: str = "neo4j"
    urls: list[str] = field(default_factory=list)
    password: str = ""

    def start(self) -> None:
        env = {
            **os.environ,
            "KFLOW_NEO4J_SERVERS": "2",
            "KFLOW_NEO4J_HEAP": os.environ.get("KFLOW_NEO4J_HEAP", "3g"),
            "KFLOW_NEO4J_PAGECACHE": os.environ.get("KFLOW_NEO4J_PAGECACHE", "1g"),
            "KFLOW_NEO4J_TX_MEMORY": os.environ.get("KFLOW_NEO4J_TX_MEMORY", "1g"),
        }
        done = subprocess.run(
            ["bash", str(NEO4J_SCRIPT), "start", str(self.work / "neo4j")],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        lines = dict(line.split("=", 1) for line in done.stdout.splitlines() if "=" in line)
        self.urls = lines["KFLOW_NEO4J_URLS"].split(",")
        self.password = lines["KFLOW_NEO4J_PASSWORD"]

    def url(self, role: str) -> str:
        return self.urls[0 if role == "kflow" else 1]

    async def open_store(self, role: str, pool_size: int) -> GraphStore:
        store = await Neo4jStore.connect(
            self.url(role),
            user="neo4j",
            password=self.password,
            database=None,
            pool_size=pool_size,
            query_timeout_ms=600_000,
        )
        return store

    def after_load(self, store: GraphStore) -> float:
        return 0.0  # Neo4j's transaction log needs no rewrite

    def direct(self, role: str, store: GraphStore | None = None) -> DirectClient:
        return Neo4jClient(self.url(role), self.password)

    def serve_env(self) -> dict[str, str]:
        return {
            "KFLOW_GRAPH_URL": self.url("kflow"),
            "KFLOW_NEO4J_USER": "neo4j",
            "KFLOW_NEO4J_PASSWORD": self.password,
        }

    def engine_pid(self, server_pid: int) -> int | None:
        pid_file = self.work / "neo4j" / "neo4j.pid"
        return int(pid_file.read_text()) if pid_file.exists() else None

    def recording_store(self) -> GraphStore:
        return Neo4jStore(
            self.url("kflow"),
            user="neo4j",
            password=self.password,
            database=None,
            pool_size=2,
            query_timeout_ms=600_000,
        )

    def version(self) -> str:
        rows = self.direct("kflow").rows(
            "CALL dbms.components() YIELD name, versions RETURN name, versions[0]", {}
        )
        return " ".join(str(v) for v in rows[0]) if rows else "Neo4j ?"

    def stop(self) -> None:
        subprocess.run(
            ["bash", str(NEO4J_SCRIPT), "stop", str(self.work / "neo4j")],
            capture_output=True,
            check=False,
        )


Engines = EmbeddedEngines | Neo4jEngines


@contextmanager
def engines_for(backend: str, work: Path) -> Iterator[Engines]:
    """The engines of a backend, started in the work directory and stopped after."""
    engines: Engines
    if backend == "neo4j":
        engines = Neo4jEngines(work)
        engines.start()
    else:
        engines = EmbeddedEngines(work)
    try:
        yield engines
    finally:
        engines.stop()

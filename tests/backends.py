"""The backends store-backed tests run on: the embedded engine, and Neo4j servers of the test
run's own.

Every store-backed fixture takes its backend from BACKENDS (KFLOW_TEST_BACKENDS, default
both), so a test that uses `store`, `server` or `backend` runs once per backend. The Neo4j
servers come from KFLOW_TEST_NEO4J_URLS (comma-separated; or one KFLOW_TEST_NEO4J_URL) with
KFLOW_TEST_NEO4J_PASSWORD, as scripts/test.sh exports them; without those, the first test
that needs Neo4j starts servers with scripts/neo4j.sh and the session stops them at its end.
Community Edition has one user database per server, so a test leases a whole server, cleared
for it, and gives it back when done.
"""

import contextlib
import os
import re
import subprocess
from collections.abc import Callable, Iterator
from typing import TypeVar

import pytest
from neo4j import GraphDatabase

from tests.helpers import EMBEDDED, REPO, Backend, load_test_statement

T = TypeVar("T")

BACKENDS = [
    name.strip()
    for name in os.environ.get("KFLOW_TEST_BACKENDS", "embedded,neo4j").split(",")
    if name.strip()
]
NEO4J_VERSION = re.findall(
    r"<neo4j.version>(.+)</neo4j.version>", (REPO / "neo4j-launcher" / "pom.xml").read_text()
)[0]
OWN_SERVERS_DIR = REPO / ".kflow-cache" / "neo4j-test"
OWN_SERVERS = 4


class Neo4jServers:
    """Neo4j servers lent out one at a time, each cleared before it is lent."""

    def __init__(self, urls: list[str], password: str) -> None:
        self.password = password
        self._free = list(urls)

    @contextlib.contextmanager
    def lease(self) -> Iterator[Backend]:
        """A Neo4j server with an empty graph, for the block's duration."""
        if not self._free:
            raise RuntimeError(
                "every Neo4j server of this test run is in use: run more "
                "(KFLOW_NEO4J_SERVERS for scripts/neo4j.sh) or hold fewer at once"
            )
        url = self._free.pop()  # the last one given back: its query plans are cached
        backend = Backend("neo4j", url=url, password=self.password)
        with GraphDatabase.driver(url, auth=("neo4j", self.password)) as driver:
            driver.execute_query(load_test_statement("store/delete_all").text)
        try:
            yield backend
        finally:
            self._free.append(url)


_servers: Neo4jServers | None = None
_started_own = False


def neo4j_servers() -> Neo4jServers:
    """The test run's Neo4j servers: the configured ones, else our own, started once."""
    global _servers, _started_own
    if _servers is None:
        urls = os.environ.get("KFLOW_TEST_NEO4J_URLS") or os.environ.get("KFLOW_TEST_NEO4J_URL")
        password = os.environ.get("KFLOW_TEST_NEO4J_PASSWORD", "")
        if not urls:
            settings = start_own_servers()
            _started_own = True
            urls, password = settings["KFLOW_NEO4J_URLS"], settings["KFLOW_NEO4J_PASSWORD"]
        _servers = Neo4jServers(urls.split(","), password)
    return _servers


def start_own_servers() -> dict[str, str]:
    """Start Neo4j servers with scripts/neo4j.sh; return the settings it prints."""
    started = subprocess.run(
        ["bash", str(REPO / "scripts" / "neo4j.sh"), "start", str(OWN_SERVERS_DIR)],
        env={**os.environ, "KFLOW_NEO4J_SERVERS": str(OWN_SERVERS)},
        capture_output=True,
        text=True,
        check=False,
    )
    if started.returncode != 0:
        raise RuntimeError(f"scripts/neo4j.sh could not start Neo4j:\n{started.stderr}")
    return dict(line.split("=", 1) for line in started.stdout.splitlines() if "=" in line)


def stop_own_servers() -> None:
    """Stop the servers this session started, if it started any."""
    if _started_own:
        subprocess.run(
            ["bash", str(REPO / "scripts" / "neo4j.sh"), "stop", str(OWN_SERVERS_DIR)],
            capture_output=True,
            check=False,
        )


def on_backend(
    request: pytest.FixtureRequest,
    factory: pytest.TempPathFactory,
    start: Callable[[pytest.TempPathFactory, Backend], Iterator[T]],
) -> Iterator[T]:
    """What `start` yields on the backend a fixture's parameter names."""
    with backend_named(request.param) as backend:
        yield from start(factory, backend)


@contextlib.contextmanager
def backend_named(name: str) -> Iterator[Backend]:
    """The named backend for the block: the embedded engine, or a leased, empty Neo4j."""
    if name == "embedded":
        yield EMBEDDED
        return
    with neo4j_servers().lease() as leased:
        yield leased

"""Small builders the tests share."""

import contextlib
import csv
import io
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import networkx as nx
import pytest
import yaml
from fastapi import FastAPI

from service.cypher import Query, read_catalogue
from service.model.case import CaseFile
from service.model.files import parse_case_text, validate_case_document
from service.services.exchange import render_cases_json

REPO = Path(__file__).resolve().parent.parent
SEED_DIR = REPO / "seed"
# Statements only tests run (the store contract's own): linted and run like the catalogue's.
TEST_CATALOGUE = read_catalogue(REPO / "tests" / "cypher")


def load_test_statement(name: str) -> Query:
    """The statement `tests/cypher/<name>.cypher`."""
    return TEST_CATALOGUE[name]


def cite(where: str = "Figure 1") -> dict[str, str]:
    return {"paper": "fu2018", "where": where}


# Record a unit over GraphQL, for tests that write through a running server.
RECORD_UNIT = """mutation($input: UnitInput!) { recordUnit(input: $input) {
  __typename ... on UnitRecorded { unit { id } } } }"""


def acme_subsidiary(
    unit_id: str, *, role: str = "SUBSIDIARY", reports_to: str = "acme-europe"
) -> dict[str, object]:
    """A new unit of tiny_firm's acme (a subsidiary unless said), as RECORD_UNIT's input."""
    return {
        "firm": "acme",
        "id": unit_id,
        "name": unit_id,
        "role": role,
        "reportsTo": reports_to,
        "cite": {"paper": "FU2018", "where": "Figure 1"},
    }


RECORD_FLOW = """mutation($input: FlowInput!) { recordFlow(input: $input) {
  __typename
  ... on FlowRecorded { flow { id direction from { id } to { id } recordedAt } }
  ... on Rejected { problems { field message } } } }"""


def flow_input(
    flow_id: str, source: str, target: str, direction: str, **extra: Any
) -> dict[str, Any]:
    """A planned flow as RECORD_FLOW's input, cited to Fu et al.'s Figure 1."""
    return {
        "id": flow_id,
        "from": source,
        "to": target,
        "direction": direction,
        "mode": "PLANNED",
        "cite": {"paper": "FU2018", "where": "Figure 1"},
        **extra,
    }


def record_dated_flow(server: "Served", flow_id: str, date: str) -> None:
    """Record a flow from tiny_firm's HQ to its capability centre on `date`."""
    answer = server.graphql(
        RECORD_FLOW, input=flow_input(flow_id, "acme-hq", "acme-ccd", "DOWNWARD", date=date)
    )
    assert answer["data"]["recordFlow"]["__typename"] == "FlowRecorded", answer


@contextlib.asynccontextmanager
async def in_process(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client of the application, run in this process for as long as the block runs."""
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app)
        async with httpx.AsyncClient(transport=transport, base_url="http://kflow") as http:
            yield http


def tiny_firm(firm_id: str = "acme", **sections: Any) -> dict[str, Any]:
    """A small hub-and-spoke firm: HQ, capability centre, one region, two subsidiaries."""

    def unit(suffix: str, role: str, reports_to: str | None) -> dict[str, Any]:
        record = {
            "id": f"{firm_id}-{suffix}",
            "name": f"{firm_id} {suffix}",
            "role": role,
            "cite": cite(),
        }
        if reports_to:
            record["reports_to"] = f"{firm_id}-{reports_to}"
        return record

    document: dict[str, Any] = {
        "case": firm_id,
        "title": f"{firm_id} test case",
        "firm": {"id": firm_id, "name": firm_id.title(), "home_country": "China", "cite": cite()},
        "units": [
            unit("hq", "hq", None),
            unit("ccd", "capability_centre", "hq"),
            unit("europe", "regional_hq", "ccd"),
            unit("uk", "subsidiary", "europe"),
            unit("de", "subsidiary", "europe"),
        ],
    }
    document.update(sections)
    return document


# Every link of tiny_firm's hub and spoke one way or the other: up to the centre, down again,
# and sideways between the two subsidiaries, as (source, target, direction).
_TINY_FIRM_REPORTS_TO = (("uk", "europe"), ("de", "europe"), ("europe", "ccd"))
TINY_FIRM_EDGES = (
    *((unit, boss, "upward") for unit, boss in _TINY_FIRM_REPORTS_TO),
    *((boss, unit, "downward") for unit, boss in _TINY_FIRM_REPORTS_TO),
    ("uk", "de", "horizontal"),
    ("de", "uk", "horizontal"),
)


def tiny_flow(
    flow_id: str, source: str, target: str, direction: str, *, firm_id: str = "acme", **extra: Any
) -> dict[str, Any]:
    """A planned flow between two units of tiny_firm, named by their suffix (uk, europe...)."""
    return {
        "id": flow_id,
        "from": f"{firm_id}-{source}",
        "to": f"{firm_id}-{target}",
        "direction": direction,
        "mode": "planned",
        "cite": cite(),
        **extra,
    }


def as_case(document: dict[str, Any]) -> CaseFile:
    """Validate a document the way a seed file is validated."""
    return parse_case_text(yaml.safe_dump(document, sort_keys=False), name="test.yaml")


KFLOW = [sys.executable, "-m", "service.cli"]


# Neo4j plans a statement the first time it meets it (and again for new parameter types):
# the 160-line case write takes seconds to plan on a cold server, over 10 s on a loaded CI
# machine, and the transaction timeout counts planning. Tests give Neo4j a minute.
NEO4J_TEST_TIMEOUT_MS = 60_000


@dataclass(frozen=True)
class Backend:
    """Where a test's graph lives: the embedded engine in the test's data directory, or a
    Neo4j server of the test run's own (then `url` and `password` reach it)."""

    name: str
    url: str = ""
    password: str = ""

    def settings(self, data: Path) -> dict[str, Any]:
        """The Settings fields that put kflow's graph on this backend."""
        if self.name == "embedded":
            return {"graph_url": f"embedded://{data}"}
        return {
            "graph_url": self.url,
            "neo4j_user": "neo4j",
            "neo4j_password": self.password,
            "query_timeout_ms": NEO4J_TEST_TIMEOUT_MS,
        }

    def env(self, data: Path) -> dict[str, str]:
        """The same as KFLOW_ environment variables, for a kflow process."""
        return {f"KFLOW_{key.upper()}": str(value) for key, value in self.settings(data).items()}


EMBEDDED = Backend("embedded")


def kflow(
    *args: str, data: Path, backend: Backend = EMBEDDED, timeout: float = 120, **env: str
) -> subprocess.CompletedProcess[str]:
    """Run the kflow command on the backend's graph (embedded: in the data directory)."""
    environment = {**os.environ, **backend.env(data), **env}
    command = [*KFLOW, *args]
    # Not checked: the tests read the exit code and stderr themselves.
    return subprocess.run(
        command, cwd=REPO, env=environment, capture_output=True, text=True, timeout=timeout
    )


def kflow_rows(
    *args: str, data: Path, backend: Backend = EMBEDDED, fmt: str = "json"
) -> list[dict[str, Any]]:
    """The rows a `kflow query` or `kflow cypher` command prints in `fmt` (json or csv); the
    command must succeed."""
    answer = kflow(*args, "--format", fmt, data=data, backend=backend)
    assert answer.returncode == 0, answer.stderr
    if fmt == "csv":
        return list(csv.DictReader(io.StringIO(answer.stdout)))
    rows: list[dict[str, Any]] = json.loads(answer.stdout)["rows"]
    return rows


def generated_server(
    factory: pytest.TempPathFactory, firm: str, options: list[str]
) -> Iterator["Served"]:
    """`kflow serve` on one synthetic firm made by `kflow generate` with these options."""
    data = factory.mktemp(firm)
    made = kflow("generate", "--size", "small", "--firm", firm, *options, data=data)
    assert made.returncode == 0, made.stderr
    with serve(data, backend=EMBEDDED) as served:
        yield served


def seed_tiny_firm(data: Path, backend: Backend) -> None:
    """Seed the tiny firm `acme` into the backend's graph of `data`."""
    seeds = data / "tiny-seed"
    seeds.mkdir()
    (seeds / "acme.yaml").write_text(yaml.safe_dump(tiny_firm("acme")))
    seeded = kflow("seed", "--seed-dir", str(seeds), data=data, backend=backend)
    assert seeded.returncode == 0, seeded.stderr


def seeded_tiny_firm(factory: pytest.TempPathFactory, name: str, backend: Backend) -> Path:
    """A new data directory whose graph (on the backend) holds the tiny firm `acme`."""
    data = factory.mktemp(name)
    seed_tiny_firm(data, backend)
    return data


def create_key(
    data: Path, role: str, *, name: str | None = None, backend: Backend = EMBEDDED
) -> str:
    """Issue an API key with `kflow keys create` and return its token."""
    made = kflow(
        "keys",
        "create",
        "--name",
        name or f"{role} key",
        "--role",
        role,
        data=data,
        backend=backend,
    )
    assert made.returncode == 0, made.stderr
    return made.stdout.strip()


def add_units(base: str, units: list[tuple[str, str, str]]) -> list[dict[str, Any]]:
    """Record units of acme through the API, each (id, role, the unit it reports to); return
    each answer's recordUnit."""
    answers = []
    for unit_id, role, boss in units:
        unit = acme_subsidiary(unit_id, role=role, reports_to=boss)
        answer = httpx.post(
            f"{base}/graphql",
            json={"query": RECORD_UNIT, "variables": {"input": unit}},
            timeout=30,
        ).json()
        answers.append(answer["data"]["recordUnit"])
    return answers


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_up(
    base: str, process: subprocess.Popen[Any], *, path: str, seconds: float = 60
) -> bool:
    """Poll `path` until it answers 200 (True), or the process ends or time runs out."""
    deadline = time.monotonic() + seconds
    while True:
        with contextlib.suppress(httpx.TransportError):
            if httpx.get(f"{base}{path}", timeout=2).status_code == 200:
                return True
        if process.poll() is not None or time.monotonic() > deadline:
            return False
        time.sleep(0.1)


@dataclass(frozen=True)
class Served:
    """A running `kflow serve`: its base URL, data directory, log file, backend and pid."""

    base: str
    data: Path
    log: Path
    backend: Backend
    pid: int

    def graphql(self, query: str, **variables: Any) -> dict[str, Any]:
        """POST a GraphQL document; the HTTP status must never be a server error."""
        response = httpx.post(
            f"{self.base}/graphql", json={"query": query, "variables": variables}, timeout=30
        )
        assert response.status_code < 500, response.text
        body: dict[str, Any] = response.json()
        return body

    def post_named_query(self, name: str, params: dict[str, Any]) -> httpx.Response:
        """Run a named query through the API (POST /queries/NAME)."""
        return httpx.post(f"{self.base}/queries/{name}", json={"parameters": params}, timeout=60)

    def named_rows(self, name: str, **params: Any) -> list[dict[str, Any]]:
        """The rows of a named query run through the API; the answer must be a 200."""
        response = self.post_named_query(name, params)
        assert response.status_code == 200, response.text
        rows: list[dict[str, Any]] = response.json()["rows"]
        return rows


@contextlib.contextmanager
def serve(
    data: Path, *, backend: Backend, options: tuple[str, ...] = (), **env: str
) -> Iterator[Served]:
    """Run `kflow serve` (with the options given) on the backend's graph on a free port
    until the block ends; its output goes to a log file in data (a pipe nobody reads would
    fill up and stall it)."""
    port = free_port()
    log = data / "serve.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [*KFLOW, "serve", "--port", str(port), *options],
            cwd=REPO,
            env={**os.environ, **backend.env(data), **env},
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        if not wait_until_up(base, process, path="/healthz"):
            process.kill()
            raise RuntimeError(f"kflow serve did not come up: {log.read_text()}")
        try:
            yield Served(base=base, data=data, log=log, backend=backend, pid=process.pid)
        finally:
            process.send_signal(signal.SIGINT)
            process.wait(timeout=20)


def engine_pid(data: Path) -> int:
    """The embedded engine serving `data`, found by its socket path."""
    found = subprocess.run(
        ["pgrep", "-f", f"{data}/engine.sock"], capture_output=True, text=True, check=False
    )
    pids = [int(p) for p in found.stdout.split()]
    assert len(pids) == 1, f"expected one engine on {data}, found {pids}"
    return pids[0]


# An API key record as a backup holds it.
BACKUP_KEY = {
    "id": "a1b2c3d4e5f6",
    "name": "analyst",
    "role": "analyst",
    "hash": "0" * 64,
    "created_at": 1_700_000_000_000,
}


def backup_of(*cases: dict[str, Any], keys: Any = None) -> dict[str, Any]:
    """A backup document holding these case documents and keys."""
    parsed = [validate_case_document(case, name="test") for case in cases]
    return {
        "format": "kflow-backup/1",
        "created_at": "2026-01-01T00:00:00+00:00",
        "cases": json.loads(render_cases_json(parsed))["cases"],
        "api_keys": [BACKUP_KEY] if keys is None else keys,
    }


def cut_off_by_brute_force(graph: nx.DiGraph, target: str) -> dict[str, set[str]]:
    """For each unit: the units that reach the target now but not once the unit is gone."""
    reaching = nx.ancestors(graph, target)
    lost = {}
    for unit in graph.nodes:
        if unit == target:
            continue
        without = graph.copy()
        without.remove_node(unit)
        still = nx.ancestors(without, target) if target in without else set()
        lost[unit] = reaching - still - {unit}
    return lost

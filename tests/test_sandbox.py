"""The analyst sandbox, attacked as an adversary would: a real `kflow serve` in production
mode with API keys, hostile Cypher sent over HTTP, and a listener on 127.0.0.1 that must
never hear from the engine. What a statement does is decided from the engine's own plan."""

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from service.services.analyst import LIBRARY, bind_params, check_plan
from service.store.port import OperationRefused, StatementPlan, WriteRefused
from tests.backends import BACKENDS, backend_named
from tests.helpers import SEED_DIR, Served, kflow, serve

pytestmark = pytest.mark.e2e


class Listener:
    """A TCP socket on 127.0.0.1 that counts the connections it receives."""

    def __init__(self) -> None:
        self._socket = socket.socket()
        self._socket.bind(("127.0.0.1", 0))
        self._socket.listen(16)
        self._socket.settimeout(0.2)
        self.port = self._socket.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self._socket.accept()
            except OSError:
                continue
            self.connections += 1
            connection.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self._socket.close()


@contextlib.contextmanager
def listening() -> Iterator[Listener]:
    listener = Listener()
    try:
        yield listener
    finally:
        listener.close()


@pytest.fixture(scope="module", params=BACKENDS)
def production(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Served, str, str]]:
    """A production server on the seeded demos, on each backend, and an analyst's key."""
    with backend_named(request.param) as backend:
        data = tmp_path_factory.mktemp("sandbox")
        seeded = kflow("seed", "--seed-dir", str(SEED_DIR), data=data, backend=backend)
        assert seeded.returncode == 0, seeded.stderr
        key = kflow(
            "keys", "create", "--name", "a", "--role", "analyst", data=data, backend=backend
        ).stdout.strip()
        with serve(data, backend=backend, KFLOW_ENV="production") as served:
            yield served, key, request.param


def cypher(server: Served, key: str, query: str, **parameters: object) -> httpx.Response:
    return httpx.post(
        f"{server.base}/cypher",
        json={"query": query, "parameters": parameters},
        headers={"Authorization": f"Bearer {key}"},
        timeout=60,
    )


def graph_size(server: Served, key: str) -> list[object]:
    answer = cypher(server, key, "MATCH (n) RETURN count(n) AS nodes, max(n.name) AS name")
    assert answer.status_code == 200, answer.text
    return [answer.json()["rows"], cypher(server, key, "CALL db.labels()").json()["rows"]]


def hostile(port: int) -> list[str]:
    url = f"http://127.0.0.1:{port}/x"
    return [
        # A quoted alias made the old text check read LOAD CSV as a column name.
        f"WITH 1 AS `x` LOAD CSV FROM '{url}' AS row RETURN row",
        f"MATCH (u:Unit) WITH u.name AS `n` LIMIT 1 LOAD CSV FROM '{url}?' + n AS row RETURN row",
        f"WITH '{url}' AS `as` LOAD CSV WITH HEADERS FROM `as` AS row RETURN row",
        f"/* */ WITH 1 AS `set` LOAD\nCSV FROM '{url}' AS row RETURN count(row)",
        f"CALL {{ LOAD CSV FROM '{url}' AS row RETURN row }} RETURN row",
        "LOAD CSV FROM 'file:///etc/passwd' AS line RETURN line",
    ]


HIDDEN_WRITES = [
    "WITH 1 AS `x` CREATE (:Unit {id: 'intruder', name: 'zzz'})",
    "MATCH (u:Unit) WITH u AS `as` SET `as`.name = 'zzz'",
    "MATCH (u:Unit) WITH u AS `x` DETACH DELETE `x`",
    "WITH 1 AS `x` MERGE (:Unit {id: 'intruder', name: 'zzz'})",
    "MATCH (u:Unit) WITH u AS `x` CALL { WITH x SET x.name = 'zzz' } RETURN 1 AS one",
]


def test_load_csv_is_refused_however_it_is_hidden_and_the_engine_never_calls_out(
    production: tuple[Served, str, str],
) -> None:
    server, key, _ = production
    before = graph_size(server, key)
    with listening() as listener:
        for query in hostile(listener.port):
            response = cypher(server, key, query)
            assert response.status_code == 403, (query, response.text)
            assert response.json()["error"] == "write_refused"
            assert "LOAD CSV" in response.json()["detail"], response.text
        time.sleep(0.5)
        assert listener.connections == 0
    assert graph_size(server, key) == before


def test_writes_hidden_behind_quoted_aliases_are_refused_and_nothing_is_written(
    production: tuple[Served, str, str],
) -> None:
    server, key, _ = production
    before = graph_size(server, key)
    for query in HIDDEN_WRITES:
        response = cypher(server, key, query)
        assert response.status_code == 403, (query, response.text)
        assert response.json()["error"] == "write_refused"
    assert graph_size(server, key) == before


# Procedures each engine has, none of them on the allow-list.
OTHER_PROCEDURES = {
    "embedded": [
        "CALL `db.labels`()",
        "CALL dbms.procedures()",
        "CALL db.idx.fulltext.queryNodes('Unit', 'x') YIELD node RETURN node",
        "CALL db.idx.fulltext.createNodeIndex('Unit', 'name')",
        "CALL algo.pageRank('Unit', 'FLOWS_TO')",
    ],
    "neo4j": [
        "CALL dbms.components()",
        "CALL db.schema.visualization()",
        "CALL db.index.fulltext.queryNodes('x', 'y')",
        "CALL db.createLabel('Intruder')",
    ],
}


def test_only_the_listed_procedures_run(production: tuple[Served, str, str]) -> None:
    server, key, backend = production
    labels = cypher(server, key, "CALL db.labels() YIELD label RETURN label ORDER BY label")
    assert labels.status_code == 200 and {"label": "Unit"} in labels.json()["rows"]
    for query in OTHER_PROCEDURES[backend]:
        response = cypher(server, key, query)
        assert response.status_code == 403, (query, response.text)
        assert "procedure" in response.json()["detail"] or "writes" in response.json()["detail"]


SAMPLE = {
    "STRING": "x",
    "DATE": "2020-01-01",
    "INTEGER": 1,
    "FLOAT": 1.0,
    "BOOLEAN": True,
    "LIST<STRING>": ["x"],
}


def test_every_named_query_passes_the_sandbox_as_adhoc_cypher(
    production: tuple[Served, str, str],
) -> None:
    # The library's questions are what analysts write: the allow-list must not refuse them.
    server, key, _ = production
    refused = {}
    for name, query in LIBRARY.items():
        required = {p.name: SAMPLE[p.type] for p in query.params if p.default is None}
        params = bind_params(query, {k: v for k, v in required.items() if k != "rowLimit"})
        params["rowLimit"] = 10
        response = cypher(server, key, query.text, **params)
        if response.status_code != 200:
            refused[name] = response.text
    assert refused == {}


def test_the_plan_check_refuses_what_the_text_does_not_show() -> None:
    # Decided on the plan alone: the text given here is harmless.
    text = "MATCH (n) RETURN n"
    load = StatementPlan("embedded", ("Results", "Project", "Load CSV"), None, None)
    with pytest.raises(OperationRefused, match="LOAD CSV"):
        check_plan(load, text=text)
    with pytest.raises(OperationRefused, match="'Create'"):
        check_plan(StatementPlan("embedded", ("Create",), None, None), text=text)
    with pytest.raises(WriteRefused, match="query type 'rw'"):
        check_plan(StatementPlan("neo4j", ("ProduceResults",), (), "rw"), text=text)
    with pytest.raises(OperationRefused, match=r"apoc\.load\.json"):
        plan = StatementPlan("neo4j", ("ProduceResults", "ProcedureCall"), ("apoc.load.json",), "r")
        check_plan(plan, text=text)
    # A procedure call the text does not name in the clear is refused.
    with pytest.raises(OperationRefused, match="cannot read"):
        check_plan(StatementPlan("embedded", ("Results", "ProcedureCall"), None, None), text=text)
    check_plan(
        StatementPlan("embedded", ("Results", "ProcedureCall"), None, None),
        text="CALL db.labels()",
    )


def test_the_sandbox_is_documented() -> None:
    text = (Path(__file__).resolve().parent.parent / "docs" / "security.md").read_text()
    section = text.split("## The analyst sandbox", 1)[1]
    assert "LOAD CSV" in section and "db.labels" in section


def process_of(server: Served) -> int:
    """The pid of the `kflow serve` listening on the server's port."""
    port = server.base.rsplit(":", 1)[1].encode()
    for entry in Path("/proc").iterdir():
        try:
            command = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"serve" in command and port in command:
            return int(entry.name)
    raise AssertionError("no kflow serve process found")


def resident_mb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) // 1024
    raise AssertionError("no VmRSS")


def test_a_huge_answer_stops_at_the_caps_without_reaching_the_server_whole(
    production: tuple[Served, str, str],
) -> None:
    # Before the caps were applied while reading, a 3-million-row answer grew the server
    # from 81 MB to 2 GB, and a 1,000-row answer of 5,000-element lists was 28.9 MB.
    server, key, _ = production
    pid = process_of(server)
    before = resident_mb(pid)
    peak = [before]
    health: list[int] = []
    done = threading.Event()

    def watch() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], resident_mb(pid))
            health.append(httpx.get(f"{server.base}/healthz", timeout=30).status_code)
            time.sleep(0.05)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        rows = cypher(server, key, "UNWIND range(1, 3000000) AS n RETURN n")
        wide = cypher(server, key, "UNWIND range(1, 1000) AS i RETURN range(1, 5000) AS xs")
    finally:
        done.set()
        watcher.join()
    assert rows.status_code == 200, rows.text
    answer = rows.json()
    assert (len(answer["rows"]), answer["truncated"], answer["cutBy"]) == (1000, True, "rows")
    assert answer["rows"][-1] == {"n": 1000}
    assert wide.status_code == 200, wide.text
    cut = wide.json()
    assert (cut["truncated"], cut["cutBy"], cut["byteCap"]) == (True, "bytes", 8_000_000)
    assert 0 < len(cut["rows"]) < 1000 and len(wide.content) <= 8_000_000
    assert peak[0] - before < 300, (before, peak[0])
    assert health and set(health) == {200}


def test_what_the_embedded_engine_cannot_stop_is_refused_before_it_runs(
    production: tuple[Served, str, str],
) -> None:
    # Measured on the embedded engine with a 5 s and 1 GB limit: 16 s and 4.6 GB for the
    # first, 281 s and 12 GB for the second; it folds constants even to EXPLAIN them, so
    # these are refused on the text, before any engine sees them (on both backends).
    server, key, _ = production
    for query in (
        "UNWIND range(1, 300000000) AS n RETURN count(n)",
        "RETURN size(reduce(s = 'ab', x IN range(1, 40) | s + s)) AS size",
        "UNWIND [300000000] AS n RETURN size(range(1, n)) AS size",
    ):
        started = time.monotonic()
        response = cypher(server, key, query)
        assert response.status_code == 403, (query, response.text)
        assert time.monotonic() - started < 5
    assert cypher(server, key, "UNWIND range(1, 5) AS n RETURN n").status_code == 200


def test_the_answer_as_sent_stops_at_the_byte_cap_with_an_error_naming_it(
    production: tuple[Served, str, str],
) -> None:
    # A control character is one byte in the store's reply and six in JSON ("\u0001"): the
    # reply of 80 such rows fits the 8 MB cap while their JSON would be 48 MB.
    server, key, _ = production
    text = "\x01" * 100_000
    query = "UNWIND range(1, 1000) AS i RETURN i, $text AS text"
    health: list[int] = []
    done = threading.Event()

    def watch() -> None:
        while not done.is_set():
            health.append(httpx.get(f"{server.base}/healthz", timeout=30).status_code)
            time.sleep(0.05)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        as_json = cypher(server, key, query, text=text)
        as_csv = httpx.post(
            f"{server.base}/cypher?format=csv",
            json={"query": query, "parameters": {"text": text}},
            headers={"Authorization": f"Bearer {key}"},
            timeout=60,
        )
    finally:
        done.set()
        watcher.join()
    assert as_json.status_code == 200, as_json.text[:500]
    assert len(as_json.content) <= 8_000_000
    answer = as_json.json()
    assert (answer["truncated"], answer["cutBy"]) == (True, "bytes")
    assert "KFLOW_ANALYST_MAX_RESPONSE_BYTES" in answer["error"]
    assert "8000000 bytes" in answer["error"]
    assert answer["rows"] and all(row["text"] == text for row in answer["rows"])
    assert [row["i"] for row in answer["rows"]] == list(range(1, len(answer["rows"]) + 1))
    assert as_csv.status_code == 200
    assert len(as_csv.content) <= 8_000_000
    assert as_csv.headers["X-Kflow-Truncated"] == "true"
    assert "KFLOW_ANALYST_MAX_RESPONSE_BYTES" in as_csv.headers["X-Kflow-Error"]
    assert health and set(health) == {200}

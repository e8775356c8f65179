"""A request whose client gave up stops its work in the store: a real `kflow serve` in
production mode over a medium firm (1,000 subsidiaries, 100,000 flows), a GraphQL walk that
takes seconds, and a client that hangs up (or times out) while it runs.

On Neo4j the statement's transaction is terminated at once (SHOW TRANSACTIONS lists nothing
of kflow's soon after); the embedded engine cannot stop a running statement from outside,
so there the request sends no further statement and the engine's own timeout
(KFLOW_QUERY_TIMEOUT_MS) bounds the one running. Either way the server keeps answering."""

import asyncio
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import redis
import uvicorn
from neo4j import GraphDatabase
from starlette.types import Receive, Scope, Send

from service.api.cancellation import CancelOnDisconnect
from service.store.embedded import EmbeddedStore
from tests.backends import BACKENDS, backend_named
from tests.helpers import (
    Backend,
    Served,
    free_port,
    kflow,
    load_test_statement,
    serve,
)
from tests.test_backup import clear_in_chunks

pytestmark = pytest.mark.e2e

# Twelve walks of up to six hops on a medium firm, four statements each: one walk takes about
# 0.4 s on an idle embedded engine, so the whole request outlasts a 1 s client timeout.
WALK = (
    "{ "
    + " ".join(
        f'w{n}: reverseTransferPaths(from: "med-sub-{n:05d}", maxHops: 6) {{ totalCount }}'
        for n in range(1, 13)
    )
    + " }"
)
QUERY_TIMEOUT_MS = 8_000


@pytest.fixture(scope="module", params=BACKENDS)
def medium(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Served, str]]:
    """A production server over a generated medium firm, and a reader's key."""
    with backend_named(request.param) as backend:
        data = tmp_path_factory.mktemp("cancel")
        try:
            made = kflow(
                "generate",
                "--size",
                "medium",
                "--firm",
                "med",
                data=data,
                backend=backend,
                timeout=900,
            )
            assert made.returncode == 0, made.stderr
            key = kflow(
                "keys", "create", "--name", "r", "--role", "reader", data=data, backend=backend
            ).stdout.strip()
            with serve(
                data,
                backend=backend,
                KFLOW_ENV="production",
                KFLOW_QUERY_TIMEOUT_MS=str(QUERY_TIMEOUT_MS),
            ) as served:
                yield served, key
        finally:
            if backend.name == "neo4j":
                clear_in_chunks(backend)


def running(backend: Backend, data: Path) -> list[str]:
    """What the store is running: Neo4j's open transactions besides this question, or the
    embedded engine's running queries."""
    if backend.name == "neo4j":
        with GraphDatabase.driver(backend.url, auth=("neo4j", backend.password)) as driver:
            records, _, _ = driver.execute_query(
                "SHOW TRANSACTIONS YIELD currentQuery "
                "WHERE NOT currentQuery STARTS WITH 'SHOW TRANSACTIONS' RETURN currentQuery"
            )
        return [str(record["currentQuery"]) for record in records]
    engine = redis.Redis(unix_socket_path=str(data / "engine.sock"))
    try:
        info = engine.execute_command("GRAPH.INFO", "RunningQueries")
    finally:
        engine.close()
    return [str(query) for query in info[1]]


def hang_up_during(served: Served, key: str, *, how: str) -> list[str]:
    """Send the walk, then give up on it while it runs (close the connection once the
    store runs it, or let a 1 s client timeout fire); what the store was running."""
    seen: list[str] = []
    done = threading.Event()

    def watch() -> None:
        while not done.is_set():
            seen.extend(running(served.backend, served.data))
            time.sleep(0.1)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        if how == "disconnects":
            body = httpx.Request(
                "POST",
                f"{served.base}/graphql",
                json={"query": WALK},
                headers={"Authorization": f"Bearer {key}"},
            )
            host, port = served.base.removeprefix("http://").split(":")
            with socket.create_connection((host, int(port))) as connection:
                head = (
                    f"POST /graphql HTTP/1.1\r\nHost: {host}\r\n"
                    + "".join(f"{k}: {v}\r\n" for k, v in body.headers.items() if k != "host")
                    + "\r\n"
                )
                connection.sendall(head.encode() + body.read())
                # Hang up as soon as the walk runs in the store (it may take under 2 s).
                deadline = time.monotonic() + 10
                while not seen and time.monotonic() < deadline:
                    time.sleep(0.05)
        else:
            with pytest.raises(httpx.TimeoutException):
                httpx.post(
                    f"{served.base}/graphql",
                    json={"query": WALK},
                    headers={"Authorization": f"Bearer {key}"},
                    timeout=1,
                )
    finally:
        time.sleep(0.5)
        done.set()
        watcher.join()
    return seen


@pytest.mark.parametrize("how", ["disconnects", "times out"])
def test_a_request_the_client_gave_up_on_stops_and_the_server_keeps_serving(
    medium: tuple[Served, str], how: str
) -> None:
    served, key = medium
    seen = hang_up_during(served, key, how=how)
    assert seen, "the walk was not running in the store when the client hung up"
    # Neo4j terminates the transaction at once. The embedded engine cannot stop a statement
    # it runs: the one it had goes on to its timeout, and one CI run saw the walk's next
    # statement start as well (the hang-up reached the request late), so the engine must
    # be idle within two statements' timeouts.
    deadline = 5.0 if served.backend.name == "neo4j" else 2 * QUERY_TIMEOUT_MS / 1000 + 2
    started = time.monotonic()
    while running(served.backend, served.data) and time.monotonic() - started < deadline:
        time.sleep(0.2)
    assert running(served.backend, served.data) == []
    # Nothing of the walk runs on later: a second look finds the store idle.
    time.sleep(2)
    assert running(served.backend, served.data) == []
    assert httpx.get(f"{served.base}/healthz", timeout=5).status_code == 200
    answer = httpx.post(
        f"{served.base}/graphql",
        json={"query": '{ firm(id: "med") { id } }'},
        headers={"Authorization": f"Bearer {key}"},
        timeout=30,
    )
    assert answer.json()["data"] == {"firm": {"id": "med"}}
    assert " 499 " in served.log.read_text() or "-> 499" in served.log.read_text()


CREATE_UNIT = load_test_statement("contract/create_unit")
LIST_UNITS = load_test_statement("contract/list_units")


def hang_up_when_told(port: int, arrived: threading.Event, closed: threading.Event) -> None:
    """A client that sends a request and hangs up once the server says it got that far."""
    with socket.create_connection(("127.0.0.1", port)) as connection:
        connection.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}")
        arrived.wait(timeout=30)
    closed.set()


async def test_a_hang_up_between_two_statements_stops_the_second(
    embedded_store: EmbeddedStore,
) -> None:
    # The request's first statement is answered, then the request works on it (decoding a
    # large reply, say) while its client hangs up: the hang-up is in the kernel before the
    # second statement, which the engine could not stop once sent, so it must never go.
    arrived, closed, second_sent = threading.Event(), threading.Event(), threading.Event()

    async def handler(scope: Scope, receive: Receive, send: Send) -> None:
        await receive()
        await embedded_store.read(LIST_UNITS)
        arrived.set()
        closed.wait(timeout=30)
        time.sleep(0.3)  # noqa: ASYNC251 - the loop is busy: the hang-up waits in the kernel
        second_sent.set()
        await embedded_store.write(CREATE_UNIT, {"id": "late", "name": "sent after the hang-up"})
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(CancelOnDisconnect(handler), port=port, lifespan="off", log_level="warning")
    )
    serving = asyncio.create_task(server.serve())
    while not server.started:  # noqa: ASYNC110 - uvicorn says so by a flag
        await asyncio.sleep(0.01)
    client = threading.Thread(target=hang_up_when_told, args=(port, arrived, closed))
    client.start()
    try:
        while not closed.is_set() or not second_sent.is_set():  # noqa: ASYNC110 - threads
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.5)
    finally:
        client.join(timeout=30)
        server.should_exit = True
        await serving
    assert await embedded_store.read(LIST_UNITS) == []

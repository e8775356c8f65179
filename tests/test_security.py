"""Attacks on a real `kflow serve` in production mode with API keys, sent as an attacker
would send them: over HTTP and over both WebSocket protocols. Each test asserts the attack
is refused with the right status or close code, that nothing was written, that nothing
leaked into the answers or the log, and (for the hostile-document burst) that the server's
memory stayed bounded. docs/security.md lists which guard each test proves."""

import json
import os
import signal
import socket as socket_module
import subprocess
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import graphql
import httpx
import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from tests.backends import BACKENDS, on_backend
from tests.helpers import (
    EMBEDDED,
    KFLOW,
    REPO,
    Backend,
    Served,
    create_key,
    engine_pid,
    free_port,
    seeded_tiny_firm,
    serve,
)

pytestmark = pytest.mark.e2e

TRANSPORT_WS = "graphql-transport-ws"
LEGACY_WS = "graphql-ws"
SECRET_LITERAL = "LEAKED_LITERAL_7f3a"


def flow_mutation(flow_id: str, name: str = "Write") -> str:
    return f"""mutation {name} {{ recordFlow(input: {{id: "{flow_id}", from: "acme-uk",
      to: "acme-europe", direction: UPWARD, mode: PLANNED,
      cite: {{paper: FU2018, where: "Figure 1"}}}}) {{ __typename }} }}"""


@dataclass
class Attacked:
    served: Served
    tokens: dict[str, str]

    @property
    def ws_url(self) -> str:
        return self.served.base.replace("http://", "ws://") + "/graphql"

    def post(self, body: Any, role: str | None = None, **headers: str) -> httpx.Response:
        if role is not None:
            headers["Authorization"] = f"Bearer {self.tokens[role]}"
        return httpx.post(f"{self.served.base}/graphql", json=body, headers=headers, timeout=30)

    def size(self) -> tuple[int, int]:
        ready = httpx.get(f"{self.served.base}/readyz", timeout=30).json()
        return ready["nodes"], ready["relationships"]

    def socket(self, protocol: str = TRANSPORT_WS, **headers: str) -> ClientConnection:
        return connect(
            self.ws_url,
            subprotocols=[protocol],  # type: ignore[list-item]
            additional_headers=headers,
            open_timeout=10,
            close_timeout=5,
            max_size=None,
        )

    def log(self) -> str:
        return self.served.log.read_text()


@pytest.fixture(scope="module", params=BACKENDS)
def attacked(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Attacked]:
    yield from on_backend(request, tmp_path_factory, attacked_server)


def attacked_server(factory: pytest.TempPathFactory, backend: Backend) -> Iterator[Attacked]:
    data = seeded_tiny_firm(factory, "attacked", backend)
    tokens = {"admin": create_key(data, "admin", backend=backend)}
    with serve(data, backend=backend, KFLOW_ENV="production") as served:
        for role in ("reader", "editor"):
            issued = httpx.post(
                f"{served.base}/keys",
                json={"name": f"{role} key", "role": role},
                headers={"Authorization": f"Bearer {tokens['admin']}"},
            )
            assert issued.status_code == 201, issued.text
            tokens[role] = issued.json()["token"]
        yield Attacked(served, tokens)


def init(socket: ClientConnection, payload: dict[str, Any]) -> dict[str, Any]:
    socket.send(json.dumps({"type": "connection_init", "payload": payload}))
    answer: dict[str, Any] = json.loads(socket.recv(timeout=10))
    return answer


def close_of(socket: ClientConnection, timeout: float = 15) -> tuple[int, str]:
    """Read until the server closes the socket; its close code and reason."""
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            socket.recv(timeout=deadline - time.monotonic())
    except ConnectionClosed as closed:
        assert closed.rcvd is not None, "the server did not send a close frame"
        return closed.rcvd.code, closed.rcvd.reason
    raise AssertionError("the server did not close the socket")


def messages_until(socket: ClientConnection, *kinds: str) -> list[dict[str, Any]]:
    """Messages up to and including the first of one of `kinds`."""
    seen = []
    while True:
        message = json.loads(socket.recv(timeout=10))
        seen.append(message)
        if message["type"] in kinds:
            return seen


def secret_of(token: str) -> str:
    return token.split("_", 2)[2]


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


# --- 1. the role comes from the one operation that runs -------------------------------


def test_a_reader_cannot_write_with_a_query_beside_the_mutation(attacked: Attacked) -> None:
    before = attacked.size()
    document = flow_mutation("acme-bypass-1") + " query Read { firms { id } }"
    for role in ("reader", "editor"):  # ambiguous whoever asks: the spec says name one
        answer = attacked.post({"query": document}, role)
        [error] = answer.json()["errors"]
        assert "operationName" in error["message"], answer.text
        assert error["extensions"]["code"] == "BAD_REQUEST"
        assert "data" not in answer.json()
    named = attacked.post({"query": document, "operationName": "Write"}, "reader")
    assert named.status_code == 403
    assert named.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    over_get = httpx.get(
        f"{attacked.served.base}/graphql",
        params={"query": flow_mutation("acme-get"), "operationName": "Write"},
        headers={"Authorization": f"Bearer {attacked.tokens['editor']}"},
    )
    assert over_get.status_code == 400  # GET never writes, whoever asks
    read = attacked.post({"query": document, "operationName": "Read"}, "reader")
    assert read.json()["data"]["firms"] == [{"id": "acme"}]
    assert attacked.size() == before


# --- 2. every transport goes through the same authorisation ----------------------------


def test_a_reader_cannot_write_over_graphql_transport_ws(attacked: Attacked) -> None:
    before = attacked.size()
    with attacked.socket() as socket:
        assert init(socket, {"Authorization": f"Bearer {attacked.tokens['reader']}"}) == {
            "type": "connection_ack"
        }
        socket.send(
            json.dumps(
                {"id": "1", "type": "subscribe", "payload": {"query": flow_mutation("acme-ws-1")}}
            )
        )
        replies = messages_until(socket, "complete", "error")
    errors = [
        error
        for message in replies
        for error in (
            message["payload"]
            if message["type"] == "error"
            else message.get("payload", {}).get("errors", [])
        )
    ]
    assert any(e["extensions"]["code"] == "FORBIDDEN" for e in errors), replies
    assert not any(m["payload"].get("data") for m in replies if m["type"] == "next")
    assert attacked.size() == before
    refusals = [
        json.loads(line)
        for line in attacked.log().splitlines()
        if '"kflow.audit"' in line and '"refused"' in line
    ]
    assert any(
        r["transport"] == "websocket" and r["operation_type"] == "mutation" for r in refusals
    )


def test_a_reader_cannot_write_over_the_legacy_graphql_ws(attacked: Attacked) -> None:
    before = attacked.size()
    with attacked.socket(LEGACY_WS) as socket:
        assert init(socket, {"apiKey": attacked.tokens["reader"]})["type"] == "connection_ack"
        socket.send(
            json.dumps({"id": "1", "type": "start", "payload": {"query": flow_mutation("acme-l")}})
        )
        reply = json.loads(socket.recv(timeout=10))
    assert reply["type"] == "error"
    assert attacked.size() == before


def test_an_editor_writes_over_a_websocket_and_the_write_is_audited(attacked: Attacked) -> None:
    with attacked.socket() as socket:
        init(socket, {"apiKey": attacked.tokens["editor"]})
        socket.send(
            json.dumps(
                {"id": "w", "type": "subscribe", "payload": {"query": flow_mutation("acme-ws-ok")}}
            )
        )
        [answer, _] = messages_until(socket, "complete")
    assert answer["payload"]["data"]["recordFlow"]["__typename"] == "FlowRecorded"
    allowed = [
        json.loads(line)
        for line in attacked.log().splitlines()
        if '"kflow.audit"' in line and '"allowed"' in line and '"mutation"' in line
    ]
    assert any(a["role"] == "editor" and a["transport"] == "websocket" for a in allowed)


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        ({}, "API key"),
        ({"apiKey": "kflow_nothere_x"}, "malformed"),
        ({"Authorization": "Bearer kflow_" + "0" * 12 + "_" + "A" * 43}, "not valid"),
        ({"Authorization": 7}, "must be a string"),
    ],
)
def test_a_websocket_without_a_good_key_closes_4401_with_a_reason(
    attacked: Attacked, payload: dict[str, Any], reason: str
) -> None:
    with attacked.socket() as socket:
        socket.send(json.dumps({"type": "connection_init", "payload": payload}))
        code, said = close_of(socket)
    assert code == 4401 and reason in said


def test_a_key_in_the_websocket_url_is_not_a_key_and_is_not_logged(attacked: Attacked) -> None:
    secret = secret_of(attacked.tokens["admin"])
    with connect(
        f"{attacked.ws_url}?api_key={attacked.tokens['admin']}",
        subprotocols=[TRANSPORT_WS],  # type: ignore[list-item]
        open_timeout=10,
    ) as socket:
        socket.send(json.dumps({"type": "connection_init", "payload": {}}))
        code, _ = close_of(socket)
    assert code == 4401
    time.sleep(0.5)
    assert secret not in attacked.log()


# --- 3. revocation reaches open sockets ------------------------------------------------


def test_a_revoked_key_loses_its_open_subscription_within_seconds(attacked: Attacked) -> None:
    admin = {"Authorization": f"Bearer {attacked.tokens['admin']}"}
    issued = httpx.post(
        f"{attacked.served.base}/keys", json={"name": "doomed", "role": "reader"}, headers=admin
    ).json()
    with attacked.socket() as socket:
        assert init(socket, {"apiKey": issued["token"]})["type"] == "connection_ack"
        socket.send(
            json.dumps(
                {
                    "id": "live",
                    "type": "subscribe",
                    "payload": {"query": "subscription { recorded { __typename } }"},
                }
            )
        )
        time.sleep(0.5)
        revoked = httpx.delete(f"{attacked.served.base}/keys/{issued['key']['id']}", headers=admin)
        assert revoked.status_code == 200
        started = time.monotonic()
        code, reason = close_of(socket, timeout=20)
        elapsed = time.monotonic() - started
    print(f"revoked socket closed after {elapsed:.1f} s")
    assert code == 4401 and "revoked" in reason
    assert elapsed < 10


# --- 4 and 6. limits that hold while parsing; caches bounded ----------------------------


def test_a_burst_of_hostile_documents_and_fake_keys_leaves_memory_bounded(
    attacked: Attacked,
) -> None:
    reader = attacked.tokens["reader"]
    client = httpx.Client(base_url=attacked.served.base, timeout=60)
    client.post(
        "/graphql",
        json={"query": "{ firms { id } }"},
        headers={"Authorization": f"Bearer {reader}"},
    )
    # The embedded engine is a process of the server's own; a Neo4j server is shared.
    embedded = attacked.served.backend.name == "embedded"
    engine = engine_pid(attacked.served.data) if embedded else attacked.served.pid
    before, engine_before = rss_kib(attacked.served.pid), rss_kib(engine)
    headers = {"Authorization": f"Bearer {reader}"}
    for i in range(12):  # ~130,000 directives each, under the 1 MB body limit
        big = "{ firms " + f"@d{i} " * 130_000 + "{ id } }"
        answer = client.post("/graphql", json={"query": big}, headers=headers)
        assert answer.status_code == 413, answer.text[:200]
        assert answer.json()["errors"][0]["extensions"]["code"] == "DOCUMENT_TOO_LARGE"
    for i in range(12):  # under the byte limit, far over the token limit
        many = "{ firms " + f"@t{i} " * 16_000 + "{ id } }"
        answer = client.post("/graphql", json={"query": many}, headers=headers)
        assert "tokens" in answer.json()["errors"][0]["message"]
    for i in range(300):  # distinct small documents: the cache churns within its budget
        query = "{ firms { id " + f"a{i}: name " * 40 + "} }"
        client.post("/graphql", json={"query": query}, headers=headers)
    for i in range(400):  # fake keys of the right shape, and 8 KB ones of the wrong shape
        fake = f"kflow_{i:012x}_" + "B" * 43
        assert (
            client.get("/metrics", headers={"Authorization": f"Bearer {fake}"}).status_code == 401
        )
        huge = "kflow_" + uuid.uuid4().hex + "C" * 8_000 + "_secret"
        assert (
            client.get("/metrics", headers={"Authorization": f"Bearer {huge}"}).status_code == 401
        )
    after, engine_after = rss_kib(attacked.served.pid), rss_kib(engine)
    print(f"server RSS {before / 1024:.0f} MiB before the burst, {after / 1024:.0f} MiB after")
    print(f"engine RSS {engine_before / 1024:.0f} MiB before, {engine_after / 1024:.0f} MiB after")
    assert after - before < 80 * 1024
    assert engine_after - engine_before < 80 * 1024
    assert client.get("/healthz").status_code == 200


def test_introspection_counts_towards_the_depth_limit(attacked: Attacked) -> None:
    deep = "{ __schema { types { " + "fields { type { " * 7 + "name" + " } }" * 7 + " } } }"
    answer = attacked.post({"query": deep}, "reader")
    assert "nested deeper than the limit" in answer.json()["errors"][0]["message"]
    standard = attacked.post({"query": graphql.get_introspection_query()}, "reader")
    assert "errors" not in standard.json(), standard.text[:300]


# --- 7. nothing secret in the log; every line JSON with a request id ---------------------


def test_no_document_text_or_key_reaches_the_log_and_every_line_is_json(
    attacked: Attacked,
) -> None:
    attacked.post({"query": f'{{ firms {{ id }} "{SECRET_LITERAL}-syntax'}, "reader")
    attacked.post({"query": f'{{ firm(id: "{SECRET_LITERAL}-valid") {{ nope }} }}'}, "reader")
    attacked.post({"query": "{ firms { id } }"}, "admin")
    with attacked.socket() as socket:
        init(socket, {"Authorization": f"Bearer {attacked.tokens['editor']}"})
        socket.send(
            json.dumps(
                {"id": "s", "type": "subscribe", "payload": {"query": f"{{ {SECRET_LITERAL} }}"}}
            )
        )
        messages_until(socket, "error")
    time.sleep(0.5)
    log = attacked.log()
    assert SECRET_LITERAL not in log
    assert not any(secret_of(token) in log for token in attacked.tokens.values())
    lines = [json.loads(line) for line in log.splitlines() if line.strip()]
    assert lines and all("request_id" in line for line in lines)
    sockets = [line for line in lines if line.get("method") == "WEBSOCKET"]
    assert sockets and all(line["request_id"] for line in sockets)


# --- 8. the smaller ones ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        (b"[" * 100_000 + b"]" * 100_000, "application/json", 400),
        (b'{"query": "{ firms { id } }\xff\xfe"}', "application/json", 400),
        (b'{"query": "' + b"x" * 1_100_000 + b'"}', "application/json", 413),
        (json.dumps([{"query": flow_mutation("acme-batch")}]).encode(), "application/json", 400),
        (b'{"query": "{ firms { id } }"}', "application/json-seq", 415),
        (b'{"query": "{ firms { id } }"}', "text/plain; x=application/json", 415),
    ],
)
def test_unreadable_bodies_get_a_4xx_in_graphql_shape(
    attacked: Attacked, body: bytes, content_type: str, status: int
) -> None:
    answer = httpx.post(
        f"{attacked.served.base}/graphql",
        content=body,
        headers={
            "Content-Type": content_type,
            "Authorization": f"Bearer {attacked.tokens['reader']}",
        },
        timeout=30,
    )
    assert answer.status_code == status, answer.text[:200]
    assert answer.json()["errors"][0]["extensions"]["code"]


def test_a_websocket_message_over_the_limit_or_too_deep_closes_the_socket(
    attacked: Attacked,
) -> None:
    with attacked.socket() as socket:
        init(socket, {"apiKey": attacked.tokens["reader"]})
        socket.send("x" * 2_000_000)
        code, _ = close_of(socket)
    assert code == 1009  # message too big
    with attacked.socket() as socket:
        init(socket, {"apiKey": attacked.tokens["reader"]})
        socket.send("[" * 100_000 + "]" * 100_000)
        code, _ = close_of(socket)
    assert code == 4400
    assert httpx.get(f"{attacked.served.base}/healthz").status_code == 200


def test_production_serves_no_api_docs_and_no_data_path(attacked: Attacked) -> None:
    base = attacked.served.base
    for path in ("/docs", "/redoc", "/openapi.json"):
        assert httpx.get(f"{base}{path}").status_code == 404, path
    assert httpx.get(f"{base}/explore").status_code in (200, 503)  # static; asks for a key
    ready = httpx.get(f"{base}/readyz")
    assert "location" not in ready.json()
    assert str(attacked.served.data) not in ready.text


# --- 9. GraphQL over HTTP ----------------------------------------------------------------


def test_graphql_response_json_gets_the_specs_status_codes(attacked: Attacked) -> None:
    accept = "application/graphql-response+json"
    good = attacked.post({"query": "{ firms { id } }"}, "reader", Accept=accept)
    assert good.status_code == 200
    assert good.headers["content-type"].startswith(accept)
    for broken in ("{ firms { id }", "{ nope }"):
        answer = attacked.post({"query": broken}, "reader", Accept=accept)
        assert answer.status_code == 400, answer.text
        assert answer.headers["content-type"].startswith(accept)
        assert "data" not in answer.json() and answer.json()["errors"]
        legacy = attacked.post({"query": broken}, "reader")
        assert legacy.status_code == 200
        assert legacy.headers["content-type"].startswith("application/json")
    refused = attacked.post({"query": flow_mutation("acme-gr")}, "reader", Accept=accept)
    assert refused.status_code == 403


# --- SIGTERM -----------------------------------------------------------------------------


def test_sigterm_stops_the_server_with_a_subscription_and_a_stalled_request_open(
    tmp_path: Path,
) -> None:
    port = free_port()
    log = tmp_path / "serve.log"
    data = tmp_path / "data"
    with log.open("w") as output:
        process = subprocess.Popen(
            [*KFLOW, "serve", "--port", str(port)],
            cwd=REPO,
            # Local use: anonymous callers may read, so no key (the engine holds the data
            # directory, so no CLI can make one while the server runs).
            env={**os.environ, "KFLOW_GRAPH_URL": f"embedded://{data}", "KFLOW_ENV": "local"},
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).is_success:
                        break
                except httpx.TransportError:
                    assert time.monotonic() < deadline, log.read_text()
                    time.sleep(0.1)
            with connect(
                f"ws://127.0.0.1:{port}/graphql",
                subprotocols=[TRANSPORT_WS],  # type: ignore[list-item]
                open_timeout=10,
            ) as socket:
                assert init(socket, {})["type"] == "connection_ack"
                socket.send(
                    json.dumps(
                        {
                            "id": "1",
                            "type": "subscribe",
                            "payload": {"query": "subscription { recorded { __typename } }"},
                        }
                    )
                )
                # A client that sends half a request and waits: uvicorn would wait for it
                # for ever without a graceful-shutdown limit.
                stalled = socket_module.create_connection(("127.0.0.1", port))
                stalled.sendall(
                    b"POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    b'Content-Length: 1000\r\n\r\n{"query"'
                )
                time.sleep(0.5)
                process.send_signal(signal.SIGTERM)
                # uvicorn shuts down, then raises the signal again: the exit says SIGTERM.
                assert process.wait(timeout=20) in (0, -signal.SIGTERM)
            stalled.close()
            assert "Application shutdown complete" in log.read_text()
            engines = subprocess.run(
                ["pgrep", "-f", f"{data}/engine.sock"], capture_output=True, text=True
            )
            assert engines.stdout.strip() == "", "the engine outlived the server"
        finally:
            if process.poll() is None:
                process.kill()


def test_one_key_spelt_many_ways_shares_one_rate_limit_budget(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    limit = 3
    token = "kflow_0123456789ab_" + "A" * 43  # the shape of a key, whatever it opens
    spellings = [f"Bearer {token}", f"bearer  {token}", f"BEARER   {token}", f"bEaRer {token}"]
    data = tmp_path_factory.mktemp("rate-spelt")
    with serve(data, backend=EMBEDDED, KFLOW_RATE_LIMIT_PER_MINUTE=str(limit)) as served:
        statuses = [
            httpx.post(
                f"{served.base}/graphql",
                json={"query": "{ __typename }"},
                headers={"Authorization": spelling},
                timeout=10,
            ).status_code
            for spelling in spellings * 2
        ]
    # Every spelling is one caller: past the budget the same key is refused, however spelt.
    assert 429 in statuses[limit:], statuses
    assert all(status != 429 for status in statuses[:limit]), statuses

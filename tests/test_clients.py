"""The GraphQL clients front ends use, on the README's snippets, against a real `kflow serve`
in production mode: graphql-ws, Apollo Client and GraphQL Code Generator (the node tests in
clients/test, pinned by clients/package-lock.json) and Python gql over HTTP and WebSocket."""

import asyncio
import json
import os
import re
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
import yaml
from gql import Client, gql
from gql.transport.exceptions import TransportQueryError
from gql.transport.websockets import WebsocketsTransport
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.typing import Subprotocol

from tests.backends import BACKENDS, backend_named
from tests.helpers import EMBEDDED, REPO, Served, create_key, kflow, serve, tiny_firm

pytestmark = pytest.mark.e2e

CLIENTS = REPO / "clients"
RECORD_FLOW = """mutation RecordFlow($input: FlowInput!) {
  recordFlow(input: $input) { __typename ... on FlowRecorded { flow { id } } } }"""


@dataclass(frozen=True)
class KeyedServer:
    served: Served
    tokens: dict[str, str]

    @property
    def url(self) -> str:
        return f"{self.served.base}/graphql"


@pytest.fixture(scope="module", params=BACKENDS)
def keyed(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[KeyedServer]:
    """Production mode with reader and editor keys, seeded with huawei and the small acme;
    once per backend."""
    with backend_named(request.param) as backend:
        data = tmp_path_factory.mktemp(f"clients-{request.param}")
        seeds = tmp_path_factory.mktemp("clients-seed")
        (seeds / "acme.yaml").write_text(yaml.safe_dump(tiny_firm("acme")))
        shutil.copy(REPO / "seed" / "huawei.yaml", seeds / "huawei.yaml")
        seeded = kflow("seed", "--seed-dir", str(seeds), data=data, backend=backend)
        assert seeded.returncode == 0, seeded.stderr
        admin = create_key(data, "admin", name="admin", backend=backend)
        with serve(data, backend=backend, KFLOW_ENV="production") as served:
            tokens = {}
            for role in ("reader", "editor"):
                issued = post_with_key(f"{served.base}/keys", admin, {"name": role, "role": role})
                assert issued.status_code == 201, issued.text
                tokens[role] = issued.json()["token"]
            yield KeyedServer(served, tokens)


def post_with_key(url: str, token: str, body: dict[str, Any]) -> httpx.Response:
    """POST a JSON body to kflow with an API key."""
    return httpx.post(url, json=body, headers={"Authorization": f"Bearer {token}"}, timeout=30)


def readme_snippet(name: str) -> str:
    """The README block marked `kflow-client: NAME`, as the node tests read it."""
    blocks = re.findall(r"^```\w+\n(.*?)^```$", (REPO / "README.md").read_text(), re.M | re.S)
    found = [b for b in blocks if re.match(rf"(//|#) kflow-client: {name}\n", b)]
    assert len(found) == 1, f"README.md has {len(found)} blocks marked kflow-client: {name}"
    return found[0]


def run_node_tests(tests: list[str], *, timeout: float, **env: str) -> str:
    """Run node test files of clients/ with these environment variables; they must pass.
    Returns node's test report."""
    ran = subprocess.run(
        ["node", "--test", *tests],
        cwd=CLIENTS,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert ran.returncode == 0, ran.stdout + ran.stderr
    return ran.stdout


def test_graphql_ws_apollo_and_codegen_work_as_the_readme_shows(keyed: KeyedServer) -> None:
    if not (CLIENTS / "node_modules").is_dir():
        pytest.fail(
            "clients/node_modules is missing: run `npm ci` in clients/ (scripts/test.sh does)"
        )
    tests = sorted(str(path) for path in (CLIENTS / "test").glob("*.test.mjs"))
    report = run_node_tests(
        tests,
        timeout=300,
        KFLOW_URL=keyed.url,
        KFLOW_READER_KEY=keyed.tokens["reader"],
        KFLOW_EDITOR_KEY=keyed.tokens["editor"],
    )
    assert re.search(r"^# pass ([1-9]\d*)$", report, re.M), report
    assert re.search(r"^# fail 0$", report, re.M), report


def python_clients() -> dict[str, Any]:
    namespace: dict[str, Any] = {}
    exec(compile(readme_snippet("python-gql"), "README.md#python-gql", "exec"), namespace)
    return namespace


def test_python_gql_reads_over_http_and_shows_a_refusal_reason(keyed: KeyedServer) -> None:
    snippets = python_clients()

    async def scenario() -> None:
        client: Client = snippets["kflow_http"](keyed.url, keyed.tokens["reader"])
        async with client as session:
            answer = await session.execute(
                gql("query($id: ID!) { node(id: $id) { __typename id } }"),
                variable_values={"id": "huawei-uk"},
            )
            assert answer["node"] == {"__typename": "Unit", "id": "huawei-uk"}
            with pytest.raises(TransportQueryError) as refused:
                await session.execute(
                    gql(RECORD_FLOW), variable_values={"input": flow_input("acme-py-http")}
                )
        assert refused.value.errors is not None
        assert refused.value.errors[0]["extensions"]["code"] == "FORBIDDEN"

    asyncio.run(scenario())
    nothing = post_with_key(
        keyed.url, keyed.tokens["reader"], {"query": '{ node(id: "acme-py-http") { id } }'}
    ).json()
    assert nothing["data"]["node"] is None  # the refused mutation wrote nothing


def flow_input(flow_id: str) -> dict[str, Any]:
    return {
        "id": flow_id,
        "from": "acme-uk",
        "to": "acme-europe",
        "direction": "UPWARD",
        "mode": "PLANNED",
        "cite": {"paper": "FU2018", "where": "Figure 1"},
    }


def test_python_gql_over_a_websocket_subscribes_and_counts_each_operation_apart(
    keyed: KeyedServer,
) -> None:
    snippets = python_clients()
    ws_url = keyed.url.replace("http://", "ws://")
    flow_id = f"acme-flow-gql-{uuid.uuid4()}"
    query = gql('{ firm(id: "huawei") { units(first: 5) { edges { node { id } } } } }')

    async def scenario() -> None:
        client: Client = snippets["kflow_socket"](ws_url, keyed.tokens["editor"])
        async with client as session:
            first = await session.execute(query, get_execution_result=True)
            again = await session.execute(query, get_execution_result=True)
            assert first.extensions and again.extensions
            # Each operation reports its own round trips, not the socket's running total.
            assert first.extensions["storeRoundTrips"] == again.extensions["storeRoundTrips"] > 0
            feed = session.subscribe(
                gql('subscription { recorded(firm: "acme") { flow { id direction } } }')
            )
            waiting = asyncio.ensure_future(anext(aiter(feed)))
            await asyncio.sleep(0.7)  # the feed starts from the moment it is subscribed
            written = await session.execute(
                gql(RECORD_FLOW), variable_values={"input": flow_input(flow_id)}
            )
            assert written["recordFlow"]["__typename"] == "FlowRecorded"
            event = await asyncio.wait_for(waiting, timeout=10)
            assert event["recorded"]["flow"] == {"id": flow_id, "direction": "UPWARD"}

    asyncio.run(scenario())


def test_a_query_over_the_legacy_graphql_ws_subprotocol_says_to_use_graphql_transport_ws(
    keyed: KeyedServer,
) -> None:
    legacy = WebsocketsTransport(
        url=keyed.url.replace("http://", "ws://"),
        init_payload={"Authorization": f"Bearer {keyed.tokens['reader']}"},
        subprotocols=[WebsocketsTransport.APOLLO_SUBPROTOCOL],  # "graphql-ws"
    )

    async def scenario() -> TransportQueryError:
        async with Client(transport=legacy) as session:
            with pytest.raises(TransportQueryError) as refused:
                await session.execute(gql('{ firm(id: "acme") { name } }'))
        return refused.value

    refused = asyncio.run(scenario())
    assert "legacy graphql-ws subprotocol" in str(refused), refused
    assert "graphql-transport-ws for queries" in str(refused), refused
    assert "Unexpected" not in str(refused)


@pytest.mark.parametrize(
    ("padding", "code", "limit"),
    [
        (100_001, "DOCUMENT_TOO_LARGE", "KFLOW_GRAPHQL_MAX_DOCUMENT_BYTES"),
        (1_100_000, "BODY_TOO_LARGE", "KFLOW_MAX_BODY_BYTES"),
    ],
)
def test_python_gql_shows_a_413_as_a_graphql_error_naming_the_limit(
    keyed: KeyedServer, padding: int, code: str, limit: str
) -> None:
    snippets = python_clients()
    # Padded inside the document: gql sends the document printed, without its comments.
    document = gql('{ node(id: "' + "x" * padding + '") { id } }')

    async def scenario() -> TransportQueryError:
        client: Client = snippets["kflow_http"](keyed.url, keyed.tokens["reader"])
        async with client as session:
            with pytest.raises(TransportQueryError) as refused:
                await session.execute(document)
        return refused.value

    refused = asyncio.run(scenario())
    assert refused.errors is not None
    [error] = refused.errors
    assert error["extensions"]["code"] == code
    assert limit in error["message"]


RATE_LIMIT = 5
# The rate-limit tests' own keys: one budget each.
LIMITED_KEYS = ("gql", "apollo", "socket-messages", "socket-upgrades", "public-url")
PUBLIC_URL = "https://kflow.example.org/"


@dataclass(frozen=True)
class LimitedServer:
    url: str
    tokens: dict[str, str]


@pytest.fixture(scope="module")
def rate_limited(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LimitedServer]:
    """Production mode with KFLOW_RATE_LIMIT_PER_MINUTE and KFLOW_PUBLIC_URL on an empty graph
    (embedded): the one server the rate-limit tests share, each test with a reader key of its
    own."""
    data = tmp_path_factory.mktemp("rate-limited")
    admin = create_key(data, "admin", name="admin")
    environment = {
        "KFLOW_ENV": "production",
        "KFLOW_RATE_LIMIT_PER_MINUTE": str(RATE_LIMIT),
        "KFLOW_PUBLIC_URL": PUBLIC_URL,
    }
    with serve(data, backend=EMBEDDED, **environment) as served:
        tokens = {}
        for name in LIMITED_KEYS:  # fewer requests than the admin key's budget
            issued = post_with_key(f"{served.base}/keys", admin, {"name": name, "role": "reader"})
            assert issued.status_code == 201, issued.text
            tokens[name] = issued.json()["token"]
        yield LimitedServer(f"{served.base}/graphql", tokens)
        health = httpx.get(f"{served.base}/healthz", timeout=10)
        assert health.status_code == 200  # the probes are never counted


def assert_rate_limited(error: dict[str, Any]) -> None:
    """A 429 in GraphQL's shape: its code, when to retry, and the setting named."""
    assert error["extensions"]["code"] == "RATE_LIMITED", error
    assert 1 <= error["extensions"]["retryAfter"] <= 60, error
    assert "KFLOW_RATE_LIMIT_PER_MINUTE" in error["message"], error


def test_python_gql_shows_a_429_as_a_graphql_error_saying_when_to_retry(
    rate_limited: LimitedServer,
) -> None:
    snippets = python_clients()

    async def scenario() -> list[TransportQueryError]:
        refusals = []
        client: Client = snippets["kflow_http"](rate_limited.url, rate_limited.tokens["gql"])
        async with client as session:
            # 2 * limit + 1 requests, well within two minutes: one minute sees limit + 1.
            for _ in range(2 * RATE_LIMIT + 1):
                try:
                    await session.execute(gql("{ __typename }"))
                except TransportQueryError as refused:
                    refusals.append(refused)
        return refusals

    refusals = asyncio.run(scenario())
    assert refusals, "no request was refused over the rate limit"
    [error] = refusals[0].errors or []
    assert_rate_limited(error)


def test_apollo_shows_a_429_as_a_graphql_error_saying_when_to_retry(
    rate_limited: LimitedServer,
) -> None:
    report = run_node_tests(
        ["rate-limit/apollo.test.mjs"],
        timeout=120,
        KFLOW_URL=rate_limited.url,
        KFLOW_READER_KEY=rate_limited.tokens["apollo"],
        KFLOW_RATE_LIMIT=str(RATE_LIMIT),
    )
    assert re.search(r"^# pass 1$", report, re.M), report


def subscribe(operation: int) -> str:
    return json.dumps(
        {"id": str(operation), "type": "subscribe", "payload": {"query": "{ __typename }"}}
    )


def test_a_websocket_flooding_messages_is_closed_4429_and_answered_no_further(
    rate_limited: LimitedServer,
) -> None:
    headers = {"Authorization": f"Bearer {rate_limited.tokens['socket-messages']}"}

    async def flood() -> tuple[int | None, str, list[str]]:
        answered: list[str] = []
        async with connect(
            rate_limited.url.replace("http://", "ws://"),
            subprotocols=[Subprotocol("graphql-transport-ws")],
            additional_headers=headers,
        ) as socket:
            await socket.send(json.dumps({"type": "connection_init"}))
            assert json.loads(await socket.recv())["type"] == "connection_ack"
            try:
                # The upgrade and connection_init counted: far more than the budget follows.
                for operation in range(2 * RATE_LIMIT + 2):
                    await socket.send(subscribe(operation))
                    reply = json.loads(await asyncio.wait_for(socket.recv(), timeout=10))
                    if reply["type"] == "next":
                        answered.append(reply["id"])
                        await socket.recv()  # its complete
            except ConnectionClosed:
                pass
            assert socket.close_code is not None, "the flood was never stopped"
            return socket.close_code, socket.close_reason or "", answered

    code, reason, answered = asyncio.run(flood())
    assert code == 4429, (code, reason)
    assert "KFLOW_RATE_LIMIT_PER_MINUTE" in reason and "retry in" in reason, reason
    # At most one minute's budget, and a second one's after a minute boundary, was answered.
    assert len(answered) <= 2 * RATE_LIMIT, answered


def test_websocket_upgrades_over_the_budget_get_a_429_saying_when_to_retry(
    rate_limited: LimitedServer,
) -> None:
    headers = {"Authorization": f"Bearer {rate_limited.tokens['socket-upgrades']}"}

    async def open_until_refused() -> InvalidStatus | None:
        for _ in range(2 * RATE_LIMIT + 1):
            try:
                async with connect(
                    rate_limited.url.replace("http://", "ws://"),
                    subprotocols=[Subprotocol("graphql-transport-ws")],
                    additional_headers=headers,
                ):
                    pass
            except InvalidStatus as refused:
                return refused
        return None

    refused = asyncio.run(open_until_refused())
    assert refused is not None, "no upgrade was refused over the rate limit"
    assert refused.response.status_code == 429
    retry_after = refused.response.headers["Retry-After"]
    [error] = json.loads(refused.response.body or b"")["errors"]
    assert_rate_limited(error)
    assert str(error["extensions"]["retryAfter"]) == retry_after


def test_with_a_public_url_partial_dates_specification_is_an_absolute_url_under_it(
    rate_limited: LimitedServer,
) -> None:
    answer = post_with_key(
        rate_limited.url,
        rate_limited.tokens["public-url"],
        {"query": '{ __type(name: "PartialDate") { specifiedByURL } }'},
    ).json()
    url = answer["data"]["__type"]["specifiedByURL"]
    assert url == "https://kflow.example.org/docs/partial-date.md"
    # The same path on this server (the public URL would reach it through a proxy).
    served = httpx.get(rate_limited.url.replace("/graphql", urlsplit(url).path), timeout=10)
    assert served.status_code == 200 and served.text.startswith("# PartialDate")

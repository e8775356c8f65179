"""The GraphQL clients front ends use, on the README's snippets, against a real `kflow serve`
in production mode: graphql-ws, Apollo Client and GraphQL Code Generator (the node tests in
clients/test, pinned by clients/package-lock.json) and Python gql over HTTP and WebSocket."""

import asyncio
import os
import re
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import yaml
from gql import Client, gql
from gql.transport.exceptions import TransportQueryError
from gql.transport.httpx import HTTPXAsyncTransport
from gql.transport.websockets import WebsocketsTransport

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
                issued = httpx.post(
                    f"{served.base}/keys",
                    json={"name": role, "role": role},
                    headers={"Authorization": f"Bearer {admin}"},
                    timeout=30,
                )
                assert issued.status_code == 201, issued.text
                tokens[role] = issued.json()["token"]
            yield KeyedServer(served, tokens)


def readme_snippet(name: str) -> str:
    """The README block marked `kflow-client: NAME`, as the node tests read it."""
    blocks = re.findall(r"^```\w+\n(.*?)^```$", (REPO / "README.md").read_text(), re.M | re.S)
    found = [b for b in blocks if re.match(rf"(//|#) kflow-client: {name}\n", b)]
    assert len(found) == 1, f"README.md has {len(found)} blocks marked kflow-client: {name}"
    return found[0]


def test_graphql_ws_apollo_and_codegen_work_as_the_readme_shows(keyed: KeyedServer) -> None:
    if not (CLIENTS / "node_modules").is_dir():
        pytest.fail(
            "clients/node_modules is missing: run `npm ci` in clients/ (scripts/test.sh does)"
        )
    env = {
        **os.environ,
        "KFLOW_URL": keyed.url,
        "KFLOW_READER_KEY": keyed.tokens["reader"],
        "KFLOW_EDITOR_KEY": keyed.tokens["editor"],
    }
    tests = sorted(str(path) for path in (CLIENTS / "test").glob("*.test.mjs"))
    ran = subprocess.run(
        ["node", "--test", *tests],
        cwd=CLIENTS,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert re.search(r"^# pass ([1-9]\d*)$", ran.stdout, re.M), ran.stdout
    assert re.search(r"^# fail 0$", ran.stdout, re.M), ran.stdout


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
    nothing = httpx.post(
        keyed.url,
        json={"query": '{ node(id: "acme-py-http") { id } }'},
        headers={"Authorization": f"Bearer {keyed.tokens['reader']}"},
        timeout=30,
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


def test_python_gql_shows_a_429_as_a_graphql_error_saying_when_to_retry(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    limit = 3
    data = tmp_path_factory.mktemp("rate-limited")
    with serve(data, backend=EMBEDDED, KFLOW_RATE_LIMIT_PER_MINUTE=str(limit)) as served:
        transport = HTTPXAsyncTransport(url=f"{served.base}/graphql")

        async def scenario() -> list[TransportQueryError]:
            refusals = []
            async with Client(transport=transport) as session:
                # 2 * limit + 1 requests, well within two minutes: one minute sees limit + 1.
                for _ in range(2 * limit + 1):
                    try:
                        await session.execute(gql("{ __typename }"))
                    except TransportQueryError as refused:
                        refusals.append(refused)
            return refusals

        refusals = asyncio.run(scenario())
        health = httpx.get(f"{served.base}/healthz", timeout=10)
    assert refusals, "no request was refused over the rate limit"
    [error] = refusals[0].errors or []
    assert error["extensions"]["code"] == "RATE_LIMITED"
    assert 1 <= error["extensions"]["retryAfter"] <= 60
    assert "KFLOW_RATE_LIMIT_PER_MINUTE" in error["message"]
    assert health.status_code == 200  # the probes are not counted

"""Access control: API keys with roles, no anonymous access outside local use, limits that
name themselves, and keys that never reach the logs."""

import contextlib
import re
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from service.settings import Settings
from tests.backends import BACKENDS, backend_named
from tests.helpers import Backend, Served, create_key, kflow, seeded_tiny_firm, serve

pytestmark = pytest.mark.e2e

ROLES = ("reader", "analyst", "editor", "admin")
FLOW = """mutation { recordFlow(input: {id: "acme-auth-flow", from: "acme-uk", to: "acme-europe",
  direction: UPWARD, mode: PLANNED, cite: {paper: FU2018, where: "Figure 1"}}) { __typename } }"""


class Secured:
    def __init__(self, served: Served, tokens: dict[str, str]) -> None:
        self.served = served
        self.tokens = tokens

    def request(
        self, method: str, path: str, role: str | None = None, **options: object
    ) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.tokens[role]}"} if role else {}
        return httpx.request(
            method, f"{self.served.base}{path}", headers=headers, timeout=30, **options
        )  # type: ignore[arg-type]

    def graphql(self, query: str, role: str | None = None) -> httpx.Response:
        return self.request("POST", "/graphql", role, json={"query": query})

    def size(self) -> tuple[int, int]:
        ready = self.request("GET", "/readyz").json()
        return ready["nodes"], ready["relationships"]


@pytest.fixture(scope="module", params=BACKENDS)
def secured(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Secured]:
    with (
        backend_named(request.param) as backend,
        secured_server(tmp_path_factory, backend) as served,
    ):
        yield served


@contextlib.contextmanager
def secured_server(factory: pytest.TempPathFactory, backend: Backend) -> Iterator[Secured]:
    data = seeded_tiny_firm(factory, "secured", backend)
    tokens = {role: create_key(data, role, backend=backend) for role in ROLES}
    with serve(
        data,
        backend=backend,
        KFLOW_ENV="test",
        KFLOW_MAX_BODY_BYTES="20000",
        KFLOW_CORS_ORIGINS='["http://allowed.example"]',
    ) as served:
        yield Secured(served, tokens)


def test_without_a_key_only_health_answers(secured: Secured) -> None:
    assert secured.request("GET", "/healthz").status_code == 200
    assert secured.request("GET", "/readyz").status_code == 200
    answer = secured.graphql("{ firms { id } }")
    assert answer.status_code == 401
    assert answer.headers["www-authenticate"] == "Bearer"
    [refusal] = answer.json()["errors"]
    assert "needs an API key with the reader role" in refusal["message"]
    assert refusal["extensions"]["code"] == "UNAUTHENTICATED"
    assert secured.request("POST", "/cypher", json={"query": "RETURN 1"}).status_code == 401
    assert secured.request("GET", "/metrics").status_code == 401
    assert secured.request("GET", "/metrics", "reader").status_code == 200


@pytest.mark.parametrize(
    ("role", "query_ok", "cypher_ok", "mutation_ok", "keys_ok"),
    [
        ("reader", True, False, False, False),
        ("analyst", True, True, False, False),
        ("editor", True, True, True, False),
        ("admin", True, True, True, True),
    ],
)
def test_each_role_can_do_what_it_allows_and_no_more(
    secured: Secured, role: str, query_ok: bool, cypher_ok: bool, mutation_ok: bool, keys_ok: bool
) -> None:
    assert (secured.graphql("{ firms { id } }", role).status_code == 200) is query_ok
    assert (
        secured.request("POST", "/cypher", role, json={"query": "RETURN 1 AS one"}).status_code
        == 200
    ) is cypher_ok
    assert (secured.request("GET", "/keys", role).status_code == 200) is keys_ok
    if not mutation_ok:
        before = secured.size()
        refused = secured.graphql(FLOW, role)
        assert refused.status_code == 403
        assert refused.json()["errors"][0]["message"] == (
            f"a GraphQL mutation needs the editor role; this key is {role}"
        )
        assert secured.size() == before


def test_an_editor_records_a_flow(secured: Secured) -> None:
    answer = secured.graphql(FLOW.replace("acme-auth-flow", "acme-auth-flow-2"), "editor")
    assert answer.json()["data"]["recordFlow"]["__typename"] == "FlowRecorded"


def test_a_wrong_or_malformed_key_is_refused(secured: Secured) -> None:
    for header, reason in [
        ("Bearer kflow_" + "0" * 12 + "_" + "A" * 43, "not valid"),
        ("Bearer kflow_nothere_x", "malformed"),
        ("Bearer garbage", "malformed"),
        ("Basic dXNlcjpwYXNz", "Authorization: Bearer"),
    ]:
        response = httpx.post(
            f"{secured.served.base}/graphql",
            json={"query": "{ firms { id } }"},
            headers={"Authorization": header},
        )
        assert response.status_code == 401
        assert reason in response.json()["errors"][0]["message"]
    forged = secured.tokens["reader"][:-4] + "AAAA"
    response = httpx.post(
        f"{secured.served.base}/graphql",
        json={"query": "{ firms { id } }"},
        headers={"Authorization": f"Bearer {forged}"},
    )
    assert response.status_code == 401


def test_an_admin_issues_and_revokes_keys_over_http(secured: Secured) -> None:
    issued = secured.request("POST", "/keys", "admin", json={"name": "ci", "role": "reader"})
    assert issued.status_code == 201
    token, key_id = issued.json()["token"], issued.json()["key"]["id"]
    headers = {"Authorization": f"Bearer {token}"}
    query = {"query": "{ firms { id } }"}
    assert (
        httpx.post(f"{secured.served.base}/graphql", json=query, headers=headers).status_code == 200
    )
    listed = secured.request("GET", "/keys", "admin").json()
    assert all("hash" not in key and "token" not in key for key in listed)
    assert secured.request("DELETE", f"/keys/{key_id}", "admin").status_code == 200
    deadline = time.monotonic() + 10
    while (
        httpx.post(f"{secured.served.base}/graphql", json=query, headers=headers).status_code != 401
    ):
        assert time.monotonic() < deadline, "a revoked key still works after 10 s"
        time.sleep(0.5)


def test_keys_never_reach_the_logs(secured: Secured) -> None:
    for role in ROLES:
        secured.graphql("{ firms { id } }", role)
    log = secured.served.log.read_text()
    secrets = [token.split("_", 2)[2] for token in secured.tokens.values()]
    assert log and not any(secret in log for secret in secrets)


def test_a_body_over_the_limit_gets_413_naming_it(secured: Secured) -> None:
    response = secured.request(
        "POST", "/cypher", "analyst", json={"query": "RETURN 1", "parameters": {"x": "y" * 50_000}}
    )
    assert response.status_code == 413
    assert "the limit is 20000 (KFLOW_MAX_BODY_BYTES)" in response.json()["detail"]


def test_only_listed_origins_get_cors(secured: Secured) -> None:
    def preflight(origin: str) -> httpx.Response:
        return httpx.options(
            f"{secured.served.base}/graphql",
            headers={
                "Origin": origin,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "authorization,content-type",
            },
        )

    allowed = preflight("http://allowed.example")
    assert allowed.headers.get("access-control-allow-origin") == "http://allowed.example"
    assert "access-control-allow-origin" not in preflight("http://evil.example").headers


@pytest.mark.parametrize(
    ("env", "message"),
    [
        (
            {
                "env": "production",
                "anonymous_role": "analyst",
                "graph_url": "embedded:///srv/kflow",
            },
            "KFLOW_ANONYMOUS_ROLE=analyst is refused in production",
        ),
        (
            {"env": "production", "cors_origins": ["*"], "graph_url": "embedded:///srv/kflow"},
            "KFLOW_CORS_ORIGINS=* is refused in production",
        ),
        ({"env": "production", "graph_url": "embedded://./data"}, "must be an absolute path"),
        ({"graph_url": "bolt://db:7687"}, "KFLOW_NEO4J_PASSWORD is required"),
        (
            {"env": "production", "graph_url": "bolt://db:7687", "neo4j_password": "neo4j"},
            "well-known default",
        ),
    ],
)
def test_unsafe_settings_are_refused(env: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        Settings(**env)  # type: ignore[arg-type]


def test_anonymous_access_is_off_by_default_outside_local_use() -> None:
    assert Settings(env="local").anonymous_access == "analyst"
    assert Settings(env="test").anonymous_access == "none"
    assert Settings(env="production", graph_url="embedded:///srv").anonymous_access == "none"


def test_the_cli_issues_lists_and_revokes_keys(tmp_path: Path, backend: Backend) -> None:
    def keys(*args: str) -> subprocess.CompletedProcess[str]:
        return kflow("keys", *args, data=tmp_path, backend=backend)

    made = keys("create", "--name", "nightly export", "--role", "analyst")
    assert made.returncode == 0 and made.stdout.startswith("kflow_")
    key_id = made.stdout.split("_")[1]
    assert "nightly export" in keys("list").stdout
    assert keys("revoke", key_id).returncode == 0
    assert keys("create", "--name", "x", "--role", "owner").returncode == 1

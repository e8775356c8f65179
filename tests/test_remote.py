"""`kflow --url URL --key KEY`: the analyst commands run on a server elsewhere, over its HTTP
API, with its limits and its keys' roles, and every refusal told plainly."""

import http.server
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.backends import BACKENDS, on_backend
from tests.helpers import EMBEDDED, Backend, Served, free_port, kflow, seeded_tiny_firm, serve

pytestmark = pytest.mark.e2e


@dataclass(frozen=True)
class Remote:
    served: Served
    tokens: dict[str, str]
    elsewhere: Path  # a data directory the remote commands must never touch

    def run(self, *args: str, role: str | None = "analyst", **env: str) -> "Ran":
        key = ("--key", self.tokens[role]) if role else ()
        ran = kflow(
            "--url", self.served.base, *key, *args, data=self.elsewhere, backend=EMBEDDED, **env
        )
        return Ran(ran.returncode, ran.stdout, ran.stderr)


@dataclass(frozen=True)
class Ran:
    code: int
    stdout: str
    stderr: str


def _remote_server(factory: pytest.TempPathFactory, backend: Backend) -> Iterator[Remote]:
    data = seeded_tiny_firm(factory, "remote", backend)
    tokens = {}
    for role in ("reader", "analyst"):
        made = kflow("keys", "create", "--name", role, "--role", role, data=data, backend=backend)
        assert made.returncode == 0, made.stderr
        tokens[role] = made.stdout.strip()
    with serve(data, backend=backend, KFLOW_ENV="test") as served:
        yield Remote(served, tokens, factory.mktemp("elsewhere") / "never")


@pytest.fixture(scope="module", params=BACKENDS)
def remote(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Remote]:
    yield from on_backend(request, tmp_path_factory, _remote_server)


def test_cypher_runs_on_the_server_not_here(remote: Remote) -> None:
    ran = remote.run(
        "cypher", "MATCH (u:Unit {firm: $firm}) RETURN u.id AS id ORDER BY id", "-p", "firm=acme",
        "--format", "json",
    )  # fmt: skip
    assert ran.code == 0, ran.stderr
    ids = [row["id"] for row in json.loads(ran.stdout)["rows"]]
    assert ids == ["acme-ccd", "acme-de", "acme-europe", "acme-hq", "acme-uk"]
    assert not remote.elsewhere.exists(), "a remote command opened a store here"


def test_named_queries_status_and_exports_run_on_the_server(remote: Remote, tmp_path: Path) -> None:
    listed = remote.run("query", "list", "--wide")
    assert listed.code == 0, listed.stderr
    assert "list_unit_roles" in listed.stdout
    roles = remote.run("query", "list_unit_roles", "-p", "firm=acme", "--format", "json")
    assert roles.code == 0, roles.stderr
    assert {row["unit"] for row in json.loads(roles.stdout)["rows"]} >= {"acme-hq", "acme-uk"}
    missing = remote.run("query", "list_unit_roles")
    assert missing.code == 1 and "firm" in missing.stderr and "HTTP 400" in missing.stderr
    unknown = remote.run("query", "nothing_by_this_name")
    assert unknown.code == 1 and "nothing_by_this_name" in unknown.stderr
    status = remote.run("status")
    assert status.code == 0, status.stderr
    assert json.loads(status.stdout)["nodes"] >= 6
    graphml = tmp_path / "a.graphml"
    exported = remote.run("export", "--firm", "acme", "--format", "graphml", "-o", str(graphml))
    assert exported.code == 0, exported.stderr
    assert "acme-uk" in graphml.read_text()
    tables = tmp_path / "csv"
    unit = ("--unit", "acme-uk", "--hops", "1")
    exported = remote.run("export", *unit, "--format", "csv", "-o", str(tables))
    assert exported.code == 0, exported.stderr
    assert "acme-europe" in (tables / "nodes.csv").read_text()
    assert (tables / "relationships.csv").read_text().count("\n") >= 2
    assert not remote.elsewhere.exists()


def test_refusals_are_told_plainly_and_nothing_is_written(remote: Remote) -> None:
    unkeyed = remote.run("status", role=None)
    assert unkeyed.code == 0  # readiness is public
    no_key = remote.run("cypher", "RETURN 1 AS one", role=None)
    assert no_key.code == 1 and "refused the key" in no_key.stderr and "--key" in no_key.stderr
    reader = remote.run("cypher", "RETURN 1 AS one", role="reader")
    assert reader.code == 1 and "may not" in reader.stderr
    writes = remote.run("cypher", "CREATE (:Planted {id: 'x'}) RETURN 1 AS one")
    assert writes.code == 1 and "read-only" in writes.stderr
    planted = remote.run("cypher", "MATCH (n:Planted) RETURN count(n) AS n", "--format", "json")
    assert json.loads(planted.stdout)["rows"] == [{"n": 0}]
    whole = remote.run("export", "--format", "graphml")
    assert whole.code == 1 and "--firm" in whole.stderr


def test_a_server_that_is_not_there_is_named(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    ran = kflow("--url", url, "status", data=tmp_path / "never")
    assert ran.returncode == 1 and f"cannot reach kflow at {url}" in ran.stderr


def test_a_redirect_is_refused_and_the_key_never_reaches_where_it_points(tmp_path: Path) -> None:
    seen_by_target: list[str | None] = []

    class Target(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen_by_target.append(self.headers.get("Authorization"))
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, *args: object) -> None:
            pass

    target = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Target)
    target_url = f"http://127.0.0.1:{target.server_address[1]}/stolen"

    class Redirector(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(302)
            self.send_header("Location", target_url)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    redirector = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Redirector)
    servers = [target, redirector]
    threads = [threading.Thread(target=server.serve_forever, daemon=True) for server in servers]
    for thread in threads:
        thread.start()
    try:
        ran = kflow(
            "--url",
            f"http://127.0.0.1:{redirector.server_address[1]}",
            "--key",
            "kflow_secret_key",
            "status",
            data=tmp_path,
            backend=EMBEDDED,
        )
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()
    assert ran.returncode != 0
    assert "redirects (HTTP 302)" in ran.stderr and "does not follow" in ran.stderr
    assert seen_by_target == []

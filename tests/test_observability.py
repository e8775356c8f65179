"""Request ids, one structured log line per request, and Prometheus metrics at /metrics."""

import json
import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import pytest_asyncio
from prometheus_client.parser import text_string_to_metric_families

from service.api.app import create_app
from service.settings import Settings
from tests.backends import BACKENDS, NEO4J_VERSION, backend_named
from tests.helpers import Served, in_process

pytestmark = pytest.mark.e2e

Sample = tuple[str, frozenset[tuple[str, str]]]
SECRET_TOKEN = "kflow-secret-token-0123456789"
METRIC_NAMES = {
    "kflow_requests_total",
    "kflow_request_duration_seconds",
    "kflow_store_calls_total",
    "kflow_store_call_duration_seconds",
    "kflow_errors_total",
    "kflow_store_up",
}


def parse_metrics(text: str) -> dict[Sample, float]:
    """Every sample of an exposition, keyed by name and labels."""
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(samples: dict[Sample, float], name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def scrape(server: Served) -> dict[Sample, float]:
    response = httpx.get(f"{server.base}/metrics", timeout=10)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    return parse_metrics(response.text)


# --- against `kflow serve` -------------------------------------------------------------


def test_metrics_are_exposed_and_count_requests_by_route_template(server: Served) -> None:
    before = scrape(server)
    families = {
        family.name
        for family in text_string_to_metric_families(httpx.get(f"{server.base}/metrics").text)
    }
    for name in METRIC_NAMES:
        assert name.removesuffix("_total") in families, name
    for _ in range(3):
        assert httpx.get(f"{server.base}/healthz").status_code == 200
    assert httpx.get(f"{server.base}/readyz").status_code == 200
    after = scrape(server)
    labels = {"method": "GET", "route": "/healthz", "status": "200"}
    assert value(after, "kflow_requests_total", **labels) >= (
        value(before, "kflow_requests_total", **labels) + 3
    )
    count = "kflow_request_duration_seconds_count"
    assert value(after, count, method="GET", route="/healthz") >= (
        value(before, count, method="GET", route="/healthz") + 3
    )
    backend = server.backend.name
    reads = {"backend": backend, "mode": "read", "outcome": "ok"}
    assert value(after, "kflow_store_calls_total", **reads) > value(
        before, "kflow_store_calls_total", **reads
    )
    assert value(after, "kflow_store_call_duration_seconds_count", backend=backend, mode="read")
    assert value(after, "kflow_store_up") == 1
    engine = "FalkorDB 4.22.1" if backend == "embedded" else f"Neo4j/{NEO4J_VERSION}"
    assert value(after, "kflow_store_info", backend=backend, engine_version=engine)


def test_graphql_errors_are_counted_by_kind(server: Served) -> None:
    before = scrape(server)
    assert server.graphql('{ reverseTransferPaths(from: "nope") { totalCount } }')["errors"]
    assert server.graphql("{ unitz { id } }")["errors"]
    after = scrape(server)
    for kind in ("NotFound", "GraphQLError"):
        assert value(after, "kflow_errors_total", kind=kind) == (
            value(before, "kflow_errors_total", kind=kind) + 1
        ), kind
    labels = {"method": "POST", "route": "/graphql", "status": "200"}
    assert value(after, "kflow_requests_total", **labels) >= (
        value(before, "kflow_requests_total", **labels) + 2
    )


# --- in-process, with the logs captured ------------------------------------------------


@pytest_asyncio.fixture(scope="module", params=BACKENDS)
async def client(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[httpx.AsyncClient]:
    """The application on an empty store of its own, logging at debug level."""
    data = tmp_path_factory.mktemp("observed")
    with backend_named(request.param) as backend:
        app = create_app(
            Settings(**backend.settings(data), log_level="debug", engine_start_timeout_s=30)
        )
        async with in_process(app) as http:
            yield http


def json_lines(err: str) -> list[dict[str, Any]]:
    """stderr as log objects; every line must be one JSON object."""
    return [json.loads(line) for line in err.splitlines() if line.strip()]


def access_lines(lines: list[dict[str, Any]], request_id: str) -> list[dict[str, Any]]:
    return [
        line
        for line in lines
        if line["logger"] == "kflow.access" and line["request_id"] == request_id
    ]


async def test_each_request_is_one_json_line_with_its_id_and_no_secrets(
    client: httpx.AsyncClient, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    capsys.readouterr()
    answer = await client.get(
        "/readyz?api_key=hunter2",
        headers={"Authorization": f"Bearer {SECRET_TOKEN}", "X-Request-ID": "log-test-1"},
    )
    assert answer.status_code == 200
    assert answer.headers["x-request-id"] == "log-test-1"
    # The test's own client (httpx, in this process) logs the URL it asked for; the
    # application's lines must hold neither the query string nor the API key.
    lines = [
        line
        for line in json_lines(capsys.readouterr().err)
        if not line["logger"].startswith(("httpx", "httpcore"))
    ]
    written = json.dumps(lines)
    assert SECRET_TOKEN not in written and "hunter2" not in written
    [line] = access_lines(lines, "log-test-1")
    assert set(line) >= {
        "timestamp",
        "level",
        "request_id",
        "method",
        "path",
        "status",
        "duration_ms",
    }
    assert line["level"] == "info"
    assert (line["method"], line["path"], line["route"], line["status"]) == (
        "GET",
        "/readyz",
        "/readyz",
        200,
    )
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00", line["timestamp"])
    # The store's own debug line, written during the request, carries the request's id.
    store_lines = [entry for entry in lines if entry["logger"] == "kflow.store"]
    assert store_lines and all(entry["request_id"] == "log-test-1" for entry in store_lines)
    assert any(entry["message"].startswith("query store/count_graph") for entry in store_lines)
    records = [r for r in caplog.records if r.name == "kflow.access"]
    assert [getattr(r, "request_id", None) for r in records] == ["log-test-1"]


async def test_an_expected_failure_is_counted_under_its_class(client: httpx.AsyncClient) -> None:
    before = parse_metrics((await client.get("/metrics")).text)
    refused = await client.post("/cypher", json={"query": "CREATE (n:Firm {id: 'x'})"})
    assert refused.status_code == 403
    after = parse_metrics((await client.get("/metrics")).text)
    assert value(after, "kflow_errors_total", kind="WriteRefused") == (
        value(before, "kflow_errors_total", kind="WriteRefused") + 1
    )

"""The HTTP edge on the in-memory store: what the API refuses or says before it asks the
graph anything (arguments, request ids, error shapes, logs and metrics). The same app that
`kflow serve` runs, in this process; a refusal that first read the graph would fail here,
since the in-memory store answers no Cypher.
"""

import json
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
from prometheus_client.parser import text_string_to_metric_families

from service.api.app import create_app
from service.settings import Settings
from tests.fakes import MemoryStore
from tests.helpers import RECORD_FLOW, flow_input, in_process

pytestmark = pytest.mark.unit

GENERATED_ID = re.compile(r"[0-9a-f]{32}")


@pytest_asyncio.fixture(scope="module")
async def client(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[httpx.AsyncClient]:
    """The application on an in-memory store, logging at debug level, anonymous requests
    allowed to edit (as the served tests run it), with a route that fails unexpectedly."""
    store = MemoryStore()
    app = create_app(
        Settings(
            graph_url=f"embedded://{tmp_path_factory.mktemp('edge')}",
            log_level="debug",
            anonymous_role="editor",
        ),
        store=store,
    )

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("an unexpected failure")

    async with in_process(app) as http:
        yield http
    assert not store.closed, "the application closed a store it was given"
    await store.close()


def metrics(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    """Every sample of an exposition, keyed by name and labels."""
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def access_lines(err: str, request_id: str) -> list[dict[str, Any]]:
    """The access log lines of one request; every line of stderr must be one JSON object."""
    lines = [json.loads(line) for line in err.splitlines() if line.strip()]
    return [
        line
        for line in lines
        if line["logger"] == "kflow.access" and line["request_id"] == request_id
    ]


@pytest.mark.parametrize(
    ("name", "params", "status", "detail"),
    [
        ("list_unit_roles", {}, 400, "firm: is required (STRING)"),
        (
            "list_unit_roles",
            {"firm": "huawei", "colour": "red"},
            400,
            "colour: is not a parameter of this query (it takes: firm)",
        ),
        (
            "list_reverse_transfer_paths",
            {"unit": "huawei-uk", "maxHops": "four"},
            400,
            "maxHops: expects INTEGER, not 'four'",
        ),
        ("list_everything", {}, 404, "no named query with id 'list_everything'"),
    ],
)
async def test_a_bad_named_query_call_is_refused_naming_the_parameter(
    client: httpx.AsyncClient, name: str, params: dict[str, Any], status: int, detail: str
) -> None:
    response = await client.post(f"/queries/{name}", json={"parameters": params})
    assert response.status_code == status, response.text
    assert response.json()["detail"] == detail


@pytest.mark.parametrize(
    ("method", "path", "body", "argument", "detail"),
    [
        ("GET", "/queries/list_unit_roles?format=xml&firm=huawei", None, "format", "'xml'"),
        ("POST", "/queries/list_unit_roles?format=table", {}, "format", "'table'"),
        ("GET", "/export/units/huawei-uk?hops=9", None, "hops", "less than or equal to 3"),
        ("GET", "/export/firms/huawei?format=csv", None, "table", "table=nodes"),
        ("POST", "/queries/list_unit_roles", {"parameters": 5}, "parameters", "dictionary"),
        ("GET", "/queries/list_unit_roles?format=csv&maxHops=2", None, "maxHops", "not a param"),
    ],
)
async def test_a_bad_request_gets_one_error_shape_naming_the_argument(
    client: httpx.AsyncClient, method: str, path: str, body: Any, argument: str, detail: str
) -> None:
    response = await client.request(method, path, json=body)
    assert response.status_code == 400, response.text
    answer = response.json()
    assert set(answer) == {"error", "detail", "argument"}
    assert answer["error"] == "invalid_argument" and answer["argument"] == argument
    assert detail in answer["detail"] and answer["detail"].startswith(f"{argument}: ")


@pytest.mark.parametrize(
    ("query", "detail"),
    [
        ("", "query: is empty"),
        ("RETURN " + "(" * 40 + "1" + ")" * 40, "nests brackets 40 deep"),
        ("RETURN 1 " * 5000, "the limit is 20000"),
    ],
)
async def test_cypher_kflow_can_judge_alone_is_refused_before_the_engine_sees_it(
    client: httpx.AsyncClient, query: str, detail: str
) -> None:
    response = await client.post("/cypher", json={"query": query})
    assert response.status_code == 400, response.text
    assert detail in response.json()["detail"]


async def test_every_response_carries_a_request_id_generated_or_echoed(
    client: httpx.AsyncClient,
) -> None:
    first = (await client.get("/healthz")).headers["x-request-id"]
    second = (await client.get("/healthz")).headers["x-request-id"]
    assert GENERATED_ID.fullmatch(first) and GENERATED_ID.fullmatch(second)
    assert first != second
    echoed = await client.get("/healthz", headers={"X-Request-ID": "trace-42.a_b"})
    assert echoed.headers["x-request-id"] == "trace-42.a_b"
    missing = await client.get("/no-such-page", headers={"X-Request-ID": "trace-404"})
    assert (missing.status_code, missing.headers["x-request-id"]) == (404, "trace-404")


@pytest.mark.parametrize("sent", ["has space", "x" * 65, "semi;colon", "new\\nline", ""])
async def test_an_unsafe_incoming_request_id_is_replaced(
    client: httpx.AsyncClient, sent: str
) -> None:
    answer = await client.get("/healthz", headers={"X-Request-ID": sent})
    assert GENERATED_ID.fullmatch(answer.headers["x-request-id"])


async def test_a_graphql_request_logs_its_operation_name(
    client: httpx.AsyncClient, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    answer = await client.post(
        "/graphql",
        json={"query": "query Probe { __typename }", "operationName": "Probe"},
        headers={"X-Request-ID": "gql-1"},
    )
    assert answer.json()["data"] == {"__typename": "Query"}
    anonymous = await client.post(
        "/graphql", json={"query": "query Named { __typename }"}, headers={"X-Request-ID": "gql-2"}
    )
    assert anonymous.status_code == 200
    err = capsys.readouterr().err
    [probe] = access_lines(err, "gql-1")
    assert (probe["route"], probe["operation"]) == ("/graphql", "Probe")
    [named] = access_lines(err, "gql-2")
    assert named["operation"] == "Named"


async def test_an_unexpected_error_is_a_500_with_its_id_logged_and_counted(
    client: httpx.AsyncClient, capsys: pytest.CaptureFixture[str]
) -> None:
    before = metrics((await client.get("/metrics")).text)
    capsys.readouterr()
    answer = await client.get("/boom", headers={"X-Request-ID": "boom-1"})
    assert answer.status_code == 500
    assert answer.headers["x-request-id"] == "boom-1"
    assert "boom-1" in answer.json()["detail"]
    assert "an unexpected failure" not in answer.text
    [line] = access_lines(capsys.readouterr().err, "boom-1")
    assert (line["level"], line["status"], line["errors"]) == ("error", 500, ["unexpected"])
    assert "RuntimeError: an unexpected failure" in line["exception"]
    after = metrics((await client.get("/metrics")).text)
    errors = ("kflow_errors_total", frozenset({("kind", "unexpected")}))
    assert after.get(errors, 0.0) == before.get(errors, 0.0) + 1
    route = frozenset({("method", "GET"), ("route", "/boom"), ("status", "500")})
    assert after[("kflow_requests_total", route)] == 1


async def test_a_path_with_parameters_is_counted_under_its_template(
    client: httpx.AsyncClient,
) -> None:
    before = metrics((await client.get("/metrics")).text)
    await client.get("/explore/assets/no-such-file.js")
    after = metrics((await client.get("/metrics")).text)
    route = frozenset({("method", "GET"), ("route", "/explore/assets/{name}"), ("status", "404")})
    assert (
        after[("kflow_requests_total", route)] == before.get(("kflow_requests_total", route), 0) + 1
    )
    assert not any("no-such-file" in str(key) for key in after)


async def test_a_404_is_counted_as_a_request_and_an_error(client: httpx.AsyncClient) -> None:
    before = metrics((await client.get("/metrics")).text)
    assert (await client.get("/no/such/route?secret=x")).status_code == 404
    after = metrics((await client.get("/metrics")).text)
    route = frozenset({("method", "GET"), ("route", "unmatched"), ("status", "404")})
    errors = ("kflow_errors_total", frozenset({("kind", "http_404")}))
    assert (
        after[("kflow_requests_total", route)] == before.get(("kflow_requests_total", route), 0) + 1
    )
    assert after[errors] == before.get(errors, 0) + 1
    assert not any("/no/such" in str(key) for key in after)


def test_several_applications_in_one_process_keep_metrics_of_their_own(tmp_path: Path) -> None:
    settings = Settings(graph_url=f"embedded://{tmp_path}")
    first, second = create_app(settings), create_app(settings)
    assert first.state.metrics.registry is not second.state.metrics.registry


async def ask(client: httpx.AsyncClient, query: str, **variables: Any) -> dict[str, Any]:
    """POST a GraphQL document; the HTTP status must never be a server error."""
    response = await client.post("/graphql", json={"query": query, "variables": variables})
    assert response.status_code < 500, response.text
    answer: dict[str, Any] = response.json()
    return answer


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("{ units { edges { node { id } }", "Syntax Error"),
        ("{ " + " ".join(f"a{i}: firms {{ id }}" for i in range(40)) + " }", "aliases"),
        ("{ units { edges { node { " + "reportsTo { " * 14 + "id" + " }" * 18, "depth"),
        ("{ firms { " + "id " * 2500 + "} }", "token"),
    ],
)
async def test_a_malformed_or_oversized_document_gets_a_clear_error_and_never_a_500(
    client: httpx.AsyncClient, query: str, message: str
) -> None:
    answer = await ask(client, query)
    assert answer.get("errors"), answer
    assert message.lower() in answer["errors"][0]["message"].lower()


@pytest.mark.parametrize(
    ("field", "argument", "problem"),
    [
        ('flows(firm: "huawei", since: "2024-13") { totalCount }', "since", "month 13"),
        ('learningEvents(until: "2023-02-29") { totalCount }', "until", "day 29"),
        ('hubMetrics(firm: "huawei", asOf: "24") { undatedExcluded }', "asOf", "'24'"),
        ('integrationEvents(since: "1700") { totalCount }', "since", "1700"),
    ],
)
async def test_a_bad_partial_date_literal_is_refused_naming_the_argument(
    client: httpx.AsyncClient, field: str, argument: str, problem: str
) -> None:
    answer = await ask(client, "{ " + field + " }")
    assert not any((answer.get("data") or {}).values()), answer  # nothing answered
    [error] = answer["errors"]
    assert error["message"].startswith(f"{argument}: "), error
    assert problem in error["message"], error
    assert error["extensions"] == {"code": "INVALID_ARGUMENT", "argument": argument}


async def test_a_bad_partial_date_variable_is_refused_naming_the_argument(
    client: httpx.AsyncClient,
) -> None:
    answer = await ask(
        client,
        'query($from: PartialDate) { flows(firm: "huawei", since: $from) { totalCount } }',
        **{"from": "2024-1"},
    )
    [error] = answer["errors"]
    assert error["message"] == "since: '2024-1' is not a date: use YYYY, YYYY-MM or YYYY-MM-DD"
    assert error["extensions"] == {"code": "INVALID_ARGUMENT", "argument": "since"}


async def test_a_partial_date_that_is_not_a_string_is_refused_as_such(
    client: httpx.AsyncClient,
) -> None:
    answer = await ask(client, '{ flows(firm: "huawei", since: 2024) { totalCount } }')
    [error] = answer["errors"]
    assert "a PartialDate is a string" in error["message"], error
    assert "Unexpected" not in error["message"]


async def test_every_date_a_mutation_takes_is_a_partial_date(client: httpx.AsyncClient) -> None:
    answer = await ask(client, "{ __schema { types { name inputFields { name type { name } } } } }")
    dates = {
        f"{t['name']}.{f['name']}": f["type"]["name"]
        for t in answer["data"]["__schema"]["types"]
        if t["name"].endswith("Input")
        for f in t["inputFields"] or []
        if f["name"] in ("date", "until")
    }
    assert dates == {
        "FlowInput.date": "PartialDate",
        "IntegrationEventInput.date": "PartialDate",
        "IntegrationEventInput.until": "PartialDate",
        "LearningEventInput.date": "PartialDate",
        "SupportInput.date": "PartialDate",
    }


async def test_a_date_in_an_input_that_is_not_a_string_is_refused_naming_the_field(
    client: httpx.AsyncClient,
) -> None:
    flow = flow_input("acme-flow-1", "acme-hq", "acme-ccd", "DOWNWARD", date=2024)
    answer = await ask(client, RECORD_FLOW, input=flow)
    [error] = answer["errors"]
    assert "'$input' has invalid value at .date" in error["message"], error
    assert "a PartialDate is a string" in error["message"], error


@pytest.mark.parametrize(
    ("paging", "argument"),
    [
        ("first: 2, last: 2", "last"),
        ('first: 2, before: "x"', "before"),
        ("last: 0", "last"),
        ('last: 2, before: "not-a-cursor"', "before"),
    ],
)
@pytest.mark.parametrize("field", ["flows", "units"])
async def test_paging_both_ways_at_once_or_a_bad_last_or_before_is_refused_by_name(
    client: httpx.AsyncClient, field: str, paging: str, argument: str
) -> None:
    answer = await ask(client, f'{{ {field}(firm: "huawei", {paging}) {{ edges {{ cursor }} }} }}')
    [error] = answer["errors"]
    assert error["extensions"] == {"code": "INVALID_ARGUMENT", "argument": argument}, error
    assert error["message"].startswith(f"{argument}: "), error

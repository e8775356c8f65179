"""The PartialDate scalar over real HTTP: its specification is published, its values keep
their precision, and a bad one is refused by name before anything runs."""

from urllib.parse import urljoin

import httpx
import pytest

from tests.helpers import REPO, Served
from tests.test_paging import record_dated_flow

pytestmark = pytest.mark.e2e

SPECIFIED = '{ __type(name: "PartialDate") { kind specifiedByURL description } }'


def test_partial_date_points_at_its_specification_which_the_server_serves(
    server: Served,
) -> None:
    scalar = server.graphql(SPECIFIED)["data"]["__type"]
    assert scalar["kind"] == "SCALAR"
    assert scalar["specifiedByURL"] == "/docs/partial-date.md"
    # Resolved against the endpoint, as a client resolves it.
    served = httpx.get(urljoin(f"{server.base}/graphql", scalar["specifiedByURL"]), timeout=10)
    assert served.status_code == 200
    assert served.headers["content-type"] == "text/markdown; charset=utf-8"
    assert served.text == (REPO / "docs" / "partial-date.md").read_text()
    for form in ("`YYYY`", "`YYYY-MM`", "`YYYY-MM-DD`", "1800-2100"):
        assert form in served.text


def test_partial_dates_come_back_at_the_precision_they_were_given(server: Served) -> None:
    given = {"acme-scalar-year": "1902", "acme-scalar-day": "1902-05-17"}
    for flow_id, date in given.items():
        record_dated_flow(server, flow_id, date)
    answer = server.graphql(
        '{ unit(id: "acme-hq") { flowsOut(since: "1902", until: "1902") '
        "{ edges { node { id date } } } } }"
    )
    edges = answer["data"]["unit"]["flowsOut"]["edges"]
    assert {edge["node"]["id"]: edge["node"]["date"] for edge in edges} == given


@pytest.mark.parametrize(
    ("field", "argument", "problem"),
    [
        ('flows(firm: "huawei", since: "2024-13") { totalCount }', "since", "month 13"),
        ('learningEvents(until: "2023-02-29") { totalCount }', "until", "day 29"),
        ('hubMetrics(firm: "huawei", asOf: "24") { undatedExcluded }', "asOf", "'24'"),
        ('integrationEvents(since: "1700") { totalCount }', "since", "1700"),
    ],
)
def test_a_bad_partial_date_literal_is_refused_naming_the_argument(
    server: Served, field: str, argument: str, problem: str
) -> None:
    answer = server.graphql("{ " + field + " }")
    assert not any((answer.get("data") or {}).values()), answer  # nothing answered
    [error] = answer["errors"]
    assert error["message"].startswith(f"{argument}: "), error
    assert problem in error["message"], error
    assert error["extensions"] == {"code": "INVALID_ARGUMENT", "argument": argument}


def test_a_bad_partial_date_variable_is_refused_naming_the_argument(server: Served) -> None:
    answer = server.graphql(
        'query($from: PartialDate) { flows(firm: "huawei", since: $from) { totalCount } }',
        **{"from": "2024-1"},
    )
    [error] = answer["errors"]
    assert error["message"] == "since: '2024-1' is not a date: use YYYY, YYYY-MM or YYYY-MM-DD"
    assert error["extensions"] == {"code": "INVALID_ARGUMENT", "argument": "since"}


def test_a_partial_date_that_is_not_a_string_is_refused_as_such(server: Served) -> None:
    answer = server.graphql('{ flows(firm: "huawei", since: 2024) { totalCount } }')
    [error] = answer["errors"]
    assert "a PartialDate is a string" in error["message"], error
    assert "Unexpected" not in error["message"]


DATE_INPUTS = "{ __schema { types { name inputFields { name type { name } } } } }"


def test_every_date_a_mutation_takes_is_a_partial_date(server: Served) -> None:
    types = server.graphql(DATE_INPUTS)["data"]["__schema"]["types"]
    dates = {
        f"{t['name']}.{f['name']}": f["type"]["name"]
        for t in types
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


RECORD_FLOW = """mutation($input: FlowInput!) { recordFlow(input: $input) {
  __typename ... on Rejected { problems { field message } } } }"""
BAD_FLOW = {
    "id": "Not An Id",
    "from": "acme-hq",
    "to": "acme-ccd",
    "direction": "DOWNWARD",
    "mode": "PLANNED",
    "date": "2024-13",
    "cite": {"paper": "FU2018", "where": "Figure 1"},
}


def test_a_bad_date_in_an_input_is_one_of_the_records_problems(server: Served) -> None:
    literal = (
        'mutation { recordFlow(input: {id: "Not An Id", from: "acme-hq", '
        'to: "acme-ccd", direction: DOWNWARD, mode: PLANNED, date: "2024-13", '
        'cite: {paper: FU2018, where: "Figure 1"}}) { __typename '
        "... on Rejected { problems { field message } } } }"
    )
    for answer in (server.graphql(RECORD_FLOW, input=BAD_FLOW), server.graphql(literal)):
        assert "errors" not in answer, answer
        result = answer["data"]["recordFlow"]
        assert result["__typename"] == "Rejected", result
        fields = {problem["field"]: problem["message"] for problem in result["problems"]}
        assert "month 13" in fields["date"], fields
        assert "should match pattern" in fields["id"], fields  # reported with the date
    assert server.graphql('{ node(id: "Not An Id") { id } }')["data"]["node"] is None


def test_a_date_in_an_input_that_is_not_a_string_is_refused_naming_the_field(
    server: Served,
) -> None:
    answer = server.graphql(RECORD_FLOW, input=BAD_FLOW | {"date": 2024})
    [error] = answer["errors"]
    assert "'$input' has invalid value at .date" in error["message"], error
    assert "a PartialDate is a string" in error["message"], error

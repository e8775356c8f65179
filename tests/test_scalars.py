"""The PartialDate scalar over real HTTP: its specification is published, its values keep
their precision, and a bad one is refused by name before anything runs."""

from urllib.parse import urljoin

import httpx
import pytest

from tests.helpers import RECORD_FLOW, REPO, Served, flow_input, record_dated_flow

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


BAD_FLOW = flow_input("Not An Id", "acme-hq", "acme-ccd", "DOWNWARD", date="2024-13")


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

"""Statements per request for the questions front ends ask (the peer bench's seven), counted
from `extensions.storeRoundTrips` on both backends. The aim is one statement per request;
each budget is what the question costs today, so a change that adds a round trip fails here
and one that removes one lowers the budget."""

from typing import Any

import pytest

from tests.helpers import Served

pytestmark = pytest.mark.e2e

QUESTIONS: list[tuple[str, str, dict[str, Any], int]] = [
    ("firms", "{ firms { id name homeCountry industry outcome } }", {}, 1),
    (
        "units",
        "query($firm: ID!) { units(firm: $firm, first: 100) { edges { node { id name role } } } }",
        {"firm": "huawei"},
        1,
    ),
    (
        "nested",
        "query($firm: ID!) { firm(id: $firm) { id units(first: 20) { edges { node { id "
        "flowsOut(first: 5) { edges { node { id date knowledge { id } to { id name role } } } "
        "} } } } } }",
        {"firm": "huawei"},
        3,
    ),
    (
        "paths",
        "query($unit: ID!) { reverseTransferPaths(from: $unit, first: 20) { edges { node { "
        "length hops { role unit { id name } flow { id date } } } } } }",
        {"unit": "huawei-uk"},
        1,
    ),
    (
        "events",
        "query($firm: ID!) { integrationEvents(firm: $firm, first: 100) { edges { node { id "
        "sponsors { id } resources { id name } knowledge { id } } } } }",
        {"firm": "huawei"},
        1,
    ),
    (
        "learning",
        "query($unit: ID!) { unit(id: $unit) { learningEvents(first: 20) { edges { node { id "
        "date knowledge { id name } } } } } }",
        {"unit": "huawei-uk"},
        2,
    ),
    (
        "itemflows",
        "query($item: ID!) { flows(knowledge: $item, first: 100) { edges { node { id date "
        "from { id } to { id } } } } }",
        {"item": "huawei-programme-information"},
        1,
    ),
]


@pytest.mark.parametrize(
    ("document", "variables", "budget"),
    [pytest.param(d, v, b, id=name) for name, d, v, b in QUESTIONS],
)
def test_a_front_end_question_costs_at_most_its_statements(
    server: Served, document: str, variables: dict[str, Any], budget: int
) -> None:
    answer = server.graphql(document, **variables)
    assert "errors" not in answer, answer["errors"]
    assert 1 <= answer["extensions"]["storeRoundTrips"] <= budget

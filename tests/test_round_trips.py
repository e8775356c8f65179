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


UNIT = "id name role country market citation assumption firm { id } reportsTo { id }"
KNOWLEDGE = "id name kind domain citation assumption capabilities { id name channel citation }"
# Each list in a request of its own, so no other list primes the loaders first.
READ_ALONG = [
    f"""query($firm: ID!) {{ firm(id: $firm) {{ units(first: 20) {{ edges {{ node {{
      flowsOut(first: 5) {{ edges {{ node {{ from {{ {UNIT} }} to {{ {UNIT} }}
      knowledge {{ {KNOWLEDGE} }} }} }} }} }} }} }} }} }}""",
    f"""query($item: ID!) {{ flows(knowledge: $item, first: 100) {{ edges {{ node {{
      from {{ {UNIT} }} to {{ {UNIT} }} }} }} }} }}""",
    f"""query($firm: ID!) {{ integrationEvents(firm: $firm, first: 100) {{ totalCount
      edges {{ node {{ sponsors {{ {UNIT} }} beneficiaries {{ {UNIT} }}
      coordinator {{ {UNIT} }} knowledge {{ {KNOWLEDGE} }} }} }} }} }}""",
    f"""query($unit: ID!) {{ unit(id: $unit) {{ learningEvents(first: 20) {{ edges {{ node {{
      knowledge {{ {KNOWLEDGE} }} }} }} }} }} }}""",
    f"""query($unit: ID!) {{ reverseTransferPaths(from: $unit, first: 20) {{ edges {{ node {{
      hops {{ unit {{ {UNIT} }} }} }} }} }} }}""",
]


def _nodes(value: Any) -> list[dict[str, Any]]:
    """Every unit or knowledge item in an answer (the objects that carry a name and an id)."""
    if isinstance(value, list):
        return [node for item in value for node in _nodes(item)]
    if not isinstance(value, dict):
        return []
    own = [_in_order(value)] if {"id", "name", "citation"} <= value.keys() else []
    return own + [node for child in value.values() for node in _nodes(child)]


def _in_order(node: dict[str, Any]) -> dict[str, Any]:
    """A node with its capabilities by id (their order is not part of the answer)."""
    if "capabilities" not in node:
        return node
    return node | {"capabilities": sorted(node["capabilities"], key=lambda c: c["id"])}


def test_what_a_list_reads_along_answers_as_the_nodes_themselves(server: Served) -> None:
    """The units and knowledge items a list's statement read beside its page are the ones
    `nodes(ids:)` reads on its own, field for field."""
    values = {"firm": "huawei", "unit": "huawei-uk", "item": "huawei-programme-information"}
    read: list[dict[str, Any]] = []
    for document in READ_ALONG:
        wanted = {name: value for name, value in values.items() if f"${name}:" in document}
        answer = server.graphql(document, **wanted)
        assert "errors" not in answer, answer["errors"]
        found = _nodes(answer["data"])
        assert found, document
        read += found
    seen = {node["id"]: node for node in read}
    assert all(seen[node["id"]] == node for node in read)  # the same wherever it was read
    units = [node_id for node_id, node in seen.items() if "role" in node]
    items = [node_id for node_id, node in seen.items() if "domain" in node]
    assert len(units) > 5 and len(items) > 2, (units, items)
    again = server.graphql(
        f"query($ids: [ID!]!) {{ nodes(ids: $ids) {{ ... on Unit {{ {UNIT} }} "
        f"... on Knowledge {{ {KNOWLEDGE} }} }} }}",
        ids=units + items,
    )
    assert "errors" not in again, again["errors"]
    assert [_in_order(node) for node in again["data"]["nodes"]] == [
        seen[node_id] for node_id in units + items
    ]

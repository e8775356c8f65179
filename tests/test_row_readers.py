"""Fields a statement once left out of its rows, asked through GraphQL on every backend.

Each of these came back empty or null because a `.cypher` file and the view that reads its
rows disagreed; `test_cypher_files.py` now checks every statement against its reader."""

import itertools
from typing import Any

import pytest

from tests.helpers import Served

pytestmark = pytest.mark.e2e

CUSTOMER_VALUE = [{"id": "huawei-cap-customer-value", "channel": "CUSTOMERS"}]


def data(answer: dict[str, Any]) -> dict[str, Any]:
    assert "errors" not in answer, answer["errors"]
    result: dict[str, Any] = answer["data"]
    return result


def test_knowledge_a_release_loses_shows_the_capabilities_it_builds(server: Served) -> None:
    answer = server.graphql(
        """{ releaseImpact(unit: "huawei-uk") {
          lostKnowledge { id capabilities { id channel } } } }"""
    )
    lost = data(answer)["releaseImpact"]["lostKnowledge"]
    assert lost == [{"id": "huawei-uk-customer-feedback", "capabilities": CUSTOMER_VALUE}]


def test_a_circulations_knowledge_shows_the_capabilities_it_builds(server: Served) -> None:
    answer = server.graphql(
        """{ circulation(knowledge: "huawei-uk-customer-feedback") {
          knowledge { id capabilities { id channel } } } }"""
    )
    knowledge = data(answer)["circulation"]["knowledge"]
    assert knowledge == {"id": "huawei-uk-customer-feedback", "capabilities": CUSTOMER_VALUE}


def test_every_hop_flow_of_a_reverse_transfer_path_has_both_ends(server: Served) -> None:
    answer = server.graphql(
        """{ reverseTransferPaths(from: "huawei-uk") { edges { node { hops {
          unit { id } flow { id from { id } to { id } } } } } } }"""
    )
    paths = [edge["node"]["hops"] for edge in data(answer)["reverseTransferPaths"]["edges"]]
    assert paths
    for hops in paths:
        for before, hop in itertools.pairwise(hops):
            assert hop["flow"]["from"] == before["unit"]
            assert hop["flow"]["to"] == hop["unit"]

"""firmOverview: a firm's upper levels whole and its subsidiaries counted in groups, checked
against the units and hub metrics the API gives one by one."""

from collections import Counter, defaultdict
from typing import Any

import pytest

from tests.helpers import Served

pytestmark = pytest.mark.e2e

OVERVIEW = """query($firm: ID!, $expand: [ID!], $perGroup: Int!) {
  firmOverview(firm: $firm, expand: $expand, perGroup: $perGroup) {
    unitCount upper { id role }
    groups { hub { id } units core flowsUp flowsDown flowsAcross members { id } } } }"""
UNITS = """query($firm: ID!) { firmNetwork(firm: $firm) { units { id role reportsTo { id } } } }"""
METRICS = """query($firm: ID!) { hubMetrics(firm: $firm) { units(first: 100) { edges { node {
  unit { id } inflow { hq hub peer } outflow { hq hub peer } } } } } }"""


def data(answer: dict[str, Any]) -> dict[str, Any]:
    assert "errors" not in answer, answer["errors"]
    result: dict[str, Any] = answer["data"]
    return result


@pytest.mark.parametrize("firm", ["huawei", "gamma", "beta"])
def test_the_overview_counts_every_unit_once_and_sums_its_groups_flows(
    server: Served, firm: str
) -> None:
    units = data(server.graphql(UNITS, firm=firm))["firmNetwork"]["units"]
    metrics = {
        edge["node"]["unit"]["id"]: edge["node"]
        for edge in data(server.graphql(METRICS, firm=firm))["hubMetrics"]["units"]["edges"]
    }
    spokes = [unit for unit in units if unit["role"] in ("SUBSIDIARY", "CORE_SUBSIDIARY")]
    expected_groups: dict[str | None, Counter[str]] = defaultdict(Counter)
    for unit in spokes:
        hub = (unit["reportsTo"] or {}).get("id")
        counts = expected_groups[hub]
        flows = metrics[unit["id"]]
        counts["units"] += 1
        counts["core"] += unit["role"] == "CORE_SUBSIDIARY"
        counts["flowsUp"] += flows["outflow"]["hq"] + flows["outflow"]["hub"]
        counts["flowsDown"] += flows["inflow"]["hq"] + flows["inflow"]["hub"]
        counts["flowsAcross"] += flows["outflow"]["peer"]

    overview = data(server.graphql(OVERVIEW, firm=firm, expand=[], perGroup=1))["firmOverview"]
    assert overview["unitCount"] == len(units)
    assert {unit["id"] for unit in overview["upper"]} == {
        unit["id"] for unit in units if unit not in spokes
    }
    got = {
        (group["hub"] or {}).get("id"): Counter(
            {k: group[k] for k in ("units", "core", "flowsUp", "flowsDown", "flowsAcross")}
        )
        for group in overview["groups"]
    }
    assert got == {hub: +counts for hub, counts in expected_groups.items()}
    assert all(group["members"] == [] for group in overview["groups"])


def test_an_expanded_group_lists_its_busiest_members_up_to_the_limit(server: Served) -> None:
    units = data(server.graphql(UNITS, firm="gamma"))["firmNetwork"]["units"]
    busiest_hub = Counter(
        (unit["reportsTo"] or {}).get("id")
        for unit in units
        if unit["role"] in ("SUBSIDIARY", "CORE_SUBSIDIARY")
    ).most_common(1)[0]
    hub, size = busiest_hub
    assert hub is not None and size >= 2
    overview = data(server.graphql(OVERVIEW, firm="gamma", expand=[hub], perGroup=size - 1))
    group = next(g for g in overview["firmOverview"]["groups"] if (g["hub"] or {}).get("id") == hub)
    members = [member["id"] for member in group["members"]]
    reporting = {unit["id"] for unit in units if (unit["reportsTo"] or {}).get("id") == hub}
    assert len(members) == size - 1 and set(members) <= reporting


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"firm": "huawie", "perGroup": 5}, "did you mean huawei"),
        ({"firm": "huawei", "perGroup": 0}, "perGroup: must be between 1 and 200"),
        ({"firm": "huawei", "perGroup": 5, "expand": [f"h{i}" for i in range(11)]}, "expand"),
    ],
)
def test_a_bad_overview_request_names_the_argument(
    server: Served, variables: dict[str, Any], message: str
) -> None:
    answer = server.graphql(OVERVIEW, **{"expand": None, **variables})
    assert message in answer["errors"][0]["message"]

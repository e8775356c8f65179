"""Relay paging over real HTTP on both backends: every connection pages forward (first/after)
and backward (last/before) through the same items, and keyset cursors hold their place when
records are inserted between two page loads."""

from typing import Any

import pytest

from tests.helpers import RECORD_UNIT, Served, acme_subsidiary, record_dated_flow

pytestmark = pytest.mark.e2e

PAGE_INFO = "pageInfo { hasNextPage hasPreviousPage startCursor endCursor }"

# A connection field of the seeded demos, with PAGE where its paging arguments go and the
# path from the answer's data to the connection.
CONNECTIONS = {
    "firmsConnection": ("firmsConnection(PAGE)", ["firmsConnection"]),
    "Firm.units by name": ('firm(id: "huawei") { units(PAGE) }', ["firm", "units"]),
    "Firm.units by flow volume": (
        'firm(id: "huawei") { units(orderBy: FLOW_VOLUME, PAGE) }',
        ["firm", "units"],
    ),
    "Firm.knowledge": ('firm(id: "huawei") { knowledge(PAGE) }', ["firm", "knowledge"]),
    "flows by date": ('flows(firm: "huawei", PAGE)', ["flows"]),
    "flows newest first": ('flows(firm: "huawei", orderBy: DATE_DESC, PAGE)', ["flows"]),
    "flows of a unit (in and out merged)": ('flows(unit: "huawei-uk", PAGE)', ["flows"]),
    "Knowledge.flows": (
        'node(id: "huawei-uk-customer-feedback") { ... on Knowledge { flows(PAGE) } }',
        ["node", "flows"],
    ),
    "Unit.subordinates": (
        'unit(id: "huawei-rhq") { subordinates(PAGE) }',
        ["unit", "subordinates"],
    ),
    "learningEvents": ('learningEvents(firm: "huawei", PAGE)', ["learningEvents"]),
    "Unit.integrationEvents": (
        'unit(id: "huawei-ccd") { integrationEvents(PAGE) }',
        ["unit", "integrationEvents"],
    ),
    "integrationEvents": ('integrationEvents(firm: "huawei", PAGE)', ["integrationEvents"]),
    "units": ('units(firm: "huawei", PAGE)', ["units"]),
    "hubMetrics.units (by position)": (
        'hubMetrics(firm: "huawei") { units(orderBy: OUTFLOW, PAGE) }',
        ["hubMetrics", "units"],
    ),
}


def connection(server: Served, name: str, paging: str) -> dict[str, Any]:
    field, path = CONNECTIONS[name]
    selection = f"{{ edges {{ cursor node {{ __typename ...on Node {{ id }} }} }} {PAGE_INFO} }}"
    if name.startswith("hubMetrics"):
        selection = f"{{ edges {{ cursor node {{ unit {{ id }} }} }} {PAGE_INFO} }}"
    answer = server.graphql(_document(field, paging, selection))
    assert "errors" not in answer, answer["errors"]
    found: dict[str, Any] = answer["data"]
    for step in path:
        found = found[step]
    return found


def _document(field: str, paging: str, selection: str) -> str:
    """The query: the field's paging arguments filled in, the connection selected."""
    filled = field.replace("(PAGE)", f"({paging})" if paging else "")
    filled = filled.replace(", PAGE)", f", {paging})" if paging else ")")
    # The connection is the last field opened: select it where its arguments close.
    cut = filled.rfind(")") + 1
    return "{ " + filled[:cut] + " " + selection + filled[cut:] + " }"


def ids(page: dict[str, Any]) -> list[str]:
    return [
        edge["node"]["id"] if "id" in edge["node"] else edge["node"]["unit"]["id"]
        for edge in page["edges"]
    ]


@pytest.mark.parametrize("name", list(CONNECTIONS))
def test_last_before_pages_backward_through_the_items_first_after_pages_forward(
    server: Served, name: str
) -> None:
    forward: list[str] = []
    page = connection(server, name, "first: 3")
    assert page["pageInfo"]["hasPreviousPage"] is False
    while True:
        forward += ids(page)
        if not page["pageInfo"]["hasNextPage"]:
            break
        page = connection(server, name, f'first: 3, after: "{page["pageInfo"]["endCursor"]}"')
    assert len(forward) >= 2, f"{name} lists too little to page through"

    backward: list[str] = []
    page = connection(server, name, "last: 3")
    assert page["pageInfo"]["hasNextPage"] is False
    while True:
        info = page["pageInfo"]
        if page["edges"]:
            assert info["startCursor"] == page["edges"][0]["cursor"]
            assert info["endCursor"] == page["edges"][-1]["cursor"]
        backward = ids(page) + backward
        if not info["hasPreviousPage"]:
            break
        page = connection(server, name, f'last: 3, before: "{info["startCursor"]}"')
        assert page["pageInfo"]["hasNextPage"] is True
    assert backward == forward


DATED_FLOWS = """query($before: String, $after: String, $first: Int, $last: Int) {
  flows(unit: "acme-hq", since: "1900", until: "1901", first: $first, after: $after,
        last: $last, before: $before) {
    edges { node { id date } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } }
  unit(id: "acme-hq") { flowsOut(since: "1900", until: "1901", first: $first, after: $after,
        last: $last, before: $before) {
    edges { node { id date } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }
}"""


def dated_pages(server: Served, **paging: Any) -> list[tuple[list[str], dict[str, Any]]]:
    answer = server.graphql(DATED_FLOWS, **paging)
    assert "errors" not in answer, answer["errors"]
    lists = (answer["data"]["flows"], answer["data"]["unit"]["flowsOut"])
    return [([edge["node"]["date"] for edge in page["edges"]], page["pageInfo"]) for page in lists]


def assert_middle_pages(pages: list[tuple[list[str], dict[str, Any]]], dates: list[str]) -> None:
    """Each list's page holds these dates and has pages on both sides."""
    for found, info in pages:
        assert found == dates
        assert info["hasPreviousPage"] is True and info["hasNextPage"] is True


def test_flows_recorded_between_page_loads_shift_no_page_either_way(server: Served) -> None:
    for month in range(1, 7):
        record_dated_flow(server, f"acme-paging-{month}", f"1901-0{month}")

    # Backward from the end: a flow recorded at each end between two loads moves nothing.
    for dates, info in dated_pages(server, last=2):
        assert dates == ["1901-05", "1901-06"]
        assert info["hasPreviousPage"] is True and info["hasNextPage"] is False
    cursors = [info["startCursor"] for _, info in dated_pages(server, last=2)]
    record_dated_flow(server, "acme-paging-late", "1901-07")
    record_dated_flow(server, "acme-paging-early", "1900-12")
    assert_middle_pages(
        [dated_pages(server, last=2, before=cursor)[i] for i, cursor in enumerate(cursors)],
        ["1901-03", "1901-04"],
    )

    # Forward from the start: the same.
    firsts = dated_pages(server, first=2)
    assert [dates for dates, _ in firsts] == [["1900-12", "1901-01"]] * 2
    start = [info["endCursor"] for _, info in firsts]
    record_dated_flow(server, "acme-paging-earlier", "1900-11")
    assert_middle_pages(
        [dated_pages(server, first=2, after=cursor)[i] for i, cursor in enumerate(start)],
        ["1901-02", "1901-03"],
    )


def test_a_firm_network_pages_its_units_backward_too(server: Served) -> None:
    query = """query($first: Int, $last: Int, $before: String) {
      firmNetwork(firm: "huawei", first: $first, last: $last, before: $before) {
        units { id } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }"""

    def network(**paging: Any) -> dict[str, Any]:
        answer = server.graphql(query, **paging)
        assert "errors" not in answer, answer["errors"]
        found: dict[str, Any] = answer["data"]["firmNetwork"]
        return found

    every = [unit["id"] for unit in network(first=100)["units"]]
    tail = network(last=2)
    assert [unit["id"] for unit in tail["units"]] == every[-2:]
    assert tail["pageInfo"]["hasPreviousPage"] is True and tail["pageInfo"]["hasNextPage"] is False
    before = network(last=2, before=tail["pageInfo"]["startCursor"])
    assert [unit["id"] for unit in before["units"]] == every[-4:-2]
    assert before["pageInfo"]["hasNextPage"] is True


# The root lists, each narrowed to records only the test below makes (a country no seeded
# unit has; dates in 1850), with the record each ordinal stands for: its place in the order.
ROOT_LISTS = {
    "units": 'units(firm: "acme", country: "Paginia", PAGE)',
    "integrationEvents": 'integrationEvents(firm: "acme", since: "1850", until: "1850", PAGE)',
}
RECORD_EVENT = """mutation($input: IntegrationEventInput!) {
  recordIntegrationEvent(input: $input) { __typename } }"""


def record_root_item(server: Served, root: str, ordinal: int) -> None:
    if root == "units":
        unit = acme_subsidiary(f"acme-paging-unit-{ordinal}") | {"country": "Paginia"}
        answer = server.graphql(RECORD_UNIT, input=unit)
        assert answer["data"]["recordUnit"]["__typename"] == "UnitRecorded", answer
        return
    event = {
        "id": f"acme-paging-event-{ordinal}",
        "step": "LEVERAGE",
        "tier": "LOW",
        "activity": "MARKETING_AND_SALES",
        "sponsors": ["acme-uk"],
        "coordinator": "acme-ccd",
        "date": f"1850-0{ordinal}",
        "description": "an event to page through",
        "cite": {"paper": "FU2018", "where": "Table 3"},
    }
    answer = server.graphql(RECORD_EVENT, input=event)
    assert answer["data"]["recordIntegrationEvent"]["__typename"] == "IntegrationEventRecorded"


def root_page(server: Served, root: str, paging: str) -> tuple[list[int], dict[str, Any]]:
    """The ordinals of one page of a root list, and its pageInfo."""
    selection = f"{{ totalCount edges {{ node {{ ...on Node {{ id }} }} }} {PAGE_INFO} }}"
    answer = server.graphql(_document(ROOT_LISTS[root], paging, selection))
    assert "errors" not in answer, answer["errors"]
    page = answer["data"][root]
    return [int(edge["node"]["id"][-1]) for edge in page["edges"]], page


@pytest.mark.parametrize("root", list(ROOT_LISTS))
def test_root_list_records_made_between_page_loads_shift_no_page_either_way(
    server: Served, root: str
) -> None:
    for ordinal in range(3, 9):
        record_root_item(server, root, ordinal)

    # Backward from the end: a record made at each end between two loads moves nothing.
    ordinals, page = root_page(server, root, "last: 2")
    assert ordinals == [7, 8]
    info = page["pageInfo"]
    assert info["hasPreviousPage"] is True and info["hasNextPage"] is False
    record_root_item(server, root, 9)
    record_root_item(server, root, 2)
    ordinals, page = root_page(server, root, f'last: 2, before: "{info["startCursor"]}"')
    assert ordinals == [5, 6]
    assert page["pageInfo"]["hasPreviousPage"] is True and page["pageInfo"]["hasNextPage"] is True

    # Forward from the start: the same.
    ordinals, page = root_page(server, root, "first: 2")
    assert ordinals == [2, 3]
    assert page["pageInfo"]["hasPreviousPage"] is False
    record_root_item(server, root, 1)
    ordinals, page = root_page(server, root, f'first: 2, after: "{page["pageInfo"]["endCursor"]}"')
    assert ordinals == [4, 5]
    assert page["pageInfo"]["hasPreviousPage"] is True and page["pageInfo"]["hasNextPage"] is True
    assert page["totalCount"] == 9

"""The GraphQL API over real HTTP, against the seeded demos: answers from the papers, bounded
cost, and clear errors that are never a 500."""

from typing import Any

import pytest

from tests.helpers import Served

pytestmark = pytest.mark.e2e

PATHS = """
query Paths($from: ID!, $knowledge: ID, $first: Int, $after: String, $maxHops: Int = 4) {
  reverseTransferPaths(from: $from, knowledge: $knowledge, first: $first, after: $after,
                       maxHops: $maxHops) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node { length hops {
      role unit { id role } flow { id direction knowledge { id } } } } }
  }
}"""


def data(answer: dict[str, Any]) -> dict[str, Any]:
    assert "errors" not in answer, answer["errors"]
    result: dict[str, Any] = answer["data"]
    return result


def error(answer: dict[str, Any]) -> dict[str, Any]:
    assert answer.get("errors"), answer
    first: dict[str, Any] = answer["errors"][0]
    return first


def test_huawei_uk_customer_feedback_reaches_the_capability_centre_through_the_regional_hub(
    server: Served,
) -> None:
    paths = data(
        server.graphql(PATHS, **{"from": "huawei-uk", "knowledge": "huawei-uk-customer-feedback"})
    )
    [edge] = paths["reverseTransferPaths"]["edges"]
    hops = edge["node"]["hops"]
    assert [(h["unit"]["id"], h["role"]) for h in hops] == [
        ("huawei-uk", "SPOKE"),
        ("huawei-rhq", "REGIONAL_HUB"),
        ("huawei-ccd", "HUB"),
    ]
    assert hops[0]["flow"] is None
    assert all(
        h["flow"]["direction"] == "UPWARD"
        and h["flow"]["knowledge"]["id"] == "huawei-uk-customer-feedback"
        for h in hops[1:]
    )


def test_reverse_paths_come_shortest_first_page_by_page_without_revisiting_a_unit(
    server: Served,
) -> None:
    everything = data(server.graphql(PATHS, **{"from": "huawei-uk", "first": 100}))
    all_paths = [e["node"] for e in everything["reverseTransferPaths"]["edges"]]
    assert everything["reverseTransferPaths"]["totalCount"] == len(all_paths) > 1
    lengths = [p["length"] for p in all_paths]
    assert lengths == sorted(lengths) and max(lengths) <= 4
    for path in all_paths:
        units = [h["unit"]["id"] for h in path["hops"]]
        assert len(units) == len(set(units)) and units[-1] == "huawei-ccd"

    first = data(server.graphql(PATHS, **{"from": "huawei-uk", "first": 1}))
    page = first["reverseTransferPaths"]
    assert page["pageInfo"]["hasNextPage"] is True
    second = data(
        server.graphql(
            PATHS, **{"from": "huawei-uk", "first": 1, "after": page["pageInfo"]["endCursor"]}
        )
    )
    assert [
        e["node"] for e in page["edges"] + second["reverseTransferPaths"]["edges"]
    ] == all_paths[:2]


def test_the_page_before_huawei_uks_first_path_is_empty_not_an_error(server: Served) -> None:
    first = data(server.graphql(PATHS, **{"from": "huawei-uk", "first": 1}))
    cursor = first["reverseTransferPaths"]["edges"][0]["cursor"]
    before = server.graphql(
        """query Before($from: ID!, $before: String) {
          reverseTransferPaths(from: $from, last: 2, before: $before) {
            pageInfo { hasPreviousPage } edges { cursor } } }""",
        **{"from": "huawei-uk", "before": cursor},
    )
    assert data(before)["reverseTransferPaths"] == {
        "pageInfo": {"hasPreviousPage": False},
        "edges": [],
    }


def test_zte_us_reports_us_market_needs_back_to_hq(server: Served) -> None:
    paths = data(server.graphql(PATHS, **{"from": "zte-us", "knowledge": "zte-us-market-needs"}))
    [edge] = paths["reverseTransferPaths"]["edges"]
    assert [h["unit"]["id"] for h in edge["node"]["hops"]] == ["zte-us", "zte-rhq", "zte-hq"]


MATRIX = """query Matrix($firm: ID!) { integrationMatrix(firm: $firm) {
  tier step count events { id description date until resources { name } } } }"""


def cells(server: Served, firm: str) -> dict[tuple[str, str], dict[str, Any]]:
    matrix = data(server.graphql(MATRIX, firm=firm))["integrationMatrix"]
    return {(c["tier"], c["step"]): c for c in matrix}


def test_table_3_is_huaweis_integration_matrix(server: Served) -> None:
    huawei = cells(server, "huawei")
    assert len(huawei) == 6
    assert {step for (_, step), c in huawei.items() if c["count"]} == {
        "LEVERAGE",
        "RENEW",
        "RELEASE",
    }
    [release] = [e for (_, step), c in huawei.items() if step == "RELEASE" for e in c["events"]]
    assert "Avansys" in release["description"] and "Emerson" in release["description"]
    assert release["date"] == "2001"
    renew = [e for (_, step), c in huawei.items() if step == "RENEW" for e in c["events"]]
    assert any(
        "NGN" in e["description"] and (e["date"], e["until"]) == ("1998", "2008") for e in renew
    )
    leverage = " ".join(
        e["description"] for (_, s), c in huawei.items() if s == "LEVERAGE" for e in c["events"]
    )
    assert "brands" in leverage and "GSM" in leverage


def test_table_3_is_ztes_integration_matrix(server: Served) -> None:
    zte = cells(server, "zte")
    releases = [e for (_, step), c in zte.items() if step == "RELEASE" for e in c["events"]]
    assert [e["date"] for e in releases] == ["2013"]
    renew = " ".join(
        e["description"] for (_, s), c in zte.items() if s == "RENEW" for e in c["events"]
    )
    assert all(term in renew for term in ("GPRS", "EDGE", "WCDMA"))
    leverage = " ".join(
        e["description"] for (_, s), c in zte.items() if s == "LEVERAGE" for e in c["events"]
    )
    assert "solar" in leverage.lower() and "V3" in leverage


def test_integration_events_filter_by_period_and_step(server: Served) -> None:
    query = """query($firm: ID, $since: PartialDate, $until: PartialDate, $step: IntegrationStep) {
      integrationEvents(firm: $firm, since: $since, until: $until, step: $step) {
        totalCount edges { node { id date until } } } }"""
    in_2000s = data(server.graphql(query, firm="huawei", since="2001", until="2001"))
    ids = {e["node"]["id"] for e in in_2000s["integrationEvents"]["edges"]}
    assert "huawei-release-avansys" in ids
    assert all(e["node"]["date"] is not None for e in in_2000s["integrationEvents"]["edges"])
    releases = data(server.graphql(query, step="RELEASE"))["integrationEvents"]
    assert releases["totalCount"] == len(releases["edges"]) >= 2


def test_circulation_follows_one_item_from_the_customer_to_the_centre(server: Served) -> None:
    answer = data(
        server.graphql("""{ circulation(knowledge: "huawei-uk-customer-feedback") {
        learned { unit { id } source { kind } channel }
        reverseTransferPaths { hops { unit { id } } }
        timeline { stage flow { id } learning { id } } } }""")
    )["circulation"]
    assert answer["learned"][0]["unit"]["id"] == "huawei-uk"
    assert answer["learned"][0]["source"]["kind"] == "CUSTOMER"
    assert answer["learned"][0]["channel"] == "CUSTOMERS"
    assert [h["unit"]["id"] for h in answer["reverseTransferPaths"][0]["hops"]][-1] == "huawei-ccd"
    stages = [step["stage"] for step in answer["timeline"]]
    assert stages[0] == "LEARNED" and stages.count("TRANSFERRED_UP") == 2


def test_dissemination_reaches_huawei_uk_from_the_centre_through_the_regional_hub(
    server: Served,
) -> None:
    reach = data(
        server.graphql("""{ dissemination(from: "huawei-ccd") {
        distance unit { id } route { unit { id } } } }""")
    )["dissemination"]
    uk = next(r for r in reach if r["unit"]["id"] == "huawei-uk")
    assert uk["distance"] == 2
    assert [h["unit"]["id"] for h in uk["route"]] == ["huawei-ccd", "huawei-rhq", "huawei-uk"]
    assert [r["distance"] for r in reach] == sorted(r["distance"] for r in reach)


def test_the_regional_hub_is_huaweis_broker_and_subsidiaries_get_a_role(server: Served) -> None:
    metrics = data(
        server.graphql("""{ hubMetrics(firm: "huawei") { outflowThreshold
        units(first: 100) { edges { node { unit { id role } brokerage subsidiaryRole
                outflow { total } inflow { total } } } } } }""")
    )
    units = {e["node"]["unit"]["id"]: e["node"] for e in metrics["hubMetrics"]["units"]["edges"]}
    assert max(units, key=lambda u: units[u]["brokerage"]) == "huawei-rhq"
    for metric in units.values():
        is_subsidiary = metric["unit"]["role"] in ("SUBSIDIARY", "CORE_SUBSIDIARY")
        assert (metric["subsidiaryRole"] is not None) == is_subsidiary
    assert units["huawei-uk"]["subsidiaryRole"] in ("GLOBAL_INNOVATOR", "INTEGRATED_PLAYER")


def test_beta_support_that_is_never_returned_is_flagged(server: Served) -> None:
    pairs = data(
        server.graphql("""{ supportBalance(firm: "beta") {
        from { id } to { id } given returned reciprocity oneWay } }""")
    )["supportBalance"]
    by_pair = {(p["from"]["id"], p["to"]["id"]): p for p in pairs}
    assert by_pair[("beta-usa", "beta-china")]["oneWay"] is True
    mutual = by_pair[("beta-germany", "beta-uk")]
    assert (mutual["oneWay"], mutual["reciprocity"]) == (False, 1.0)


def test_the_qatar_stadium_is_sequential_and_coordinated_by_beta_hq(server: Served) -> None:
    project = data(
        server.graphql("""{ projectInterdependence(project: "beta-qatar-stadium") {
        interdependence coordinatedByHq coordinator { id }
        thirdActors { name kind } units { unit { id } } } }""")
    )["projectInterdependence"]
    assert project["interdependence"] == "SEQUENTIAL"
    assert (project["coordinatedByHq"], project["coordinator"]["id"]) == (True, "beta-hq")
    assert {"name": "Populus", "kind": "ARCHITECT"} in project["thirdActors"]


def test_nissan_mexico_depends_on_gamma_japan(server: Served) -> None:
    project = data(
        server.graphql("""{ projectInterdependence(project: "gamma-nissan-mexico-deal") {
        interdependence dependencies { from { id } to { id } kind } } }""")
    )
    dependencies = project["projectInterdependence"]["dependencies"]
    assert {
        "from": {"id": "gamma-mexico"},
        "to": {"id": "gamma-japan"},
        "kind": "SEQUENTIAL",
    } in dependencies


def test_a_capability_traces_back_to_the_customers_it_was_learned_from(server: Served) -> None:
    provenance = data(
        server.graphql("""{ capabilityProvenance(capability: "huawei-cap-customer-value") {
        capability { channel }
        sources { knowledge { id } learned { unit { id } source { kind } } } } }""")
    )
    answer = provenance["capabilityProvenance"]
    assert answer["capability"]["channel"] == "CUSTOMERS"
    learners = {
        (e["unit"]["id"], e["source"]["kind"]) for s in answer["sources"] for e in s["learned"]
    }
    assert ("huawei-uk", "CUSTOMER") in learners


def test_units_page_through_a_firm_with_a_total(server: Served) -> None:
    query = """query($after: String) { units(firm: "gamma", first: 4, after: $after) {
        totalCount pageInfo { hasNextPage endCursor } edges { node { id firm { id } } } } }"""
    seen, after = [], None
    while True:
        page = data(server.graphql(query, after=after))["units"]
        seen += [e["node"]["id"] for e in page["edges"]]
        assert all(e["node"]["firm"]["id"] == "gamma" for e in page["edges"])
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert len(seen) == len(set(seen)) == page["totalCount"] == 10


@pytest.mark.parametrize(
    ("node_id", "typename"),
    [
        ("huawei", "Firm"),
        ("huawei-uk", "Unit"),
        ("huawei-uk-customer-feedback", "Knowledge"),
        ("huawei-cap-customer-value", "Capability"),
        ("nobody", None),
    ],
)
def test_any_node_can_be_fetched_again_by_its_id(
    server: Served, node_id: str, typename: str | None
) -> None:
    node = data(server.graphql("query($id: ID!) { node(id: $id) { __typename id } }", id=node_id))[
        "node"
    ]
    assert (node["__typename"] if node else None) == typename


def test_round_trips_do_not_grow_with_the_result(server: Served) -> None:
    query = """query($first: Int) { units(first: $first) { edges { node {
        id firm { name } reportsTo { id firm { id } } } } } }"""
    small = server.graphql(query, first=2)
    large = server.graphql(query, first=60)
    assert len(data(large)["units"]["edges"]) == 60
    assert small["extensions"]["storeRoundTrips"] == large["extensions"]["storeRoundTrips"] <= 4
    circulation = server.graphql("""{ circulation(knowledge: "huawei-uk-customer-feedback") {
        learned { unit { firm { id } } }
        timeline { flow { from { id } to { id } knowledge { id } } } } }""")
    assert circulation["extensions"]["storeRoundTrips"] <= 8


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ('{ reverseTransferPaths(from: "nope") { totalCount } }', "no unit with id 'nope'"),
        ('{ integrationMatrix(firm: "nokia") { count } }', "no firm with id 'nokia'"),
        ('{ circulation(knowledge: "nothing") { timeline { stage } } }', "no knowledge with id"),
    ],
)
def test_an_unknown_id_gets_a_clear_error_and_never_a_500(
    server: Served, query: str, message: str
) -> None:
    assert message.lower() in error(server.graphql(query))["message"].lower()


def test_a_firm_network_holds_every_unit_edge_and_learning_source(server: Served) -> None:
    network = data(
        server.graphql("""{ firmNetwork(firm: "huawei") {
        units { id } links { from { id } to { id } direction volume flows { id } }
        sources { unit { id } channel source { kind } } } }""")
    )["firmNetwork"]
    assert "huawei-uk" in {u["id"] for u in network["units"]}
    assert all(link["volume"] == len(link["flows"]) >= 1 for link in network["links"])
    up = {
        (link["from"]["id"], link["to"]["id"])
        for link in network["links"]
        if link["direction"] == "UPWARD"
    }
    assert {("huawei-uk", "huawei-rhq"), ("huawei-rhq", "huawei-ccd")} <= up
    assert ("huawei-uk", "CUSTOMERS", "CUSTOMER") in {
        (s["unit"]["id"], s["channel"], s["source"]["kind"]) for s in network["sources"]
    }


def test_the_biggest_brokers_come_first_a_page_at_a_time(server: Served) -> None:
    query = """query($after: String) { hubMetrics(firm: "huawei") {
        units(orderBy: BROKERAGE, first: 2, after: $after) {
          totalCount pageInfo { hasNextPage endCursor }
          edges { node { unit { id } brokerage } } } } }"""
    pages, after = [], None
    while True:
        units = data(server.graphql(query, after=after))["hubMetrics"]["units"]
        pages.append([(e["node"]["brokerage"], e["node"]["unit"]["id"]) for e in units["edges"]])
        if not units["pageInfo"]["hasNextPage"]:
            break
        after = units["pageInfo"]["endCursor"]
    ranked = [row for page in pages for row in page]
    assert all(len(page) == 2 for page in pages[:-1])
    assert len(ranked) == units["totalCount"] == len({unit for _, unit in ranked})
    assert ranked == sorted(ranked, key=lambda row: (-row[0], row[1]))
    assert ranked[0][1] == "huawei-rhq"


def test_hub_metrics_of_chosen_roles_count_only_those_units(server: Served) -> None:
    metrics = data(
        server.graphql("""{ hubMetrics(firm: "huawei") {
        all: units(first: 100) { totalCount edges { node { unit { role } } } }
        subsidiaries: units(roles: [SUBSIDIARY, CORE_SUBSIDIARY], first: 100) {
          totalCount edges { node { unit { role } subsidiaryRole } } } } }""")
    )["hubMetrics"]
    roles = [e["node"]["unit"]["role"] for e in metrics["all"]["edges"]]
    chosen = [e["node"] for e in metrics["subsidiaries"]["edges"]]
    assert metrics["all"]["totalCount"] == len(roles)
    assert (
        metrics["subsidiaries"]["totalCount"]
        == len(chosen)
        == sum(role in ("SUBSIDIARY", "CORE_SUBSIDIARY") for role in roles)
        < len(roles)
    )
    assert all(node["subsidiaryRole"] is not None for node in chosen)


def test_hub_metrics_count_every_parallel_flow(server: Served) -> None:
    metrics = data(
        server.graphql("""{ hubMetrics(firm: "huawei") {
        units(roles: [REGIONAL_HQ]) { edges { node {
          unit { id } inflow { total } outflow { total } } } } } }""")
    )["hubMetrics"]
    [rhq] = [e["node"] for e in metrics["units"]["edges"]]
    assert rhq["unit"]["id"] == "huawei-rhq"
    flows = data(
        server.graphql("""{ firmNetwork(firm: "huawei") {
        links { from { id } to { id } volume } } }""")
    )["firmNetwork"]["links"]
    assert rhq["inflow"]["total"] == sum(
        link["volume"] for link in flows if link["to"]["id"] == "huawei-rhq"
    )
    assert rhq["outflow"]["total"] == sum(
        link["volume"] for link in flows if link["from"]["id"] == "huawei-rhq"
    )


def test_undated_hops_of_a_circulation_follow_the_route(server: Served) -> None:
    answer = data(
        server.graphql("""{ circulation(knowledge: "zte-us-market-needs") {
        timeline { stage flow { from { id } to { id } } } } }""")
    )["circulation"]
    hops = [
        (s["flow"]["from"]["id"], s["flow"]["to"]["id"])
        for s in answer["timeline"]
        if s["stage"] == "TRANSFERRED_UP"
    ]
    assert hops == [("zte-us", "zte-rhq"), ("zte-rhq", "zte-hq")]


def test_every_entity_with_an_id_is_a_node_and_nodes_reads_each_kind_once(
    server: Served,
) -> None:
    walk = data(
        server.graphql(
            """{ flows(firm: "huawei", first: 1) { edges { node { id } } }
                 learningEvents(firm: "huawei", first: 1) { edges { node { id } } }
                 unit(id: "huawei-uk") { integrationEvents(first: 1) { edges { node {
                   id resources { id } } } } }
                 customerManagement(firm: "senn-hospitality") { id } }"""
        )
    )
    event = walk["unit"]["integrationEvents"]["edges"][0]["node"]
    wanted = {
        walk["flows"]["edges"][0]["node"]["id"]: "Flow",
        walk["learningEvents"]["edges"][0]["node"]["id"]: "LearningEvent",
        event["id"]: "IntegrationEvent",
        event["resources"][0]["id"]: "Resource",
        "huawei": "Firm",
        "huawei-uk": "Unit",
        "huawei-uk-customer-feedback": "Knowledge",
        walk["customerManagement"][0]["id"]: "CustomerManagement",
        "beta-qatar-stadium": "ProjectInterdependence",
    }
    ids = [*wanted, "nobody"]
    answer = server.graphql(
        """query($ids: [ID!]!) { nodes(ids: $ids) { __typename id
             ... on Flow { from { id } } ... on LearningEvent { unit { id } }
             ... on IntegrationEvent { step } ... on Resource { kind }
             ... on CustomerManagement { customer { id } }
             ... on ProjectInterdependence { coordinatedByHq } } }""",
        ids=ids,
    )
    nodes = data(answer)["nodes"]
    assert [n["id"] if n else None for n in nodes] == [*wanted, None]
    assert [n["__typename"] for n in nodes[:-1]] == list(wanted.values())
    # find_nodes, then one read per kind (firm, unit, knowledge, flow, customer management,
    # both events, project), and the flow's unit and the learning event's unit through the
    # batched unit loader.
    assert answer["extensions"]["storeRoundTrips"] <= 10
    for node_id, typename in wanted.items():
        single = server.graphql("query($id: ID!) { node(id: $id) { __typename } }", id=node_id)
        assert data(single)["node"]["__typename"] == typename

"""What-if release, transfer lag, the network as of a date, and the robustness scorecard:
answers on the seeded demos over real HTTP, and on synthetic graphs checked against a
brute-force networkx reading (remove the unit, search again)."""

import json
from pathlib import Path
from typing import Any

import httpx
import networkx as nx
import pytest

from service.model.case import Flow
from service.services import analytics
from service.services.metrics import (
    HubMetricOrder,
    count_hub_metrics_as_of,
    get_hub_thresholds,
    list_hub_metrics,
    rank_hub_metrics,
)
from service.services.paging import PageRequest
from service.services.paths import PathQuestion, list_reverse_transfer_paths
from service.services.recording import record_flow
from service.services.seeding import load_case
from service.services.synthetic import FirmSize, generate_case_document, generate_firm
from service.store.port import GraphStore
from tests.helpers import (
    Backend,
    Served,
    as_case,
    cite,
    cut_off_by_brute_force,
    kflow,
    kflow_rows,
    tiny_firm,
)

pytestmark = pytest.mark.e2e

SPARSE = FirmSize(hubs=3, subsidiaries=50, flows=400, learning=60, integrations=20)
CRITICAL = """
query Critical($firm: ID!, $asOf: PartialDate) {
  criticalUnits(firm: $firm, asOf: $asOf) {
    target { id } unitsWithRoute unitsWithoutRoute links undatedLinks laterLinks
    units(first: 100) { totalCount edges { node { cutOff unit { id } } } }
  }
}"""
RELEASE = """
query Release($unit: ID!) {
  releaseImpact(unit: $unit) {
    hasRoute target { id } cutOffIds cutOff(first: 2) { totalCount edges { node { id } } }
    lostKnowledge { id } lostKnowledgeTruncated
  }
}"""
SCORECARDS = """
{ scorecardComparison { firm { id outcome } measures { name value namedByPaper source } } }
"""


def data(answer: dict[str, Any]) -> dict[str, Any]:
    assert "errors" not in answer, answer["errors"]
    result: dict[str, Any] = answer["data"]
    return result


def test_releasing_huaweis_regional_hub_cuts_off_its_subsidiaries_and_uk_feedback(
    server: Served,
) -> None:
    critical = data(server.graphql(CRITICAL, firm="huawei"))["criticalUnits"]
    assert critical["target"]["id"] == "huawei-ccd"
    ranked = [(e["node"]["unit"]["id"], e["node"]["cutOff"]) for e in critical["units"]["edges"]]
    assert ranked == [("huawei-rhq", 3)]
    assert critical["units"]["totalCount"] == 1

    impact = data(server.graphql(RELEASE, unit="huawei-rhq"))["releaseImpact"]
    assert impact["hasRoute"] is True
    assert impact["cutOffIds"] == ["huawei-dm-subsidiaries", "huawei-em-subsidiaries", "huawei-uk"]
    assert impact["cutOff"]["totalCount"] == 3
    assert [e["node"]["id"] for e in impact["cutOff"]["edges"]] == impact["cutOffIds"][:2]
    assert [k["id"] for k in impact["lostKnowledge"]] == ["huawei-uk-customer-feedback"]

    # Releasing the spoke itself cuts no other unit off, but what only it learned is lost.
    spoke = data(server.graphql(RELEASE, unit="huawei-uk"))["releaseImpact"]
    assert spoke["hasRoute"] is True
    assert spoke["cutOffIds"] == []
    assert [k["id"] for k in spoke["lostKnowledge"]] == ["huawei-uk-customer-feedback"]
    hq = data(server.graphql(RELEASE, unit="huawei-hq"))["releaseImpact"]
    assert hq["cutOffIds"] == [] and hq["lostKnowledge"] == []


def test_as_of_leaves_out_undated_and_later_links_and_counts_them(server: Served) -> None:
    everything = data(server.graphql(CRITICAL, firm="huawei"))["criticalUnits"]
    early = data(server.graphql(CRITICAL, firm="huawei", asOf="1990"))["criticalUnits"]
    assert everything["undatedLinks"] == everything["laterLinks"] == 0
    assert early["links"] + early["undatedLinks"] + early["laterLinks"] == everything["links"]
    assert early["links"] < everything["links"]
    assert early["unitsWithRoute"] <= everything["unitsWithRoute"]


@pytest.mark.parametrize("bad", ["2001-13", "yesterday", "01-2001", "2001-02-30"])
def test_a_bad_as_of_is_refused_naming_the_argument(server: Served, bad: str) -> None:
    answer = server.graphql(CRITICAL, firm="huawei", asOf=bad)
    [problem] = answer["errors"]
    assert problem["extensions"] == {"code": "INVALID_ARGUMENT", "argument": "asOf"}
    assert problem["message"].startswith("asOf: ")


def test_unknown_units_and_firms_are_not_found(server: Served) -> None:
    for query, variables in ((RELEASE, {"unit": "nobody"}), (CRITICAL, {"firm": "nobody"})):
        [problem] = server.graphql(query, **variables)["errors"]
        assert problem["extensions"]["code"] == "NOT_FOUND"


# Where the seeded facts cannot show the paper's point (Fu, Sun & Ghauri, Section 5), and
# why; docs/scorecard.md gives the reasoning. The test asserts that each of these really is
# an exception, so a seed that comes to record the missing facts makes it fail until the
# list is shortened.
EXCEPTIONS = {
    # The paper says Zoomlion's subsidiaries absorb knowledge but names no learning event.
    ("learning_per_subsidiary", "zoomlion"),
    # Table 3's steps are given for Huawei, ZTE and Lenovo only; the other robustness cases
    # record no integration event, while TCL's and SAIC's failed attempts are recorded.
    ("integration_steps_high", "chery"),
    ("integration_steps_high", "haier"),
    ("integration_steps_high", "zoomlion"),
}


def test_failed_cases_score_below_every_successful_one_on_the_measures_the_paper_names(
    server: Served,
) -> None:
    cards = data(server.graphql(SCORECARDS))["scorecardComparison"]
    outcome = {card["firm"]["id"]: card["firm"]["outcome"] for card in cards}
    assert {f for f, o in outcome.items() if o == "FAILED"} == {"tcl", "saic"}
    assert {f for f, o in outcome.items() if o == "SUCCEEDED"} >= {"huawei", "zte", "lenovo"}
    value = {(m["name"], c["firm"]["id"]): m["value"] for c in cards for m in c["measures"]}
    named = {m["name"] for m in cards[0]["measures"] if m["namedByPaper"]}
    assert named == {
        "route_share",
        "learning_per_subsidiary",
        "reverse_flows_per_subsidiary",
        "integration_steps_high",
    }
    shown, exceptions = [], set()
    for measure in named:
        worst_failure = max(value[measure, f] for f, o in outcome.items() if o == "FAILED")
        for firm in (f for f, o in outcome.items() if o == "SUCCEEDED"):
            if value[measure, firm] > worst_failure:
                shown.append((measure, firm))
            else:
                exceptions.add((measure, firm))
    assert exceptions == EXCEPTIONS
    assert len(shown) == len(named) * (len(outcome) - 2) - len(EXCEPTIONS)
    assert all(m["source"] for c in cards for m in c["measures"])


async def test_critical_units_of_a_synthetic_firm_agree_with_networkx(store: GraphStore) -> None:
    # Sparse on purpose: with the small size's 2,000 flows every unit has a second route.
    await generate_firm(store, size=SPARSE)
    graph = (await analytics.analyse_upward_graph(store, firm_id="synth", as_of=None)).graph
    reference = nx.DiGraph(
        [
            (source, receiver)
            for source, receivers in graph.receivers.items()
            for receiver in receivers
        ]
    )
    reference.add_nodes_from(graph.roles)
    assert graph.target is not None
    expected = cut_off_by_brute_force(reference, graph.target)

    critical = await analytics.list_critical_units(store, firm_id="synth", as_of=None)
    assert {c.unit: c.cut_off for c in critical.ranked} == {
        unit: len(lost) for unit, lost in expected.items() if lost
    }
    assert len(critical.ranked) >= 3, "the sparse firm's hubs cut some subsidiaries off"
    assert critical.units_with_route == len(nx.ancestors(reference, graph.target))
    hub = critical.ranked[0].unit
    impact = await analytics.get_release_impact(store, unit_id=hub)
    assert set(impact.cut_off) == expected[hub]

    # As of a date inside the firm's history fewer links count, and the answer still agrees.
    dated = await analytics.list_critical_units(store, firm_id="synth", as_of="2010-06")
    assert 0 < dated.links < critical.links
    assert dated.later_links > 0


async def test_a_recorded_flow_changes_the_release_answer_at_once(store: GraphStore) -> None:
    # The kept tree must not outlive the graph: a new pair gives uk a second route.
    await load_case(
        store,
        case=as_case(
            tiny_firm(
                flows=[
                    flow("acme-f1", "uk", "europe", None, "2010"),
                    flow("acme-f2", "de", "europe", None, "2010"),
                    flow("acme-f3", "europe", "ccd", None, "2010"),
                ]
            )
        ),
    )
    before = await analytics.get_release_impact(store, unit_id="acme-europe")
    assert before.cut_off == ["acme-de", "acme-uk"]
    assert (await analytics.get_release_impact(store, unit_id="acme-europe")) == before

    direct = {"id": "acme-f4", "from": "acme-uk", "to": "acme-ccd", "direction": "upward"}
    await record_flow(store, flow=Flow.model_validate(direct | {"mode": "planned", "cite": cite()}))
    after = await analytics.get_release_impact(store, unit_id="acme-europe")
    assert after.cut_off == ["acme-de"]
    critical = await analytics.list_critical_units(store, firm_id="acme", as_of=None)
    assert [(c.unit, c.cut_off) for c in critical.ranked] == [("acme-europe", 1)]
    # The new pair is undated, so as of a date it is left out and counted.
    dated = await analytics.list_critical_units(store, firm_id="acme", as_of="2011")
    assert [(c.unit, c.cut_off) for c in dated.ranked] == [("acme-europe", 2)]
    assert dated.undated_links == 1


def learning(event_id: str, unit: str, knowledge: str, date: str | None) -> dict[str, Any]:
    record = {
        "id": event_id,
        "unit": f"acme-{unit}",
        "source": "acme-customers",
        "channel": "customers",
        "knowledge": [knowledge],
        "cite": cite(),
    }
    return record | ({"date": date} if date else {})


def flow(
    flow_id: str, source: str, target: str, knowledge: str | None, date: str | None
) -> dict[str, Any]:
    record = {
        "id": flow_id,
        "from": f"acme-{source}",
        "to": f"acme-{target}",
        "direction": "upward",
        "mode": "planned",
        "cite": cite(),
    }
    return (
        record | ({"knowledge": knowledge} if knowledge else {}) | ({"date": date} if date else {})
    )


def learning_firm(items: list[str], **sections: Any) -> dict[str, Any]:
    """tiny_firm's acme with customers to learn from and these knowledge items."""
    customers = {"id": "acme-customers", "name": "Customers", "kind": "customer", "cite": cite()}
    return tiny_firm(actors=[customers], knowledge=[knowledge(i) for i in items], **sections)


def knowledge(item_id: str) -> dict[str, Any]:
    return {
        "id": item_id,
        "name": item_id,
        "kind": "declarative",
        "domain": "market",
        "cite": cite(),
    }


async def test_transfer_lag_measures_only_dated_steps_and_counts_the_rest(
    store: GraphStore,
) -> None:
    document = learning_firm(
        ["acme-k1", "acme-k2", "acme-k3"],
        learning=[
            learning("acme-l1", "uk", "acme-k1", "2010-01"),  # up 2010-04, integrated 2011
            learning("acme-l2", "de", "acme-k2", "2012-03-15"),  # up 2012-05-14 (60 days)
            learning("acme-l3", "uk", "acme-k3", None),  # undated: left out, counted
        ],
        flows=[
            flow("acme-f1", "uk", "europe", "acme-k1", "2010-02"),
            flow("acme-f2", "europe", "ccd", "acme-k1", "2010-04"),
            flow("acme-f3", "de", "europe", "acme-k2", "2012-04-01"),
            flow("acme-f4", "europe", "ccd", "acme-k2", "2012-05-14"),
            flow("acme-f5", "uk", "europe", "acme-k3", "2013"),
            flow("acme-f6", "europe", "ccd", "acme-k3", "2013"),
        ],
        integrations=[
            {
                "id": "acme-i1",
                "step": "leverage",
                "tier": "high",
                "coordinator": "acme-ccd",
                "description": "used k1",
                "knowledge": ["acme-k1"],
                "date": "2011",
                "cite": cite(),
            }
        ],
    )
    await load_case(store, case=as_case(document))
    lag = await analytics.measure_transfer_lag(store, firm_id="acme")
    assert lag.learning_events == 3
    assert lag.to_hq.count == 2
    assert lag.to_hq.undated == 1
    assert lag.to_hq.median_months == pytest.approx((3 + 60 / analytics.DAYS_PER_MONTH) / 2)
    assert lag.to_hq.p90_months == 3.0
    # k1 learned 2010-01, integrated 2011: measured in years, the coarser precision.
    assert lag.to_integration.count == 1
    assert lag.to_integration.median_months == 12.0
    assert lag.to_integration.never == 2
    by_unit = {u.unit: u for u in lag.units}
    assert by_unit["acme-uk"].to_hq.count == 1 and by_unit["acme-uk"].to_hq.undated == 1
    assert by_unit["acme-de"].to_hq.median_months == pytest.approx(60 / analytics.DAYS_PER_MONTH)

    # The kept answer goes with the graph: a quicker arrival of k2 shortens de's lag at once.
    quicker = flow("acme-f7", "de", "ccd", "acme-k2", "2012-04-15")
    await record_flow(store, flow=Flow.model_validate(quicker))
    lag = await analytics.measure_transfer_lag(store, firm_id="acme")
    by_unit = {u.unit: u for u in lag.units}
    assert by_unit["acme-de"].to_hq.median_months == pytest.approx(31 / analytics.DAYS_PER_MONTH)


async def test_transfer_lag_keeps_alike_learning_events_apart(store: GraphStore) -> None:
    # Two events of one unit on one date whose items never came up: only one item was
    # integrated, so one lag is measured and the other never came.
    integration = {
        "id": "acme-i1",
        "step": "leverage",
        "tier": "high",
        "coordinator": "acme-ccd",
        "description": "used k4",
        "knowledge": ["acme-k4"],
        "date": "2015",
        "cite": cite(),
    }
    document = learning_firm(
        ["acme-k4", "acme-k5"],
        learning=[
            learning("acme-l4", "uk", "acme-k4", "2014"),
            learning("acme-l5", "uk", "acme-k5", "2014"),
        ],
        integrations=[integration],
    )
    await load_case(store, case=as_case(document))
    lag = await analytics.measure_transfer_lag(store, firm_id="acme")
    assert lag.learning_events == 2
    assert (lag.to_hq.count, lag.to_hq.never) == (0, 2)
    assert (lag.to_integration.count, lag.to_integration.never) == (1, 1)
    assert lag.to_integration.median_months == 12.0


async def test_hub_metrics_as_of_a_date_count_only_the_flows_dated_by_then(
    store: GraphStore,
) -> None:
    await generate_firm(store, size=SPARSE)
    document = generate_case_document(size=SPARSE)
    thresholds = await get_hub_thresholds(store, firm_id="synth")
    every = PageRequest(skip=0, limit=10_000)
    stored = await list_hub_metrics(
        store, thresholds=thresholds, roles=None, order=HubMetricOrder.UNIT, page=every
    )
    # Every synthetic flow is dated, so as of the end of time the counts are the stored ones.
    late = await count_hub_metrics_as_of(store, firm_id="synth", as_of="2100")
    assert late.undated_excluded == 0
    ranked = rank_hub_metrics(
        metrics=late.metrics, roles=None, order=HubMetricOrder.UNIT, page=every
    )
    assert ranked == stored

    early = await count_hub_metrics_as_of(store, firm_id="synth", as_of="2010-06")
    dated = [f for f in document["flows"] if f["date"][:7] <= "2010-06"]
    assert 0 < len(dated) < len(document["flows"])
    assert sum(m.inflow.total for m in early.metrics) == len(dated)
    for unit in ("synth-hub-01", "synth-ccd"):
        metric = next(m for m in early.metrics if m.unit.id == unit)
        assert metric.outflow.total == sum(1 for f in dated if f["from"] == unit)
    # Routes as of the date are the routes whose every hop's earliest flow is dated by then.
    every_route = PageRequest(skip=0, limit=1_000)
    counted = [0, 0]
    for unit in ("synth-sub-00001", "synth-sub-00017", "synth-sub-00042"):
        whole = await list_reverse_transfer_paths(
            store, question=PathQuestion(unit_id=unit), page=every_route
        )
        then = await list_reverse_transfer_paths(
            store, question=PathQuestion(unit_id=unit, as_of="2010-06"), page=every_route
        )
        assert then.paths == [
            p
            for p in whole.paths
            if all(h.flow is None or (h.flow.date or "9999")[:7] <= "2010-06" for h in p.hops)
        ]
        assert then.undated_excluded == 0
        counted = [counted[0] + len(whole.paths), counted[1] + len(then.paths)]
    assert counted[0] > counted[1] > 0
    by_brokerage = rank_hub_metrics(
        metrics=early.metrics, roles=None, order=HubMetricOrder.BROKERAGE, page=every
    )
    assert [m.brokerage for m in by_brokerage] == sorted(
        (m.brokerage for m in early.metrics), reverse=True
    )


NETWORK = """
query Network($firm: ID!, $asOf: PartialDate) {
  firmNetwork(firm: $firm, asOf: $asOf) {
    undatedExcluded links { volume flows { date } } sources { events }
  }
  hubMetrics(firm: $firm, asOf: $asOf) {
    undatedExcluded units(first: 100) { edges { node { unit { id } inflow { total } } } }
  }
}"""


def test_the_network_as_of_a_date_leaves_out_undated_and_later_facts(server: Served) -> None:
    whole = data(server.graphql(NETWORK, firm="zte"))
    assert whole["firmNetwork"]["undatedExcluded"] == whole["hubMetrics"]["undatedExcluded"] == 0
    flows = [f for link in whole["firmNetwork"]["links"] for f in link["flows"]]
    undated = sum(1 for f in flows if f["date"] is None)
    assert undated, "ZTE's seed has undated flows"

    then = data(server.graphql(NETWORK, firm="zte", asOf="2008"))
    network = then["firmNetwork"]
    kept = [f for link in network["links"] for f in link["flows"]]
    assert all(f["date"] is not None and f["date"][:4] <= "2008" for f in kept)
    assert len(kept) == sum(1 for f in flows if f["date"] and f["date"][:4] <= "2008")
    assert all(link["volume"] == len(link["flows"]) > 0 for link in network["links"])
    assert network["undatedExcluded"] >= undated
    assert then["hubMetrics"]["undatedExcluded"] == undated
    inflow = sum(e["node"]["inflow"]["total"] for e in then["hubMetrics"]["units"]["edges"])
    assert inflow == len(kept)


ROUTES = """
query Routes($from: ID!, $knowledge: ID, $asOf: PartialDate) {
  reverseTransferPaths(from: $from, knowledge: $knowledge, first: 100, asOf: $asOf) {
    undatedExcluded totalCount edges { node { hops { unit { id } flow { date } } } }
  }
}"""


def routes(answer: dict[str, Any]) -> tuple[list[list[tuple[str, str | None]]], int, int]:
    found = data(answer)["reverseTransferPaths"]
    paths = [
        [(h["unit"]["id"], h["flow"]["date"] if h["flow"] else None) for h in e["node"]["hops"]]
        for e in found["edges"]
    ]
    return paths, found["undatedExcluded"], found["totalCount"]


@pytest.mark.parametrize(("unit", "knowledge"), [("zte-us", None), ("huawei-uk", None)])
def test_reverse_paths_as_of_a_date_keep_only_dated_hops_and_count_the_rest(
    server: Served, unit: str, knowledge: str | None
) -> None:
    whole, none_left_out, total = routes(server.graphql(ROUTES, **{"from": unit}))
    assert none_left_out == 0 and total == len(whole) > 0
    dated = [p for p in whole if all(date is not None for _, date in p[1:])]
    late, undated, late_total = routes(server.graphql(ROUTES, **{"from": unit, "asOf": "2100"}))
    assert late == dated
    assert late_total == len(dated)
    assert undated == len(whole) - len(dated)
    for year in ("1995", "2005", "2012"):
        then, _, _ = routes(server.graphql(ROUTES, **{"from": unit, "asOf": year}))
        assert then == [p for p in dated if all(d[:4] <= year for _, d in p[1:] if d)]


def test_the_command_line_answers_the_release_question_and_names_a_bad_date(
    tmp_path: Path,
) -> None:
    seeded = kflow("seed", "huawei", data=tmp_path)
    assert seeded.returncode == 0, seeded.stderr
    critical = kflow("analytics", "critical", "huawei", "--format", "csv", data=tmp_path)
    assert critical.returncode == 0, critical.stderr
    assert critical.stdout.splitlines() == ["unit,cut_off", "huawei-rhq,3"]
    release = kflow("analytics", "release", "huawei-rhq", "--format", "csv", data=tmp_path)
    assert release.returncode == 0, release.stderr
    assert 'knowledge,huawei-uk-customer-feedback,"Fu, Sun & Ghauri' in release.stdout
    bad = kflow("analytics", "critical", "huawei", "--as-of", "2001-15", data=tmp_path)
    assert bad.returncode == 1
    assert "--as-of: month 15 does not exist" in bad.stderr


LAG = """
query Lag($firm: ID!) {
  transferLag(firm: $firm) {
    toHq { ...lag } toIntegration { ...lag }
    units(first: 100) {
      totalCount edges { node { unit { id } toHq { ...lag } toIntegration { ...lag } } }
    }
  }
}
fragment lag on LagDistribution { count medianMonths p90Months undated never }"""
SCORECARD = """
query Card($firm: ID!) { firmScorecard(firm: $firm) { measures { name value source } } }"""
LAG_FIELDS = {
    "count": "count",
    "median_months": "medianMonths",
    "p90_months": "p90Months",
    "undated": "undated",
    "never": "never",
}


def test_the_analytics_named_queries_are_listed_as_computed(server: Served) -> None:
    catalogue = {q["name"]: q for q in httpx.get(f"{server.base}/queries").json()}
    computed = {name for name, q in catalogue.items() if q["computed"]}
    # The analytics four, and the two that ask a GraphQL field's own statement.
    assert computed == {
        "list_release_impact",
        "list_critical_units",
        "list_transfer_lag",
        "list_firm_scorecard",
        "list_reverse_transfer_paths",
        "list_integration_events",
    }
    assert not catalogue["list_unit_roles"]["computed"]
    assert {
        (p["name"], p["type"], p["required"]) for p in catalogue["list_critical_units"]["params"]
    } == {
        ("firm", "STRING", True),
        ("asOf", "DATE", False),
    }
    assert all(
        q["columns"][-2:] == ["citation", "assumption"]
        for n, q in catalogue.items()
        if n in computed
    )


def test_the_release_named_queries_answer_as_graphql_and_cite_the_flows(server: Served) -> None:
    impact = data(server.graphql(RELEASE, unit="huawei-rhq"))["releaseImpact"]
    rows = server.named_rows("list_release_impact", unit="huawei-rhq")
    assert [r["id"] for r in rows if r["kind"] == "unit"] == impact["cutOffIds"]
    lost = [r for r in rows if r["kind"] == "knowledge"]
    assert [r["id"] for r in lost] == [k["id"] for k in impact["lostKnowledge"]]
    assert all(r["citation"] for r in rows), rows
    assert all(c.startswith("Fu, Sun & Ghauri") for r in rows for c in r["citation"])

    for as_of in (None, "1990"):
        variables = {"firm": "huawei"} | ({"asOf": as_of} if as_of else {})
        critical = data(server.graphql(CRITICAL, **variables))["criticalUnits"]
        ranked = [
            (e["node"]["unit"]["id"], e["node"]["cutOff"]) for e in critical["units"]["edges"]
        ]
        rows = server.named_rows("list_critical_units", **variables)
        assert [(r["unit"], r["cut_off"]) for r in rows] == ranked, as_of
    assert rows == [] or all(r["citation"] for r in rows)
    rows = server.named_rows("list_critical_units", firm="huawei")
    assert rows[0]["role"] == "regional_hq" and rows[0]["citation"]


@pytest.mark.parametrize("firm", ["zte", "huawei"])
def test_the_lag_and_scorecard_named_queries_answer_as_graphql(server: Served, firm: str) -> None:
    lag = data(server.graphql(LAG, firm=firm))["transferLag"]
    expected = [("firm", firm, lag)] + [
        ("unit", e["node"]["unit"]["id"], e["node"]) for e in lag["units"]["edges"]
    ]
    assert lag["units"]["totalCount"] == len(lag["units"]["edges"]) > 0
    rows = server.named_rows("list_transfer_lag", firm=firm)
    assert [(r["level"], r["id"], r["step"]) for r in rows] == [
        (level, unit, step) for level, unit, _ in expected for step in ("to_hq", "to_integration")
    ]
    for row, (level, _, node) in zip(rows, [e for e in expected for _ in range(2)], strict=True):
        answer = node["toHq" if row["step"] == "to_hq" else "toIntegration"]
        assert {k: row[k] for k in LAG_FIELDS} == {k: answer[f] for k, f in LAG_FIELDS.items()}
        if level == "unit":
            assert row["citation"], row

    card = data(server.graphql(SCORECARD, firm=firm))["firmScorecard"]["measures"]
    rows = server.named_rows("list_firm_scorecard", firm=firm)
    assert [(r["measure"], r["value"], r["source"]) for r in rows] == [
        (m["name"], m["value"], m["source"]) for m in card
    ]
    routes = next(r for r in rows if r["measure"] == "route_share")
    assert routes["citation"] and all(isinstance(c, str) for c in routes["citation"])


@pytest.mark.parametrize(
    ("name", "params", "status", "detail"),
    [
        ("list_critical_units", {"firm": "huawei", "asOf": "2001-15"}, 400, "asOf: month 15"),
        ("list_critical_units", {"firm": "huawei", "asOf": 2001}, 400, "asOf: expects DATE"),
        ("list_critical_units", {}, 400, "firm: is required (STRING)"),
        ("list_transfer_lag", {"firm": "huawei", "unit": "x"}, 400, "unit: is not a parameter"),
        ("list_release_impact", {"unit": "huawei-ku"}, 404, "did you mean huawei-uk"),
        ("list_firm_scorecard", {"firm": "huawie"}, 404, "did you mean huawei"),
    ],
)
def test_a_bad_analytics_parameter_is_refused_by_name(
    server: Served, name: str, params: dict[str, Any], status: int, detail: str
) -> None:
    response = server.post_named_query(name, params)
    assert response.status_code == status, response.text
    assert detail in response.json()["detail"]


def test_the_command_line_runs_the_analytics_named_queries(
    tmp_path: Path, backend: Backend
) -> None:
    assert kflow("seed", "huawei", data=tmp_path, backend=backend).returncode == 0
    listed = kflow("query", "list", "--wide", data=tmp_path, backend=backend)
    assert listed.returncode == 0, listed.stderr
    line = next(line for line in listed.stdout.splitlines() if "list_release_impact" in line)
    assert "computed" in line
    critical = ("query", "list_critical_units", "-p", "firm=huawei")
    [row] = kflow_rows(*critical, data=tmp_path, backend=backend, fmt="csv")
    assert (row["unit"], row["role"], row["cut_off"]) == ("huawei-rhq", "regional_hq", "3")
    assert json.loads(row["citation"]) and json.loads(row["assumption"]) is not None
    release = ("query", "list_release_impact", "-p", "unit=huawei-rhq")
    rows = kflow_rows(*release, data=tmp_path, backend=backend)
    assert [(r["kind"], r["id"]) for r in rows] == [
        ("unit", "huawei-dm-subsidiaries"),
        ("unit", "huawei-em-subsidiaries"),
        ("unit", "huawei-uk"),
        ("knowledge", "huawei-uk-customer-feedback"),
    ]
    bad = kflow(*critical, "-p", "asOf=2001-15", data=tmp_path, backend=backend)
    assert bad.returncode == 1 and "asOf: month 15 does not exist" in bad.stderr

"""The dates transfer lag reads are kept on each knowledge item by every write: they equal
what the graph's flows and integration events give after seeding, recording (through the
service and over HTTP), a bulk load, a restore and the migration of an older graph."""

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from service.bootstrap import open_store
from service.model.case import CaseFile, Flow, IntegrationEvent
from service.services import analytics
from service.services.backup import BACKUP_FORMAT, restore_backup
from service.services.bulk import BULK, delete_firm
from service.services.exchange import render_cases_json
from service.services.migration import migrate_transfer_dates
from service.services.recording import record_flow, record_integration_event
from service.services.seeding import load_case
from service.services.synthetic import FirmSize, generate_firm
from service.settings import Settings
from service.store.port import GraphStore
from tests.helpers import (
    RECORD_FLOW,
    SEED_DIR,
    Backend,
    as_case,
    cite,
    kflow,
    load_test_statement,
    serve,
)
from tests.test_analytics import flow, learning, learning_firm

pytestmark = pytest.mark.e2e

# Per knowledge item: HQ arrival dates (sorted), undated arrivals, integration dates, undated.
Dates = dict[str, tuple[list[str], int, list[str], int]]


def integration(event_id: str, item: str, date: str | None) -> dict[str, Any]:
    return {
        "id": event_id,
        "step": "renew",
        "tier": "low",
        "coordinator": "acme-ccd",
        "description": f"renewed with {item}",
        "knowledge": [item],
        "cite": cite(),
    } | ({"date": date} if date else {})


LAG_FIRM = learning_firm(
    ["acme-k1", "acme-k2"],
    learning=[
        learning("acme-l1", "uk", "acme-k1", "2010-01"),
        learning("acme-l2", "de", "acme-k2", "2012-03-15"),
    ],
    flows=[
        flow("acme-f1", "uk", "europe", "acme-k1", "2010-02"),
        flow("acme-f2", "europe", "ccd", "acme-k1", "2010-06"),
        flow("acme-f3", "de", "europe", "acme-k2", "2012-04-01"),
    ],
    integrations=[integration("acme-i1", "acme-k1", "2012")],
)


async def kept_dates(store: GraphStore, firm_id: str) -> Dates:
    """The dates as kept on the firm's knowledge items."""
    rows = await store.read(
        load_test_statement("analytics/list_knowledge_transfer_dates"), {"firm": firm_id}
    )
    return {
        row["knowledge"]: (
            sorted(row["hq_arrival_dates"]),
            row["hq_arrivals_undated"],
            sorted(row["integration_dates"]),
            row["integrations_undated"],
        )
        for row in rows
    }


async def derived_dates(store: GraphStore, firm_id: str, items: list[str]) -> Dates:
    """The same dates worked out from the firm's flows and integration events themselves."""

    async def steps(name: str, total: str) -> dict[str, tuple[list[str], int]]:
        rows = await store.read(load_test_statement(name), {"firm": firm_id})
        return {
            row["knowledge"]: (sorted(set(row["dates"])), row[total] - len(row["dates"]))
            for row in rows
        }

    arrivals = await steps("analytics/list_hq_arrivals", "flows")
    uses = await steps("analytics/list_knowledge_integrations", "events")
    return {
        item: (*arrivals.get(item, ([], 0)), *uses.get(item, ([], 0)))
        for item in sorted({*items, *arrivals, *uses})
    }


async def assert_kept(store: GraphStore, firm_id: str) -> Dates:
    """The kept dates equal the derived ones (for every item); returns them."""
    kept = await kept_dates(store, firm_id)
    assert kept, f"firm {firm_id} has knowledge items"
    assert kept == await derived_dates(store, firm_id, list(kept))
    return kept


def seed(name: str) -> CaseFile:
    return as_case(yaml.safe_load((SEED_DIR / f"{name}.yaml").read_text()))


async def test_seeded_cases_keep_the_dates_their_facts_give(store: GraphStore) -> None:
    for name in ("huawei", "zte"):
        await load_case(store, case=seed(name))
        kept = await assert_kept(store, name)
        assert any(hq or up or used or uses for hq, up, used, uses in kept.values()), name


async def test_recorded_flows_and_events_keep_the_dates_and_move_the_lag(
    store: GraphStore,
) -> None:
    await load_case(store, case=as_case(LAG_FIRM))
    assert (await assert_kept(store, "acme"))["acme-k1"] == (["2010-06"], 0, ["2012"], 0)
    lag = await analytics.measure_transfer_lag(store, firm_id="acme")
    assert (lag.to_hq.count, lag.to_hq.never) == (1, 1)
    assert lag.to_hq.median_months == 5.0

    async def add_flow(flow_id: str, source: str, item: str, date: str | None) -> None:
        record = flow(flow_id, source, "ccd", item, date)
        if source == "hq":
            record["direction"] = "downward"
        await record_flow(store, flow=Flow.model_validate(record))

    # A later arrival is kept among the dates, but the first one on or after learning stays.
    await add_flow("acme-f4", "europe", "acme-k1", "2011-01")
    assert (await assert_kept(store, "acme"))["acme-k1"][0] == ["2010-06", "2011-01"]
    assert (await analytics.measure_transfer_lag(store, firm_id="acme")).to_hq.median_months == 5
    # An earlier one shortens the lag; an undated one is counted; one from the centre's own
    # level (HQ to centre) is no arrival.
    await add_flow("acme-f5", "uk", "acme-k1", "2010-03")
    await add_flow("acme-f6", "europe", "acme-k2", None)
    await add_flow("acme-f7", "hq", "acme-k2", "2012-04")
    kept = await assert_kept(store, "acme")
    assert kept["acme-k1"][:2] == (["2010-03", "2010-06", "2011-01"], 0)
    assert kept["acme-k2"][:2] == ([], 1)
    lag = await analytics.measure_transfer_lag(store, firm_id="acme")
    assert (lag.to_hq.count, lag.to_hq.median_months, lag.to_hq.undated) == (1, 2.0, 1)

    # Integration events: an earlier date lowers the lag, a later or undated one does not.
    await record_integration_event(
        store, event=IntegrationEvent.model_validate(integration("acme-i2", "acme-k1", "2013"))
    )
    assert (await analytics.measure_transfer_lag(store, firm_id="acme")).to_integration.count == 1
    for event_id, item, date in (("acme-i3", "acme-k1", "2011"), ("acme-i4", "acme-k2", None)):
        await record_integration_event(
            store, event=IntegrationEvent.model_validate(integration(event_id, item, date))
        )
    kept = await assert_kept(store, "acme")
    assert kept["acme-k1"][2:] == (["2011", "2012", "2013"], 0)
    assert kept["acme-k2"][2:] == ([], 1)
    lag = await analytics.measure_transfer_lag(store, firm_id="acme")
    assert (lag.to_integration.median_months, lag.to_integration.undated) == (12.0, 1)


async def test_bulk_loads_keep_the_dates(store: GraphStore) -> None:
    await generate_firm(
        store, size=FirmSize(hubs=2, subsidiaries=20, flows=300, learning=40, integrations=30)
    )
    kept = await assert_kept(store, "synth")
    assert sum(len(hq) + len(used) for hq, _, used, _ in kept.values()) > 40


async def test_a_restore_keeps_the_dates(store: GraphStore) -> None:
    huawei = seed("huawei")
    await load_case(store, case=huawei)
    expected = await assert_kept(store, "huawei")
    lag = await analytics.measure_transfer_lag(store, firm_id="huawei")
    # A restore goes into an empty graph and writes the cases anew (in batches, as a bulk
    # load does): the dates come back with them.
    backup = json.loads(render_cases_json([huawei]))
    backup.update(format=BACKUP_FORMAT, api_keys=[])
    await delete_firm(store, firm_id="huawei")
    await store.write(load_test_statement("integration/delete_integration_cells"))
    await restore_backup(store, data=json.dumps(backup).encode(), name="backup.json")
    assert await assert_kept(store, "huawei") == expected
    analytics._kept_lags.clear()
    assert await analytics.measure_transfer_lag(store, firm_id="huawei") == lag


async def test_a_write_that_forgets_the_dates_is_caught(store: GraphStore) -> None:
    # The check itself: a flow into the centre written without keeping its date (a bulk
    # statement, whose rows leave the dates to `transfer_dates`) no longer matches.
    await load_case(store, case=as_case(LAG_FIRM))
    await assert_kept(store, "acme")
    props = {"id": "acme-f9", "direction": "upward", "mode": "planned", "firm": "acme"}
    props |= {"knowledge": "acme-k2", "date": "2012-03-20"}
    row = {"from": "acme-uk", "to": "acme-ccd", "flows": [props]}
    await store.write(BULK.create_flows, {"rows": [row]})
    with pytest.raises(AssertionError):
        await assert_kept(store, "acme")


async def test_a_graph_without_the_dates_gets_them_at_open(store: GraphStore) -> None:
    await load_case(store, case=seed("huawei"))
    expected = await assert_kept(store, "huawei")
    await store.write(load_test_statement("analytics/delete_knowledge_transfer_dates"))
    heard: list[str] = []
    assert await migrate_transfer_dates(store, report=heard.append) == 1
    assert await assert_kept(store, "huawei") == expected
    assert heard == ["kept the HQ arrival and integration dates of firm huawei's knowledge"]
    assert await migrate_transfer_dates(store, report=heard.append) == 0


LAG = """query($firm: ID!) { transferLag(firm: $firm) {
  toHq { count medianMonths undated } toIntegration { count medianMonths undated } } }"""
RECORD_EVENT = """mutation($input: IntegrationEventInput!) {
  recordIntegrationEvent(input: $input) { __typename } }"""


async def test_recording_over_http_keeps_the_dates(backend: Backend, tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "acme.yaml").write_text(yaml.safe_dump(LAG_FIRM, sort_keys=False))
    assert kflow("seed", "--seed-dir", str(seeds), data=tmp_path, backend=backend).returncode == 0
    up = {"direction": "UPWARD", "mode": "PLANNED", "cite": {"paper": "FU2018", "where": "x"}}
    with serve(tmp_path, backend=backend, KFLOW_ANONYMOUS_ROLE="editor") as server:

        def lag() -> dict[str, Any]:
            answer = server.graphql(LAG, firm="acme")
            assert "errors" not in answer, answer
            result: dict[str, Any] = answer["data"]["transferLag"]
            return result

        assert lag()["toHq"] == {"count": 1, "medianMonths": 5.0, "undated": 0}
        for flow_id, date in (("acme-f4", "2010-09"), ("acme-f5", "2010-04")):
            record = {"id": flow_id, "from": "acme-europe", "to": "acme-ccd", "date": date}
            sent = server.graphql(RECORD_FLOW, input=record | {"knowledge": "acme-k1"} | up)
            assert sent["data"]["recordFlow"]["__typename"] == "FlowRecorded", sent
        assert lag()["toHq"]["medianMonths"] == 3.0
        event = {
            "id": "acme-i2",
            "step": "RENEW",
            "tier": "LOW",
            "coordinator": "acme-ccd",
            "description": "renewed",
            "knowledge": ["acme-k1"],
            "date": "2011",
            "cite": up["cite"],
        }
        sent = server.graphql(RECORD_EVENT, input=event)
        assert sent["data"]["recordIntegrationEvent"]["__typename"] == "IntegrationEventRecorded"
        assert lag()["toIntegration"] == {"count": 1, "medianMonths": 12.0, "undated": 0}
    store = await open_store(Settings(**backend.settings(tmp_path)))
    try:
        kept = await assert_kept(store, "acme")
        assert kept["acme-k1"] == (["2010-04", "2010-06", "2010-09"], 0, ["2011", "2012"], 0)
    finally:
        await store.close()

"""The data kflow derives from flows and integration events (the SENDS_* pair summaries
routes walk, the units' flow counts and brokerage hub metrics read, the items' pairs and
transfer dates, the integration matrix's cells) is kept by two kinds of write: a whole case
derives it at once, a recorded flow or event updates it by one. Both must leave the same
graph whatever order the records arrive in: here shuffled, with an item reaching HQ out of
date order and undated, and an undated event.
"""

import random

import pytest

from service.model.case import CaseFile, Flow
from service.services.exchange import GraphRelationship, export_graph
from service.services.integration import get_integration_matrix
from service.services.recording import record_flow, record_integration_event
from service.services.seeding import load_case
from service.services.synthetic import FirmSize, generate_case_document
from service.store.port import GraphStore

pytestmark = pytest.mark.integration

# Few units and many flows: most pairs carry several flows, so which flow a pair shows
# first and what each unit brokers change as flows arrive.
MANY_FLOWS_FEW_UNITS = FirmSize(hubs=2, subsidiaries=8, flows=80, learning=5, integrations=15)
ITEM = "drv-k000001"


def arrival(flow_id: str, date: str | None) -> Flow:
    """A flow carrying ITEM from a regional hub up to the capability centre."""
    return Flow.model_validate(
        {
            "id": flow_id,
            "from": "drv-hub-01",
            "to": "drv-ccd",
            "direction": "upward",
            "mode": "planned",
            "knowledge": ITEM,
            "date": date,
            "cite": {"paper": "fu2018", "where": "Figure 1"},
        }
    )


async def test_records_added_one_at_a_time_leave_the_derived_data_of_the_case_loaded_whole(
    store: GraphStore,
) -> None:
    case = CaseFile.model_validate(
        generate_case_document(firm_id="drv", size=MANY_FLOWS_FEW_UNITS, seed=1)
    )
    flows = list(case.flows)
    random.Random(1).shuffle(flows)
    # Then ITEM reaches HQ later, undated, and earlier than both.
    flows += [arrival("drv-late", "2031-05"), arrival("drv-undated", None)]
    flows += [arrival("drv-early", "1999-01")]
    undated_event = case.integrations[0].model_copy(
        update={"id": "drv-ie-undated", "date": None, "knowledge": [ITEM]}
    )
    events = [*case.integrations, undated_event]
    random.Random(1).shuffle(events)
    await load_case(store, case=case.model_copy(update={"flows": [], "integrations": []}))
    for flow in flows:
        await record_flow(store, flow=flow)
    for event in events:
        await record_integration_event(store, event=event)
    recorded = await export_graph(store, firm_id="drv", derived=True)
    [item] = [node.properties for node in recorded.nodes if node.id == ITEM]
    assert len(item["hq_arrival_dates"]) >= 3 and item["hq_arrivals_undated"] >= 1
    assert item["integrations_undated"] >= 1
    recorded_matrix = await get_integration_matrix(store, firm_id="drv")

    # The same flows, as recording stamped them, written whole.
    as_recorded = await store.cases.read_case("drv")
    assert as_recorded is not None
    assert (len(as_recorded.flows), len(as_recorded.integrations)) == (len(flows), len(events))
    await store.cases.put_case(as_recorded)
    loaded = await export_graph(store, firm_id="drv", derived=True)
    assert await get_integration_matrix(store, firm_id="drv") == recorded_matrix
    assert sum(cell.total for cell in recorded_matrix) == len(events)

    derived = {"SENDS_UP", "SENDS_DOWN", "SENDS_ACROSS"}
    assert {r.type for r in loaded.relationships} >= derived  # what is compared exists
    assert sorted(loaded.nodes, key=lambda n: n.id) == sorted(recorded.nodes, key=lambda n: n.id)
    assert in_order(loaded.relationships) == in_order(recorded.relationships)


def in_order(relationships: list[GraphRelationship]) -> list[GraphRelationship]:
    return sorted(relationships, key=lambda r: (r.type, r.source, r.target, repr(r.properties)))

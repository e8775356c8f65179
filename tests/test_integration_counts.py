"""The integration matrix reads counts every write keeps: recording an event, replacing a
case (which deletes the events it no longer holds), a bulk load, deleting a firm, and the
migration of a graph written before the counts."""

from collections import Counter

import pytest
import yaml

from service.model.case import CaseFile, IntegrationEvent
from service.services.bulk import delete_firm, load_case_in_batches, write_case
from service.services.integration import (
    INTEGRATION,
    get_integration_matrix,
    list_matrix_cell_events,
)
from service.services.migration import migrate_integration_counts
from service.services.recording import record_integration_event
from service.services.seeding import load_case
from service.store.port import GraphStore
from tests.helpers import SEED_DIR, as_case, cite, load_test_statement

pytestmark = pytest.mark.integration

Cell = tuple[str, str]


def huawei() -> CaseFile:
    return as_case(yaml.safe_load((SEED_DIR / "huawei.yaml").read_text()))


def counted(case: CaseFile, *extra: IntegrationEvent) -> Counter[Cell]:
    """What the matrix should say: the case's events (and any recorded) by tier and step."""
    return Counter((e.tier.value, e.step.value) for e in (*case.integrations, *extra))


async def matrix(store: GraphStore, firm_id: str) -> Counter[Cell]:
    cells = await get_integration_matrix(store, firm_id=firm_id)
    assert len(cells) == 6, "every tier x step cell is present"
    return Counter({(c.tier.value, c.step.value): c.total for c in cells if c.total})


def new_event(case: CaseFile) -> IntegrationEvent:
    """An event in the case's rarest cell, so the count it changes is easy to tell apart."""
    hq = next(u.id for u in case.units if u.role.value == "hq")
    return IntegrationEvent.model_validate(
        {
            "id": f"{case.firm.id}-renew-recorded",
            "step": "renew",
            "tier": "low",
            "coordinator": hq,
            "date": "2020",
            "description": "a renewal recorded through the API",
            "cite": cite("Table 3"),
        }
    )


async def test_recording_and_deleting_an_event_changes_its_cell(store: GraphStore) -> None:
    case = huawei()
    assert case.integrations, "the seed has integration events to count"
    await load_case(store, case=case)
    assert await matrix(store, "huawei") == counted(case)

    event = new_event(case)
    await record_integration_event(store, event=event)
    assert await matrix(store, "huawei") == counted(case, event)
    listed = await list_matrix_cell_events(
        store, firm_id="huawei", tier=event.tier, step=event.step
    )
    assert event.id in [e.id for e in listed]

    # The case again, without the recorded event: the merge deletes it, and its count.
    await load_case(store, case=case)
    assert await matrix(store, "huawei") == counted(case)

    await delete_firm(store, firm_id="huawei")
    assert await load_case_in_batches(store, case=case, name="huawei.yaml")
    assert await matrix(store, "huawei") == counted(case)


async def test_a_graph_written_before_the_counts_is_counted_at_open(store: GraphStore) -> None:
    case = huawei()
    await load_case(store, case=case)
    await store.write(load_test_statement("integration/delete_integration_cells"))
    assert await matrix(store, "huawei") == Counter()
    heard: list[str] = []
    assert await migrate_integration_counts(store, report=heard.append) == 1
    assert await matrix(store, "huawei") == counted(case)
    assert heard == ["counted the integration events of firm huawei into its matrix"]
    assert await migrate_integration_counts(store, report=heard.append) == 0


class LoadCutShort(Exception):
    """The load's failure after everything was written (a publish that fails)."""


async def test_a_load_that_fails_after_counting_leaves_no_integration_cells(
    store: GraphStore,
) -> None:
    case = huawei()
    with pytest.raises(LoadCutShort):
        async with store.bulk_load() as load:
            await write_case(load.graph, case=case, tag=load.tag)
            assert await load.graph.read(INTEGRATION.list_integration_cells, {"firm": "huawei"})
            raise LoadCutShort
    assert await store.read(INTEGRATION.list_integration_cells, {"firm": "huawei"}) == []

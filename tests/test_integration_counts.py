"""The integration matrix reads counts and each cell's first events, which every write
keeps: recording an event, replacing a case (which deletes the events it no longer holds), a
bulk load, deleting a firm, and the migration of a graph written before them."""

from collections import Counter

import pytest
import yaml

from service.model.case import CaseFile, IntegrationEvent
from service.services.bulk import delete_firm, load_case_in_batches, write_case
from service.services.integration import (
    INTEGRATION,
    EventFilter,
    get_integration_matrix,
    list_integration_events,
    list_matrix_cell_events,
)
from service.services.migration import migrate_integration_counts
from service.services.paging import KeysetRequest
from service.services.recording import record_integration_event
from service.services.seeding import load_case
from service.store.cases import CELL_EVENTS
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
    """The matrix's counts, after checking each cell keeps the first events the listing
    sorts for it."""
    cells = await get_integration_matrix(store, firm_id=firm_id)
    assert len(cells) == 6, "every tier x step cell is present"
    for cell in cells:
        kept = [e.id for e in await list_matrix_cell_events(store, cell=cell)]
        listed = await list_integration_events(
            store,
            filters=EventFilter(firm=firm_id, tier=cell.tier, step=cell.step),
            page=KeysetRequest(size=CELL_EVENTS),
        )
        assert kept == [e.id for e in listed.items], (cell.tier, cell.step)
    return Counter({(c.tier.value, c.step.value): c.total for c in cells if c.total})


def new_event(case: CaseFile, suffix: str = "", date: str | None = "2020") -> IntegrationEvent:
    """An event in the case's rarest cell, so the count it changes is easy to tell apart."""
    hq = next(u.id for u in case.units if u.role.value == "hq")
    return IntegrationEvent.model_validate(
        {
            "id": f"{case.firm.id}-renew-recorded{suffix}",
            "step": "renew",
            "tier": "low",
            "coordinator": hq,
            "date": date,
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
    # Recorded events take their place in time order: first, among equals by id, last.
    early, undated = new_event(case, "-early", "1990"), new_event(case, "-undated", None)
    twin = new_event(case, "-0", "2020")
    for recorded in (early, undated, twin):
        await record_integration_event(store, event=recorded)
    assert await matrix(store, "huawei") == counted(case, event, early, undated, twin)
    (cell,) = [
        c
        for c in await get_integration_matrix(store, firm_id="huawei")
        if (c.tier, c.step) == (event.tier, event.step)
    ]
    listed = [e.id for e in await list_matrix_cell_events(store, cell=cell)]
    assert listed[0] == early.id and listed[-1] == undated.id
    assert listed.index(twin.id) == listed.index(event.id) + 1

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
    assert await store.read(INTEGRATION.list_integration_cells, {"firm": "huawei"}) == []
    heard: list[str] = []
    assert await migrate_integration_counts(store, report=heard.append) == 1
    assert await matrix(store, "huawei") == counted(case)
    assert heard == ["counted the integration events of firm huawei into its matrix"]
    assert await migrate_integration_counts(store, report=heard.append) == 0


async def test_cells_counted_without_their_first_events_get_them_at_open(
    store: GraphStore,
) -> None:
    case = huawei()
    await load_case(store, case=case)
    await store.write(load_test_statement("integration/delete_integration_cell_events"))
    cells = await get_integration_matrix(store, firm_id="huawei")
    assert all(cell.first_events == [] for cell in cells)
    assert await migrate_integration_counts(store, report=lambda _: None) == 1
    assert await matrix(store, "huawei") == counted(case)
    assert await migrate_integration_counts(store, report=lambda _: None) == 0


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

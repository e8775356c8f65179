"""Loading in batches: rows are built ahead, but a phase reaches the engine only once the one
before it is all in, and a failed batch stops the load before anything later is sent."""

import asyncio
import contextlib
from collections.abc import AsyncIterator
from itertools import groupby
from typing import Any

import pytest

from service.cypher import Query
from service.model.case import CaseFile
from service.model.files import validate_case_document
from service.services import bulk
from service.services.synthetic import FirmSize, generate_case_document
from service.store.port import BulkLoad
from tests.fakes import MemoryKeyStore

pytestmark = pytest.mark.unit

SIZE = FirmSize(hubs=2, subsidiaries=10, flows=300, learning=20, integrations=5)


class RecordingStore:
    """A store that answers reads with nothing and notes each write as the engine runs it."""

    backend = "recording"

    def __init__(self, *, fail_on: Query | None = None) -> None:
        self.fail_on = fail_on
        self.running: list[str] = []
        self.written: list[str] = []
        self.overlaps: list[list[str]] = []

    async def read(self, query: Query, params: Any = None) -> list[dict[str, Any]]:
        return []

    async def write(self, query: Query, params: Any = None) -> list[dict[str, Any]]:
        if query is bulk.BULK.delete_firm_nodes:
            return []
        if query is self.fail_on:
            raise RuntimeError("the engine went away")
        self.running.append(query.name)
        self.overlaps.append(list(self.running))
        await asyncio.sleep(0.001)
        self.running.remove(query.name)
        self.written.append(query.name)
        return []

    @contextlib.asynccontextmanager
    async def bulk_load(self, *, with_keys: bool = False) -> AsyncIterator[BulkLoad]:
        """The load goes in place, as on Neo4j."""
        yield BulkLoad(graph=self, keys=MemoryKeyStore(), staged=False)


@pytest.fixture(scope="module")
def case() -> CaseFile:
    return validate_case_document(generate_case_document(size=SIZE), name="generated")


async def test_phases_reach_the_engine_one_after_the_other(case: CaseFile) -> None:
    store = RecordingStore()
    summary = await bulk.load_case_in_batches(store, case=case, name="generated", batch_size=50)
    phases = [p.query.name for p in bulk.list_phases(case) if p.count]
    # Last, the firm's integration events are counted into its matrix.
    counted = bulk.INTEGRATION.set_integration_cells.name
    assert [name for name, _ in groupby(store.written)] == [
        bulk.BULK.create_firm.name,
        *phases,
        counted,
    ]
    assert len(store.written) == summary.statements > len(phases) + 2
    assert max(len(running) for running in store.overlaps) == bulk.IN_FLIGHT
    assert all(len(set(running)) == 1 for running in store.overlaps)  # never two phases


async def test_a_failed_batch_stops_the_load_before_the_next_phase(case: CaseFile) -> None:
    store = RecordingStore(fail_on=bulk.BULK.link_reporting_lines)
    with pytest.raises(RuntimeError):
        await bulk.load_case_in_batches(store, case=case, name="generated", batch_size=5)
    await asyncio.sleep(0.01)  # room for any statement that might still be on its way
    units = -(-len(case.units) // 5)
    # The clean-up deletes the firm and counts its (no longer any) integration events.
    cleaned = [bulk.INTEGRATION.set_integration_cells.name]
    assert store.written == [
        bulk.BULK.create_firm.name,
        *[bulk.BULK.create_units.name] * units,
        *cleaned,
    ]

"""A load on the embedded engine writes a copy of the graph, and the copy forks the engine."""

import pytest

from service.store.embedded import EmbeddedStore
from service.store.engine import EngineProcess
from tests.helpers import load_test_statement

pytestmark = pytest.mark.integration

CREATE_UNIT = load_test_statement("contract/create_unit")
LIST_UNITS = load_test_statement("contract/list_units")
# The engine's child writes a key every 0.3 s instead of at once: its log rewrite outlasts
# the next load's start, as a large load's does.
SLOW_CHILD_MICROSECONDS_PER_KEY = 300_000


async def test_a_load_while_the_last_loads_log_rewrite_runs_waits_for_it_and_lands(
    engine: EngineProcess, embedded_store: EmbeddedStore
) -> None:
    client = engine.client()
    client.config_set("rdb-key-save-delay", SLOW_CHILD_MICROSECONDS_PER_KEY)
    try:
        async with embedded_store.bulk_load() as load:
            await load.graph.write(CREATE_UNIT, {"id": "uk", "name": "Huawei UK"})
        # The load ended by starting the engine's log rewrite, which is still running.
        assert client.info("persistence")["aof_rewrite_in_progress"] == 1
        async with embedded_store.bulk_load() as load:
            await load.graph.write(CREATE_UNIT, {"id": "de", "name": "Huawei Germany"})
    finally:
        client.config_set("rdb-key-save-delay", 0)
    names = {row["unit"]["name"] for row in await embedded_store.read(LIST_UNITS)}
    assert names == {"Huawei UK", "Huawei Germany"}

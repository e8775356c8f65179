"""No silent loss: a data directory deleted or replaced under a running server is noticed,
writes are refused, readiness says why; leftovers of a killed load are cleaned at start."""

import asyncio
import shutil
import time
from pathlib import Path

import httpx
import pytest
import yaml

from service.bootstrap import open_store
from service.settings import Settings
from service.store.embedded import EmbeddedStore
from tests.helpers import EMBEDDED, RECORD_UNIT, Served, acme_subsidiary, kflow, serve, tiny_firm

pytestmark = pytest.mark.e2e


def seeded(tmp_path: Path) -> Path:
    seeds, data = tmp_path / "seeds", tmp_path / "data"
    seeds.mkdir()
    (seeds / "acme.yaml").write_text(yaml.safe_dump(tiny_firm("acme"), sort_keys=False))
    assert kflow("seed", "--seed-dir", str(seeds), data=data).returncode == 0
    return data


def wait_unready(server: Served) -> httpx.Response:
    deadline = time.monotonic() + 10
    while True:
        ready = httpx.get(f"{server.base}/readyz", timeout=10)
        if ready.status_code == 503 or time.monotonic() > deadline:
            return ready
        time.sleep(0.2)


@pytest.mark.parametrize("how", ["deleted", "replaced"])
def test_a_data_directory_lost_while_serving_stops_writes_and_readiness_says_why(
    tmp_path: Path, how: str
) -> None:
    data = seeded(tmp_path)
    with serve(data, backend=EMBEDDED, KFLOW_ANONYMOUS_ROLE="editor") as server:
        first = server.graphql(RECORD_UNIT, input=acme_subsidiary("acme-fr"))
        assert first["data"]["recordUnit"]["unit"] == {"id": "acme-fr"}
        shutil.rmtree(data)
        if how == "replaced":
            data.mkdir()
            (data / "engine.lock").write_text("")
            (data / "appendonlydir").mkdir()
        ready = wait_unready(server)
        assert ready.status_code == 503, ready.text
        assert "writes are refused" in ready.json()["detail"]
        assert ("gone" if how == "deleted" else "replaced") in ready.json()["detail"]
        second = httpx.post(
            f"{server.base}/graphql",
            json={"query": RECORD_UNIT, "variables": {"input": acme_subsidiary("acme-it")}},
            timeout=30,
        )
        assert second.status_code == 503
        assert second.json()["data"] is None
        assert second.json()["errors"][0]["extensions"]["code"] == "STORE_UNAVAILABLE"
        assert httpx.get(f"{server.base}/healthz").status_code == 200


def test_a_staged_copy_left_by_a_killed_load_is_dropped_at_start(tmp_path: Path) -> None:
    data = seeded(tmp_path)

    async def leave_copies() -> None:
        store = await open_store(Settings(graph_url=f"embedded://{data}"))
        assert isinstance(store, EmbeddedStore)
        await store.open_staging()
        await store.keys.list_keys()  # the keys graph is made on first use
        await store._keys_graph().open_staging()
        await store.close()

    async def graph_keys() -> list[str]:
        store = await open_store(Settings(graph_url=f"embedded://{data}"))
        assert isinstance(store, EmbeddedStore)
        try:
            reply = await store._db.connection.execute_command("GRAPH.LIST")
            return sorted(reply)
        finally:
            await store.close()

    asyncio.run(leave_copies())
    assert asyncio.run(graph_keys()) == ["kflow", "kflow-auth"]

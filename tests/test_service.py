"""The product as a user meets it: the `kflow` command and a real HTTP server."""

import json
import socket
import subprocess
from pathlib import Path

import httpx
import pytest
import yaml

from tests.backends import NEO4J_VERSION
from tests.helpers import Served, free_port, kflow, tiny_firm

pytestmark = pytest.mark.e2e


def engine_processes(data: Path) -> list[str]:
    found = subprocess.run(["pgrep", "-af", str(data)], capture_output=True, text=True, check=False)
    return [line for line in found.stdout.splitlines() if "redis-server" in line]


def test_the_service_reports_it_is_up(server: Served) -> None:
    base = server.base
    assert httpx.get(f"{base}/healthz").json() == {"status": "ok"}


def test_readiness_names_the_engine_and_counts_the_seeded_graph(server: Served) -> None:
    base, data = server.base, server.data
    ready = httpx.get(f"{base}/readyz").json()
    assert ready["backend"] == server.backend.name
    if server.backend.name == "embedded":
        assert ready["engine_version"].startswith("FalkorDB 4.22")
    else:
        assert ready["engine_version"] == f"Neo4j/{NEO4J_VERSION}"
    assert "location" not in ready  # anyone may ask: no path or URL
    assert str(data) not in json.dumps(ready)
    assert not server.backend.url or server.backend.url not in json.dumps(ready)
    assert ready["nodes"] > 50 and ready["relationships"] > 100


def test_graphql_answers_and_graphiql_is_served(server: Served) -> None:
    base = server.base
    answer = httpx.post(
        f"{base}/graphql", json={"query": "{ storeStatus { backend engineVersion nodes } }"}
    )
    assert answer.json()["data"]["storeStatus"]["backend"] == server.backend.name
    page = httpx.get(f"{base}/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200 and "graphiql" in page.text.lower()


def test_seeding_prints_what_it_created_and_is_idempotent(tmp_path: Path) -> None:
    first = kflow("seed", "tcl", "saic", data=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "tcl" in first.stdout and "saic" in first.stdout
    second = kflow("seed", "tcl", "saic", data=tmp_path)
    assert second.returncode == 0
    assert second.stdout.count("no: unchanged") == 2


def test_an_unknown_case_lists_the_cases_there_are(tmp_path: Path) -> None:
    result = kflow("seed", "nokia", data=tmp_path)
    assert result.returncode == 1
    assert "no case named nokia" in result.stderr and "huawei" in result.stderr


def test_a_bad_seed_file_is_reported_by_line_and_nothing_is_written(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "acme.yaml").write_text(
        "case: acme\ntitle: Acme\nfirm: {id: acme, name: Acme, home_country: China,\n"
        "       cite: {paper: fu2018, where: Table 1}}\nunits:\n"
        "  - {id: acme-hq, name: HQ, role: headquarters, cite: {paper: fu2018, where: x}}\n"
    )
    result = kflow("seed", "--seed-dir", str(seeds), data=tmp_path / "data")
    assert result.returncode == 1
    assert f"{seeds}/acme.yaml:6: units[0].role: Input should be 'hq'" in result.stderr
    assert "nothing was written" in result.stderr
    status = kflow("status", data=tmp_path / "data")
    assert '"nodes": 0' in status.stdout


def test_export_and_import_round_trip_on_the_command_line(tmp_path: Path) -> None:
    assert kflow("seed", "beta", data=tmp_path / "a").returncode == 0
    exported = tmp_path / "beta.json"
    assert (
        kflow("export", "--firm", "beta", "-o", str(exported), data=tmp_path / "a").returncode == 0
    )
    imported = kflow("import", str(exported), data=tmp_path / "b")
    assert imported.returncode == 0, imported.stderr
    again = tmp_path / "again.json"
    kflow("export", "-o", str(again), data=tmp_path / "b")
    assert again.read_text() == exported.read_text()


def test_an_unwritable_data_dir_is_named_and_no_engine_is_left(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    result = kflow("serve", "--port", str(free_port()), data=blocker / "data")
    assert result.returncode != 0
    assert f"{blocker}/data is not writable" in result.stderr
    assert engine_processes(blocker) == []


def test_unsafe_settings_are_refused_before_anything_starts(tmp_path: Path) -> None:
    result = kflow("status", data=tmp_path, KFLOW_GRAPH_URL="bolt://localhost:7687")
    assert result.returncode == 2
    assert "KFLOW_NEO4J_PASSWORD is required" in result.stderr


def test_an_unreachable_neo4j_is_named(tmp_path: Path) -> None:
    result = kflow(
        "status",
        data=tmp_path,
        KFLOW_GRAPH_URL=f"bolt://127.0.0.1:{free_port()}",
        KFLOW_NEO4J_PASSWORD="not-a-real-one",
    )
    assert result.returncode == 1
    assert "cannot be reached" in result.stderr


def test_a_bad_setting_names_its_variable(tmp_path: Path) -> None:
    result = kflow("status", data=tmp_path, KFLOW_ENGINE_FSYNC="never")
    assert result.returncode == 2
    assert "KFLOW_ENGINE_FSYNC: Input should be 'always' or 'everysec'" in result.stderr


def test_serving_on_a_port_in_use_says_so_before_starting_anything(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = kflow("serve", "--port", str(port), data=tmp_path)
    assert result.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr
    assert engine_processes(tmp_path) == []


def test_a_case_file_must_be_named_after_its_case(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "zte.yaml").write_text(yaml.safe_dump(tiny_firm("acme")))
    result = kflow("seed", "--check", "--seed-dir", str(seeds), data=tmp_path / "data")
    assert result.returncode == 1
    assert "the case is named 'acme' but its file is 'zte.yaml'" in result.stderr

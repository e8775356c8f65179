"""Backups: a consistent snapshot restored into an empty store gives back the same graph
and the same working API keys; a restore never writes over existing data."""

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from neo4j import GraphDatabase

from service.services.access import KeyChecker, Role
from service.services.synthetic import SIZES, generate_case_document
from tests.helpers import BACKUP_KEY, KFLOW, REPO, SEED_DIR, Backend, backup_of, kflow, tiny_firm

pytestmark = pytest.mark.e2e


def test_a_backup_restored_into_an_empty_store_gives_the_same_graph(tmp_path: Path) -> None:
    cases = len(list(SEED_DIR.glob("*.yaml")))
    first, second = tmp_path / "first", tmp_path / "second"
    assert kflow("seed", "--seed-dir", str(SEED_DIR), data=first).returncode == 0
    token = kflow(
        "keys", "create", "--name", "analyst", "--role", "analyst", data=first
    ).stdout.strip()
    backup = tmp_path / "kflow-backup.json"
    made = kflow("backup", "-o", str(backup), data=first)
    assert made.returncode == 0, made.stderr
    document = json.loads(backup.read_text())
    assert document["format"] == "kflow-backup/1" and len(document["cases"]) == cases
    assert all(
        "hash" in key and token.split("_", 2)[2] not in json.dumps(key)
        for key in document["api_keys"]
    )

    restored = kflow("restore", str(backup), data=second)
    assert restored.returncode == 0, restored.stderr
    assert f"restored {cases} case(s) and 1 API key(s)" in restored.stderr
    originals = kflow("export", "-o", str(tmp_path / "a.json"), data=first)
    copies = kflow("export", "-o", str(tmp_path / "b.json"), data=second)
    assert originals.returncode == copies.returncode == 0
    assert (tmp_path / "a.json").read_text() == (tmp_path / "b.json").read_text()
    status = [json.loads(kflow("status", data=d).stdout) for d in (first, second)]
    assert (status[0]["nodes"], status[0]["relationships"]) == (
        status[1]["nodes"],
        status[1]["relationships"],
    )
    listed = kflow("keys", "list", data=second).stdout
    assert "analyst" in listed


async def test_a_restored_key_still_opens_the_api(tmp_path: Path) -> None:
    from service.bootstrap import open_store
    from service.settings import Settings

    first, second = tmp_path / "first", tmp_path / "second"
    token = kflow(
        "keys", "create", "--name", "reader", "--role", "reader", data=first
    ).stdout.strip()
    backup = tmp_path / "b.json"
    assert kflow("backup", "-o", str(backup), data=first).returncode == 0
    assert kflow("restore", str(backup), data=second).returncode == 0
    store = await open_store(Settings(graph_url=f"embedded://{second}"))
    try:
        assert await KeyChecker(store.keys).role_of(token) is Role.READER
    finally:
        await store.close()


def test_a_restore_refuses_a_store_that_holds_data(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert kflow("seed", "huawei", data=data).returncode == 0
    backup = tmp_path / "b.json"
    assert kflow("backup", "-o", str(backup), data=data).returncode == 0
    before = kflow("status", data=data).stdout
    refused = kflow("restore", str(backup), data=data)
    assert refused.returncode == 1
    assert "restore into an empty one" in refused.stderr
    assert kflow("status", data=data).stdout == before
    not_a_backup = tmp_path / "x.json"
    not_a_backup.write_text('{"format": "kflow-cases/1", "cases": []}')
    assert (
        "not a kflow backup" in kflow("restore", str(not_a_backup), data=tmp_path / "empty").stderr
    )


def test_a_backup_that_is_not_utf8_gets_a_clear_error(tmp_path: Path) -> None:
    backup = tmp_path / "b.json"
    backup.write_bytes(json.dumps(backup_of(tiny_firm("acme"))).encode() + b"\n\xff\xfe\n")
    refused = kflow("restore", str(backup), data=tmp_path / "data")
    assert refused.returncode == 1
    assert "Traceback" not in refused.stderr
    assert "b.json:2:" in refused.stderr
    assert "not UTF-8" in refused.stderr
    assert json.loads(kflow("status", data=tmp_path / "data").stdout)["nodes"] == 0


def appendonly_bytes(data: Path) -> int:
    return sum(f.stat().st_size for f in (data / "appendonlydir").glob("*") if f.is_file())


def running_statements(backend: Backend) -> list[str]:
    """The statements Neo4j's open transactions are running, besides this question."""
    with GraphDatabase.driver(backend.url, auth=("neo4j", backend.password)) as driver:
        records, _, _ = driver.execute_query(
            "SHOW TRANSACTIONS YIELD currentQuery "
            "WHERE NOT currentQuery STARTS WITH 'SHOW TRANSACTIONS' RETURN currentQuery"
        )
    return [str(record["currentQuery"]) for record in records]


def clear_in_chunks(backend: Backend) -> None:
    """Empty a Neo4j server holding a medium firm: in one transaction, as the next test's
    lease would, it passes the server's memory limit for a transaction."""
    with (
        GraphDatabase.driver(backend.url, auth=("neo4j", backend.password)) as driver,
        driver.session() as session,
    ):
        for statement in (
            "MATCH ()-[r]->() CALL (r) { DELETE r } IN TRANSACTIONS OF 10000 ROWS",
            "MATCH (n) CALL (n) { DELETE n } IN TRANSACTIONS OF 10000 ROWS",
        ):
            session.run(statement).consume()


def wait_until_writing(process: subprocess.Popen[bytes], backend: Backend, data: Path) -> None:
    """Return once the restore is writing its batches: the embedded engine's log grew by
    2 MB, or Neo4j is writing its flows (the middle of the firm)."""
    start_size = None
    deadline = time.monotonic() + 300
    while process.poll() is None and time.monotonic() < deadline:
        if backend.name == "neo4j":
            if any("UNWIND row.flows AS props" in q for q in running_statements(backend)):
                return
        elif (data / "appendonlydir").is_dir():
            size = appendonly_bytes(data)
            start_size = size if start_size is None else start_size
            if size > start_size + 2_000_000:
                return
        time.sleep(0.05)
    raise AssertionError("the restore ended, or never wrote, before it could be killed")


def test_a_restore_killed_half_way_leaves_the_store_as_it_was_and_runs_again(
    tmp_path: Path, backend: Backend
) -> None:
    # A medium firm (1,000 subsidiaries, 100,000 flows): more values than one statement may
    # carry, so it goes in batches; a backup of one generated firm, plus a key.
    original, restored = tmp_path / "original", tmp_path / "restored"
    made = kflow("generate", "--size", "medium", "--firm", "med", data=original)
    assert made.returncode == 0, made.stderr
    case = generate_case_document(firm_id="med", size=SIZES["medium"])
    backup = tmp_path / "medium.json"
    backup.write_text(json.dumps(backup_of(case)))

    try:
        restored.mkdir()
        process = subprocess.Popen(
            [*KFLOW, "restore", str(backup)],
            cwd=REPO,
            env={**os.environ, **backend.env(restored)},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_until_writing(process, backend, restored)
        finally:
            process.send_signal(signal.SIGKILL)
            process.wait()

        if backend.name == "neo4j":  # the server ends what the killed restore was running
            deadline = time.monotonic() + 30
            while running_statements(backend) and time.monotonic() < deadline:
                time.sleep(0.2)
            assert running_statements(backend) == []
        status = json.loads(kflow("status", data=restored, backend=backend).stdout)
        assert (status["nodes"], status["relationships"]) == (0, 0)
        assert (
            kflow("keys", "list", data=restored, backend=backend).stdout.count(BACKUP_KEY["id"])
            == 0
        )

        # A medium firm takes Neo4j minutes on a busy machine: more than kflow()'s limit.
        again = kflow("restore", str(backup), data=restored, backend=backend, timeout=900)
        assert again.returncode == 0, again.stderr
        assert "restored 1 case(s) and 1 API key(s)" in again.stderr
        counts = [
            json.loads(kflow("status", data=original).stdout),
            json.loads(kflow("status", data=restored, backend=backend).stdout),
        ]
        # Neo4j keeps the API key in the graph's database, as one more node.
        keys_in_graph = 1 if backend.name == "neo4j" else 0
        assert (counts[0]["nodes"] + keys_in_graph, counts[0]["relationships"]) == (
            counts[1]["nodes"],
            counts[1]["relationships"],
        )
        assert counts[1]["nodes"] > 30_000
        for question in (
            ["list_hubs_by_outflow", "-p", "firm=med"],
            ["list_unit_roles", "-p", "firm=med"],
            ["count_firm_comparison", "-p", "firms=med"],
        ):
            answers = [
                kflow("query", *question, "--format", "json", data=original),
                kflow("query", *question, "--format", "json", data=restored, backend=backend),
            ]
            assert answers[0].returncode == 0, answers[0].stderr
            assert json.loads(answers[0].stdout)["rows"], question
            assert json.loads(answers[0].stdout) == json.loads(answers[1].stdout)
        assert BACKUP_KEY["id"] in kflow("keys", "list", data=restored, backend=backend).stdout
    finally:
        if backend.name == "neo4j":
            clear_in_chunks(backend)

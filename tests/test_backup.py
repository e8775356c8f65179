"""Backups: a consistent snapshot restored into an empty store gives back the same graph
and the same working API keys; a restore never writes over existing data."""

import json
from pathlib import Path

from service.services.access import KeyChecker, Role
from tests.helpers import SEED_DIR, kflow


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
    from service.settings import Settings
    from service.store import open_store

    first, second = tmp_path / "first", tmp_path / "second"
    token = kflow(
        "keys", "create", "--name", "reader", "--role", "reader", data=first
    ).stdout.strip()
    backup = tmp_path / "b.json"
    assert kflow("backup", "-o", str(backup), data=first).returncode == 0
    assert kflow("restore", str(backup), data=second).returncode == 0
    store = await open_store(Settings(graph_url=f"embedded://{second}"))
    try:
        assert await KeyChecker(await store.auth_store()).role_of(token) is Role.READER
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

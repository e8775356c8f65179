"""Backups move between backends: a backup taken on the embedded engine restores onto Neo4j
with the same graph and the same answers, and a backup of that Neo4j restores onto a fresh
embedded engine just the same."""

import json
from pathlib import Path

import httpx
import pytest

from tests.helpers import EMBEDDED, SEED_DIR, Backend, kflow, serve
from tests.test_analyst import NAMED_ANSWERS

pytestmark = pytest.mark.e2e


def named_answers(data: Path, backend: Backend) -> dict[str, object]:
    with serve(data, backend=backend) as served:
        return {
            name: httpx.post(
                f"{served.base}/queries/{name}", json={"parameters": params}, timeout=60
            ).json()
            for name, (params, _) in sorted(NAMED_ANSWERS.items())
        }


def test_a_backup_crosses_from_embedded_to_neo4j_and_back(
    tmp_path: Path, neo4j_backend: Backend
) -> None:
    first, on_neo4j, back = tmp_path / "first", tmp_path / "neo4j", tmp_path / "back"
    on_neo4j.mkdir()
    seeded = kflow("seed", "--seed-dir", str(SEED_DIR), data=first)
    assert seeded.returncode == 0, seeded.stderr
    assert kflow("keys", "create", "--name", "nightly", "--role", "analyst", data=first).stdout

    def backup(data: Path, backend: Backend, name: str) -> Path:
        path = tmp_path / name
        made = kflow("backup", "-o", str(path), data=data, backend=backend)
        assert made.returncode == 0, made.stderr
        return path

    def restore(path: Path, data: Path, backend: Backend) -> None:
        restored = kflow("restore", str(path), data=data, backend=backend)
        assert restored.returncode == 0, restored.stderr

    def export(data: Path, backend: Backend, name: str) -> str:
        done = kflow("export", "-o", str(tmp_path / name), data=data, backend=backend)
        assert done.returncode == 0, done.stderr
        return (tmp_path / name).read_text()

    restore(backup(first, EMBEDDED, "embedded.json"), on_neo4j, neo4j_backend)
    restore(backup(on_neo4j, neo4j_backend, "neo4j.json"), back, EMBEDDED)

    original = export(first, EMBEDDED, "a.json")
    assert export(on_neo4j, neo4j_backend, "b.json") == original
    assert export(back, EMBEDDED, "c.json") == original
    assert "nightly" in kflow("keys", "list", data=on_neo4j, backend=neo4j_backend).stdout
    assert "nightly" in kflow("keys", "list", data=back).stdout
    assert json.loads((tmp_path / "neo4j.json").read_text())["api_keys"]
    assert named_answers(on_neo4j, neo4j_backend) == named_answers(back, EMBEDDED)

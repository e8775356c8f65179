"""Backups on the in-memory store: what a backup document holds, and every check a restore
makes before it writes (a corrupt or foreign document, a store that is not empty)."""

import io
import json
from typing import Any

import pytest

from service.model.case import canonical_json
from service.model.files import CaseFileInvalid
from service.services.backup import BACKUP_FORMAT, StoreNotEmpty, restore_backup, write_backup
from service.services.exchange import parse_case_documents
from tests.fakes import MemoryStore
from tests.helpers import BACKUP_KEY, as_case, backup_of, tiny_firm, tiny_flow

pytestmark = pytest.mark.unit


def reusing_ids(document: dict[str, Any], *, firm: str, of: str) -> dict[str, Any]:
    """A copy of a case document for another firm that keeps the first firm's unit ids."""
    text = json.dumps(document).replace(f'"{of}"', f'"{firm}"')
    copy: dict[str, Any] = json.loads(text)
    return copy


CORRUPT: dict[str, tuple[Any, str]] = {
    "the same key twice": (
        backup_of(tiny_firm("acme"), keys=[BACKUP_KEY, BACKUP_KEY]),
        "api_keys[1].id: the same id as api_keys[0]",
    ),
    "a map-valued key field": (
        backup_of(tiny_firm("acme"), keys=[{**BACKUP_KEY, "name": {"first": "x"}}]),
        "api_keys[0].name",
    ),
    "an unknown role": (
        backup_of(tiny_firm("acme"), keys=[{**BACKUP_KEY, "role": "superuser"}]),
        "api_keys[0].role",
    ),
    "api_keys not a list": (backup_of(tiny_firm("acme"), keys=5), "api_keys must be a list"),
    "ids reused across firms": (
        backup_of(tiny_firm("acme"), reusing_ids(tiny_firm("acme"), firm="other", of="acme")),
        "id 'acme-uk' is defined by more than one firm (acme, other)",
    ),
    "a case that breaks the model": (
        backup_of(tiny_firm("acme")) | {"cases": [{"case": "acme", "firm": {"id": "acme"}}]},
        "b.json#cases[0]: firm.name",
    ),
    "a case export, not a backup": (
        {"format": "kflow-cases/1", "cases": []},
        "not a kflow backup (want format 'kflow-backup/1')",
    ),
}


@pytest.mark.parametrize("corruption", sorted(CORRUPT))
async def test_a_corrupt_backup_is_refused_whole_naming_the_problem(corruption: str) -> None:
    store = MemoryStore()
    document, problem = CORRUPT[corruption]
    data = json.dumps(document).encode()
    with pytest.raises(CaseFileInvalid) as refused:
        await restore_backup(store, data=data, name="b.json")
    assert problem in str(refused.value)
    assert await store.cases.count_graph() == (0, 0)
    assert await store.keys.list_key_records() == []


async def test_a_backup_that_is_not_utf8_is_refused_naming_its_line() -> None:
    data = json.dumps(backup_of(tiny_firm("acme"))).encode() + b"\n\xff\xfe\n"
    with pytest.raises(CaseFileInvalid) as refused:
        await restore_backup(MemoryStore(), data=data, name="b.json")
    [problem] = refused.value.problems
    assert (problem.file, problem.line) == ("b.json", 2)
    assert problem.message.startswith("not UTF-8 text (byte ")


@pytest.mark.parametrize("holding", ["a case", "an API key"])
async def test_a_restore_refuses_a_store_that_holds_data(holding: str) -> None:
    store = MemoryStore()
    if holding == "a case":
        await store.cases.put_case(as_case(tiny_firm("bolt")))
    else:
        await store.keys.add_key(BACKUP_KEY)
    data = json.dumps(backup_of(tiny_firm("acme"))).encode()
    with pytest.raises(StoreNotEmpty, match="restore into an empty one"):
        await restore_backup(store, data=data, name="b.json")
    assert await store.cases.read_case("acme") is None


async def test_a_backup_holds_every_case_and_every_key_with_its_hash() -> None:
    store = MemoryStore()
    flow = tiny_flow("f1", "uk", "de", "horizontal", firm_id="bolt")
    bolt = as_case(tiny_firm("bolt", flows=[flow]))
    await store.cases.put_case(bolt)
    await store.cases.put_case(as_case(tiny_firm("acme")))
    await store.keys.add_key(BACKUP_KEY)
    out = io.StringIO()
    await write_backup(store, out)
    document = json.loads(out.getvalue())
    assert document["format"] == BACKUP_FORMAT
    cases = parse_case_documents(document["cases"], name="backup")
    assert [case.firm.id for case in cases] == ["acme", "bolt"]
    assert canonical_json(cases[1]) == canonical_json(bolt)
    assert document["api_keys"] == [{**BACKUP_KEY, "revoked_at": None}]
    # Laid out as `json.dumps(indent=2)` lays out the same document.
    assert out.getvalue() == json.dumps(document, indent=2, ensure_ascii=False) + "\n"


async def test_an_empty_store_backs_up_as_an_empty_document() -> None:
    out = io.StringIO()
    await write_backup(MemoryStore(), out)
    document = json.loads(out.getvalue())
    assert (document["cases"], document["api_keys"]) == ([], [])
    assert out.getvalue() == json.dumps(document, indent=2, ensure_ascii=False) + "\n"

"""Backups: a consistent snapshot of the graph (and the API keys) as one JSON file, and
restoring it into an empty store."""

import datetime
import json
from typing import Any

from pydantic import BaseModel

from service import cypher
from service.model.files import CaseFileInvalid, FileProblem
from service.services.access import CREATE_API_KEY
from service.services.cases import LoadSummary, load_case
from service.services.errors import ExpectedFailure
from service.services.exchange import (
    export_cases,
    parse_case_documents,
    read_json_document,
    render_cases_json,
)
from service.services.health import get_readiness
from service.store.port import GraphStore

LIST_API_KEY_RECORDS = cypher.load("keys/list_api_key_records")
BACKUP_FORMAT = "kflow-backup/1"


class StoreNotEmpty(ExpectedFailure):
    """A restore goes into an empty store only."""


class RestoreSummary(BaseModel):
    cases: list[LoadSummary]
    api_keys: int


async def create_backup(store: GraphStore) -> str:
    """The graph as of one instant, plus the API keys (hashed), as a JSON document."""
    async with store.snapshot() as frozen:
        cases = await export_cases(frozen)
    keys = [row["key"] for row in await (await store.auth_store()).read(LIST_API_KEY_RECORDS)]
    document = json.loads(render_cases_json(cases))
    document.update(
        format=BACKUP_FORMAT,
        created_at=datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        api_keys=keys,
    )
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _keys_of(document: dict[str, Any], name: str) -> list[dict[str, Any]]:
    keys = document.get("api_keys", [])
    wanted = {"id", "name", "role", "hash", "created_at"}
    bad = [i for i, k in enumerate(keys) if not isinstance(k, dict) or not wanted <= k.keys()]
    if not isinstance(keys, list) or bad:
        raise CaseFileInvalid(
            [
                FileProblem(
                    name,
                    f"api_keys[{bad[0] if bad else 0}]",
                    None,
                    f"an API key needs {', '.join(sorted(wanted))}",
                )
            ]
        )
    return keys


async def restore_backup(store: GraphStore, *, text: str, name: str) -> RestoreSummary:
    """Load a backup into an empty store; everything is validated before anything is written."""
    document = read_json_document(text, name=name, kind="backup", fmt=BACKUP_FORMAT)
    keys = _keys_of(document, name)
    cases = parse_case_documents(document.get("cases", []), name=name)
    auth = await store.auth_store()
    if (await get_readiness(store)).nodes or await auth.read(LIST_API_KEY_RECORDS):
        raise StoreNotEmpty(
            "the store already holds data: restore into an empty one "
            "(a new data directory or database)"
        )
    summaries = [await load_case(store, case=case) for case in cases]
    for key in keys:
        await auth.write(CREATE_API_KEY, {"key": {k: v for k, v in key.items() if v is not None}})
    return RestoreSummary(cases=summaries, api_keys=len(keys))

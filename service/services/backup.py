"""Backups: a consistent snapshot of the graph (and the API keys) as one JSON file, and
restoring it into an empty store."""

import datetime
import json
import time
from typing import Any, Literal, TextIO

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from service.model.case import CaseFile, count_records
from service.model.files import CaseFileInvalid, FileProblem
from service.services.bulk import write_case
from service.services.errors import ExpectedFailure
from service.services.exchange import parse_case_documents, read_json_document
from service.services.health import count_graph, get_readiness
from service.store.case_json import write_items
from service.store.cases import node_ids
from service.store.port import GraphStore, LoadTargetNotEmpty

BACKUP_FORMAT = "kflow-backup/1"


class StoreNotEmpty(ExpectedFailure):
    """A restore goes into an empty store only."""


class RestoredCase(BaseModel):
    case: str
    firm: str
    records: dict[str, int]


class RestoreSummary(BaseModel):
    cases: list[RestoredCase]
    api_keys: int
    nodes: int
    relationships: int
    seconds: float


async def write_backup(store: GraphStore, out: TextIO) -> None:
    """The graph as of one instant, plus the API keys (hashed), as a JSON document written
    to `out` a page of the graph at a time."""
    out.write("{\n" + f'  "format": {json.dumps(BACKUP_FORMAT)},\n  "cases": ')
    written = 0
    async with store.snapshot() as frozen:
        for firm_id in await frozen.cases.list_firm_ids():
            prefix = ("[" if not written else ",") + "\n    "
            written += await frozen.cases.write_case_json(
                out, firm_id=firm_id, depth=2, prefix=prefix
            )
    out.write("\n  ]" if written else "[]")
    created_at = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
    out.write(f',\n  "created_at": {json.dumps(created_at)},\n  "api_keys": ')
    write_items(out, await store.keys.list_key_records(), depth=1)
    out.write("\n}\n")


class KeyRecord(BaseModel):
    """An API key as a backup holds it: the hash of its secret, never the secret."""

    model_config = ConfigDict(extra="forbid", strict=True)

    id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")
    name: str = Field(min_length=1, max_length=100)
    role: Literal["reader", "analyst", "editor", "admin"]
    hash: str = Field(pattern=r"^[0-9a-f]{64}$")
    created_at: int
    revoked_at: int | None = None


def decode_backup(data: bytes, *, name: str) -> str:
    """The backup's text, or CaseFileInvalid when it is not UTF-8."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise CaseFileInvalid(
            [FileProblem(name, "", line, f"not UTF-8 text (byte {err.start}: {err.reason})")]
        ) from None


def check_key_records(document: dict[str, Any], *, name: str) -> list[dict[str, Any]]:
    """Every API key record checked (fields, types, role; ids and hashes unique), or
    CaseFileInvalid listing every problem."""
    keys = document.get("api_keys", [])
    if not isinstance(keys, list):
        raise CaseFileInvalid(
            [FileProblem(name, "api_keys", None, "api_keys must be a list of key records")]
        )
    problems: list[FileProblem] = []
    records: list[dict[str, Any]] = []
    for index, key in enumerate(keys):
        try:
            records.append(KeyRecord.model_validate(key).model_dump(exclude_none=True))
        except ValidationError as err:
            for error in err.errors():
                where = ".".join(str(part) for part in error["loc"])
                problems.append(
                    FileProblem(
                        name, f"api_keys[{index}]{'.' + where if where else ''}", None, error["msg"]
                    )
                )
    for field in ("id", "hash"):
        seen: dict[str, int] = {}
        for index, record in enumerate(records):
            if record[field] in seen:
                problems.append(
                    FileProblem(
                        name,
                        f"api_keys[{index}].{field}",
                        None,
                        f"the same {field} as api_keys[{seen[record[field]]}]: a key's {field} "
                        "is unique",
                    )
                )
            seen.setdefault(record[field], index)
    if problems:
        raise CaseFileInvalid(problems)
    return records


def check_ids_unique(cases: list[CaseFile], *, name: str) -> None:
    """Refuse cases that define the same node id twice: ids are unique across the graph."""
    owners: dict[str, str] = {}
    clashes: dict[str, set[str]] = {}
    for case in cases:
        for node_id in node_ids(case):
            owner = owners.setdefault(node_id, case.firm.id)
            if owner != case.firm.id or node_id in clashes:
                clashes.setdefault(node_id, {owner}).add(case.firm.id)
    if clashes:
        raise CaseFileInvalid(
            [
                FileProblem(
                    name,
                    "cases",
                    None,
                    f"id '{node_id}' is defined by more than one firm "
                    f"({', '.join(sorted(firms))}): ids are unique across the whole graph",
                )
                for node_id, firms in sorted(clashes.items())
            ]
        )


async def restore_backup(store: GraphStore, *, data: bytes, name: str) -> RestoreSummary:
    """Load a backup into an empty store, all or nothing, every record checked first."""
    document = read_json_document(
        decode_backup(data, name=name), name=name, kind="backup", fmt=BACKUP_FORMAT
    )
    keys = check_key_records(document, name=name)
    cases = parse_case_documents(document.get("cases", []), name=name)
    check_ids_unique(cases, name=name)
    if (await get_readiness(store)).nodes or await store.keys.list_key_records():
        raise StoreNotEmpty(
            "the store already holds data: restore into an empty one "
            "(a new data directory or database)"
        )
    started = time.perf_counter()
    # A load with the keys is whole or nothing on every backend: one killed half-way leaves
    # the store as it was. It refuses to start on data (another restore may have finished
    # since the check above) and while another one runs.
    try:
        async with store.bulk_load(with_keys=True) as load:
            for case in cases:
                await write_case(load.graph, case=case, tag=load.tag)
            for key in keys:
                await load.keys.add_key(key)
    except LoadTargetNotEmpty as err:
        raise StoreNotEmpty(str(err)) from None
    nodes, relationships = await count_graph(store)
    return RestoreSummary(
        cases=[
            RestoredCase(case=case.case, firm=case.firm.id, records=dict(count_records(case)))
            for case in cases
        ],
        api_keys=len(keys),
        nodes=nodes,
        relationships=relationships,
        seconds=time.perf_counter() - started,
    )
